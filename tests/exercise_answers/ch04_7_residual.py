"""A typical wrong answer to exercise 4.7: the gradient of the target is kept."""


import numpy as np

MISTAKE = 'the gradient flows through the TD target'  # the checker must name it


def td0_episode(theta, x, rewards, terminated, alpha, gamma):
    theta = np.array(theta, dtype=float)
    T = len(rewards)
    for t in range(T):
        x_next = np.zeros_like(x[t]) if (terminated and t == T - 1) else x[t + 1]
        delta = rewards[t] + gamma * theta @ x_next - theta @ x[t]
        theta += alpha * delta * (x[t] - gamma * x_next)  # d(delta^2/2)/d theta, all of it
    return theta
