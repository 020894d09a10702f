r"""Configurations, exact answers and drivers of chapter 4's full-size figures.

The configurations of Figures 9.1, 9.2 and 9.5 of Sutton & Barto (2018) are frozen
dataclasses that validate themselves; their exact answers (`walk_truth`,
`exact_limits`) come from `fa_book.oracles`; their drivers (`run_gradient_mc`,
`run_semi_gradient_td`, `run_n_step_sweep`, `run_basis_sweep`) run on the fast engine of
[`fa_book.prediction_engine`][fa_book.prediction_engine].  The plots and tables are drawn
by `fa_book.figures.prediction`; `bench/prediction.py` times the drivers.

Randomness: each driver draws its episodes from one generator,
`np.random.default_rng(cfg.seed)`, the only stream it uses (no environment is involved:
the episodes are simulated here).
"""


from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from fa_book.envs.random_walk import random_walk_mdp
from fa_book.features import Fourier, Polynomial, StateAggregation
from fa_book.oracles import (
    FiniteMDP,
    on_policy_distribution,
    projection_weights,
    td_fixed_point,
    v_pi,
)
from fa_book.prediction_engine import (
    gradient_mc_aggregation,
    lane_schedule,
    run_lanes,
    sample_episodes,
    semi_gradient_td0_onehot,
    value_errors,
)
from fa_book.validate import (
    check_choice,
    check_in_range,
    check_nonneg_int,
    check_positive_int,
    check_size,
    check_step_size,
)

# The book's settings for Figures 9.1, 9.2 and 9.5
# ============================================================================================

__all__ = [
    "BasisSweepConfig",
    "GradientMCConfig",
    "NStepSweepConfig",
    "SemiGradientTDConfig",
    "WalkTruth",
    "aggregation_features",
    "basis_features",
    "exact_limits",
    "run_basis_sweep",
    "run_gradient_mc",
    "run_n_step_sweep",
    "run_semi_gradient_td",
    "walk_truth",
]


def _check_fields(cfg, sizes: tuple[str, ...] = (), steps: tuple[str, ...] = ()) -> None:
    """Validate a config's size fields (`check_size`), step sizes and seed."""
    for name in sizes:
        check_size(name, getattr(cfg, name))
    for name in steps:
        check_step_size(name, getattr(cfg, name))
    check_nonneg_int("seed", cfg.seed)


def _check_aggregation_config(cfg) -> None:
    _check_fields(cfg, sizes=("n_groups", "n_episodes"))
    check_in_range("alpha", cfg.alpha, 0.0, 1.0)
    if cfg.alpha == 0:
        raise ValueError("alpha must be in (0, 1], got 0")


def _check_tuple(name: str, values, check) -> None:
    if not isinstance(values, tuple) or not values:
        raise ValueError(f"{name} must be a non-empty tuple, got {values!r}")
    for i, v in enumerate(values):
        check(f"{name}[{i}]", v)


# --8<-- [start:configs]
@dataclass(frozen=True)
class GradientMCConfig:
    """Figure 9.1: gradient Monte Carlo with state aggregation on the random walk."""

    n_groups: int = 10
    """State aggregation: 1000 states in this many groups of equal size."""
    alpha: float = 2e-5
    """Constant step size (the book's and the companion code's)."""
    n_episodes: int = 100_000
    """Episodes of the single run."""
    seed: int = 0
    """Seed of the run."""

    def __post_init__(self):
        _check_aggregation_config(self)


@dataclass(frozen=True)
class SemiGradientTDConfig:
    """Figure 9.2 (left): semi-gradient TD(0) with state aggregation."""

    n_groups: int = 10
    """Same aggregation as Figure 9.1."""
    alpha: float = 2e-4
    """Constant step size (the companion code's; the book does not state it)."""
    n_episodes: int = 100_000
    """Episodes of the single run."""
    seed: int = 1
    """Seed of the run."""

    def __post_init__(self):
        _check_aggregation_config(self)


@dataclass(frozen=True)
class NStepSweepConfig:
    """Figure 9.2 (right): n-step semi-gradient TD, error after few episodes."""

    n_groups: int = 20
    """20 groups of 50 states."""
    ns: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
    """Values of n."""
    alphas: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
    """Step sizes (alpha = 0 never moves from 0: its error is the RMS of v itself)."""
    n_episodes: int = 10
    """Episodes per run; the error is averaged over them."""
    n_runs: int = 100
    """Independent runs per (n, alpha)."""
    seed: int = 2
    """Seed of the sweep."""

    def __post_init__(self):
        _check_fields(self, sizes=("n_groups", "n_episodes", "n_runs"))
        _check_tuple("ns", self.ns, check_positive_int)
        _check_tuple("alphas", self.alphas, lambda k, a: check_in_range(k, a, 0.0, 1.0))
        check_size("len(alphas) * n_runs * n_episodes",
                   len(self.alphas) * self.n_runs * self.n_episodes)


@dataclass(frozen=True)
class BasisSweepConfig:
    """Figure 9.5: gradient Monte Carlo with polynomial vs Fourier bases."""

    orders: tuple[int, ...] = (5, 10, 20)
    """Orders n of the bases (n + 1 features each)."""
    alpha_polynomial: float = 1e-4
    """Step size for the polynomial bases."""
    alpha_fourier: float = 5e-5
    """Step size for the Fourier bases."""
    n_episodes: int = 5000
    """Episodes per run."""
    n_runs: int = 30
    """Independent runs per basis (the book's; the companion code runs 1)."""
    seed: int = 3
    """Seed of the sweep."""

    def __post_init__(self):
        _check_fields(self, sizes=("n_episodes", "n_runs"),
                      steps=("alpha_polynomial", "alpha_fourier"))
        _check_tuple("orders", self.orders, lambda k, o: check_size(k, o, 1000))
        check_size("2 * len(orders) * n_runs * n_episodes",
                   2 * len(self.orders) * self.n_runs * self.n_episodes)
# --8<-- [end:configs]


# ============================================================================================
# Exact answers on the random walk
# ============================================================================================


class WalkTruth(NamedTuple):
    """Exact answers for the random walk under the uniform policy."""

    mdp: FiniteMDP
    """The exact model (`random_walk_mdp`)."""
    pi: np.ndarray
    """The uniform policy, shape `(S, 2)`."""
    v: np.ndarray
    r"""$v_\pi$, shape `(S,)`."""
    mu: np.ndarray
    r"""On-policy distribution $\mu$, shape `(S,)`."""


def walk_truth(n_states: int = 1000, max_jump: int = 100) -> WalkTruth:
    r"""$v_\pi$ and $\mu$ of the random walk, by linear solves (`fa_book.oracles`);
    computed once per size (the arrays are read-only).  `n_states` is at most 10 000
    (a dense `(S, 2, S)` model)."""
    check_size("n_states", n_states, 10_000)
    check_positive_int("max_jump", max_jump)
    return _walk_truth(int(n_states), int(max_jump))


@functools.lru_cache(maxsize=4)
def _walk_truth(n_states: int, max_jump: int) -> WalkTruth:
    mdp = random_walk_mdp(n_states, max_jump)
    pi = np.full((n_states, 2), 0.5)
    truth = WalkTruth(mdp, pi, v_pi(mdp, pi), on_policy_distribution(mdp, pi))
    for a in (truth.pi, truth.v, truth.mu):
        a.setflags(write=False)
    return truth


def aggregation_features(n_groups: int, n_states: int = 1000) -> np.ndarray:
    """One-hot group features of every state
    ([`StateAggregation.uniform`][fa_book.features.StateAggregation.uniform]), shape
    `(n_states, n_groups)`."""
    check_size("n_states", n_states)
    check_size("n_states * n_groups", n_states * check_size("n_groups", n_groups))
    return StateAggregation.uniform(n_states, n_groups)(np.arange(n_states))


def exact_limits(n_groups: int = 10, n_states: int = 1000,
                 max_jump: int = 100) -> dict[str, np.ndarray]:
    """The exact answers for state aggregation: the gradient-MC limit (mu-projection of
    v_pi) and the TD fixed point, as weights and as values (keys `X`, `theta_mc`,
    `theta_td`, `v_mc`, `v_td`)."""
    truth = walk_truth(n_states, max_jump)
    X = aggregation_features(n_groups, n_states)
    theta_mc = projection_weights(X, truth.v, truth.mu)
    theta_td = td_fixed_point(truth.mdp, truth.pi, X, truth.mu)
    return {"X": X, "theta_mc": theta_mc, "theta_td": theta_td,
            "v_mc": X @ theta_mc, "v_td": X @ theta_td}


def basis_features(kind: str, order: int, n_states: int = 1000) -> np.ndarray:
    """Polynomial or Fourier features of every state, the book's state $1 \\dots$
    `n_states` scaled to $[0, 1]$ by dividing by `n_states` (as the companion code does);
    shape `(n_states, order + 1)`."""
    check_choice("kind", kind, ("polynomial", "fourier"))
    check_size("order", order, 1000)
    check_size("n_states * (order + 1)", check_size("n_states", n_states) * (order + 1))
    fmap = (Polynomial if kind == "polynomial" else Fourier)(order, 0.0, float(n_states))
    return fmap(np.arange(1, n_states + 1, dtype=float))


# ============================================================================================
# The experiments behind Figures 9.1, 9.2 and 9.5 (no plotting: fa_book.figures.prediction)
# ============================================================================================


# --8<-- [start:experiments]
def run_gradient_mc(cfg: GradientMCConfig, n_states: int = 1000, max_jump: int = 100,
                    chunk: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """Figure 9.1: one run of gradient MC with state aggregation.

    Returns:
        `(theta, visits)`: the final weights `(n_groups,)` and the number of visits to each
        state over all episodes `(n_states,)`.
    """
    _check_driver(cfg, GradientMCConfig, n_states, max_jump, chunk)
    rng = np.random.default_rng(cfg.seed)
    groups = StateAggregation.uniform(n_states, cfg.n_groups).groups
    theta, visits = np.zeros(cfg.n_groups), np.zeros(n_states)
    for first in range(0, cfg.n_episodes, chunk):
        ep = sample_episodes(rng, min(chunk, cfg.n_episodes - first), n_states, max_jump)
        theta = gradient_mc_aggregation(theta, groups, ep, cfg.alpha, step=first)
        visits += np.bincount(ep.states, minlength=n_states)
    return theta, visits


def run_semi_gradient_td(cfg: SemiGradientTDConfig, n_states: int = 1000,
                         max_jump: int = 100, chunk: int = 10_000) -> np.ndarray:
    """Figure 9.2 (left): one run of semi-gradient TD(0) with state aggregation; returns
    the final weights `(n_groups,)`."""
    _check_driver(cfg, SemiGradientTDConfig, n_states, max_jump, chunk)
    rng = np.random.default_rng(cfg.seed)
    groups = StateAggregation.uniform(n_states, cfg.n_groups).groups
    theta = np.zeros(cfg.n_groups)
    for first in range(0, cfg.n_episodes, chunk):
        ep = sample_episodes(rng, min(chunk, cfg.n_episodes - first), n_states, max_jump)
        g = groups[ep.states]  # S_0 .. S_{T-1} of every episode, in order
        last = np.cumsum(ep.lengths) - 1  # where each episode ends
        g_next = np.append(g[1:], -1)
        g_next[last] = -1  # S_T is terminal
        r = np.zeros(g.size)
        r[last] = ep.final_reward
        theta = semi_gradient_td0_onehot(theta, g, r, g_next, 1.0, cfg.alpha)
    return theta


def run_n_step_sweep(cfg: NStepSweepConfig, n_states: int = 1000,
                     max_jump: int = 100) -> np.ndarray:
    """Figure 9.2 (right): RMS error over all states (unweighted, as in the book and its
    code), averaged over the first `n_episodes` episodes, for every n, alpha and run.

    All `len(alphas) * n_runs` runs of one n go through `run_lanes` together.

    Returns:
        errors of shape `(len(ns), len(alphas), n_runs)`.
    """
    _check_driver(cfg, NStepSweepConfig, n_states, max_jump, 1)
    rng = np.random.default_rng(cfg.seed)
    truth = walk_truth(n_states, max_jump)
    X = np.vstack([aggregation_features(cfg.n_groups, n_states), np.zeros(cfg.n_groups)])
    alphas = np.repeat(np.asarray(cfg.alphas, dtype=float), cfg.n_runs)
    L, E = alphas.size, cfg.n_episodes
    errors = np.empty((len(cfg.ns), len(cfg.alphas), cfg.n_runs))
    for i, n in enumerate(cfg.ns):
        ep = sample_episodes(rng, L * E, n_states, max_jump)
        sched = lane_schedule(ep, L, n, 1.0, np.zeros(L, dtype=np.int64), n_states)
        _, at_ends = run_lanes(X, sched, np.zeros((L, cfg.n_groups)), alphas, gamma_n=1.0)
        order = np.argsort(np.nonzero(sched.ends)[1], kind="stable")  # lane, then episode
        err = value_errors(at_ends[order], X[:-1], truth.v, np.ones(n_states))
        errors[i] = err.reshape(len(cfg.alphas), cfg.n_runs, E).mean(-1)
    return errors


def run_basis_sweep(cfg: BasisSweepConfig, n_states: int = 1000, max_jump: int = 100,
                    block: int = 100) -> tuple[np.ndarray, np.ndarray]:
    r"""Figure 9.5: gradient MC with polynomial and Fourier bases of each order,
    `n_runs` runs each, all `2 * len(orders) * n_runs` runs in one batch of lanes.

    Returns:
        `(rmsve, rmse)`: after every episode, the $\mu$-weighted error
        $\sqrt{\overline{\mathrm{VE}}}$ (the book's axis) and the unweighted RMS error (the
        companion code's), each of shape `(2, len(orders), n_runs, n_episodes)`
        (basis 0 polynomial, 1 Fourier).
    """
    _check_driver(cfg, BasisSweepConfig, n_states, max_jump, block)
    rng = np.random.default_rng(cfg.seed)
    truth = walk_truth(n_states, max_jump)
    kinds = ("polynomial", "fourier")
    feats = [basis_features(k, o, n_states) for k in kinds for o in cfg.orders]
    d = max(f.shape[1] for f in feats)
    padded = [np.pad(f, ((0, 0), (0, d - f.shape[1]))) for f in feats]
    X = np.vstack([*padded, np.zeros((1, d))])
    C, R = len(feats), cfg.n_runs
    L = C * R
    cfg_of_lane = np.repeat(np.arange(C), R)
    alpha = np.where(cfg_of_lane < len(cfg.orders), cfg.alpha_polynomial, cfg.alpha_fourier)
    theta = np.zeros((L, d))
    shape = (2, len(cfg.orders), R, cfg.n_episodes)
    rmsve, rmse = np.empty(shape), np.empty(shape)
    for first in range(0, cfg.n_episodes, block):
        E = min(block, cfg.n_episodes - first)
        ep = sample_episodes(rng, L * E, n_states, max_jump)
        sched = lane_schedule(ep, L, None, 1.0, cfg_of_lane * n_states, C * n_states)
        theta, at_ends = run_lanes(X, sched, theta, alpha, step=first)
        order = np.argsort(np.nonzero(sched.ends)[1], kind="stable")
        W = at_ends[order].reshape(C, R * E, d)
        for c in range(C):
            for out, weights in ((rmsve, truth.mu), (rmse, np.ones(n_states))):
                err = value_errors(W[c], padded[c], truth.v, weights).reshape(R, E)
                out[c // len(cfg.orders), c % len(cfg.orders), :, first:first + E] = err
    return rmsve, rmse
# --8<-- [end:experiments]


# ============================================================================================
# The argument checks of the functions above (one named check per function)
# ============================================================================================


def _check_driver(cfg, cls: type, n_states: int, max_jump: int, chunk: int) -> None:
    if not isinstance(cfg, cls):
        raise TypeError(f"cfg must be a {cls.__name__}, got {cfg!r}")
    check_size("n_states", n_states, 10_000)  # walk_truth's dense model
    check_size("max_jump", max_jump)
    check_size("chunk", chunk)
    if getattr(cfg, "n_groups", 1) > n_states:
        raise ValueError(f"cfg.n_groups must be in [1, n_states = {n_states}], "
                         f"got {cfg.n_groups}")

