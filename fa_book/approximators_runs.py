r"""The experiments of chapter 3 ("Parametric value functions"), apart from the lesson in
[`fa_book.approximators`][fa_book.approximators]: the exact random-walk target, the
approximator families fitted to the same sampled returns, and SGD curves on the
mean-squared value error.  `fa_book.figures.parametric` only plots what these return.

Randomness: every run derives its streams from its config's `seed`
(`np.random.default_rng([seed, n, data_seed])` for a data set of size n; the network's
`torch.Generator` from `data_seed`, a different generator type, so the two never share
bits).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from fa_book.approximators import (
    KNN,
    MLP,
    KNNConfig,
    LinearApproximator,
    MLPConfig,
    RegressionTree,
    TreeConfig,
    sgd_step,
)
from fa_book.envs import random_walk_mdp
from fa_book.features import Fourier, Haar, Polynomial
from fa_book.oracles import on_policy_distribution, projection_weights, rmsve, v_pi
from fa_book.validate import (
    check_diverged,
    check_features,
    check_index,
    check_nonneg_int,
    check_size,
    check_type,
)

__all__ = [
    "N_STATES",
    "FamiliesConfig",
    "SGDCurvesConfig",
    "families",
    "family_results",
    "random_walk_truth",
    "sgd_excess_curves",
]

N_STATES = 1000
"""States of the random walk (Sutton & Barto 2018, Example 9.1)."""


@functools.lru_cache(maxsize=1)
def random_walk_truth() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""States 1..1000 (as floats), their exact values $v_\pi$ and on-policy weights $\mu$
    under the uniformly random policy."""
    mdp = random_walk_mdp(N_STATES, 100)
    pi = np.full((N_STATES, 2), 0.5)  # the uniformly random policy
    return np.arange(1.0, N_STATES + 1), v_pi(mdp, pi), on_policy_distribution(mdp, pi)


@dataclass(frozen=True)
class FamiliesConfig:
    """The families comparison: sample sizes, data seeds, the network's budget."""

    sizes: tuple[int, ...] = (100, 300, 1000, 3000, 10000)
    """Numbers n of sampled (state, return) pairs."""
    data_seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    """One data set (and network initialization) per seed and size."""
    seed: int = 0
    """Root of every data stream: data set (n, s) uses `default_rng([seed, n, s])`."""
    mlp_steps: int = 2000
    """Adam steps of the network (`MLPConfig.steps`)."""

    def __post_init__(self):
        if not self.sizes or not self.data_seeds:
            raise ValueError("sizes and data_seeds must be non-empty tuples of integers")
        for n in self.sizes:
            check_size("sizes", n, 10**6)
        for s in self.data_seeds:
            check_nonneg_int("data_seeds", s)
        check_nonneg_int("seed", self.seed)
        check_size("mlp_steps", self.mlp_steps)

    @classmethod
    def quick(cls) -> FamiliesConfig:
        """A cut-down run for checking: n = 100 and 300, one seed, 100 network steps."""
        return cls(sizes=(100, 300), data_seeds=(0,), mlp_steps=100)


def families(data_seed: int, mlp_steps: int = 2000) -> dict[str, object]:
    """The approximators compared, freshly constructed (the network seeded by
    `data_seed`), on the scaled state u in [0, 1]."""
    mlp = MLPConfig(steps=mlp_steps)
    return {
        "linear (1, u)": LinearApproximator(Polynomial(1)),
        "Fourier, order 8": LinearApproximator(Fourier(8)),
        "Haar, level 3": LinearApproximator(Haar(3)),
        "neural net (2x64 tanh)": MLP(1, mlp, torch.Generator().manual_seed(data_seed)),
        "k-NN (k = ceil(sqrt n))": KNN(KNNConfig()),
        "regression tree": RegressionTree(TreeConfig()),
    }


def family_results(config: FamiliesConfig = FamiliesConfig()
                   ) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]:
    r"""Fit every family to n sampled (state, return) pairs of the random walk, for each
    size and data seed: states $S_i \sim \mu$, returns drawn from their exact
    distribution ($+1$ with probability $(1 + v_\pi(S_i))/2$, else $-1$).

    Returns:
        `results[name]` with arrays `"rmsve"`, `"params"`, `"cpu"` of shape
        `(len(sizes), len(data_seeds))`, and `curves[name]`, the fitted values on all
        1000 states for the first data seed at n = 1000 (or the largest size, if 1000 is
        not among them).
    """
    check_type("config", config, FamiliesConfig)
    states, v, mu = random_walk_truth()
    u_all = (states - 1) / (N_STATES - 1)
    sizes, seeds = config.sizes, config.data_seeds
    n_curve = 1000 if 1000 in sizes else sizes[-1]
    res: dict[str, dict[str, np.ndarray]] = {}
    curves: dict[str, np.ndarray] = {}
    for i_n, n in enumerate(sizes):
        for i_s, seed in enumerate(seeds):
            rng = np.random.default_rng([config.seed, n, seed])
            S = rng.choice(N_STATES, size=n, p=mu)
            G = np.where(rng.uniform(size=n) < (1 + v[S]) / 2, 1.0, -1.0)  # exact returns
            for name, model in families(seed, config.mlp_steps).items():
                t0 = time.process_time()
                model.fit(u_all[S], G)
                v_hat = model.predict(u_all)
                cpu = time.process_time() - t0
                r = res.setdefault(name, {k: np.zeros((len(sizes), len(seeds)))
                                          for k in ("rmsve", "params", "cpu")})
                r["rmsve"][i_n, i_s] = rmsve(v_hat, v, mu)
                r["params"][i_n, i_s] = model.n_parameters
                r["cpu"][i_n, i_s] = cpu
                if n == n_curve and i_s == 0:
                    curves[name] = v_hat
    return res, curves


@dataclass(frozen=True)
class SGDCurvesConfig:
    """SGD on the mean-squared value error with exact targets, many runs at once."""

    n_runs: int = 100
    """Independent runs, all stepped together."""
    n_steps: int = 100_000
    """SGD steps per run."""
    n_record: int = 60
    """About this many log-spaced steps at which the excess error is recorded."""
    seed: int = 0
    """Seed of the sampled states (`default_rng(seed)`, drawn once per feature map)."""

    def __post_init__(self):
        check_size("n_runs", self.n_runs, 10**4)
        check_size("n_steps", self.n_steps, 10**8)
        check_size("n_runs * n_steps", self.n_runs * self.n_steps)
        check_size("n_record", self.n_record, 10**4)
        check_nonneg_int("seed", self.seed)


def sgd_excess_curves(phi: np.ndarray, schedules: dict[str, Callable[[int], float]],
                      S: np.ndarray, record: np.ndarray) -> dict[str, np.ndarray]:
    r"""The excess error $\overline{\mathrm{VE}}(\theta_t) - \overline{\mathrm{VE}}(\theta^\star)
    = \lVert\Phi(\theta_t - \theta^\star)\rVert_\mu^2$ (Pythagoras) of SGD with exact
    targets on the random walk, for each step-size schedule, all runs seeing the same
    sampled states.

    Args:
        phi: features of the 1000 states, shape `(1000, d)`.
        schedules: step size $\alpha_t$ as a function of $t$, by label.
        S: sampled states, shape `(n_steps, n_runs)`, integers in `0 .. 999`.
        record: increasing steps $t + 1$ at which to record, in `1 .. n_steps`.

    Returns:
        `curves[label]`, shape `(len(record), n_runs)`.

    Raises:
        DivergenceError: if a schedule's weights run away.
    """
    _, v, mu = random_walk_truth()
    phi = check_features("phi", phi, N_STATES)
    check_type("schedules", schedules, dict)
    if not schedules or not all(callable(a) for a in schedules.values()):
        raise ValueError("schedules must map labels to step-size functions alpha(t)")
    S = check_index("S", S, N_STATES)
    if S.ndim != 2 or 0 in S.shape:
        raise ValueError(f"S must have shape (n_steps, n_runs), both >= 1, got {S.shape}")
    record = check_index("record", np.asarray(record) - 1, S.shape[0]) + 1
    theta_star = projection_weights(phi, v, mu)
    record_set = set(record.tolist())
    curves = {}
    for label, alpha in schedules.items():
        theta = np.zeros((S.shape[1], phi.shape[1]))
        curve = []
        for t in range(S.shape[0]):
            theta = sgd_step(theta, phi[S[t]], v[S[t]], alpha(t))  # exact targets
            check_diverged(f"SGD ({label})", theta, t, alpha(t))
            if t + 1 in record_set:  # excess error VE(theta) - VE(theta*), Pythagoras
                curve.append(((phi @ (theta - theta_star).T) ** 2).T @ mu)
        curves[label] = np.array(curve)
    return curves
