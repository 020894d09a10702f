"""A typical wrong answer to exercise 3.3: every error from the starting weights."""


MISTAKE = 'every error computed with the initial theta'  # the checker must name it


def sgd_exact_targets(theta, x, U, alpha):
    errors = U - x @ theta  # all with the initial theta
    return theta + alpha * errors @ x
