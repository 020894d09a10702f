"""A typical wrong answer to exercise 8.3: differentiated with respect to sigma."""


import numpy as np

MISTAKE = 'the derivative with respect to sigma, not theta_sigma'  # the checker must name it


def gaussian_score(theta, x, a):
    mu, sigma = x @ theta[:-1], np.exp(theta[-1])
    return np.append((a - mu) / sigma**2 * x, (a - mu) ** 2 / sigma**3 - 1 / sigma)
