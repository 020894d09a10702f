"""A typical wrong answer to exercise 1.5: the end of the episode always zeroes the target."""


import numpy as np

MISTAKE = 'a time-limit cut-off treated as termination'  # the checker must name it


def td0_features_episode(theta, x, r, terminated, alpha, gamma):
    theta = np.array(theta, dtype=float)
    T = len(r)
    for t in range(T):
        v_next = 0.0 if t == T - 1 else theta @ x[t + 1]
        delta = r[t] + gamma * v_next - theta @ x[t]
        theta += alpha * delta * x[t]
    return theta
