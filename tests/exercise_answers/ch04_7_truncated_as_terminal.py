"""A typical wrong answer to exercise 4.7: the last step never bootstraps."""


import numpy as np

MISTAKE = 'a truncated episode treated as terminated'  # the checker must name it


def td0_episode(theta, x, rewards, terminated, alpha, gamma):
    theta = np.array(theta, dtype=float)
    T = len(rewards)
    for t in range(T):
        v_next = 0.0 if t == T - 1 else theta @ x[t + 1]  # ignores `terminated`
        delta = rewards[t] + gamma * v_next - theta @ x[t]
        theta += alpha * delta * x[t]
    return theta
