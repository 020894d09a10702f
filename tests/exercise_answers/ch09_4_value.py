"""A typical wrong answer to exercise 9.4: the state value in place of the action value."""

import numpy as np

MISTAKE = "V(s) - b(s) in place of Q(s, a) - b(s)"  # the checker must name it


def grad_j_start(mdp, pi, score, b):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    M = np.eye(S) - mdp.gamma * P_pi
    eta = np.linalg.solve(M.T, mdp.d0)
    V = np.linalg.solve(M, (pi * mdp.R).sum(1))
    return np.einsum("s,sa,sak,s->k", eta, pi, score, V - b)
