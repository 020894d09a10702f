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
* two small problems where the answers differ (a random walk with state aggregation,
  Sutton & Barto's A-split example).

Each function calls one named check (`check_*` here, or one of
[`fa_book.validate`][fa_book.validate]) and then does its math.  The runs (the expected
iteration, sampled runs, off-policy TD on Baird's counterexample, whose environment is
`fa_book.envs.baird`, see [`fa_book.envs`][fa_book.envs]) are in
[`fa_book.semi_gradient_runs`][fa_book.semi_gradient_runs].

Sources: Sutton & Barto, *Reinforcement Learning: An Introduction*, 2nd ed. (2018), §9.3
(semi-gradient methods), §9.4 (the TD fixed point), §11.2-11.5 (off-policy divergence,
Baird's counterexample, the Bellman error, residual gradient); Baird (1995), *Residual
algorithms: reinforcement learning with function approximation*, ICML; Tsitsiklis & Van
Roy (1997), *An analysis of temporal-difference learning with function approximation*,
IEEE TAC 42(5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import torch

from fa_book.oracles import (
    FiniteMDP,
    check_policy,
    on_policy_distribution,
    policy_matrices,
    td_matrices,
)
from fa_book.validate import (
    check_choice,
    check_discount,
    check_features,
    check_finite,
    check_positive_int,
    check_size,
    check_step_size,
    check_weighting,
)

__all__ = [
    "METHODS",
    "Method",
    "a_presplit",
    "a_split",
    "batch_values",
    "bellman_error_minimizer",
    "check_linear_problem",
    "check_linear_td",
    "check_td_batch",
    "double_sample_residual_loss",
    "expected_matrices",
    "expected_update",
    "mean_squared_errors",
    "observed_transitions",
    "random_walk_chain",
    "reduce_loss",
    "residual_gradient_update",
    "residual_td_loss",
    "semi_gradient_td_loss",
    "semi_gradient_update",
    "td_error_minimizer",
]

Method = Literal["semi-gradient", "residual", "double-sample"]
"""The three linear TD(0) updates: semi-gradient; residual gradient with one next-state
sample (the gradient of the squared TD error); residual gradient with two independent
next-state samples (an unbiased gradient of the Bellman error)."""

METHODS = ("semi-gradient", "residual", "double-sample")
"""The values of [`Method`][fa_book.semi_gradient.Method], in order."""


# ----------------------------------------------------------------------------------------
# The losses, in torch
# ----------------------------------------------------------------------------------------


def check_td_batch(x: torch.Tensor, r: torch.Tensor, x_next: torch.Tensor,
                   terminated: torch.Tensor, gamma: float,
                   weight: torch.Tensor | None = None, *, suffix: str = "") -> float:
    r"""Check a batch of transitions for the losses: tensors `x` of shape `(B, ...)` with
    $B \ge 1$, `x_next` of the same shape, `r` of shape `(B,)`, a boolean `terminated` of
    shape `(B,)`, optional `weight` of shape `(B,)`, all finite, and $\gamma \in [0, 1]$.
    Errors name `r`, `x_next`, `terminated` with `suffix` appended (`"2"` for the second
    transition of the double-sample loss).

    Returns:
        $\gamma$ as a float.
    """
    named = {"x": x, f"r{suffix}": r, f"x_next{suffix}": x_next,
             f"terminated{suffix}": terminated, "weight": weight}
    for name, t in named.items():
        if t is not None and not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if x.ndim < 1 or x.shape[0] < 1:
        raise ValueError(f"x must have shape (B, ...) with B >= 1, got {tuple(x.shape)}")
    B = x.shape[0]
    shapes = [(B,), tuple(x.shape), (B,), (B,)]
    for (name, t), shape in zip(list(named.items())[1:], shapes, strict=True):
        if t is not None and tuple(t.shape) != shape:
            raise ValueError(f"{name} must have shape {shape}, got {tuple(t.shape)}")
    if terminated.dtype != torch.bool:
        raise ValueError(f"terminated{suffix} must be a bool tensor, got {terminated.dtype}")
    for name, t in named.items():
        if t is not None and t.dtype != torch.bool and not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return check_discount("gamma", gamma)


def reduce_loss(per_sample: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    """The batch mean of `per_sample`, or with `weight` (checked by
    [`check_td_batch`][fa_book.semi_gradient.check_td_batch]) the weighted sum."""
    return per_sample.mean() if weight is None else (weight * per_sample).sum()


def batch_values(v_hat: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
                 ) -> torch.Tensor:
    """`v_hat(x)` as shape `(B,)`; raises `ValueError` unless `v_hat` returns one value per
    sample (shape `(B,)` or `(B, 1)`)."""
    v = v_hat(x)
    if not isinstance(v, torch.Tensor) or v.numel() != x.shape[0]:
        shape = tuple(v.shape) if isinstance(v, torch.Tensor) else type(v).__name__
        raise ValueError(f"v_hat must return one value per sample, shape ({x.shape[0]},) "
                         f"or ({x.shape[0]}, 1); got {shape}")
    return v.reshape(x.shape[0])


# --8<-- [start:losses]
# --8<-- [start:loss_semi]
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
    gamma = check_td_batch(x, r, x_next, terminated, gamma, weight)
    v_next = batch_values(v_hat, x_next).detach()  # the target carries no gradient
    target = r + gamma * torch.where(terminated, 0.0, v_next)  # (TARGET)
    delta = target - batch_values(v_hat, x)  # (DELTA)
    return reduce_loss(0.5 * delta**2, weight)
# --8<-- [end:loss_semi]


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
    gamma = check_td_batch(x, r, x_next, terminated, gamma, weight)
    v_next = batch_values(v_hat, x_next)  # no detach: autograd goes through the target too
    target = r + gamma * torch.where(terminated, 0.0, v_next)
    delta = target - batch_values(v_hat, x)
    return reduce_loss(0.5 * delta**2, weight)


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
    gamma = check_td_batch(x, r, x_next, terminated, gamma, weight)
    check_td_batch(x, r2, x_next2, terminated2, gamma, suffix="2")  # second transition
    v = batch_values(v_hat, x)
    delta = r + gamma * torch.where(terminated, 0.0, batch_values(v_hat, x_next)) - v
    delta2 = r2 + gamma * torch.where(terminated2, 0.0, batch_values(v_hat, x_next2)) - v
    return reduce_loss(0.5 * delta * delta2, weight)
# --8<-- [end:losses]


# ----------------------------------------------------------------------------------------
# The same updates for linear v_hat = w^T x, per sample
# ----------------------------------------------------------------------------------------


def check_linear_td(w, x, r, x_next, gamma: float, alpha: float, rho=1.0,
                    x_next2=None) -> tuple:
    r"""Check the arguments of the linear updates: weights $\mathbf w$ of shape `(..., d)`,
    features `x`, `x_next` (and `x_next2`) of shape `(..., d)`, rewards `r` and ratios
    $\rho \ge 0$ of shape `(...)` (each broadcasting against the others), all finite;
    $\gamma \in [0, 1]$ and $\alpha > 0$.

    Returns:
        `(w, x, r, x_next, gamma, alpha, rho, x_next2)` as floats and float arrays.
    """
    w = check_finite("w", np.asarray(w, dtype=float))
    if w.ndim < 1 or w.shape[-1] < 1:
        raise ValueError(f"w must have shape (..., d) with d >= 1, got {w.shape}")
    arrays = {"x": x, "x_next": x_next, "x_next2": x_next2, "r": r, "rho": rho}
    out, leads = {}, [w.shape[:-1]]
    for name, a in arrays.items():
        if a is None:
            out[name] = None
            continue
        a = check_finite(name, np.asarray(a, dtype=float))
        if name in ("r", "rho"):
            leads.append(a.shape)
        elif a.ndim < 1 or a.shape[-1] != w.shape[-1]:
            raise ValueError(f"{name} must have shape (..., {w.shape[-1]}) like w, "
                             f"got {a.shape}")
        else:
            leads.append(a.shape[:-1])
        out[name] = a
    try:
        np.broadcast_shapes(*leads)
    except ValueError:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in out.items() if v is not None)
        raise ValueError(f"the leading (run) axes of w {w.shape}, {shapes} do not "
                         "broadcast together") from None
    if (out["rho"] < 0).any():
        raise ValueError("rho must be an importance-sampling ratio >= 0")
    return (w, out["x"], out["r"], out["x_next"], check_discount("gamma", gamma),
            check_step_size("alpha", alpha), out["rho"], out["x_next2"])


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
        gamma: discount $\gamma \in [0, 1]$.
        alpha: step size $\alpha > 0$.
        rho: importance-sampling ratio $\rho = \pi(A_t \mid S_t)/b(A_t \mid S_t)$ for
            off-policy learning (Sutton & Barto 2018, §11.1); 1 on-policy.

    Raises:
        ValueError: on bad arguments (see
            [`check_linear_td`][fa_book.semi_gradient.check_linear_td]).
    """
    w, x, r, x_next, gamma, alpha, rho, _ = check_linear_td(w, x, r, x_next, gamma, alpha,
                                                            rho)
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
    w, x, r, x_next, gamma, alpha, _, x_next2 = check_linear_td(w, x, r, x_next, gamma,
                                                                alpha, x_next2=x_next2)
    delta = r + gamma * (x_next * w).sum(-1) - (x * w).sum(-1)
    x_grad = x - gamma * (x_next if x_next2 is None else x_next2)
    return w + alpha * delta[..., None] * x_grad  # (RG)
# --8<-- [end:updates]


# ----------------------------------------------------------------------------------------
# Expected updates: each method's mean update is b_m - A_m w
# ----------------------------------------------------------------------------------------


def check_linear_problem(mdp: FiniteMDP, pi, phi, mu=None, method=..., w=None) -> tuple:
    r"""Check a linear prediction problem: a finite MDP, a policy $\pi$ of shape `(S, A)`,
    features $\Phi$ of shape `(S, d)`
    ([`check_features`][fa_book.validate.check_features]), a state weighting $\mu$ of
    shape `(S,)` ([`check_weighting`][fa_book.validate.check_weighting]; default the
    on-policy distribution of $\pi$), and optionally a method name (one of `METHODS`;
    the default `...` means no method to check) and weights $\mathbf w$ of shape `(d,)`.

    Returns:
        `(pi, phi, mu, w)` as float arrays (`w` stays `None` if not given).
    """
    if not isinstance(mdp, FiniteMDP):
        raise TypeError(f"mdp must be a FiniteMDP, got {type(mdp).__name__}")
    if method is not ...:
        check_choice("method", method, METHODS)
    pi = check_policy(mdp, pi)
    phi = check_features("phi", phi, mdp.n_states)
    mu = on_policy_distribution(mdp, pi) if mu is None else check_weighting(
        "mu", mu, mdp.n_states)
    if w is not None:
        w = check_finite("w", np.asarray(w, dtype=float))
        if w.shape != (phi.shape[1],):
            raise ValueError(f"w must have shape (d,) = ({phi.shape[1]},), got {w.shape}")
    return pi, phi, mu, w


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
    # --8<-- [start:expected_body]
    pi, phi, mu, _ = check_linear_problem(mdp, pi, phi, mu, method)
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
    # --8<-- [end:expected_body]
# --8<-- [end:expected]


def expected_update(w: np.ndarray, mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray,
                    method: Method, mu: np.ndarray | None = None) -> np.ndarray:
    r"""The expected step direction $\mathbf b_m - A_m\mathbf w$, shape `(d,)`.

    See [`expected_matrices`][fa_book.semi_gradient.expected_matrices]."""
    pi, phi, mu, w = check_linear_problem(mdp, pi, phi, mu, method, w)
    A, b = expected_matrices(mdp, pi, phi, method, mu)
    return b - A @ w


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
    # --8<-- [start:be_body]
    pi, phi, mu, _ = check_linear_problem(mdp, pi, phi, mu)
    sw = np.sqrt(mu)
    P_pi, r_pi = policy_matrices(mdp, pi)
    M = phi - mdp.gamma * P_pi @ phi  # (I - gamma P_pi) Phi
    w, *_ = np.linalg.lstsq(sw[:, None] * M, sw * r_pi, rcond=None)  # (BEMIN)
    return w
    # --8<-- [end:be_body]


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
    # --8<-- [start:tde_body]
    pi, phi, mu, _ = check_linear_problem(mdp, pi, phi, mu)
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
    # --8<-- [end:tde_body]
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

    pi, phi, mu, w = check_linear_problem(mdp, pi, phi, mu, w=w)
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

    n = check_size("n_states", n_states, 30_000)  # P is n x n
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


def a_presplit() -> tuple[FiniteMDP, np.ndarray, np.ndarray]:
    r"""The A-presplit example (Sutton & Barto 2018, Example 11.3): episodes start in
    A1 or A2 with probability 1/2 each; A1 goes to B, A2 to C (reward 0); then B ends
    with reward 1 and C with reward 0; $\gamma = 1$.  A1 and A2 share one feature, so
    the learner sees the A-split example: the same features, rewards and transitions.
    Every transition is deterministic.

    Returns:
        `(mdp, pi, phi)` with states `0 = A1, 1 = A2, 2 = B, 3 = C` and features
        `phi` of shape `(4, 3)`: $\mathbf x(A1) = \mathbf x(A2)$ = the first unit vector,
        $\mathbf x(B)$, $\mathbf x(C)$ the second and third, as in
        [`a_split`][fa_book.semi_gradient.a_split].
    """
    from fa_book.oracles import mrp

    P = np.zeros((4, 4))
    P[0, 2] = P[1, 3] = 1.0  # A1 -> B, A2 -> C; B and C end the episode
    r = np.array([0.0, 0.0, 1.0, 0.0])
    phi = np.eye(3)[[0, 0, 1, 2]]  # A1 and A2 look the same
    return mrp(P, r, 1.0, np.array([0.5, 0.5, 0.0, 0.0])), np.ones((4, 1)), phi
# --8<-- [end:problems]


# --8<-- [start:observed]
def observed_transitions(mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray,
                         mu: np.ndarray | None = None) -> dict[tuple, float]:
    r"""The distribution of what a learner observes in one transition: the features
    $\mathbf x(S_t)$, the reward $R_{t+1}$ and the next features $\mathbf x(S_{t+1})$
    (`None` when the episode ends), with $S_t \sim \mu$, $A_t \sim \pi$,
    $S_{t+1} \sim P$.  States that share a feature vector are merged, as they are for
    the learner.  Rewards are the expected $r(s, a)$ of the MDP, so this is the
    observable distribution when rewards are determined by $(s, a)$, as in
    [`a_split`][fa_book.semi_gradient.a_split] and
    [`a_presplit`][fa_book.semi_gradient.a_presplit].

    Args:
        mdp: the finite MDP.
        pi: the policy, shape `(S, A)`.
        phi: features $\Phi$, shape `(S, d)`.
        mu: distribution of $S_t$, shape `(S,)`; default the on-policy distribution.

    Returns:
        `{(x, r, x_next): probability}` with `x`, `x_next` tuples of floats, over the
        transitions of positive probability.
    """
    # --8<-- [start:observed_body]
    pi, phi, mu, _ = check_linear_problem(mdp, pi, phi, mu)
    p_end = np.clip(1.0 - mdp.P.sum(-1), 0.0, None)  # probability that (s, a) ends
    seen: dict[tuple, float] = {}
    for s, a in zip(*np.nonzero(mu[:, None] * pi), strict=True):
        nexts = [(tuple(phi[t].tolist()), mdp.P[s, a, t]) for t in np.nonzero(mdp.P[s, a])[0]]
        for x_next, p in [*nexts, (None, p_end[s, a])]:
            if p > 0:
                key = (tuple(phi[s].tolist()), float(mdp.R[s, a]), x_next)
                seen[key] = seen.get(key, 0.0) + float(mu[s] * pi[s, a] * p)
    return seen
    # --8<-- [end:observed_body]
# --8<-- [end:observed]
