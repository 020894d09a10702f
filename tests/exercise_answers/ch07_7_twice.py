"""Exercise 7.7, a typical wrong answer: the Huber loss without its halves, 2 h(e)."""

import numpy as np

MISTAKE = "twice the Huber loss"


def huber_loss(y, q):
    e = np.abs(np.asarray(y) - np.asarray(q))
    return float(np.mean(np.where(e <= 1, e**2, 2 * e - 1)))  # wrong: 2 h(e)
