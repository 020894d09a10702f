"""A typical wrong answer to exercise 7.7: the mean squared error."""


import numpy as np

MISTAKE = 'the squared error (LOSS), not the Huber loss'  # the checker must name it


def huber_loss(y, q):
    return float(np.mean((y - q) ** 2))
