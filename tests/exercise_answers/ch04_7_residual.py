"""A typical wrong answer to exercise 4.7: the gradient of the bootstrap is kept."""


import numpy as np

MISTAKE = 'the gradient flows through the bootstrap'  # the checker must name it


def n_step_td(theta, x, rewards, terminated, n, alpha, gamma):
    theta = np.array(theta, dtype=float)
    T = len(rewards)
    for tau in range(T):
        h = min(tau + n, T)
        G = sum(gamma**k * rewards[tau + k] for k in range(h - tau))
        x_h = np.zeros_like(x[tau]) if (h == T and terminated) else x[h]
        G += gamma ** (h - tau) * (theta @ x_h)
        # d((G - v)^2 / 2) / d theta, all of it: the target is differentiated too
        theta += alpha * (G - theta @ x[tau]) * (x[tau] - gamma ** (h - tau) * x_h)
    return theta
