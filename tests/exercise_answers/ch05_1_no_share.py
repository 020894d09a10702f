"""A typical wrong answer to exercise 5.1: the greedy action gets 1 - epsilon only."""


import numpy as np

MISTAKE = 'the greedy action gets only 1 - epsilon'  # the checker must name it


def epsilon_greedy(q, epsilon):
    greedy = q == q.max()
    return np.where(greedy, (1 - epsilon) / greedy.sum(), epsilon / len(q))
