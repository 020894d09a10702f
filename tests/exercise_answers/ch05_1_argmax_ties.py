"""A typical wrong answer to exercise 5.1: np.argmax breaks ties towards the first."""


import numpy as np

MISTAKE = 'ties not shared'  # the checker must name it


def epsilon_greedy(q, epsilon):
    p = np.full(len(q), epsilon / len(q))
    p[np.argmax(q)] += 1 - epsilon
    return p
