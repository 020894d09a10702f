r"""Reference solutions of chapter 5's programming exercises."""

import numpy as np


# --8<-- [start:ex5_1]
def epsilon_greedy(q: np.ndarray, epsilon: float) -> np.ndarray:
    r"""Exercise 5.1: ε-greedy probabilities (EPSG), ties shared equally."""
    greedy = q == q.max()  # the set G of tied greedy actions
    # epsilon/|A| for every action from the random branch, (1 - epsilon)/|G| more for G
    return epsilon / q.size + (1 - epsilon) * greedy / greedy.sum()  # (EPSG)
# --8<-- [end:ex5_1]


# --8<-- [start:ex5_3]
def expected_sarsa_epsilon(theta: np.ndarray, x_sa: np.ndarray, r: float,
                           X_next: np.ndarray, terminated: bool, epsilon: float,
                           alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 5.3: one expected-SARSA step (ESARSA) with an ε-greedy target policy."""
    q_next = X_next @ theta  # q_hat(S', a') for every a'  (QHAT)
    greedy = q_next == q_next.max()
    pi_next = epsilon / q_next.size + (1 - epsilon) * greedy / greedy.sum()  # (EPSG)
    v_next = 0.0 if terminated else pi_next @ q_next
    delta = r + gamma * v_next - x_sa @ theta  # (ESARSA)
    return theta + alpha * delta * x_sa  # (UPDATE): the target carries no gradient
# --8<-- [end:ex5_3]


# --8<-- [start:ex5_5]
def tile_sarsa_step(w: np.ndarray, active: np.ndarray, r: float, active_next: np.ndarray,
                    terminated: bool, alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 5.5: one SARSA step with binary tile features, $\alpha/n$ per weight."""
    n = len(active)  # number of tilings = number of ones in x(S, A)
    q_next = 0.0 if terminated else w[active_next].sum()
    delta = r + gamma * q_next - w[active].sum()  # (SARSA)
    w = w.copy()
    w[active] += alpha / n * delta  # (UPDATE): the n active weights of (S, A)
    return w
# --8<-- [end:ex5_5]
