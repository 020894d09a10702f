"""A typical wrong answer to exercise 9.4: states weighted by their undiscounted visits."""

import numpy as np

MISTAKE = "the undiscounted visit counts d0^T (I - P_pi)^{-1} in place of eta_gamma"


def grad_j_start(mdp, pi, score, b):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    eta1 = np.linalg.solve((np.eye(S) - P_pi).T, mdp.d0)  # gamma forgotten here
    V = np.linalg.solve(np.eye(S) - mdp.gamma * P_pi, (pi * mdp.R).sum(1))
    Q = mdp.R + mdp.gamma * mdp.P @ V
    return np.einsum("s,sa,sak,sa->k", eta1, pi, score, Q - b[:, None])
