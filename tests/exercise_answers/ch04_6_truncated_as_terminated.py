"""Exercise 4.6, a typical wrong answer: no bootstrap past the end of a truncated episode."""

import numpy as np

MISTAKE = "a truncated episode treated as terminated"


def n_step_returns(rewards, v, terminated, n, gamma):
    T = len(rewards)
    G = np.zeros(T)
    for t in range(T):
        h = min(t + n, T)
        G[t] = sum(gamma ** (k - 1) * rewards[t + k - 1] for k in range(1, h - t + 1))
        if h < T:  # wrong: a truncated episode bootstraps from v_hat(S_T) too
            G[t] += gamma ** (h - t) * v[h]
    return G
