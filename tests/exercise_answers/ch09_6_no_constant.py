"""A typical wrong answer to exercise 9.6: grad J_avR, the 1/(1 - gamma) forgotten."""

import numpy as np

MISTAKE = "the constant 1/(1 - gamma) is missing"  # the checker must name it


def grad_j_average_value(mdp, pi, score):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    r_pi = (pi * mdp.R).sum(1)
    d = np.linalg.solve((np.eye(S) - P_pi + np.ones((S, S))).T, np.ones(S))
    rho = d @ r_pi
    v = np.linalg.solve(np.eye(S) - P_pi + np.outer(np.ones(S), d), r_pi - rho)
    q = mdp.R - rho + mdp.P @ v
    return np.einsum("s,sa,sak,sa->k", d, pi, score, q)
