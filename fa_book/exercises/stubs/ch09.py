r"""Chapter 9 exercises: fill in a function, then check it with

    python -m fa_book.exercises check 9.1 this_file.py

Every function gets a finite MDP `mdp` (a `fa_book.oracles.FiniteMDP`: `mdp.P` of shape
`(S, A, S)`, rows summing to at most 1, the rest being the probability that the episode
ends; `mdp.R` of shape `(S, A)`; `mdp.gamma`; `mdp.d0` of shape `(S,)`) and a policy
matrix `pi`, $\pi(a \mid s)$ of shape `(S, A)`. Use numpy only (`np.linalg.solve`).
"""

import numpy as np


# --8<-- [start:ex9_1]
def eta_gamma(mdp, pi: np.ndarray) -> np.ndarray:
    r"""Exercise 9.1: the unnormalised discounted visitation
    $\eta_\gamma(s) = \sum_{t \ge 0} \gamma^t \Pr(S_t = s \mid S_0 \sim d_0, \pi)$.

    With $P_\pi(s, s') = \sum_a \pi(a \mid s) P(s' \mid s, a)$ the sum is the linear
    solve $\eta_\gamma^\top = d_0^\top (I - \gamma P_\pi)^{-1}$ (a row vector times the
    inverse: $\Pr(S_t = \cdot)^\top = d_0^\top P_\pi^t$).

    Args:
        mdp: the finite MDP, a `fa_book.oracles.FiniteMDP`: `mdp.P[s, a, s']` is
            $P(s' \mid s, a)$, shape `(S, A, S)` (a row may sum to less than 1: the rest
            is the probability that the episode ends); `mdp.R[s, a]` is $r(s, a)$, shape
            `(S, A)`; `mdp.gamma` is $\gamma$; `mdp.d0` is $d_0$, shape `(S,)`.
        pi: the policy $\pi(a \mid s)$, shape `(S, A)`.

    Returns:
        $\eta_\gamma$, shape `(S,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex9_1]


# --8<-- [start:ex9_4]
def grad_j_start(mdp, pi: np.ndarray, score: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Exercise 9.4: the policy gradient theorem for the start state, (PGT1), with a
    baseline: $\sum_s \eta_\gamma(s) \sum_a \pi(a \mid s)\,\nabla\log\pi(a \mid s)\,
    \big(Q^\pi(s, a) - b(s)\big)$.

    Compute $\eta_\gamma^\top = d_0^\top (I - \gamma P_\pi)^{-1}$ (exercise 9.1),
    $V^\pi = (I - \gamma P_\pi)^{-1} r_\pi$ with $r_\pi(s) = \sum_a \pi(a \mid s) r(s, a)$,
    and $Q^\pi(s, a) = r(s, a) + \gamma \sum_{s'} P(s' \mid s, a) V^\pi(s')$.

    Args:
        mdp: the finite MDP, a `fa_book.oracles.FiniteMDP`: `mdp.P[s, a, s']` is
            $P(s' \mid s, a)$, shape `(S, A, S)` (a row may sum to less than 1: the rest
            is the probability that the episode ends); `mdp.R[s, a]` is $r(s, a)$, shape
            `(S, A)`; `mdp.gamma` is $\gamma$; `mdp.d0` is $d_0$, shape `(S,)`.
        pi: the policy $\pi(a \mid s)$, shape `(S, A)`.
        score: $\nabla\log\pi(a \mid s)$, shape `(S, A, d)`.
        b: a baseline $b(s)$, shape `(S,)`.

    Returns:
        $\nabla J_1(\theta)$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex9_4]


# --8<-- [start:ex9_6]
def grad_j_average_value(mdp, pi: np.ndarray, score: np.ndarray) -> np.ndarray:
    r"""Exercise 9.6: the gradient of the average value $J_{avV}$ on a continuing task
    ($\gamma < 1$), (PGTV): $\frac{1}{1-\gamma} \sum_s d^\pi(s) \sum_a \pi(a \mid s)\,
    \nabla\log\pi(a \mid s)\, \tilde q^\pi(s, a)$.

    $d^\pi$ is the stationary distribution, $d^{\pi\top}(I - P_\pi + \mathbf 1
    \mathbf 1^\top) = \mathbf 1^\top$ (STAT); $\rho = d^{\pi\top} r_\pi$; $\tilde v$ solves
    $(I - P_\pi + \mathbf 1 d^{\pi\top})\,\tilde v = r_\pi - \rho \mathbf 1$; and
    $\tilde q^\pi(s, a) = r(s, a) - \rho + \sum_{s'} P(s' \mid s, a)\,\tilde v(s')$ (DIFFQ).

    Args:
        mdp: a continuing finite MDP, a `fa_book.oracles.FiniteMDP`: `mdp.P[s, a, s']`
            is $P(s' \mid s, a)$, shape `(S, A, S)`, every row summing to 1; `mdp.R[s, a]`
            is $r(s, a)$, shape `(S, A)`; `mdp.gamma` is $\gamma < 1$.
        pi: the policy $\pi(a \mid s)$, shape `(S, A)`.
        score: $\nabla\log\pi(a \mid s)$, shape `(S, A, d)`.

    Returns:
        $\nabla J_{avV}(\theta)$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex9_6]
