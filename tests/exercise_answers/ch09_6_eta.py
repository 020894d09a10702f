"""A typical wrong answer to exercise 9.6: the start-state weights of (PGT1) reused."""

import numpy as np

MISTAKE = "the discounted visitation eta_gamma from d0 in place of the stationary d^pi"


def grad_j_average_value(mdp, pi, score):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    r_pi = (pi * mdp.R).sum(1)
    d = np.linalg.solve((np.eye(S) - P_pi + np.ones((S, S))).T, np.ones(S))
    rho = d @ r_pi
    v = np.linalg.solve(np.eye(S) - P_pi + np.outer(np.ones(S), d), r_pi - rho)
    q = mdp.R - rho + mdp.P @ v
    eta = np.linalg.solve((np.eye(S) - mdp.gamma * P_pi).T, mdp.d0)
    return np.einsum("s,sa,sak,sa->k", eta, pi, score, q) / (1 - mdp.gamma)
