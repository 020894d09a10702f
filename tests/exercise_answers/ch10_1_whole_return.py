"""A typical wrong answer to exercise 10.1: G_0 at every step."""

import numpy as np

MISTAKE = "the whole episode's return G_0 at every step"  # the checker must name it


def reinforce_episode(grad_log_pi, rewards, alpha, gamma, baseline):
    G_0 = sum(gamma**k * r for k, r in enumerate(rewards))
    delta_theta = np.zeros(grad_log_pi.shape[1])
    for t in range(len(rewards)):
        delta_theta += alpha * gamma**t * (G_0 - baseline[t]) * grad_log_pi[t]
    return delta_theta
