"""A typical wrong answer to exercise 9.6: the discounted Q in place of the differential q~."""

import numpy as np

MISTAKE = "the discounted Q^pi_gamma in place of the differential q~ (AVVQ)"  # must be named


def grad_j_average_value(mdp, pi, score):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    d = np.linalg.solve((np.eye(S) - P_pi + np.ones((S, S))).T, np.ones(S))
    V = np.linalg.solve(np.eye(S) - mdp.gamma * P_pi, (pi * mdp.R).sum(1))
    Q = mdp.R + mdp.gamma * mdp.P @ V
    return np.einsum("s,sa,sak,sa->k", d, pi, score, Q) / (1 - mdp.gamma)
