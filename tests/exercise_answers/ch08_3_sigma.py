"""A typical wrong answer to exercise 8.3: (a - mu) / sigma in the mean's part."""


import numpy as np

MISTAKE = 'sigma in place of sigma^2'  # the checker must name it


def gaussian_score(theta, x, a):
    mu, sigma = x @ theta[:-1], np.exp(theta[-1])
    z = (a - mu) / sigma
    return np.append(z * x, z**2 - 1)
