"""A typical wrong answer to exercise 10.1: the notes' update, no gamma^t."""

import numpy as np

MISTAKE = "the gamma^t factor is missing"  # the checker must name it


def reinforce_episode(grad_log_pi, rewards, alpha, gamma, baseline):
    G, g = np.zeros(len(rewards)), 0.0
    for t in reversed(range(len(rewards))):
        g = rewards[t] + gamma * g
        G[t] = g
    return alpha * (G - baseline) @ grad_log_pi
