"""A typical wrong answer to exercise 9.4: r(s, a) where Q(s, a) belongs."""

import numpy as np

MISTAKE = "the immediate reward r(s, a) in place of Q(s, a)"  # the checker must name it


def grad_j_start(mdp, pi, score, b):
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    eta = np.linalg.solve((np.eye(len(mdp.d0)) - mdp.gamma * P_pi).T, mdp.d0)
    return np.einsum("s,sa,sak,sa->k", eta, pi, score, mdp.R - b[:, None])
