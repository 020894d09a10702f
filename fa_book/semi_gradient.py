r"""Why the TD target carries no gradient: semi-gradient vs residual-gradient TD.

The TD(0) error of a value estimate $\hat v(s, \mathbf w)$ on a transition
$(S_t, R_{t+1}, S_{t+1})$ is

$$\delta_t = R_{t+1} + \gamma \hat v(S_{t+1}, \mathbf w) - \hat v(S_t, \mathbf w).$$

The weights appear twice, in the prediction and in the target.  *Semi-gradient* TD
differentiates only the prediction (in torch: `.detach()` on the target); *residual
gradient* differentiates both.  This module has

* the two torch losses, whose docstrings say which gradient autograd produces
  ([`semi_gradient_td_loss`][fa_book.semi_gradient.semi_gradient_td_loss],
  [`residual_td_loss`][fa_book.semi_gradient.residual_td_loss],
  [`double_sample_residual_loss`][fa_book.semi_gradient.double_sample_residual_loss]);
* the same updates for linear $\hat v = \mathbf w^\top \mathbf x$ in numpy, per sample and
  in expectation (each expected update is affine, $\mathbf b_m - A_m \mathbf w$, and its
  zero is where the method converges);
* the exact minimizers of the mean-squared Bellman error and of the mean-squared TD error;
* Baird's counterexample (Sutton & Barto 2018, §11.2) as a gymnasium environment, and the
  off-policy semi-gradient runs that diverge on it, reported as
  [`DivergenceError`][fa_book.validate.DivergenceError] or as a recorded divergence step.

Sources: Sutton & Barto, *Reinforcement Learning: An Introduction*, 2nd ed. (2018), §9.3
(semi-gradient methods), §9.4 (the TD fixed point), §11.2-11.5 (off-policy divergence,
Baird's counterexample, the Bellman error, residual gradient); Baird (1995), *Residual
algorithms: reinforcement learning with function approximation*, ICML; Tsitsiklis & Van
Roy (1997), *An analysis of temporal-difference learning with function approximation*,
IEEE TAC 42(5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NamedTuple

import gymnasium as gym
import numpy as np
import torch

from fa_book.envs.baird import (
    BAIRD_BEHAVIOUR,
    BAIRD_FEATURES,
    BAIRD_TARGET,
    BAIRD_W0,
    SOLID,
    BairdCounterexample,
)
from fa_book.oracles import (
    FiniteMDP,
    check_policy,
    on_policy_distribution,
    policy_matrices,
    td_matrices,
)
from fa_book.validate import (
    DivergenceError,
    check_discount,
    check_finite,
    check_positive,
    check_positive_int,
    check_step_size,
)

__all__ = [
    "ExpectedRun",
    "Method",
    "SampledRun",
    "a_split",
    "baird_off_policy_td",
    "bellman_error_minimizer",
    "double_sample_residual_loss",
    "expected_matrices",
    "expected_run",
    "expected_update",
    "mean_squared_errors",
    "random_walk_chain",
    "residual_gradient_update",
    "residual_td_loss",
    "sampled_linear_td",
    "semi_gradient_td_loss",
    "semi_gradient_update",
    "td_error_minimizer",
]

Method = Literal["semi-gradient", "residual", "double-sample"]
"""The three linear TD(0) updates: semi-gradient; residual gradient with one next-state
sample (the gradient of the squared TD error); residual gradient with two independent
next-state samples (an unbiased gradient of the Bellman error)."""

_METHODS = ("semi-gradient", "residual", "double-sample")


def _check_method(method: str) -> str:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    return method


# ----------------------------------------------------------------------------------------
# The losses, in torch
# ----------------------------------------------------------------------------------------


def _reduce(per_sample: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    if weight is None:
        return per_sample.mean()
    if weight.shape != per_sample.shape:
        raise ValueError(f"weight must have shape {tuple(per_sample.shape)}, "
                         f"got {tuple(weight.shape)}")
    return (weight * per_sample).sum()


def _values(v_hat: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    v = v_hat(x)
    if v.numel() != x.shape[0]:
        raise ValueError(f"v_hat must return one value per sample, shape ({x.shape[0]},) "
                         f"or ({x.shape[0]}, 1); got {tuple(v.shape)}")
    return v.reshape(x.shape[0])


# --8<-- [start:losses]
def semi_gradient_td_loss(v_hat: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                          r: torch.Tensor, x_next: torch.Tensor, terminated: torch.Tensor,
                          gamma: float, weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Half the squared TD error with the target **detached**: $\tfrac12 \delta^2$,
    averaged over the batch (or summed with `weight`).

    Gradient that autograd produces:
    $-\delta\, \nabla_{\mathbf w} \hat v(s, \mathbf w)$ per sample, i.e. minus the
    semi-gradient TD(0) update (Sutton & Barto 2018, §9.3).  The target
    $r + \gamma \hat v(s', \mathbf w)$ enters as a constant.  This is *not* the gradient
    of any loss of $\mathbf w$ (Sutton & Barto 2018, §11.4).

    Args:
        v_hat: the value function $\hat v(\cdot, \mathbf w)$, mapping a batch of inputs
            to values of shape `(B,)` or `(B, 1)`.
        x: inputs for $S_t$ (features or observations), shape `(B, ...)`.
        r: rewards $R_{t+1}$, shape `(B,)`.
        x_next: inputs for $S_{t+1}$, shape of `x`.
        terminated: `True` where $S_{t+1}$ is terminal (its value is then 0), shape `(B,)`.
        gamma: discount $\gamma$.
        weight: optional probabilities of the samples, shape `(B,)`; with it the loss is
            $\sum_i \text{weight}_i \tfrac12\delta_i^2$ (an exact expectation when the
            batch enumerates every transition).
    """
    v_next = _values(v_hat, x_next).detach()  # the target carries no gradient
    target = r + gamma * torch.where(terminated, 0.0, v_next)  # (TARGET)
    delta = target - _values(v_hat, x)  # (DELTA)
    return _reduce(0.5 * delta**2, weight)


def residual_td_loss(v_hat: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                     r: torch.Tensor, x_next: torch.Tensor, terminated: torch.Tensor,
                     gamma: float, weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Half the squared TD error, target **not** detached.

    Gradient that autograd produces:
    $-\delta\,[\nabla \hat v(s, \mathbf w) - \gamma \nabla \hat v(s', \mathbf w)]$ per
    sample: the exact gradient of the sampled squared TD error, whose expectation is
    the gradient of the mean-squared **TD error** $\overline{\mathrm{TDE}}$ (the naive
    residual gradient, Sutton & Barto 2018, §11.5).  It equals the gradient of the
    mean-squared *Bellman* error when $S_{t+1}$ is determined by $S_t$ (under the
    policy's action choice too); noise in the reward alone does not matter.

    The arguments are those of
    [`semi_gradient_td_loss`][fa_book.semi_gradient.semi_gradient_td_loss].
    """
    v_next = _values(v_hat, x_next)  # no detach: autograd goes through the target too
    target = r + gamma * torch.where(terminated, 0.0, v_next)
    delta = target - _values(v_hat, x)
    return _reduce(0.5 * delta**2, weight)


def double_sample_residual_loss(v_hat: Callable[[torch.Tensor], torch.Tensor],
                                x: torch.Tensor, r: torch.Tensor, x_next: torch.Tensor,
                                terminated: torch.Tensor, r2: torch.Tensor,
                                x_next2: torch.Tensor, terminated2: torch.Tensor,
                                gamma: float,
                                weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""$\tfrac12\,\delta\,\delta'$ from two **independent** transitions out of the same
    state, $(r, s')$ and $(r_2, s'_2)$; nothing detached.

    Gradient that autograd produces:
    $-\tfrac12[\delta'(\nabla\hat v(s) - \gamma\nabla\hat v(s')) +
    \delta(\nabla\hat v(s) - \gamma\nabla\hat v(s'_2))]$, whose expectation is the
    gradient of half the mean-squared **Bellman** error,
    $\nabla \tfrac12 \overline{\mathrm{BE}} = -\mathbb E[\bar\delta(S)\,
    \nabla \bar\delta(S)]$ with $\bar\delta(s) = \mathbb E[\delta \mid S = s]$, because
    $\mathbb E[\delta\delta' \mid S=s] = \bar\delta(s)^2$ (Baird 1995; Sutton & Barto
    2018, §11.5).  It needs a simulator that can be reset to $s$.

    The arguments are those of
    [`semi_gradient_td_loss`][fa_book.semi_gradient.semi_gradient_td_loss], plus `r2`,
    `x_next2`, `terminated2`: reward, next input and termination flag of the second,
    independent transition from the same $S_t$.
    """
    v = _values(v_hat, x)
    delta = r + gamma * torch.where(terminated, 0.0, _values(v_hat, x_next)) - v
    delta2 = r2 + gamma * torch.where(terminated2, 0.0, _values(v_hat, x_next2)) - v
    return _reduce(0.5 * delta * delta2, weight)
# --8<-- [end:losses]


# ----------------------------------------------------------------------------------------
# The same updates for linear v_hat = w^T x, per sample
# ----------------------------------------------------------------------------------------


# --8<-- [start:updates]
def semi_gradient_update(w: np.ndarray, x: np.ndarray, r: np.ndarray, x_next: np.ndarray,
                         gamma: float, alpha: float, rho: np.ndarray | float = 1.0
                         ) -> np.ndarray:
    r"""One (batch of) linear semi-gradient TD(0) step(s),
    $\mathbf w \leftarrow \mathbf w + \alpha\rho\,\delta\,\mathbf x$.

    Args:
        w: weights $\mathbf w$, shape `(..., d)` (leading axes = independent runs).
        x: features $\mathbf x(S_t)$, shape `(..., d)`.
        r: rewards $R_{t+1}$, shape `(...)`.
        x_next: features $\mathbf x(S_{t+1})$, zero if $S_{t+1}$ is terminal, shape `(..., d)`.
        gamma: discount $\gamma$.
        alpha: step size $\alpha$.
        rho: importance-sampling ratio $\rho = \pi(A_t \mid S_t)/b(A_t \mid S_t)$ for
            off-policy learning (Sutton & Barto 2018, §11.1); 1 on-policy.
    """
    delta = r + gamma * (x_next * w).sum(-1) - (x * w).sum(-1)  # (TDERR)
    return w + alpha * (rho * delta)[..., None] * x  # (SEMI)


def residual_gradient_update(w: np.ndarray, x: np.ndarray, r: np.ndarray,
                             x_next: np.ndarray, gamma: float, alpha: float,
                             x_next2: np.ndarray | None = None) -> np.ndarray:
    r"""One (batch of) linear residual-gradient step(s),
    $\mathbf w \leftarrow \mathbf w + \alpha\,\delta\,(\mathbf x - \gamma\mathbf x')$.

    With `x_next2=None` the same next state appears in $\delta$ and in the gradient:
    this is SGD on the squared TD error (the naive residual gradient).  With `x_next2`,
    the features of a second, independent next state from the same $S_t$, the step is
    an unbiased SGD step on the Bellman error (Baird 1995).

    The other arguments are those of
    [`semi_gradient_update`][fa_book.semi_gradient.semi_gradient_update].

    Args:
        x_next2: features of an independent second sample of $S_{t+1}$, shape `(..., d)`.
    """
    delta = r + gamma * (x_next * w).sum(-1) - (x * w).sum(-1)
    x_grad = x - gamma * (x_next if x_next2 is None else x_next2)
    return w + alpha * delta[..., None] * x_grad  # (RG)
# --8<-- [end:updates]


# ----------------------------------------------------------------------------------------
# Expected updates: each method's mean update is b_m - A_m w
# ----------------------------------------------------------------------------------------


def _check_phi(phi, n_states: int) -> np.ndarray:
    phi = check_finite("phi", np.asarray(phi, dtype=float))
    if phi.ndim != 2 or phi.shape[0] != n_states:
        raise ValueError(f"phi must have shape (S, d) = ({n_states}, d), got {phi.shape}")
    return phi


def _check_mu(mdp: FiniteMDP, pi: np.ndarray, mu) -> np.ndarray:
    if mu is None:
        return on_policy_distribution(mdp, pi)
    mu = check_finite("mu", np.asarray(mu, dtype=float))
    if mu.shape != (mdp.n_states,) or (mu < 0).any() or mu.sum() <= 0:
        raise ValueError(f"mu must be a non-negative weighting of shape ({mdp.n_states},) "
                         "with positive mass")
    return mu


# --8<-- [start:expected]
def expected_matrices(mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray, method: Method,
                      mu: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""The expected update of a linear TD(0) method, $\mathbb E[\Delta\mathbf w]/\alpha
    = \mathbf b_m - A_m \mathbf w$, when $S_t \sim \mu$, $A_t\sim\pi$, $S_{t+1}\sim P$.

    * semi-gradient: $A = \Phi^\top D(I-\gamma P_\pi)\Phi$,
      $\mathbf b = \Phi^\top D r_\pi$; $A$ is not symmetric in general, so this is not the
      gradient of any function;
    * double-sample: $A = \Phi^\top(I-\gamma P_\pi)^\top D(I-\gamma P_\pi)\Phi$,
      $\mathbf b = \Phi^\top(I-\gamma P_\pi)^\top D r_\pi$; minus the gradient of
      $\tfrac12\overline{\mathrm{BE}}$;
    * residual (one sample): $A = \mathbb E[(\mathbf x-\gamma\mathbf x')
      (\mathbf x-\gamma\mathbf x')^\top]$, $\mathbf b = \mathbb E[R(\mathbf x -
      \gamma\mathbf x')]$; minus the gradient of $\tfrac12\overline{\mathrm{TDE}}$;

    with $D = \mathrm{diag}(\mu)$ and $\mathbf x' = 0$ at termination.  Where $A_m$ is
    invertible and the iteration is stable, the method converges to $A_m^{-1}\mathbf b_m$;
    its speed is set by the eigenvalues of $A_m$.

    Args:
        mdp: the finite MDP (an MRP is an MDP with one action, see
            [`mrp`][fa_book.oracles.mrp]).
        pi: the policy whose values are learned (the target policy), shape `(S, A)`.
        phi: features $\Phi$, shape `(S, d)`.
        method: `"semi-gradient"`, `"residual"` or `"double-sample"`.
        mu: the distribution of the updated states $S_t$, shape `(S,)`; defaults to the
            on-policy distribution of `pi`.  Off-policy: the behaviour policy's.

    Returns:
        `(A_m, b_m)`, shapes `(d, d)` and `(d,)`.
    """
    method = _check_method(method)
    pi = check_policy(mdp, pi)
    phi = _check_phi(phi, mdp.n_states)
    mu = _check_mu(mdp, pi, mu)
    gamma = mdp.gamma
    if method == "semi-gradient":
        return td_matrices(mdp, pi, phi, mu)  # (ATD)
    P_pi, r_pi = policy_matrices(mdp, pi)
    if method == "double-sample":
        M = phi - gamma * P_pi @ phi  # row s: E[x - gamma x' | S = s]
        return M.T @ (mu[:, None] * M), M.T @ (mu * r_pi)  # (ABE)
    # residual, one sample: second moments of x - gamma x' over (s, a, s')
    nu = mu @ P_pi  # nu(s') = sum_s mu(s) P_pi(s, s'): how often s' is a next state
    Exx = phi.T @ (mu[:, None] * phi)
    Exx_next = phi.T @ (mu[:, None] * (P_pi @ phi))  # E[x x'^T]
    Ex_next_x_next = phi.T @ (nu[:, None] * phi)  # E[x' x'^T]
    A = Exx - gamma * (Exx_next + Exx_next.T) + gamma**2 * Ex_next_x_next  # (ATDE)
    r_to = np.einsum("s,sa,sa,sat->t", mu, pi, mdp.R, mdp.P)  # E[R 1{S'=t}]
    b = phi.T @ (mu * r_pi) - gamma * phi.T @ r_to
    return A, b
# --8<-- [end:expected]


def expected_update(w: np.ndarray, mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray,
                    method: Method, mu: np.ndarray | None = None) -> np.ndarray:
    r"""The expected step direction $\mathbf b_m - A_m\mathbf w$, shape `(d,)`.

    See [`expected_matrices`][fa_book.semi_gradient.expected_matrices]."""
    A, b = expected_matrices(mdp, pi, phi, method, mu)
    return b - A @ np.asarray(w, dtype=float)


# --8<-- [start:minimizers]
def bellman_error_minimizer(mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray,
                            mu: np.ndarray | None = None) -> np.ndarray:
    r"""Exact minimizer of the mean-squared Bellman error
    $\overline{\mathrm{BE}}(\mathbf w) = \lVert r_\pi + \gamma P_\pi\Phi\mathbf w -
    \Phi\mathbf w\rVert_\mu^2$ (Sutton & Barto 2018, §11.4).

    A weighted least-squares problem: $\min_{\mathbf w}\lVert D^{1/2}((I - \gamma
    P_\pi)\Phi\mathbf w - r_\pi)\rVert^2$.  Where the double-sample residual gradient
    converges.  Minimum-norm solution if the minimizer is not unique.

    Returns:
        $\mathbf w_{BE}$, shape `(d,)`.
    """
    pi = check_policy(mdp, pi)
    phi = _check_phi(phi, mdp.n_states)
    sw = np.sqrt(_check_mu(mdp, pi, mu))
    P_pi, r_pi = policy_matrices(mdp, pi)
    M = phi - mdp.gamma * P_pi @ phi  # (I - gamma P_pi) Phi
    w, *_ = np.linalg.lstsq(sw[:, None] * M, sw * r_pi, rcond=None)  # (BEMIN)
    return w


def td_error_minimizer(mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray,
                       mu: np.ndarray | None = None) -> np.ndarray:
    r"""Exact minimizer of the mean-squared TD error
    $\overline{\mathrm{TDE}}(\mathbf w) = \mathbb E[\delta^2]$, $S \sim \mu$,
    $A \sim \pi$, $S' \sim P$ (Sutton & Barto 2018, §11.5).

    A weighted least-squares problem over every transition $(s, a, s')$ (and
    termination), with weight $\mu(s)\pi(a\mid s)P(s'\mid s,a)$, row
    $\mathbf x(s) - \gamma\mathbf x(s')$ and target $r(s,a)$.  Where the single-sample
    residual gradient (autograd without `detach`) converges.

    Returns:
        $\mathbf w_{TDE}$, shape `(d,)`.
    """
    pi = check_policy(mdp, pi)
    phi = _check_phi(phi, mdp.n_states)
    mu = _check_mu(mdp, pi, mu)
    d = phi.shape[1]
    p_end = 1.0 - mdp.P.sum(-1)  # probability that (s, a) terminates
    phi_ext = np.vstack([phi, np.zeros((1, d))])  # the terminal state has x = 0
    P_ext = np.concatenate([mdp.P, np.clip(p_end, 0.0, None)[..., None]], axis=-1)
    weight = mu[:, None, None] * pi[:, :, None] * P_ext  # (S, A, S + 1)
    rows = np.broadcast_to(phi[:, None, None, :] - mdp.gamma * phi_ext[None, None, :, :],
                           (*weight.shape, d))  # x(s) - gamma x(s'), for every a
    target = np.broadcast_to(mdp.R[:, :, None], weight.shape)
    sw = np.sqrt(weight).reshape(-1)
    w, *_ = np.linalg.lstsq(sw[:, None] * rows.reshape(-1, d), sw * target.reshape(-1),
                            rcond=None)  # (TDEMIN)
    return w
# --8<-- [end:minimizers]


def mean_squared_errors(w: np.ndarray, mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray,
                        mu: np.ndarray | None = None) -> dict[str, float]:
    r"""The four objectives of Sutton & Barto (2018) §11.4-11.5 at weights `w`.

    Returns:
        `{"VE": ..., "BE": ..., "PBE": ..., "TDE": ...}`: the mean-squared value error
        $\lVert \Phi\mathbf w - v_\pi\rVert_\mu^2$, Bellman error
        $\lVert \bar\delta_{\mathbf w}\rVert_\mu^2$, projected Bellman error
        $\lVert \Pi\bar\delta_{\mathbf w}\rVert_\mu^2$ and TD error $\mathbb E[\delta^2]$.
    """
    from fa_book.oracles import msve, mu_norm_sq, projection_matrix, v_pi

    pi = check_policy(mdp, pi)
    phi = _check_phi(phi, mdp.n_states)
    mu = _check_mu(mdp, pi, mu)
    w = np.asarray(w, dtype=float)
    P_pi, r_pi = policy_matrices(mdp, pi)
    v = phi @ w
    delta_bar = r_pi + mdp.gamma * P_pi @ v - v  # expected TD error in each state
    A, b = expected_matrices(mdp, pi, phi, "residual", mu)
    # E[delta^2] = w^T A w - 2 b^T w + E[R^2]
    ER2 = float(np.einsum("s,sa,sa->", mu, pi, mdp.R**2))
    return {
        "VE": msve(v, v_pi(mdp, pi), mu),
        "BE": mu_norm_sq(delta_bar, mu),
        "PBE": mu_norm_sq(projection_matrix(phi, mu) @ delta_bar, mu),
        "TDE": float(w @ A @ w - 2 * b @ w + ER2),
    }


# --8<-- [start:problems]
def random_walk_chain(n_states: int = 7, gamma: float = 0.95, n_groups: int = 3
                      ) -> tuple[FiniteMDP, np.ndarray, np.ndarray]:
    r"""A small random walk with state aggregation, where the four solutions differ.

    States $0, \dots, n-1$ in a row, start in the middle, step left or right with
    probability 1/2; stepping off the left end ends the episode with reward $-1$, off
    the right end with $+1$ (the random walk of Sutton & Barto 2018, Example 6.2, with
    rewards $\pm1$ and discount $\gamma$).  Features: one-hot indicators of
    `n_groups` consecutive groups of states (state aggregation, §9.5.1).

    Returns:
        `(mdp, pi, phi)`: the chain as a one-action MDP, the policy `np.ones((n, 1))`
        and $\Phi$ of shape `(n, n_groups)`.
    """
    from fa_book.oracles import mrp

    n = check_positive_int("n_states", n_states)
    check_discount("gamma", gamma)
    g = check_positive_int("n_groups", n_groups)
    if n < 2 or g > n:
        raise ValueError(f"need n_states >= 2 and 1 <= n_groups <= n_states, got "
                         f"{n_states}, {n_groups}")
    P = 0.5 * (np.eye(n, k=1) + np.eye(n, k=-1))
    r = np.zeros(n)
    r[0] -= 0.5  # expected reward: half the time the walk leaves on the left...
    r[-1] += 0.5  # ...or on the right
    d0 = np.zeros(n)
    d0[n // 2] = 1.0
    phi = np.zeros((n, g))
    phi[np.arange(n), np.arange(n) * g // n] = 1.0
    return mrp(P, r, gamma, d0), np.ones((n, 1)), phi


def a_split() -> tuple[FiniteMDP, np.ndarray, np.ndarray]:
    r"""The A-split example (Sutton & Barto 2018, Example 11.2): episodes start in A,
    go to B or C with probability 1/2 each (reward 0), then end with reward 1 from B
    and 0 from C; $\gamma = 1$, tabular features.

    True values $v(A) = 1/2$, $v(B) = 1$, $v(C) = 0$; the minimizer of the mean-squared
    TD error is $v(B) = 3/4$, $v(C) = 1/4$ instead.

    Returns:
        `(mdp, pi, phi)` with states `0 = A, 1 = B, 2 = C`, `phi = np.eye(3)`.
    """
    from fa_book.oracles import mrp

    P = np.array([[0.0, 0.5, 0.5], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    r = np.array([0.0, 1.0, 0.0])
    return mrp(P, r, 1.0, np.array([1.0, 0.0, 0.0])), np.ones((3, 1)), np.eye(3)
# --8<-- [end:problems]


# ----------------------------------------------------------------------------------------
# Runs: expected (DP-style) iteration and sampled runs, with divergence detection
# ----------------------------------------------------------------------------------------


class ExpectedRun(NamedTuple):
    """Weights of an expected-update iteration."""

    w: np.ndarray
    r"""weights $\mathbf w_k$ for $k = 0, \dots$, shape `(n_recorded, d)`; stops at the
    divergence step if the run diverged."""
    diverged_at: int | None
    r"""the iteration at which $\lVert\mathbf w\rVert$ exceeded `max_norm`, or `None`."""


def _diverged(w: np.ndarray, max_norm: float) -> bool:
    norm = np.sqrt((w * w).sum(-1))
    return bool(np.any(~np.isfinite(norm)) or np.any(norm > max_norm))


# --8<-- [start:expected_run]
def expected_run(A: np.ndarray, b: np.ndarray, w0: np.ndarray, alpha: float, n_steps: int,
                 *, what: str = "expected TD iteration", max_norm: float = 1e6,
                 on_divergence: Literal["raise", "stop"] = "raise") -> ExpectedRun:
    r"""Iterate the expected update $\mathbf w_{k+1} = \mathbf w_k + \alpha(\mathbf b -
    A\mathbf w_k)$ (a "DP-style" sweep, Sutton & Barto 2018, §11.2).

    It converges for small $\alpha$ if and only if every eigenvalue of $A$ has positive
    real part; one eigenvalue with negative real part and $\lVert\mathbf w_k\rVert$ grows
    geometrically.

    Args:
        A: $A_m$, shape `(d, d)`, from
            [`expected_matrices`][fa_book.semi_gradient.expected_matrices].
        b: $\mathbf b_m$, shape `(d,)`.
        w0: initial weights, shape `(d,)`.
        alpha: step size $\alpha > 0$.
        n_steps: number of iterations.
        what: name of the run, for the error message.
        max_norm: the run counts as diverged once $\lVert\mathbf w_k\rVert >$ `max_norm`
            (or is not finite).
        on_divergence: `"raise"` a
            [`DivergenceError`][fa_book.validate.DivergenceError] naming the step and
            step size, or `"stop"` and record the step in `diverged_at`.
    """
    alpha = check_step_size("alpha", alpha)
    n_steps = check_positive_int("n_steps", n_steps)
    max_norm = check_positive("max_norm", max_norm)
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop', got {on_divergence!r}")
    A = check_finite("A", np.asarray(A, dtype=float))
    b = check_finite("b", np.asarray(b, dtype=float))
    w = check_finite("w0", np.asarray(w0, dtype=float)).copy()
    if A.shape != (w.size, w.size) or b.shape != w.shape:
        raise ValueError(f"A, b, w0 must have shapes (d, d), (d,), (d,); got {A.shape}, "
                         f"{b.shape}, {w.shape}")
    ws = [w.copy()]
    for k in range(1, n_steps + 1):
        w = w + alpha * (b - A @ w)  # (EXPITER)
        if _diverged(w, max_norm):
            if on_divergence == "raise":
                raise DivergenceError(what, k, alpha)
            return ExpectedRun(np.array(ws), k)
        ws.append(w.copy())
    return ExpectedRun(np.array(ws), None)
# --8<-- [end:expected_run]


class SampledRun(NamedTuple):
    """Weights of independent sampled runs."""

    steps: np.ndarray
    """the step numbers at which weights were recorded, shape `(n_recorded,)`."""
    w: np.ndarray
    """weights at those steps, shape `(n_recorded, n_runs, d)`."""
    w_avg: np.ndarray
    r"""per run, the average of $\mathbf w_t$ over steps $t \ge$ `average_from`
    (Polyak-Ruppert averaging), shape `(n_runs, d)`."""


def _cdf(p: np.ndarray) -> np.ndarray:
    c = np.cumsum(p, axis=-1)
    c[..., -1] = np.inf  # round-off never sends a draw past the last outcome
    return c


def _draw(cdf_rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    u = rng.random(cdf_rows.shape[0])
    return (u[:, None] >= cdf_rows).sum(1)


# --8<-- [start:sampled]
def sampled_linear_td(mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray, method: Method, *,
                      alpha: float, n_steps: int, n_runs: int, rng: np.random.Generator,
                      sampling: Literal["trajectory", "iid"] = "trajectory",
                      w0: np.ndarray | None = None, record_every: int = 1,
                      average_from: int = 0, max_norm: float = 1e6) -> SampledRun:
    r"""Independent on-policy runs of a linear TD(0) method with constant step size.

    `sampling="trajectory"` follows episodes of `pi` (restarting from $d_0$ after
    termination), so states are visited with the on-policy distribution;
    `sampling="iid"` draws each $S_t$ afresh from the on-policy distribution $\mu_\pi$.
    With i.i.d. states the expected step is exactly $\alpha(\mathbf b_m - A_m\mathbf w)$,
    so the mean of the iterates converges to $A_m^{-1}\mathbf b_m$ for any stable $\alpha$.
    `"double-sample"` draws a second, independent $(A', S')$ from the same $S_t$ for the
    gradient factor and continues the trajectory with the first.

    Args:
        mdp: the finite MDP.
        pi: the policy followed, shape `(S, A)`.
        phi: features $\Phi$, shape `(S, d)`.
        method: `"semi-gradient"`, `"residual"` or `"double-sample"`.
        alpha: constant step size $\alpha > 0$.
        n_steps: transitions per run.
        n_runs: independent runs, simulated side by side.
        rng: random generator; same seed, same numbers.
        sampling: `"trajectory"` or `"iid"`.
        w0: initial weights, shape `(d,)` (default zeros).
        record_every: keep the weights every this many steps.
        average_from: first step of the Polyak-Ruppert average `w_avg`.
        max_norm: a run whose $\lVert\mathbf w\rVert$ exceeds this raises
            [`DivergenceError`][fa_book.validate.DivergenceError].
    """
    method = _check_method(method)
    pi = check_policy(mdp, pi)
    phi = _check_phi(phi, mdp.n_states)
    alpha = check_step_size("alpha", alpha)
    n_steps = check_positive_int("n_steps", n_steps)
    n_runs = check_positive_int("n_runs", n_runs)
    record_every = check_positive_int("record_every", record_every)
    if sampling not in ("trajectory", "iid"):
        raise ValueError(f"sampling must be 'trajectory' or 'iid', got {sampling!r}")
    if not 0 <= average_from < n_steps:
        raise ValueError(f"average_from must be in [0, n_steps), got {average_from!r}")
    S, d = mdp.n_states, phi.shape[1]
    w = np.zeros((n_runs, d)) if w0 is None else np.tile(np.asarray(w0, float), (n_runs, 1))
    phi_ext = np.vstack([phi, np.zeros((1, d))])  # index S = terminal, x = 0
    cdf_pi = _cdf(pi)
    P_ext = np.concatenate([mdp.P, np.clip(1 - mdp.P.sum(-1), 0, None)[..., None]], -1)
    cdf_P = _cdf(P_ext)
    cdf_d0 = _cdf(np.tile(mdp.d0, (n_runs, 1)))
    cdf_mu = _cdf(np.tile(on_policy_distribution(mdp, pi), (n_runs, 1)))
    start = cdf_mu if sampling == "iid" else cdf_d0
    s = _draw(start, rng)
    steps, ws, total = [0], [w.copy()], np.zeros_like(w)
    for t in range(1, n_steps + 1):
        a = _draw(cdf_pi[s], rng)
        s_next = _draw(cdf_P[s, a], rng)
        x, r, x_next = phi[s], mdp.R[s, a], phi_ext[s_next]
        if method == "semi-gradient":
            w = semi_gradient_update(w, x, r, x_next, mdp.gamma, alpha)
        elif method == "residual":
            w = residual_gradient_update(w, x, r, x_next, mdp.gamma, alpha)
        else:
            s_next2 = _draw(cdf_P[s, _draw(cdf_pi[s], rng)], rng)
            w = residual_gradient_update(w, x, r, x_next, mdp.gamma, alpha,
                                         x_next2=phi_ext[s_next2])
        if _diverged(w, max_norm):
            raise DivergenceError(f"sampled {method} TD", t, alpha)
        if t > average_from:
            total += w
        if t % record_every == 0:
            steps.append(t)
            ws.append(w.copy())
        if sampling == "iid":
            s = _draw(cdf_mu, rng)
        else:  # continue the episode, or start a new one from d0
            s = np.where(s_next == S, _draw(cdf_d0, rng), s_next)
    return SampledRun(np.array(steps), np.array(ws), total / (n_steps - average_from))
# --8<-- [end:sampled]


# ----------------------------------------------------------------------------------------
# Baird's counterexample (Sutton & Barto 2018, §11.2, Figure 11.1)
# ----------------------------------------------------------------------------------------



# --8<-- [start:baird_td]
def baird_off_policy_td(alpha: float = 0.01, n_steps: int = 1000, *, seed: int = 0,
                        w0: np.ndarray | None = None, max_norm: float = 1e6,
                        on_divergence: Literal["raise", "stop"] = "raise",
                        env: gym.Env | None = None) -> ExpectedRun:
    r"""Off-policy semi-gradient TD(0) on `fa_book/Baird-v0`, following $b$, learning
    $v_\pi$ (Sutton & Barto 2018, §11.1-11.2 and Figure 11.2 left):
    $\mathbf w \leftarrow \mathbf w + \alpha\rho_t\delta_t\mathbf x(S_t)$ with
    $\rho_t = \pi(A_t\mid S_t)/b(A_t\mid S_t)$, i.e. 7 after solid and 0 after dashed.

    Args:
        alpha: step size $\alpha > 0$.
        n_steps: environment steps (episodes are truncated after 1000 steps and reset;
            truncation does not zero the bootstrap).
        seed: seeds the environment and the behaviour policy.
        w0: initial weights (default `BAIRD_W0`).
        max_norm: the run counts as diverged once $\lVert\mathbf w\rVert$ exceeds this.
        on_divergence: `"raise"` a
            [`DivergenceError`][fa_book.validate.DivergenceError], or `"stop"` and
            record the step in `diverged_at`.
        env: an environment to use instead of `gym.make("fa_book/Baird-v0")`.

    Returns:
        The weights after each step (an `ExpectedRun`, whose `diverged_at` is the step at
        which $\lVert\mathbf w\rVert$ exceeded `max_norm`, if it did and
        `on_divergence="stop"`).
    """
    alpha = check_step_size("alpha", alpha)
    n_steps = check_positive_int("n_steps", n_steps)
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop', got {on_divergence!r}")
    env = gym.make("fa_book/Baird-v0") if env is None else env
    rng = np.random.default_rng(seed)
    gamma, x_of = BairdCounterexample.gamma, BAIRD_FEATURES
    w = (BAIRD_W0 if w0 is None else np.asarray(w0, dtype=float)).copy()
    ws = [w.copy()]
    s, _ = env.reset(seed=seed)
    for t in range(1, n_steps + 1):
        a = int(rng.random() < BAIRD_BEHAVIOUR[s, SOLID])  # 1 = solid
        s_next, r, terminated, truncated, _ = env.step(a)
        rho = BAIRD_TARGET[s, a] / BAIRD_BEHAVIOUR[s, a]  # (RHO)
        x_next = 0.0 * x_of[s_next] if terminated else x_of[s_next]
        w = semi_gradient_update(w, x_of[s], r, x_next, gamma, alpha, rho)
        if _diverged(w, max_norm):
            if on_divergence == "raise":
                raise DivergenceError("off-policy semi-gradient TD on Baird's "
                                      "counterexample", t, alpha)
            return ExpectedRun(np.array(ws), t)
        ws.append(w.copy())
        s = env.reset()[0] if terminated or truncated else s_next
    return ExpectedRun(np.array(ws), None)
# --8<-- [end:baird_td]
