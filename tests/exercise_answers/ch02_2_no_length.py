"""A typical wrong answer to exercise 2.2: the integral not divided by the interval's length."""


import numpy as np

MISTAKE = 'the sum is not divided by L'  # the checker must name it


def staircase_error(slope, edges):
    w = np.diff(edges)
    return abs(slope) * np.sqrt(np.sum(w**3) / 12)
