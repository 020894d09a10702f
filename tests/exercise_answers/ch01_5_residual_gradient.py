"""A typical wrong answer to exercise 1.5: the gradient taken through the TD target too."""


import numpy as np

MISTAKE = 'the gradient through the TD target'  # the checker must name it


def td0_features_episode(theta, x, r, terminated, alpha, gamma):
    theta = np.array(theta, dtype=float)
    T = len(r)
    for t in range(T):
        end = terminated and t == T - 1
        x_next = np.zeros_like(x[t]) if end else x[t + 1]
        delta = r[t] + gamma * theta @ x_next - theta @ x[t]
        theta += alpha * delta * (x[t] - gamma * x_next)  # d(delta^2 / 2) / d theta
    return theta
