"""A typical wrong answer to exercise 8.6: the plain average of the features."""


MISTAKE = 'the unweighted average'  # the checker must name it


def softmax_score(theta, X, a):
    return X[a] - X.mean(axis=0)
