"""A typical wrong answer to exercise 4.2: one step-size counter for all groups."""


import numpy as np

MISTAKE = 'one step-size counter shared by all groups'  # the checker must name it


def gradient_mc_one_over_k(visits, G, n_groups):
    theta, k = np.zeros(n_groups), 0
    for groups, G_e in zip(visits, G, strict=True):
        for g in groups:
            k += 1
            theta[g] += (G_e - theta[g]) / k
    return theta
