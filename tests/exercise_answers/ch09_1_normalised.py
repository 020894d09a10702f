"""A typical wrong answer to exercise 9.1: eta normalised to sum to one."""

import numpy as np

MISTAKE = "normalised to a distribution"  # the checker must name it


def eta_gamma(mdp, pi):
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    eta = np.linalg.solve((np.eye(len(mdp.d0)) - mdp.gamma * P_pi).T, mdp.d0)
    return eta / eta.sum()
