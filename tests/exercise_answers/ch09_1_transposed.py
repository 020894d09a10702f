"""A typical wrong answer to exercise 9.1: (I - gamma P_pi)^{-1} d0, the transpose missing."""

import numpy as np

MISTAKE = "the transpose is missing"  # the checker must name it


def eta_gamma(mdp, pi):
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    return np.linalg.solve(np.eye(len(mdp.d0)) - mdp.gamma * P_pi, mdp.d0)
