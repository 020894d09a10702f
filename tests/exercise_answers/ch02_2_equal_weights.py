"""A typical wrong answer to exercise 2.2: the buckets' errors averaged with equal weights."""


import numpy as np

MISTAKE = 'each bucket weighted equally'  # the checker must name it


def staircase_error(slope, edges):
    w = np.diff(edges)
    per_bucket = (abs(slope) * w / np.sqrt(12)) ** 2  # (STAIR) squared, bucket by bucket
    return float(np.sqrt(per_bucket.mean()))
