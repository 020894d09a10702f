"""A typical wrong answer to exercise 4.2: the step moves away from the return."""


import numpy as np

MISTAKE = 'a wrong sign'  # the checker must name it


def gradient_mc_one_over_k(visits, G, n_groups):
    theta, k = np.zeros(n_groups), np.zeros(n_groups)
    for groups, G_e in zip(visits, G, strict=True):
        for g in groups:
            k[g] += 1
            theta[g] += (theta[g] - G_e) / k[g]
    return theta
