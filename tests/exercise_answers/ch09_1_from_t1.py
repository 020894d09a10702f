"""A typical wrong answer to exercise 9.1: the series summed from t = 1."""

import numpy as np

MISTAKE = "the sum starts at t = 1"  # the checker must name it


def eta_gamma(mdp, pi):
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    eta, p_t = np.zeros(len(mdp.d0)), mdp.d0.copy()
    for t in range(1, 3000):
        p_t = p_t @ P_pi
        eta += mdp.gamma**t * p_t
    return eta
