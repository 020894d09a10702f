"""A typical wrong answer to exercise 10.2: the reward-to-go update of 10.1."""

import numpy as np

MISTAKE = "that is the reward-to-go update"  # the checker must name it


def whole_return_update(grad_log_pi, rewards, alpha, gamma):
    G, g = np.zeros(len(rewards)), 0.0
    for t in reversed(range(len(rewards))):
        g = rewards[t] + gamma * g
        G[t] = g
    return alpha * (gamma ** np.arange(len(rewards)) * G) @ grad_log_pi
