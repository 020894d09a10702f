"""A typical wrong answer to exercise 3.8: the best fit of v_pi, not TD's limit."""


import numpy as np

MISTAKE = "the projection of v_pi (gradient Monte Carlo's limit)"  # the checker must name it


def linear_td_fixed_point(P, r, phi, mu, gamma):
    v = np.linalg.solve(np.eye(len(r)) - gamma * P, r)  # v_pi
    D_phi = mu[:, None] * phi
    return np.linalg.solve(D_phi.T @ phi, D_phi.T @ v)
