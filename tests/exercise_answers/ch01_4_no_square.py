"""A typical wrong answer to exercise 1.4: N = sigma / se, the square root forgotten."""


import numpy as np

MISTAKE = 'N = sigma / se'  # the checker must name it


def data_for_a_grid(k, n, sigma, se):
    N = sigma / se
    return np.array([N, k**n * N])
