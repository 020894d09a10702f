"""A typical wrong answer to exercise 4.7: a time-limit cut treated as termination."""


import numpy as np

MISTAKE = 'a truncated episode treated as terminated'  # the checker must name it


def n_step_td(theta, x, rewards, terminated, n, alpha, gamma):
    theta = np.array(theta, dtype=float)
    T = len(rewards)
    for tau in range(T):
        h = min(tau + n, T)
        G = sum(gamma**k * rewards[tau + k] for k in range(h - tau))
        if h < T:  # wrong: a truncated episode still bootstraps from v_hat(S_T)
            G += gamma ** (h - tau) * (theta @ x[h])
        theta += alpha * (G - theta @ x[tau]) * x[tau]
    return theta
