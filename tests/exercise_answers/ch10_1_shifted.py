"""A typical wrong answer to exercise 10.1: the return leaves out the reward after A_t."""

import numpy as np

MISTAKE = "the return is shifted by one step"  # the checker must name it


def reinforce_episode(grad_log_pi, rewards, alpha, gamma, baseline):
    T = len(rewards)
    delta_theta = np.zeros(grad_log_pi.shape[1])
    for t in range(T):
        G_t = sum(gamma**(k - t - 1) * rewards[k] for k in range(t + 1, T))
        delta_theta += alpha * gamma**t * (G_t - baseline[t]) * grad_log_pi[t]
    return delta_theta
