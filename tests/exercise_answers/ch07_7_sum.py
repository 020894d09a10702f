"""A typical wrong answer to exercise 7.7: summed over the minibatch."""


import numpy as np

MISTAKE = 'the sum over the minibatch, not the mean'  # the checker must name it


def huber_loss(y, q):
    e = np.abs(y - q)
    return float(np.where(e <= 1, 0.5 * e**2, e - 0.5).sum())
