"""A typical wrong answer to exercise 2.5: each bucket's plain average, mu ignored."""


import numpy as np

MISTAKE = 'the plain average of v over the bucket'  # the checker must name it


def bucket_values(groups, v, mu):
    d = groups.max() + 1
    return np.array([v[groups == i].mean() for i in range(d)])
