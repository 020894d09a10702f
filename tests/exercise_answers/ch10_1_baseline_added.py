"""A typical wrong answer to exercise 10.1: G_t + b_t."""

import numpy as np

MISTAKE = "the baseline is added"  # the checker must name it


def reinforce_episode(grad_log_pi, rewards, alpha, gamma, baseline):
    G, g = np.zeros(len(rewards)), 0.0
    for t in reversed(range(len(rewards))):
        g = rewards[t] + gamma * g
        G[t] = g
    weights = gamma ** np.arange(len(rewards))
    return alpha * (weights * (G + baseline)) @ grad_log_pi
