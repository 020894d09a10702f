"""A typical wrong answer to exercise 9.4: Q = r + P V, the discount of the next value lost."""

import numpy as np

MISTAKE = "Q(s, a) = r(s, a) + sum_s' P(s'|s, a) V(s')"  # the checker must name it


def grad_j_start(mdp, pi, score, b):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    M = np.eye(S) - mdp.gamma * P_pi
    eta = np.linalg.solve(M.T, mdp.d0)
    Q = mdp.R + mdp.P @ np.linalg.solve(M, (pi * mdp.R).sum(1))
    return np.einsum("s,sa,sak,sa->k", eta, pi, score, Q - b[:, None])
