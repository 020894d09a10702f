"""A typical wrong answer to exercise 3.1: rows scaled by mu, so the errors are weighted
by mu squared."""


import numpy as np

MISTAKE = 'the rows scaled by mu(s)'  # the checker must name it


def best_weights(phi, v, mu):
    return np.linalg.lstsq(mu[:, None] * phi, mu * v, rcond=None)[0]
