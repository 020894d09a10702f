"""Exercise 6.8, a typical wrong answer: the TD error from S'_2, the bracket from S'."""

MISTAKE = "the two next states swapped"


def double_sample_step(w, x, r, x_next, x_next2, gamma, alpha):
    delta = r + gamma * w @ x_next2 - w @ x  # wrong: delta comes from the first sample
    return w + alpha * delta * (x - gamma * x_next)
