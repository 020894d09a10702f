"""A typical wrong answer to exercise 3.1: ordinary least squares, mu ignored."""


import numpy as np

MISTAKE = 'unweighted least squares'  # the checker must name it


def best_weights(phi, v, mu):
    return np.linalg.lstsq(phi, v, rcond=None)[0]
