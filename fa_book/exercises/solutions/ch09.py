r"""Reference solutions of chapter 9's programming exercises."""

import numpy as np


# --8<-- [start:ex9_1]
def eta_gamma(mdp, pi: np.ndarray) -> np.ndarray:
    r"""Exercise 9.1: $\eta_\gamma^\top = d_0^\top (I - \gamma P_\pi)^{-1}$.

    $d_0^\top (I - \gamma P_\pi)^{-1} = \sum_t \gamma^t d_0^\top P_\pi^t$ (the Neumann
    series) and $d_0^\top P_\pi^t$ is the distribution of $S_t$; a row vector times a
    matrix is the transposed system $(I - \gamma P_\pi)^\top \eta_\gamma = d_0$.
    """
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)  # P_pi(s, s')
    M = np.eye(len(mdp.d0)) - mdp.gamma * P_pi
    return np.linalg.solve(M.T, mdp.d0)
# --8<-- [end:ex9_1]


# --8<-- [start:ex9_4]
def grad_j_start(mdp, pi: np.ndarray, score: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Exercise 9.4: (PGT1) with $Q^\pi(s, a) - b(s)$; the same for every $b$, because
    $\sum_a \pi(a \mid s) \nabla\log\pi(a \mid s)\, b(s) = b(s) \nabla \sum_a \pi(a \mid s)
    = 0$."""
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    r_pi = (pi * mdp.R).sum(1)
    M = np.eye(len(mdp.d0)) - mdp.gamma * P_pi
    eta = np.linalg.solve(M.T, mdp.d0)  # discounted visitation
    V = np.linalg.solve(M, r_pi)  # V^pi
    Q = mdp.R + mdp.gamma * mdp.P @ V  # Q^pi(s, a)
    return np.einsum("s,sa,sak,sa->k", eta, pi, score, Q - b[:, None])  # (PGT1)
# --8<-- [end:ex9_4]


# --8<-- [start:ex9_6]
def grad_j_average_value(mdp, pi: np.ndarray, score: np.ndarray) -> np.ndarray:
    r"""Exercise 9.6: (PGTV), the stationary $d^\pi$, the differential $\tilde q^\pi$ and
    the constant $\frac{1}{1-\gamma}$ (because $J_{avV} = J_{avR}/(1-\gamma)$)."""
    S = len(mdp.d0)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    r_pi = (pi * mdp.R).sum(1)
    ones = np.ones((S, S))
    d = np.linalg.solve((np.eye(S) - P_pi + ones).T, np.ones(S))  # (STAT)
    rho = d @ r_pi  # J_avR
    v = np.linalg.solve(np.eye(S) - P_pi + np.outer(np.ones(S), d), r_pi - rho)
    q = mdp.R - rho + mdp.P @ v  # (DIFFQ)
    return np.einsum("s,sa,sak,sa->k", d, pi, score, q) / (1 - mdp.gamma)  # (PGTV)
# --8<-- [end:ex9_6]
