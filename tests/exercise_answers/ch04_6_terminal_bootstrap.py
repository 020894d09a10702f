"""A typical wrong answer to exercise 4.6: bootstraps from the terminal state."""


import numpy as np

MISTAKE = 'bootstrapping from the terminal state'  # the checker must name it


def n_step_returns(rewards, v, terminated, n, gamma):
    T = len(rewards)
    G = np.zeros(T)
    for t in range(T):
        h = min(t + n, T)
        G[t] = sum(gamma**k * rewards[t + k] for k in range(h - t)) + gamma ** (h - t) * v[h]
    return G
