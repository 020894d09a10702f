"""A typical wrong answer to exercise 7.4: `terminated or truncated` ends the bootstrap."""


import numpy as np

MISTAKE = 'a time-limit cut treated as terminal'  # the checker must name it


def n_step_targets(rewards, q, terminated, n, gamma):
    T = len(rewards)
    y = np.zeros(T)
    for t in range(T):
        m = min(n, T - t)
        done = t + m == T  # the episode ended here, whichever way
        y[t] = sum(gamma**k * rewards[t + k] for k in range(m))
        if not done:
            y[t] += gamma**m * q[t + m].max()
    return y
