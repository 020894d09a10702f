"""A typical wrong answer to exercise 1.5: the last step bootstraps from the terminal state."""


import numpy as np

MISTAKE = 'bootstrapping from the terminal state'  # the checker must name it


def td0_features_episode(theta, x, r, terminated, alpha, gamma):
    theta = np.array(theta, dtype=float)
    for t in range(len(r)):
        delta = r[t] + gamma * theta @ x[t + 1] - theta @ x[t]
        theta += alpha * delta * x[t]
    return theta
