"""A typical wrong answer to exercise 10.1: the returns accumulated forwards."""

import numpy as np

MISTAKE = "the returns were accumulated forwards"  # the checker must name it


def reinforce_episode(grad_log_pi, rewards, alpha, gamma, baseline):
    G, g = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards)):  # forwards: g sums the rewards so far
        g = rewards[t] + gamma * g
        G[t] = g
    weights = gamma ** np.arange(len(rewards))
    return alpha * (weights * (G - baseline)) @ grad_log_pi
