"""A typical wrong answer to exercise 10.2: gamma^t kept in front of G_0."""

import numpy as np

MISTAKE = "gamma^t in front of G_0"  # the checker must name it


def whole_return_update(grad_log_pi, rewards, alpha, gamma):
    G_0 = sum(gamma**k * r for k, r in enumerate(rewards))
    return alpha * G_0 * (gamma ** np.arange(len(rewards))) @ grad_log_pi
