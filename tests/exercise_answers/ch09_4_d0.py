"""A typical wrong answer to exercise 9.4: only the start states weighted."""

import numpy as np

MISTAKE = "the start distribution d0 in place of eta_gamma"  # the checker must name it


def grad_j_start(mdp, pi, score, b):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    V = np.linalg.solve(np.eye(S) - mdp.gamma * P_pi, (pi * mdp.R).sum(1))
    Q = mdp.R + mdp.gamma * mdp.P @ V
    return np.einsum("s,sa,sak,sa->k", mdp.d0, pi, score, Q - b[:, None])
