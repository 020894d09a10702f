"""A typical wrong answer to exercise 4.2: alpha = 1/(k+1), the initial 0 counted."""


import numpy as np

MISTAKE = 'alpha = 1/(k+1)'  # the checker must name it


def gradient_mc_one_over_k(visits, G, n_groups):
    theta, k = np.zeros(n_groups), np.zeros(n_groups)
    for groups, G_e in zip(visits, G, strict=True):
        for g in groups:
            theta[g] += (G_e - theta[g]) / (k[g] + 2)
            k[g] += 1
    return theta
