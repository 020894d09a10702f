"""A typical wrong answer to exercise 10.2: G_0 as the plain sum of the rewards."""

MISTAKE = "G_0 is not discounted"  # the checker must name it


def whole_return_update(grad_log_pi, rewards, alpha, gamma):
    return alpha * sum(rewards) * grad_log_pi.sum(axis=0)
