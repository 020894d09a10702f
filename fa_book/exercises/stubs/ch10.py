r"""Chapter 10 exercises: fill in a function, then check it with

    python -m fa_book.exercises check 10.1 this_file.py

An episode is given by the scores $\nabla_\theta \ln\pi(A_t \mid S_t, \theta)$ of its steps,
`grad_log_pi` of shape `(T, d)`, and its rewards $R_1, \dots, R_T$, `rewards` of shape
`(T,)` (`rewards[t]` is $R_{t+1}$, the reward that followed $A_t$). Use numpy only.
"""

import numpy as np


# --8<-- [start:ex10_1]
def reinforce_episode(grad_log_pi: np.ndarray, rewards: np.ndarray, alpha: float,
                      gamma: float, baseline: np.ndarray) -> np.ndarray:
    r"""Exercise 10.1: the REINFORCE change of $\theta$ after one episode, with a baseline.

    Compute the returns backwards, $G_t = R_{t+1} + \gamma G_{t+1}$ from $G_T = 0$
    (RETURN), then add up, every score taken at the $\theta$ that played the episode,

    $\Delta\theta = \alpha \sum_{t=0}^{T-1} \gamma^t\, (G_t - b_t)\,
    \nabla\ln\pi(A_t \mid S_t, \theta)$   (REINFORCE), (BASELINE).

    Args:
        grad_log_pi: $\nabla\ln\pi(A_t \mid S_t, \theta)$ for each step, shape `(T, d)`.
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        alpha: the step size $\alpha > 0$.
        gamma: the discount $\gamma \in [0, 1]$.
        baseline: $b_t = b(S_t)$ for each step, shape `(T,)` (zeros: no baseline).

    Returns:
        $\Delta\theta$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex10_1]


# --8<-- [start:ex10_2]
def whole_return_update(grad_log_pi: np.ndarray, rewards: np.ndarray, alpha: float,
                        gamma: float) -> np.ndarray:
    r"""Exercise 10.2: the update with the whole episode's return at every step,

    $\Delta\theta = \alpha\, G_0 \sum_{t=0}^{T-1} \nabla\ln\pi(A_t \mid S_t, \theta)$,
    $G_0 = R_1 + \gamma R_2 + \dots + \gamma^{T-1} R_T$

    ($G_0$ times the gradient of the log-probability of the whole trajectory; no
    $\gamma^t$).

    Args:
        grad_log_pi: $\nabla\ln\pi(A_t \mid S_t, \theta)$ for each step, shape `(T, d)`.
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        alpha: the step size $\alpha > 0$.
        gamma: the discount $\gamma \in [0, 1]$.

    Returns:
        $\Delta\theta$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex10_2]


# --8<-- [start:ex10_3]
def best_constant_baseline(u: np.ndarray, z: np.ndarray) -> float:
    r"""Exercise 10.3: the constant $b$ that minimises the total sample variance of the
    update $u - b\,z$,
    $b^* = \operatorname{tr}\operatorname{Cov}(u, z) / \operatorname{tr}\operatorname{Var}(z)$.

    With sample means $\bar u$, $\bar z$: $\operatorname{tr}\operatorname{Cov}(u, z) =
    \frac{1}{n-1}\sum_i (u_i - \bar u)^\top (z_i - \bar z)$ and
    $\operatorname{tr}\operatorname{Var}(z) = \frac{1}{n-1}\sum_i \lVert z_i - \bar z\rVert^2$.

    Args:
        u: $n$ samples of $u = \sum_t G_t \nabla\ln\pi_t$, shape `(n, d)`.
        z: the same episodes' $z = \sum_t \nabla\ln\pi_t$, shape `(n, d)`.

    Returns:
        $b^*$, a float.
    """
    raise NotImplementedError
# --8<-- [end:ex10_3]
