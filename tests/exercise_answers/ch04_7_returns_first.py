"""A typical wrong answer to exercise 4.7: all n-step returns computed before any update
(exercise 4.6's returns with the weights of the start of the episode)."""

import numpy as np

MISTAKE = "every return computed up front"


def n_step_td(theta, x, rewards, terminated, n, alpha, gamma):
    theta = np.array(theta, dtype=float)
    T = len(rewards)
    v = x @ theta  # wrong: the bootstraps must be read with the current theta
    G = np.zeros(T)
    for tau in range(T):
        h = min(tau + n, T)
        G[tau] = sum(gamma**k * rewards[tau + k] for k in range(h - tau))
        if not (h == T and terminated):
            G[tau] += gamma ** (h - tau) * v[h]
    for tau in range(T):
        theta += alpha * (G[tau] - theta @ x[tau]) * x[tau]
    return theta
