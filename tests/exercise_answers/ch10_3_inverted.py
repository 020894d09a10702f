"""A typical wrong answer to exercise 10.3: Var(z) / Cov(u, z)."""

MISTAKE = "the ratio is upside down"  # the checker must name it


def best_constant_baseline(u, z):
    du, dz = u - u.mean(axis=0), z - z.mean(axis=0)
    return float((dz * dz).sum() / (du * dz).sum())
