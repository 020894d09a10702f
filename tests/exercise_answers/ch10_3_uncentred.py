"""A typical wrong answer to exercise 10.3: second moments in place of (co)variances."""

MISTAKE = "the moments are not centred"  # the checker must name it


def best_constant_baseline(u, z):
    return float((u * z).sum() / (z * z).sum())
