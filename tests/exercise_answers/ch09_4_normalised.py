"""A typical wrong answer to exercise 9.4: the visitation normalised (the constant lost)."""

import numpy as np

MISTAKE = "eta_gamma normalised to a distribution"  # the checker must name it


def grad_j_start(mdp, pi, score, b):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    M = np.eye(S) - mdp.gamma * P_pi
    eta = np.linalg.solve(M.T, mdp.d0)
    Q = mdp.R + mdp.gamma * mdp.P @ np.linalg.solve(M, (pi * mdp.R).sum(1))
    return np.einsum("s,sa,sak,sa->k", eta / eta.sum(), pi, score, Q - b[:, None])
