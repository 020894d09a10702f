r"""The runs of chapter 6 ("Why the TD target carries no gradient"): the expected
(DP-style) iteration, sampled linear TD runs, and off-policy TD on Baird's
counterexample, with divergence detection.

* [`expected_run`][fa_book.semi_gradient_runs.expected_run] iterates an expected update
  $\mathbf w \leftarrow \mathbf w + \alpha(\mathbf b_m - A_m\mathbf w)$ from
  [`expected_matrices`][fa_book.semi_gradient.expected_matrices];
* [`sampled_linear_td`][fa_book.semi_gradient_runs.sampled_linear_td] simulates many
  independent runs of one of the three linear TD(0) updates side by side;
* [`baird_off_policy_td`][fa_book.semi_gradient_runs.baird_off_policy_td] runs
  off-policy semi-gradient TD(0) on `fa_book/Baird-v0` (Sutton & Barto 2018, §11.2).

Runs that are not meant to diverge raise
[`DivergenceError`][fa_book.validate.DivergenceError] through
[`check_diverged`][fa_book.validate.check_diverged]; those that are (Baird's) may also be
stopped early at a norm `max_norm`, for a figure, and report the step.

Random streams: `sampled_linear_td` takes a generator `rng` (it is a math function of
it); `baird_off_policy_td` takes a `seed` and derives independent streams for the
behaviour policy and the environment
([`baird_streams`][fa_book.semi_gradient_runs.baird_streams]).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import gymnasium as gym
import numpy as np

from fa_book.envs.baird import (
    BAIRD_BEHAVIOUR,
    BAIRD_FEATURES,
    BAIRD_TARGET,
    BAIRD_W0,
    SOLID,
    BairdCounterexample,
)
from fa_book.oracles import FiniteMDP
from fa_book.semi_gradient import (
    Method,
    check_linear_problem,
    residual_gradient_update,
    semi_gradient_update,
)
from fa_book.validate import (
    DivergenceError,
    check_choice,
    check_diverged,
    check_finite,
    check_int_range,
    check_positive,
    check_positive_int,
    check_size,
    check_step_size,
    diverged,
)

__all__ = [
    "ExpectedRun",
    "SampledRun",
    "baird_off_policy_td",
    "baird_streams",
    "check_expected_run",
    "check_run_args",
    "check_sampling",
    "cumulative_probs",
    "draw_from_cdf",
    "expected_run",
    "run_diverged",
    "sampled_linear_td",
]


# ----------------------------------------------------------------------------------------
# Expected (DP-style) iteration and sampled runs
# ----------------------------------------------------------------------------------------


class ExpectedRun(NamedTuple):
    """Weights of an expected-update iteration (or of one sampled run on Baird's
    counterexample)."""

    w: np.ndarray
    r"""weights $\mathbf w_k$ for $k = 0, \dots$, shape `(n_recorded, d)`; stops at the
    divergence step if the run diverged."""
    diverged_at: int | None
    r"""the step at which the run diverged (see
    [`run_diverged`][fa_book.semi_gradient_runs.run_diverged]), or `None`."""


def run_diverged(w: np.ndarray, max_norm: float | None = None) -> bool:
    r"""The divergence test of the runs below: the book's one bound
    ([`diverged`][fa_book.validate.diverged]: a non-finite entry or one beyond
    [`DIVERGENCE_LIMIT`][fa_book.validate.DIVERGENCE_LIMIT]), or, for runs that are
    *meant* to diverge and are stopped early for a figure, some run's
    $\lVert\mathbf w\rVert >$ `max_norm`.

    Args:
        w: weights, shape `(..., d)` (leading axes = runs).
        max_norm: the stopping norm, or `None` for the book's bound only.
    """
    if diverged(w):
        return True
    return max_norm is not None and bool(np.any(np.sqrt((w * w).sum(-1)) > max_norm))


def check_run_args(alpha: float, n_steps: int, w0, d: int, max_norm: float | None = None,
                   on_divergence: str = "raise", n_runs: int = 1
                   ) -> tuple[float, int, np.ndarray]:
    r"""Check the arguments of a run: $\alpha > 0$, `n_steps` $\ge 1$ with the recorded
    weights `(n_steps + 1) * n_runs * d` at most `MAX_SIZE`, initial weights `w0` finite
    of shape `(d,)` (or `None`: zeros), `max_norm` $> 0$ or `None`, `on_divergence`
    `"raise"` or `"stop"`.

    Returns:
        `(alpha, n_steps, w0)`, `w0` a float copy.
    """
    alpha = check_step_size("alpha", alpha)
    n_steps = check_size("n_steps", n_steps)
    check_size("(n_steps + 1) * n_runs * d (the recorded weights)",
               (n_steps + 1) * check_size("n_runs", n_runs) * d)
    if max_norm is not None:
        check_positive("max_norm", max_norm)
    check_choice("on_divergence", on_divergence, ("raise", "stop"))
    w0 = np.zeros(d) if w0 is None else check_finite("w0", np.array(w0, dtype=float))
    if w0.shape != (d,):
        raise ValueError(f"w0 must have shape (d,) = ({d},), got {w0.shape}")
    return alpha, n_steps, w0


def check_expected_run(A, b, w0, alpha: float, n_steps: int, max_norm: float | None,
                       on_divergence: str) -> tuple:
    """Check the arguments of [`expected_run`][fa_book.semi_gradient_runs.expected_run]:
    `A` of shape `(d, d)` and `b` of shape `(d,)`, finite, and the rest as
    [`check_run_args`][fa_book.semi_gradient_runs.check_run_args].

    Returns:
        `(A, b, w0, alpha, n_steps)` as float arrays and numbers.
    """
    b = check_finite("b", np.asarray(b, dtype=float))
    A = check_finite("A", np.asarray(A, dtype=float))
    if b.ndim != 1 or b.size < 1 or A.shape != (b.size, b.size):
        raise ValueError(f"A, b must have shapes (d, d), (d,); got {A.shape}, {b.shape}")
    alpha, n_steps, w = check_run_args(alpha, n_steps, w0, b.size, max_norm, on_divergence)
    return A, b, w, alpha, n_steps


# --8<-- [start:expected_run]
def expected_run(A: np.ndarray, b: np.ndarray, w0: np.ndarray, alpha: float, n_steps: int,
                 *, what: str = "expected TD iteration", max_norm: float | None = None,
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
        max_norm: stop early once $\lVert\mathbf w_k\rVert >$ `max_norm` (for a figure of
            a run that is meant to diverge); `None`: only the book's bound
            ([`run_diverged`][fa_book.semi_gradient_runs.run_diverged]).
        on_divergence: `"raise"` a
            [`DivergenceError`][fa_book.validate.DivergenceError] naming the step and
            step size, or `"stop"` and record the step in `diverged_at`.
    """
    A, b, w, alpha, n_steps = check_expected_run(A, b, w0, alpha, n_steps, max_norm,
                                                 on_divergence)
    # --8<-- [start:expected_run_loop]
    ws = [w.copy()]
    for k in range(1, n_steps + 1):
        w = w + alpha * (b - A @ w)  # (EXPITER)
        if run_diverged(w, max_norm):
            if on_divergence == "raise":
                raise DivergenceError(what, k, alpha)
            return ExpectedRun(np.array(ws), k)
        ws.append(w.copy())
    return ExpectedRun(np.array(ws), None)
    # --8<-- [end:expected_run_loop]
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


def cumulative_probs(p: np.ndarray) -> np.ndarray:
    """Cumulative sums along the last axis of probability rows `p` (checked by the
    caller), with the last entry set to infinity so that round-off never sends a draw past
    the last outcome."""
    c = np.cumsum(p, axis=-1)
    c[..., -1] = np.inf
    return c


def draw_from_cdf(cdf_rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per row of `cdf_rows` (shape `(n, k)`, from
    [`cumulative_probs`][fa_book.semi_gradient_runs.cumulative_probs]; its rows and `rng`
    are checked by the caller): the outcome indices, shape `(n,)`, from one uniform per
    row of `rng`."""
    u = rng.random(cdf_rows.shape[0])
    return (u[:, None] >= cdf_rows).sum(1)


def check_sampling(mdp: FiniteMDP, pi, phi, method: str, alpha: float, n_steps: int,
                   n_runs: int, rng, sampling: str, w0, record_every: int,
                   average_from: int) -> tuple:
    """Check the arguments of
    [`sampled_linear_td`][fa_book.semi_gradient_runs.sampled_linear_td]: the problem and
    `method` ([`check_linear_problem`][fa_book.semi_gradient.check_linear_problem]), the
    run ([`check_run_args`][fa_book.semi_gradient_runs.check_run_args]), `sampling`
    `"trajectory"` or `"iid"`, `record_every` $\\ge 1$, `average_from` in
    `[0, n_steps)`, and a `numpy.random.Generator`.

    Returns:
        `(pi, phi, mu, alpha, n_steps, w0)`, `mu` the on-policy distribution of `pi`.
    """
    pi, phi, mu, _ = check_linear_problem(mdp, pi, phi, None, method)  # method required
    alpha, n_steps, w0 = check_run_args(alpha, n_steps, w0, phi.shape[1], n_runs=n_runs)
    check_choice("sampling", sampling, ("trajectory", "iid"))
    check_positive_int("record_every", record_every)
    check_int_range("average_from", average_from, 0, n_steps - 1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return pi, phi, mu, alpha, n_steps, w0


# --8<-- [start:sampled]
def sampled_linear_td(mdp: FiniteMDP, pi: np.ndarray, phi: np.ndarray, method: Method, *,
                      alpha: float, n_steps: int, n_runs: int, rng: np.random.Generator,
                      sampling: Literal["trajectory", "iid"] = "trajectory",
                      w0: np.ndarray | None = None, record_every: int = 1,
                      average_from: int = 0) -> SampledRun:
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

    Raises:
        DivergenceError: if the weights leave the book's bound
            ([`check_diverged`][fa_book.validate.check_diverged]).
    """
    pi, phi, mu, alpha, n_steps, w0 = check_sampling(
        mdp, pi, phi, method, alpha, n_steps, n_runs, rng, sampling, w0, record_every,
        average_from)
    S, d = mdp.n_states, phi.shape[1]
    w = np.tile(w0, (n_runs, 1))
    phi_ext = np.vstack([phi, np.zeros((1, d))])  # index S = terminal, x = 0
    cdf_pi = cumulative_probs(pi)
    P_ext = np.concatenate([mdp.P, np.clip(1 - mdp.P.sum(-1), 0, None)[..., None]], -1)
    cdf_P = cumulative_probs(P_ext)
    cdf_d0 = cumulative_probs(np.tile(mdp.d0, (n_runs, 1)))
    cdf_mu = cumulative_probs(np.tile(mu, (n_runs, 1)))
    s = draw_from_cdf(cdf_mu if sampling == "iid" else cdf_d0, rng)
    steps, ws, total = [0], [w.copy()], np.zeros_like(w)
    # --8<-- [start:sampled_loop]
    for t in range(1, n_steps + 1):
        a = draw_from_cdf(cdf_pi[s], rng)
        s_next = draw_from_cdf(cdf_P[s, a], rng)
        x, r, x_next = phi[s], mdp.R[s, a], phi_ext[s_next]
        if method == "semi-gradient":
            w = semi_gradient_update(w, x, r, x_next, mdp.gamma, alpha)
        elif method == "residual":
            w = residual_gradient_update(w, x, r, x_next, mdp.gamma, alpha)
        else:
            s_next2 = draw_from_cdf(cdf_P[s, draw_from_cdf(cdf_pi[s], rng)], rng)
            w = residual_gradient_update(w, x, r, x_next, mdp.gamma, alpha,
                                         x_next2=phi_ext[s_next2])
        check_diverged(f"sampled {method} TD", w, t, alpha)
        if t > average_from:
            total += w
        if t % record_every == 0:
            steps.append(t)
            ws.append(w.copy())
        if sampling == "iid":
            s = draw_from_cdf(cdf_mu, rng)
        else:  # continue the episode, or start a new one from d0
            s = np.where(s_next == S, draw_from_cdf(cdf_d0, rng), s_next)
    return SampledRun(np.array(steps), np.array(ws), total / (n_steps - average_from))
    # --8<-- [end:sampled_loop]
# --8<-- [end:sampled]


# ----------------------------------------------------------------------------------------
# Baird's counterexample (Sutton & Barto 2018, §11.2, Figure 11.1)
# ----------------------------------------------------------------------------------------


def baird_streams(seed: int) -> tuple[np.random.Generator, int]:
    r"""The two independent random streams of a Baird run from one `seed` (an integer
    $\ge 0$): the behaviour policy's generator `np.random.default_rng([seed, 0])`, and the
    seed for `env.reset(seed=...)`, drawn from the separate stream `[seed, 1]` (never
    the same integer as the policy's, whose bits would then be the environment's).

    Returns:
        `(policy_rng, env_seed)`.
    """
    seed = check_int_range("seed", seed, 0, 2**63 - 1)
    env_seed = int(np.random.default_rng([seed, 1]).integers(2**63 - 1))
    return np.random.default_rng([seed, 0]), env_seed


# --8<-- [start:baird_td]
def baird_off_policy_td(alpha: float = 0.01, n_steps: int = 1000, *, seed: int = 0,
                        w0: np.ndarray | None = None, max_norm: float | None = None,
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
        seed: the behaviour policy and the environment get independent streams derived
            from it ([`baird_streams`][fa_book.semi_gradient_runs.baird_streams]).
        w0: initial weights (default `BAIRD_W0`).
        max_norm: stop early once $\lVert\mathbf w\rVert$ exceeds this (for the figure);
            `None`: only the book's bound
            ([`run_diverged`][fa_book.semi_gradient_runs.run_diverged]).
        on_divergence: `"raise"` a
            [`DivergenceError`][fa_book.validate.DivergenceError], or `"stop"` and
            record the step in `diverged_at`.
        env: an environment to use instead of `gym.make("fa_book/Baird-v0")`.

    Returns:
        The weights after each step (an `ExpectedRun`, whose `diverged_at` is the step at
        which the run diverged, if it did and `on_divergence="stop"`).
    """
    alpha, n_steps, w = check_run_args(alpha, n_steps, BAIRD_W0 if w0 is None else w0, 8,
                                       max_norm, on_divergence)
    rng, env_seed = baird_streams(seed)
    env = gym.make("fa_book/Baird-v0") if env is None else env
    gamma, x_of = BairdCounterexample.gamma, BAIRD_FEATURES
    # --8<-- [start:baird_td_loop]
    ws = [w.copy()]
    s, _ = env.reset(seed=env_seed)
    for t in range(1, n_steps + 1):
        a = int(rng.random() < BAIRD_BEHAVIOUR[s, SOLID])  # 1 = solid
        s_next, r, terminated, truncated, _ = env.step(a)
        rho = BAIRD_TARGET[s, a] / BAIRD_BEHAVIOUR[s, a]  # (RHO)
        x_next = 0.0 * x_of[s_next] if terminated else x_of[s_next]
        w = semi_gradient_update(w, x_of[s], r, x_next, gamma, alpha, rho)
        if run_diverged(w, max_norm):
            if on_divergence == "raise":
                raise DivergenceError("off-policy semi-gradient TD on Baird's "
                                      "counterexample", t, alpha)
            return ExpectedRun(np.array(ws), t)
        ws.append(w.copy())
        s = env.reset()[0] if terminated or truncated else s_next
    return ExpectedRun(np.array(ws), None)
    # --8<-- [end:baird_td_loop]
# --8<-- [end:baird_td]
