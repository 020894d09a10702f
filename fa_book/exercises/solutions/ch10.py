r"""Reference solutions of chapter 10's programming exercises."""

import numpy as np


# --8<-- [start:ex10_1]
def reinforce_episode(grad_log_pi: np.ndarray, rewards: np.ndarray, alpha: float,
                      gamma: float, baseline: np.ndarray) -> np.ndarray:
    r"""Exercise 10.1: $\Delta\theta = \alpha \sum_t \gamma^t (G_t - b_t)
    \nabla\ln\pi(A_t \mid S_t)$, the returns computed in one backward pass."""
    T = len(rewards)
    G = np.zeros(T + 1)  # G[T] = 0
    for t in reversed(range(T)):
        G[t] = rewards[t] + gamma * G[t + 1]  # (RETURN)
    delta_theta = np.zeros(grad_log_pi.shape[1])
    for t in range(T):
        delta = G[t] - baseline[t]  # (BASELINE)
        delta_theta += alpha * gamma**t * delta * grad_log_pi[t]  # (REINFORCE)
    return delta_theta
# --8<-- [end:ex10_1]


# --8<-- [start:ex10_2]
def whole_return_update(grad_log_pi: np.ndarray, rewards: np.ndarray, alpha: float,
                        gamma: float) -> np.ndarray:
    r"""Exercise 10.2: $\alpha\, G_0 \sum_t \nabla\ln\pi(A_t \mid S_t)$: the episode's
    return times the score of the whole trajectory."""
    G_0 = sum(gamma**t * r for t, r in enumerate(rewards))
    return alpha * G_0 * grad_log_pi.sum(axis=0)
# --8<-- [end:ex10_2]


# --8<-- [start:ex10_3]
def best_constant_baseline(u: np.ndarray, z: np.ndarray) -> float:
    r"""Exercise 10.3: $b^* = \operatorname{tr}\operatorname{Cov}(u, z) /
    \operatorname{tr}\operatorname{Var}(z)$, the minimiser of the quadratic
    $\operatorname{tr}\operatorname{Var}(u) - 2b \operatorname{tr}\operatorname{Cov}(u, z)
    + b^2 \operatorname{tr}\operatorname{Var}(z)$ (the $\frac{1}{n-1}$ cancels)."""
    du, dz = u - u.mean(axis=0), z - z.mean(axis=0)
    return float((du * dz).sum() / (dz * dz).sum())
# --8<-- [end:ex10_3]
