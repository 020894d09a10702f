"""A typical wrong answer to exercise 4.6: the bootstrap is not discounted."""


import numpy as np

MISTAKE = 'a missing gamma^n on the bootstrap'  # the checker must name it


def n_step_returns(rewards, v, terminated, n, gamma):
    T = len(rewards)
    G = np.zeros(T)
    for t in range(T):
        h = min(t + n, T)
        G[t] = sum(gamma**k * rewards[t + k] for k in range(h - t))
        if not (h == T and terminated):
            G[t] += v[h]
    return G
