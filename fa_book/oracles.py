r"""Exact answers on small finite MDPs: the "true answer" behind every figure and test.

A finite MDP is stored as arrays:

| symbol | field | shape | meaning |
| --- | --- | --- | --- |
| $P(s' \mid s, a)$ | `P` | `(S, A, S)` | transitions; rows may sum to < 1 (rest = termination) |
| $r(s, a)$ | `R` | `(S, A)` | expected reward for taking $a$ in $s$ |
| $\gamma$ | `gamma` | scalar | discount, in $[0, 1]$ |
| $d_0(s)$ | `d0` | `(S,)` | start-state distribution |

A policy is a matrix `pi` of shape `(S, A)` whose rows are probability vectors.
Every quantity here is computed by a linear solve, never by sampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fa_book.validate import (
    check_discount,
    check_features,
    check_finite,
    check_positive_int,
    check_weighting,
)

__all__ = [
    "FiniteMDP",
    "checked_solve",
    "check_policy",
    "discounted_visitation",
    "mrp",
    "msve",
    "mu_norm_sq",
    "on_policy_distribution",
    "policy_matrices",
    "projection_matrix",
    "projection_weights",
    "q_pi",
    "random_mdp",
    "random_policy",
    "rmsve",
    "td_fixed_point",
    "td_matrices",
    "v_pi",
]

_TOL = 1e-9


# --8<-- [start:finite_mdp]
@dataclass(frozen=True)
class FiniteMDP:
    r"""A finite MDP $(\mathcal S, \mathcal A, P, r, \gamma, d_0)$ with exact arrays.

    Args:
        P: transition probabilities $P(s' \mid s, a)$, shape `(S, A, S)`; each row sums to
            at most 1 (the remainder is the probability that the episode ends).
        R: expected rewards $r(s, a)$, shape `(S, A)`.
        gamma: discount $\gamma \in [0, 1]$.
        d0: start-state distribution $d_0$, shape `(S,)`.

    Raises:
        ValueError: on wrong shapes, negative or non-finite probabilities, rows summing
            to more than one, or a $d_0$ that is not a distribution.
    """

    P: np.ndarray
    R: np.ndarray
    gamma: float
    d0: np.ndarray

    def __post_init__(self):
        P = check_finite("P", np.asarray(self.P, dtype=float))
        R = check_finite("R", np.asarray(self.R, dtype=float))
        d0 = check_finite("d0", np.asarray(self.d0, dtype=float))
        if P.ndim != 3 or P.shape[0] != P.shape[2]:
            raise ValueError(f"P must have shape (S, A, S), got {P.shape}")
        S, A, _ = P.shape
        if R.shape != (S, A):
            raise ValueError(f"R must have shape (S, A) = ({S}, {A}), got {R.shape}")
        if d0.shape != (S,):
            raise ValueError(f"d0 must have shape (S,) = ({S},), got {d0.shape}")
        if (P < 0).any() or (P.sum(-1) > 1 + 1e-8).any():
            raise ValueError("each row P[s, a, :] must be non-negative and sum to at most 1")
        if (d0 < 0).any() or abs(d0.sum() - 1) > 1e-8:
            raise ValueError("d0 must be a probability vector (non-negative, sums to 1)")
        check_discount("gamma", self.gamma)
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "R", R)
        object.__setattr__(self, "d0", d0)
        object.__setattr__(self, "gamma", float(self.gamma))

    @property
    def n_states(self) -> int:
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        return self.P.shape[1]
# --8<-- [end:finite_mdp]


def check_policy(mdp: FiniteMDP, pi: np.ndarray) -> np.ndarray:
    """Validate a stochastic policy matrix of shape `(S, A)`; returns it as float."""
    pi = check_finite("pi", np.asarray(pi, dtype=float))
    if pi.shape != (mdp.n_states, mdp.n_actions):
        raise ValueError(f"pi must have shape (S, A) = ({mdp.n_states}, {mdp.n_actions}), "
                         f"got {pi.shape}")
    if (pi < 0).any() or np.abs(pi.sum(1) - 1).max() > 1e-8:
        raise ValueError("each row pi[s, :] must be a probability vector")
    return pi


# --8<-- [start:policy_matrices]
def policy_matrices(mdp: FiniteMDP, pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""The Markov reward process that a policy induces.

    $P_\pi(s, s') = \sum_a \pi(a \mid s) P(s' \mid s, a)$ and
    $r_\pi(s) = \sum_a \pi(a \mid s) r(s, a)$.

    Returns:
        `(P_pi, r_pi)` of shapes `(S, S)` and `(S,)`.
    """
    pi = check_policy(mdp, pi)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    r_pi = (pi * mdp.R).sum(1)
    return P_pi, r_pi
# --8<-- [end:policy_matrices]


def checked_solve(M: np.ndarray, rhs: np.ndarray, message: str) -> np.ndarray:
    r"""Solve `M x = rhs`, raising `ValueError(message)` if `M` is (numerically) singular
    (1-norm condition number above $10^{12}$).

    The 1-norm condition number comes from the inverse, several times cheaper than the
    SVD behind `np.linalg.cond` on the 1000-state random walk; one step of iterative
    refinement restores the accuracy of a direct solve."""
    try:
        inv = np.linalg.inv(M)
    except np.linalg.LinAlgError:
        raise ValueError(message) from None
    if not np.all(np.isfinite(inv)) or (np.abs(M).sum(0).max() * np.abs(inv).sum(0).max()
                                        > 1e12):
        raise ValueError(message)
    x = inv @ rhs
    return x + inv @ (rhs - M @ x)


def _solve(mdp: FiniteMDP, P_pi: np.ndarray, rhs: np.ndarray, transpose=False) -> np.ndarray:
    M = np.eye(mdp.n_states) - mdp.gamma * P_pi
    if transpose:
        M = M.T
    return checked_solve(M, rhs, "I - gamma * P_pi is singular: with gamma = 1 every "
                          "state must reach termination with probability one")


# --8<-- [start:v_pi]
def v_pi(mdp: FiniteMDP, pi: np.ndarray) -> np.ndarray:
    r"""State values $v_\pi = (I - \gamma P_\pi)^{-1} r_\pi$, shape `(S,)`."""
    P_pi, r_pi = policy_matrices(mdp, pi)
    return _solve(mdp, P_pi, r_pi)  # (I - gamma P_pi) v = r_pi
# --8<-- [end:v_pi]


def q_pi(mdp: FiniteMDP, pi: np.ndarray) -> np.ndarray:
    r"""Action values $q_\pi(s, a) = r(s, a) + \gamma \sum_{s'} P(s' \mid s, a) v_\pi(s')$,
    shape `(S, A)`."""
    v = v_pi(mdp, pi)
    return mdp.R + mdp.gamma * mdp.P @ v


def discounted_visitation(mdp: FiniteMDP, pi: np.ndarray) -> np.ndarray:
    r"""Unnormalized discounted visitation
    $\eta_\gamma(s) = \sum_{t \ge 0} \gamma^t \Pr(S_t = s \mid S_0 \sim d_0, \pi)$, shape `(S,)`.

    It solves $\eta_\gamma^\top = d_0^\top (I - \gamma P_\pi)^{-1}$.  With $\gamma = 1$ on an
    episodic task it is the expected number of visits to each state per episode.
    """
    P_pi, _ = policy_matrices(mdp, pi)
    return _solve(mdp, P_pi, mdp.d0, transpose=True)


def on_policy_distribution(mdp: FiniteMDP, pi: np.ndarray) -> np.ndarray:
    r"""The on-policy distribution $\mu_\pi$ used to weight value errors, shape `(S,)`.

    * Episodic task (some row of $P_\pi$ sums to less than one): the fraction of time
      spent in each state, $\mu(s) = \eta(s) / \sum_{s'} \eta(s')$ with
      $\eta^\top = d_0^\top (I - P_\pi)^{-1}$ the expected visits per episode
      (Sutton & Barto 2018, eq. 9.2-9.3).
    * Continuing task (every row sums to one): the stationary distribution,
      $\mu^\top P_\pi = \mu^\top$, $\sum_s \mu(s) = 1$ (a `ValueError` when it is
      not unique).
    """
    P_pi, _ = policy_matrices(mdp, pi)
    S = mdp.n_states
    if (P_pi.sum(1) < 1 - _TOL).any():
        M = np.eye(S) - P_pi
        eta = checked_solve(M.T, mdp.d0, "some state never terminates under pi: the "
                             "expected number of visits is infinite")
        return eta / eta.sum()
    # stationary: solve [P_pi^T - I; 1^T] mu = [0; 1] in the least-squares sense
    A = np.vstack([P_pi.T - np.eye(S), np.ones((1, S))])
    b = np.zeros(S + 1)
    b[-1] = 1.0
    if np.linalg.matrix_rank(A) < S:
        raise ValueError("P_pi has more than one stationary distribution (two or more "
                         "closed classes of states): mu_pi is not unique")
    mu, *_ = np.linalg.lstsq(A, b, rcond=None)
    if np.abs(A @ mu - b).max() > 1e-8 or (mu < -1e-10).any():
        raise ValueError("P_pi has no unique stationary distribution")
    return np.clip(mu, 0.0, None) / np.clip(mu, 0.0, None).sum()


def random_mdp(rng: np.random.Generator, n_states: int, n_actions: int, gamma: float = 0.9,
               *, terminate: float = 0.0) -> FiniteMDP:
    r"""A random dense MDP for tests: Dirichlet rows, standard-normal rewards.

    Args:
        rng: the random generator (the caller owns the seed).
        n_states: $|\mathcal S|$.
        n_actions: $|\mathcal A|$.
        gamma: discount in $[0, 1]$.
        terminate: probability in $[0, 1)$ that each step ends the episode; must be
            positive when `gamma == 1`.
    """
    check_positive_int("n_states", n_states)
    check_positive_int("n_actions", n_actions)
    check_discount("gamma", gamma)
    if not 0.0 <= terminate < 1.0:
        raise ValueError(f"terminate must be in [0, 1), got {terminate!r}")
    if gamma == 1.0 and terminate == 0.0:
        raise ValueError("gamma = 1 needs terminate > 0, else values are infinite")
    P = rng.dirichlet(np.ones(n_states), size=(n_states, n_actions)) * (1.0 - terminate)
    R = rng.standard_normal((n_states, n_actions))
    d0 = rng.dirichlet(np.ones(n_states))
    return FiniteMDP(P, R, gamma, d0)


def random_policy(rng: np.random.Generator, n_states: int, n_actions: int) -> np.ndarray:
    """A random stochastic policy matrix with full support, shape `(S, A)`."""
    return rng.dirichlet(np.ones(n_actions), size=n_states)


# ----------------------------------------------------------------------------------------
# Markov reward processes, weighted norms, projections and the TD fixed point
# ----------------------------------------------------------------------------------------


def mrp(P: np.ndarray, r: np.ndarray, gamma: float, d0: np.ndarray) -> FiniteMDP:
    r"""A Markov reward process as a one-action [`FiniteMDP`][fa_book.oracles.FiniteMDP].

    Prediction problems (chapter 4) have no choices to make; wrapping the chain as an MDP
    with a single action lets every oracle here take it with the policy `np.ones((S, 1))`.

    Args:
        P: transition matrix $P(s' \mid s)$, shape `(S, S)`; rows may sum to less than one
            (the missing mass is the probability of termination).
        r: expected reward $r(s)$ on leaving $s$, shape `(S,)`.
        gamma: discount $\gamma \in [0, 1]$.
        d0: start-state distribution, shape `(S,)`.

    Returns:
        A `FiniteMDP` with `P` of shape `(S, 1, S)` and `R` of shape `(S, 1)`.
    """
    P = np.asarray(P, dtype=float)
    r = np.asarray(r, dtype=float)
    if P.ndim != 2 or P.shape[0] != P.shape[1]:
        raise ValueError(f"P must have shape (S, S), got {P.shape}")
    if r.shape != (P.shape[0],):
        raise ValueError(f"r must have shape (S,) = ({P.shape[0]},), got {r.shape}")
    return FiniteMDP(P[:, None, :], r[:, None], gamma, d0)


# --8<-- [start:msve]
def mu_norm_sq(err: np.ndarray, mu: np.ndarray) -> float:
    r"""The squared $\mu$-weighted norm $\lVert e \rVert_\mu^2 = \sum_s \mu(s)\, e(s)^2$.

    Args:
        err: a vector over states $e$, shape `(S,)`.
        mu: state weighting $\mu$, shape `(S,)`, non-negative (usually a distribution).
    """
    err = check_finite("err", np.asarray(err, dtype=float))
    if err.ndim != 1:
        raise ValueError(f"err must have shape (S,), got {err.shape}")
    mu = check_weighting("mu", mu, err.shape[0])
    return float(mu @ err**2)


# --8<-- [start:msve_only]
def msve(v_hat: np.ndarray, v: np.ndarray, mu: np.ndarray) -> float:
    r"""Mean-squared value error
    $\overline{\mathrm{VE}}(\hat v) = \sum_s \mu(s)\,[v(s) - \hat v(s)]^2$.

    Args:
        v_hat: estimate $\hat v$, shape `(S,)`.
        v: true values $v_\pi$, shape `(S,)`.
        mu: state weighting $\mu$, shape `(S,)`.
    """
    v_hat = np.asarray(v_hat, dtype=float)
    v = np.asarray(v, dtype=float)
    if v_hat.shape != v.shape:
        raise ValueError(f"v_hat must have the shape of v {v.shape}, got {v_hat.shape}")
    return mu_norm_sq(v - v_hat, mu)  # (VE)
# --8<-- [end:msve_only]
# --8<-- [end:msve]


def rmsve(v_hat: np.ndarray, v: np.ndarray, mu: np.ndarray) -> float:
    r"""Root mean-squared value error $\sqrt{\overline{\mathrm{VE}}}$; with $\mu$ a
    distribution it is in the units of the values."""
    return float(np.sqrt(msve(v_hat, v, mu)))


# --8<-- [start:projection]
def projection_weights(phi: np.ndarray, v: np.ndarray, mu: np.ndarray) -> np.ndarray:
    r"""Best weights in the $\mu$-norm: $\theta^\star = \arg\min_\theta \lVert \Phi\theta -
    v \rVert_\mu^2 = (\Phi^\top D \Phi)^{-1} \Phi^\top D v$, with $D = \mathrm{diag}(\mu)$.

    This is the global minimum of the mean-squared value error over linear $\hat v$, the
    point that SGD and gradient Monte Carlo converge to.  If $\Phi^\top D\Phi$ is singular
    (features linearly dependent on the support of $\mu$) the minimum-norm minimizer is
    returned.

    Args:
        phi: feature matrix $\Phi$ (row $s$ is $\mathbf x(s)^\top$), shape `(S, d)`.
        v: target values, shape `(S,)`.
        mu: state weighting, shape `(S,)`.

    Returns:
        $\theta^\star$, shape `(d,)`.
    """
    # --8<-- [start:projection_body]
    phi = check_features("phi", phi)
    v = check_finite("v", np.asarray(v, dtype=float))
    if v.shape != (phi.shape[0],):
        raise ValueError(f"v must have shape (S,) = ({phi.shape[0]},), got {v.shape}")
    sw = np.sqrt(check_weighting("mu", mu, phi.shape[0]))
    # weighted least squares: minimize || sqrt(D) (Phi theta - v) ||^2
    theta, *_ = np.linalg.lstsq(sw[:, None] * phi, sw * v, rcond=None)  # (proj)
    return theta
    # --8<-- [end:projection_body]
# --8<-- [end:projection]


def projection_matrix(phi: np.ndarray, mu: np.ndarray) -> np.ndarray:
    r"""The $\mu$-weighted projection $\Pi = \Phi(\Phi^\top D\Phi)^{-1}\Phi^\top D$ onto
    the span of the features, shape `(S, S)`; $\Pi v = \Phi\theta^\star$."""
    phi = check_features("phi", phi)
    mu = check_weighting("mu", mu, phi.shape[0])
    sw = np.sqrt(mu)
    return phi @ np.linalg.pinv(sw[:, None] * phi) * sw[None, :]


# --8<-- [start:td_fixed_point]
def td_matrices(mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray,
                mu: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""The expected TD(0) update $\mathbb E[\delta_t \mathbf x_t] = b - A\theta$.

    $A = \Phi^\top D (I - \gamma P_\pi) \Phi$ and $b = \Phi^\top D r_\pi$ with
    $D = \mathrm{diag}(\mu)$ (Sutton & Barto 2018, eq. 9.11; the book's
    $\mathbf x_t(\mathbf x_t - \gamma\mathbf x_{t+1})^\top$ averaged over $\mu$).

    Args:
        mdp: the finite MDP.
        pi: policy, shape `(S, A)`.
        phi: features $\Phi$, shape `(S, d)`.
        mu: state weighting, shape `(S,)`; defaults to
            [`on_policy_distribution`][fa_book.oracles.on_policy_distribution].

    Returns:
        `(A, b)` of shapes `(d, d)` and `(d,)`.
    """
    # --8<-- [start:td_matrices_body]
    P_pi, r_pi = policy_matrices(mdp, pi)
    phi = check_features("phi", phi, mdp.n_states)
    mu = on_policy_distribution(mdp, pi) if mu is None else check_weighting("mu", mu, mdp.n_states)
    D_phi = mu[:, None] * phi
    A = D_phi.T @ (phi - mdp.gamma * P_pi @ phi)  # (A)
    b = D_phi.T @ r_pi  # (b)
    return A, b
    # --8<-- [end:td_matrices_body]


def td_fixed_point(mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray,
                   mu: np.ndarray | None = None) -> np.ndarray:
    r"""The TD fixed point $\theta_{TD} = A^{-1} b$ (Sutton & Barto 2018, eq. 9.12):
    where linear semi-gradient TD(0) converges, and what LSTD estimates.

    Args:
        mdp: the finite MDP.
        pi: policy, shape `(S, A)`.
        phi: features $\Phi$, shape `(S, d)`.
        mu: state weighting, shape `(S,)`; defaults to the on-policy distribution.

    Returns:
        $\theta_{TD}$, shape `(d,)`.

    Raises:
        ValueError: if $A$ is singular (e.g. linearly dependent features, or a state
            weighting that puts no mass where the features differ).
    """
    # --8<-- [start:td_fixed_point_body]
    A, b = td_matrices(mdp, pi, phi, mu)
    return checked_solve(A, b, "A = Phi^T D (I - gamma P_pi) Phi is singular: make the "
                          "columns of phi linearly independent on the states where "
                          "mu > 0")  # (TDfp)
    # --8<-- [end:td_fixed_point_body]
# --8<-- [end:td_fixed_point]
