"""A typical wrong answer to exercise 9.6: the notes' one formula read literally."""

import numpy as np

MISTAKE = "the notes' literal formula"  # the checker must name it


def grad_j_average_value(mdp, pi, score):
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    d = np.linalg.solve((np.eye(S) - P_pi + np.ones((S, S))).T, np.ones(S))
    Q = mdp.R + mdp.gamma * mdp.P @ np.linalg.solve(np.eye(S) - mdp.gamma * P_pi,
                                                    (pi * mdp.R).sum(1))
    return np.einsum("s,sa,sak,sa->k", d, pi, score, Q)
