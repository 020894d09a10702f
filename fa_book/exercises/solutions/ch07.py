r"""Reference solutions of chapter 7's programming exercises (DQN)."""

import numpy as np


# --8<-- [start:ex7_4]
def n_step_targets(rewards: np.ndarray, q: np.ndarray, terminated: bool, n: int,
                   gamma: float) -> np.ndarray:
    r"""Exercise 7.4: $y_t = R_t^{(m)} + \gamma^m (1 - \text{terminated}_t)
    \max_{a'} Q(s_{t+m}, a'; \theta^-)$ with $m = \min(n, T - t)$."""
    T = len(rewards)
    v = q.max(axis=1)  # max_a' Q(s_t, a'; theta^-), t = 0..T
    y = np.empty(T)
    for t in range(T):
        m = min(n, T - t)  # fewer rewards left at the end of the episode
        R = sum(gamma**k * rewards[t + k] for k in range(m))  # (NSTEP): R_{t+1} .. R_{t+m}
        done = terminated and t + m == T  # the return reaches the terminal state s_T
        y[t] = R + gamma**m * (1.0 - done) * v[t + m]  # (TARGET); truncated: bootstrap
    return y
# --8<-- [end:ex7_4]


# --8<-- [start:ex7_6]
def double_dqn_target(r: np.ndarray, terminated: np.ndarray, q_next_online: np.ndarray,
                      q_next_target: np.ndarray, gamma: float) -> np.ndarray:
    r"""Exercise 7.6: $a^* = \arg\max_{a'} Q(s', a'; \theta)$, valued by $\theta^-$."""
    a_star = q_next_online.argmax(axis=1)  # chosen by the online network theta
    q_next = q_next_target[np.arange(len(r)), a_star]  # valued by theta^-
    return r + gamma * (1.0 - terminated) * q_next  # no bootstrap from a terminal s'
# --8<-- [end:ex7_6]


# --8<-- [start:ex7_7]
def huber_loss(y: np.ndarray, q: np.ndarray) -> float:
    r"""Exercise 7.7: $\frac1B \sum_j h(y_j - q_j)$, $h$ quadratic up to $|e| = 1$."""
    e = np.abs(y - q)
    h = np.where(e <= 1.0, 0.5 * e**2, e - 0.5)  # (HUBER), delta = 1
    return float(h.mean())
# --8<-- [end:ex7_7]
