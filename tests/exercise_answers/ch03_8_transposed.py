"""A typical wrong answer to exercise 3.8: P applied from the wrong side."""


import numpy as np

MISTAKE = 'P transposed'  # the checker must name it


def linear_td_fixed_point(P, r, phi, mu, gamma):
    D = np.diag(mu)
    A = phi.T @ D @ (np.eye(len(r)) - gamma * P.T) @ phi
    return np.linalg.solve(A, phi.T @ D @ r)
