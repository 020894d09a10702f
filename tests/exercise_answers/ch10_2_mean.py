"""A typical wrong answer to exercise 10.2: the scores averaged over the steps."""

MISTAKE = "the scores are averaged over the steps"  # the checker must name it


def whole_return_update(grad_log_pi, rewards, alpha, gamma):
    G_0 = sum(gamma**k * r for k, r in enumerate(rewards))
    return alpha * G_0 * grad_log_pi.mean(axis=0)
