"""A typical wrong answer to exercise 10.1: returns discounted from time 0, then gamma^t."""

import numpy as np

MISTAKE = "gamma^t counted twice"  # the checker must name it


def reinforce_episode(grad_log_pi, rewards, alpha, gamma, baseline):
    T = len(rewards)
    delta_theta = np.zeros(grad_log_pi.shape[1])
    for t in range(T):
        G_t = sum(gamma**k * rewards[k] for k in range(t, T))  # gamma^k, not gamma^(k-t)
        delta_theta += alpha * gamma**t * (G_t - baseline[t]) * grad_log_pi[t]
    return delta_theta
