"""A typical wrong answer to exercise 3.3: the step climbs the squared error."""


import numpy as np

MISTAKE = 'a wrong sign'  # the checker must name it


def sgd_exact_targets(theta, x, U, alpha):
    theta = np.array(theta, dtype=float)
    for t in range(len(U)):
        theta -= alpha * (U[t] - theta @ x[t]) * x[t]
    return theta
