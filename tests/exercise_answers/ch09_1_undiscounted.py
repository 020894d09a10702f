"""A typical wrong answer to exercise 9.1: the visit counts without gamma^t."""

import numpy as np

MISTAKE = "the undiscounted visit counts"  # the checker must name it


def eta_gamma(mdp, pi):
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    return np.linalg.solve((np.eye(len(mdp.d0)) - P_pi).T, mdp.d0)
