"""Exercise 1.4, a typical wrong answer: N rounded up to a whole number of visits."""

import numpy as np

MISTAKE = "N rounded up"


def data_for_a_grid(k, n, sigma, se):
    N = np.ceil((sigma / se) ** 2)  # wrong: the exercise wants the real N
    return np.array([N, N * k**n])
