"""A typical wrong answer to exercise 7.4: the terminated flag is never used."""


import numpy as np

MISTAKE = 'bootstrapping from a terminal state'  # the checker must name it


def n_step_targets(rewards, q, terminated, n, gamma):
    T = len(rewards)
    y = np.zeros(T)
    for t in range(T):
        m = min(n, T - t)
        y[t] = sum(gamma**k * rewards[t + k] for k in range(m)) + gamma**m * q[t + m].max()
    return y
