"""A typical wrong answer to exercise 7.4: the bootstrap is always discounted by gamma^n."""


import numpy as np

MISTAKE = 'gamma^n for every target'  # the checker must name it


def n_step_targets(rewards, q, terminated, n, gamma):
    T = len(rewards)
    y = np.zeros(T)
    for t in range(T):
        m = min(n, T - t)
        done = terminated and t + m == T
        y[t] = sum(gamma**k * rewards[t + k] for k in range(m))
        y[t] += gamma**n * (1 - done) * q[t + m].max()
    return y
