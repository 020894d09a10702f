r"""Chapter 2's studies: the drivers behind the page's figures and tables.

Each `*_study` function and its frozen config computes what a figure of
`fa_book.figures.discretize` plots (learning curves, the resolution sweep, the Markov
check, the staircase, bucketing); each config's `quick()` is the cut-down version the
tests run.  The runs themselves are those of
[`fa_book.discretize_runs`][fa_book.discretize_runs].
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import gymnasium as gym
import numpy as np

from fa_book.discretize import (
    Grid,
    MountainCarBatch,
    StateAggregation,
    aggregate_by_clustering,
    aggregate_by_key,
    aggregated_values,
    bucket_fit,
    push_with_velocity,
    staircase_rms,
)
from fa_book.discretize_runs import (
    DiscreteQConfig,
    QLearningResult,
    cell_transition_counts,
    q_learning_discretized,
)
from fa_book.oracles import FiniteMDP, on_policy_distribution, v_pi
from fa_book.validate import (
    MAX_SIZE,
    check_discount,
    check_int_range,
    check_nonneg_int,
    check_positive,
    check_positive_int,
    check_size,
)

__all__ = [
    "BucketConfig",
    "BucketStudy",
    "LearningConfig",
    "MarkovConfig",
    "MarkovRow",
    "ResolutionCell",
    "ResolutionConfig",
    "ResolutionStudy",
    "StaircaseConfig",
    "StaircaseStudy",
    "bucket_study",
    "cell_kinds",
    "check_policy_table",
    "greedy_episode",
    "grid_world",
    "learning_study",
    "markov_study",
    "moving_average",
    "resolution_cell",
    "resolution_study",
    "staircase_study",
    "stay_rate",
    "z_two_rates",
]


# ----------------------------------------------------------------------------------------
# The page's experiments (what fa_book.figures.discretize plots)
# ----------------------------------------------------------------------------------------

def _check_seed(seed: int, name: str = "seed") -> int:
    return check_nonneg_int(name, seed)


def _check_ints(name: str, values, low: int = 1) -> tuple[int, ...]:
    if not isinstance(values, tuple) or not values or any(
            isinstance(v, bool) or not isinstance(v, int) or v < low for v in values):
        raise ValueError(f"{name} must be a non-empty tuple of integers >= {low}, "
                         f"got {values!r}")
    return values


def moving_average(x: np.ndarray, w: int) -> np.ndarray:
    """Moving average over the last axis (window `w`, the 'valid' part only)."""
    x = np.asarray(x, dtype=float)
    check_int_range("w", w, 1, max(x.shape[-1], 1) if x.ndim else 1)
    c = np.cumsum(np.pad(x, [(0, 0)] * (x.ndim - 1) + [(1, 0)]), axis=-1, dtype=float)
    return (c[..., w:] - c[..., :-w]) / w


@dataclass(frozen=True)
class LearningConfig:
    """The learning curves: Q-learning on Mountain Car for a few $k \\times k$ grids."""

    bins: tuple[int, ...] = (6, 12, 32)
    """Bins per dimension $k$ of each grid."""
    runs: int = 20
    """Independent runs per grid."""
    episodes: int = 1000
    """Episodes per run."""
    seed: int = 0
    """The $k \\times k$ grid's runs draw from `np.random.default_rng(seed + k)`."""

    def __post_init__(self):
        _check_ints("bins", self.bins)
        if len(set(self.bins)) != len(self.bins):
            raise ValueError(f"bins must be distinct, got {self.bins!r}")
        check_int_range("runs", self.runs, 2, MAX_SIZE)
        check_size("episodes", self.episodes)
        _check_seed(self.seed)

    @classmethod
    def quick(cls) -> LearningConfig:
        """A cut-down run for the tests."""
        return cls(runs=2, episodes=4)


def learning_study(config: LearningConfig = LearningConfig()) -> dict[int, QLearningResult]:
    """Run [`q_learning_discretized`][fa_book.discretize_runs.q_learning_discretized]
    (`DiscreteQConfig` defaults, `bins=(k, k)`) for each $k$ of the config."""
    if not isinstance(config, LearningConfig):
        raise TypeError(f"config must be a LearningConfig, got {type(config).__name__}")
    return {k: q_learning_discretized(DiscreteQConfig(bins=(k, k), episodes=config.episodes),
                                      np.random.default_rng(config.seed + k),
                                      runs=config.runs)
            for k in config.bins}


def greedy_episode(Q: np.ndarray, grid: Grid, *, seed: int = 0,
                   max_steps: int = 1000) -> np.ndarray:
    r"""Play the greedy policy of one table `Q` (shape `(grid.d, 3)`) in gymnasium's
    `MountainCar-v0` (reset with `seed`; the policy itself draws nothing).

    Returns:
        the observations $(x, \dot x)$ of the episode, start included, shape `(T + 1, 2)`.
    """
    if not isinstance(grid, Grid) or grid.n_dims != 2:
        raise ValueError(f"grid must be a 2-D Grid (position, velocity), got {grid!r:.80}")
    Q = check_policy_table(Q, grid.d)
    _check_seed(seed)
    check_size("max_steps", max_steps)
    env = gym.make("MountainCar-v0", max_episode_steps=max_steps)
    obs, _ = env.reset(seed=seed)
    raw = [obs]
    for _ in range(max_steps):
        obs, _, terminated, truncated, _ = env.step(int(np.argmax(Q[grid.index(obs)])))
        raw.append(obs)
        if terminated or truncated:
            break
    env.close()
    return np.array(raw, dtype=float)


def check_policy_table(Q: np.ndarray, n_cells: int) -> np.ndarray:
    """Require a finite table of shape `(n_cells, A)`, A >= 1."""
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2 or Q.shape[0] != n_cells or Q.shape[1] < 1 or not np.all(np.isfinite(Q)):
        raise ValueError(f"Q must be a finite array of shape ({n_cells}, A), got {Q.shape}")
    return Q


def cell_kinds(Q: np.ndarray, q_init: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Which cells a run never learned: `never[c]` when every $Q(c, \cdot)$ is still
    exactly `q_init` (no step started from $c$: with every reward $-1$ any update moves
    $Q$ away), `partly[c]` when only some are. Two bool arrays of shape `(S,)`."""
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2:
        raise ValueError(f"Q must have shape (S, A), got {Q.shape}")
    untouched = Q == q_init
    never = untouched.all(axis=1)
    return never, untouched.any(axis=1) & ~never


@dataclass(frozen=True)
class ResolutionConfig(LearningConfig):
    """The grid-resolution study: Q-learning on Mountain Car for many $k \\times k$ grids
    (the learning study's fields, other defaults, and `last`)."""

    bins: tuple[int, ...] = (3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48)
    """Bins per dimension $k$."""
    runs: int = 10
    """Runs per $k$."""
    episodes: int = 500
    """Episodes per run."""
    seed: int = 100
    """The $k \\times k$ grid's runs draw from `np.random.default_rng(seed + k)`."""
    last: int = 100
    """The final performance is the mean over the last this many episodes."""

    def __post_init__(self):
        super().__post_init__()
        check_int_range("last", self.last, 1, self.episodes)

    @classmethod
    def quick(cls) -> ResolutionConfig:
        """A cut-down run for the tests."""
        return cls(bins=(4, 6), runs=2, episodes=3, last=2)


class ResolutionStudy(NamedTuple):
    """Output of [`resolution_study`][fa_book.discretize_studies.resolution_study]."""

    finals: np.ndarray
    """Mean steps per episode over the last `last` episodes, shape `(len(bins), runs)`."""
    means: np.ndarray
    """Mean steps per episode over all episodes, shape `(len(bins), runs)`."""
    reached: np.ndarray
    """Runs that reached the flag in every one of the last `last` episodes, per $k$."""
    limit: int
    """The time limit (an episode of `limit` steps did not reach the flag)."""


class ResolutionCell(NamedTuple):
    """One grid's row of the resolution study
    ([`resolution_cell`][fa_book.discretize_studies.resolution_cell])."""

    k: int
    """Bins per dimension."""
    finals: np.ndarray
    """Mean steps per episode over the last `last` episodes, shape `(runs,)`."""
    means: np.ndarray
    """Mean steps per episode over all episodes, shape `(runs,)`."""
    reached: int
    """Runs that reached the flag in every one of the last `last` episodes."""


def resolution_cell(config: ResolutionConfig, k: int) -> ResolutionCell:
    r"""One cell of the resolution study: the runs of the $k \times k$ grid.

    The cells are independent (grid $k$'s runs draw only from
    `np.random.default_rng(config.seed + k)`), so they may run in any order, or in
    parallel processes (`python -m fa_book.figures --jobs N` does), and give the same
    numbers."""
    if not isinstance(config, ResolutionConfig):
        raise TypeError(f"config must be a ResolutionConfig, got {type(config).__name__}")
    if k not in config.bins:
        raise ValueError(f"k must be one of config.bins = {config.bins}, got {k!r}")
    limit = DiscreteQConfig().max_episode_steps
    steps = learning_study(dataclasses.replace(config, bins=(k,)))[k].steps
    return ResolutionCell(k, steps[:, -config.last:].mean(1), steps.mean(1),
                          int((steps[:, -config.last:] < limit).all(1).sum()))


def resolution_study(config: ResolutionConfig = ResolutionConfig(),
                     cells: Sequence[ResolutionCell] | None = None) -> ResolutionStudy:
    """Run the resolution study (`DiscreteQConfig` defaults, `bins=(k, k)`): one
    [`resolution_cell`][fa_book.discretize_studies.resolution_cell] per $k$.

    Args:
        config: the study.
        cells: the cells already computed elsewhere (for instance in parallel processes),
            one per $k$ of `config.bins`, in any order; None: compute them here, in order.
    """
    if not isinstance(config, ResolutionConfig):
        raise TypeError(f"config must be a ResolutionConfig, got {type(config).__name__}")
    if cells is None:
        cells = [resolution_cell(config, k) for k in config.bins]
    by_k = {c.k: c for c in cells if isinstance(c, ResolutionCell)}
    if len(cells) != len(config.bins) or set(by_k) != set(config.bins):
        raise ValueError(f"cells must be one ResolutionCell for each k of config.bins = "
                         f"{config.bins}, got {len(cells)} cells for k = {sorted(by_k)}")
    rows = [by_k[k] for k in config.bins]
    return ResolutionStudy(np.array([c.finals for c in rows]), np.array([c.means for c in rows]),
                           np.array([c.reached for c in rows]),
                           DiscreteQConfig().max_episode_steps)


def stay_rate(N: np.ndarray, s: int, a: int, p: int) -> tuple[float, int]:
    """Estimate of $P(\\bar s' = s \\mid s, a, \\text{previous cell } p)$ from counts
    `N[p, s, a, s']`, and its number of samples (NaN when there are none)."""
    n = int(N[p, s, a].sum())
    return (N[p, s, a, s] / n if n else math.nan), n


def z_two_rates(p1: float, n1: int, p2: float, n2: int) -> float:
    """Difference of two estimated rates in standard errors, pooled as under "they are
    equal" (0 when the pooled standard error is 0)."""
    check_positive_int("n1", n1)
    check_positive_int("n2", n2)
    q = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(q * (1 - q) * (1 / n1 + 1 / n2))
    return (p1 - p2) / se if se > 0 else 0.0


@dataclass(frozen=True)
class MarkovConfig:
    """The Markov table: cell transitions under "push with the velocity"."""

    bins: int = 4
    """Bins per dimension of the uniform grid."""
    cars: int = 1000
    """Cars per data set."""
    steps: int = 300
    """Steps per car."""
    min_n: int = 100
    """Only cells where every estimate has at least this many samples are listed."""
    seeds: tuple[int, int] = (0, 1)
    """Generators of the data set and of the control data set: `default_rng(seed)`."""

    def __post_init__(self):
        check_size("bins", self.bins, 1000)
        check_size("cars", self.cars)
        check_int_range("steps", self.steps, 2, MAX_SIZE)
        check_positive_int("min_n", self.min_n)
        if not isinstance(self.seeds, tuple) or len(self.seeds) != 2 or self.seeds[0] == \
                self.seeds[1]:
            raise ValueError(f"seeds must be two different integers >= 0, got {self.seeds!r}")
        for seed in self.seeds:
            _check_seed(seed)

    @classmethod
    def quick(cls) -> MarkovConfig:
        """A cut-down run for the tests."""
        return cls(cars=50, steps=150, min_n=20)


class MarkovRow(NamedTuple):
    """One cell of the Markov table."""

    s: int
    """The cell."""
    a: int
    """The action the policy takes there."""
    came_from: int
    """The most frequent other cell before it."""
    p_other: float
    """P(stay | came from `came_from`)."""
    n_other: int
    """Its samples."""
    p_same: float
    """P(stay | was already in `s`)."""
    n_same: int
    """Its samples."""
    z: float
    """`p_other - p_same` in pooled standard errors."""
    z_control: float
    """The same cell's P(stay | already there) on the control data set against `p_same`."""


def markov_study(config: MarkovConfig = MarkovConfig()) -> tuple[Grid, list[MarkovRow]]:
    """The grid and the rows of the Markov table: for every cell with enough samples,
    P(stay) after coming from the most frequent other cell against after already being
    there, with the control on an independent data set."""
    if not isinstance(config, MarkovConfig):
        raise TypeError(f"config must be a MarkovConfig, got {type(config).__name__}")
    grid = Grid.for_space(MountainCarBatch.observation_space, config.bins)
    pi = push_with_velocity(grid)
    N, N2 = (cell_transition_counts(grid, pi, np.random.default_rng(seed), cars=config.cars,
                                    steps=config.steps) for seed in config.seeds)
    rows = []
    for s in range(grid.d):
        a = int(pi[s].argmax())
        before = N[:, s, a].sum(1)
        before[s] = 0
        other = int(before.argmax())
        (p_same, n_same), (p_other, n_other) = stay_rate(N, s, a, s), stay_rate(N, s, a, other)
        p_ctrl, n_ctrl = stay_rate(N2, s, a, s)
        if min(n_same, n_other, n_ctrl) < config.min_n:
            continue
        rows.append(MarkovRow(s, a, other, p_other, n_other, p_same, n_same,
                              z_two_rates(p_other, n_other, p_same, n_same),
                              z_two_rates(p_ctrl, n_ctrl, p_same, n_same)))
    return grid, rows


@dataclass(frozen=True)
class StaircaseConfig:
    """The staircase study: buckets against a line, fitted to noisy samples of $v(s) = bs + c$."""

    slope: float = 1.0
    """Slope $b$ of the true value."""
    intercept: float = 0.0
    """Intercept $c$."""
    length: float = 1.0
    """The states are uniform on $[0, L]$."""
    sigma: float = 0.1
    """Standard deviation of the Gaussian noise on the targets."""
    bins: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128)
    """Numbers of equal buckets $k$."""
    n_samples: tuple[int, ...] = (100, 1000, 10000)
    """Sample sizes $N$."""
    reps: int = 200
    """Repetitions per $N$."""
    seed: int = 0
    """One generator, `default_rng(seed)`, for every sample (then for the example)."""
    n_eval: int = 20000
    """The RMS error over $[0, L]$ is taken at this many midpoints."""

    def __post_init__(self):
        for name in ("slope", "intercept"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        check_positive("length", self.length)
        check_positive("sigma", self.sigma)
        _check_ints("bins", self.bins)
        _check_ints("n_samples", self.n_samples, low=2)
        check_int_range("reps", self.reps, 2, MAX_SIZE)
        _check_seed(self.seed)
        check_size("n_eval", self.n_eval)

    @classmethod
    def quick(cls) -> StaircaseConfig:
        """A cut-down run for the tests."""
        return cls(bins=cls.bins[::4], n_samples=(100, 1000), reps=3)


class StaircaseStudy(NamedTuple):
    """Output of [`staircase_study`][fa_book.discretize_studies.staircase_study]."""

    exact: np.ndarray
    """(STAIR) for each $k$, shape `(len(bins),)`."""
    learned: dict
    """RMS error of the bucket fit, `{N: array of shape (len(bins), reps)}`."""
    line: dict
    """RMS error of the least-squares line, `{N: array of shape (reps,)}`."""
    example: tuple
    """One more sample of 100 points `(s, v)`, for the picture."""
    example_fits: dict
    """`{k: (edges, w)}`: bucket fits of the example for 4 and 16 buckets."""
    example_line: tuple
    """`(b, c)`: the least-squares line of the example."""


def staircase_study(config: StaircaseConfig = StaircaseConfig()) -> StaircaseStudy:
    """Fit buckets and a line to noisy samples, `reps` times per $N$; RMS errors against
    the true value over $[0, L]$."""
    if not isinstance(config, StaircaseConfig):
        raise TypeError(f"config must be a StaircaseConfig, got {type(config).__name__}")
    b, c, L, sigma = config.slope, config.intercept, config.length, config.sigma
    rng = np.random.default_rng(config.seed)
    s_eval = (np.arange(config.n_eval) + 0.5) / config.n_eval * L
    v_true = b * s_eval + c

    def rms(v_hat):
        return float(np.sqrt(np.mean((v_hat - v_true) ** 2)))

    learned = {N: np.zeros((len(config.bins), config.reps)) for N in config.n_samples}
    line = {N: np.zeros(config.reps) for N in config.n_samples}
    for N in config.n_samples:
        for r in range(config.reps):
            s = rng.uniform(0, L, N)
            v = b * s + c + sigma * rng.standard_normal(N)
            for i, k in enumerate(config.bins):
                edges = np.linspace(0, L, k + 1)
                w, _ = bucket_fit(s, v, edges)
                learned[N][i, r] = rms(w[Grid([edges]).index(s_eval[:, None])])
            slope, a = np.polyfit(s, v, 1)
            line[N][r] = rms(slope * s_eval + a)
    exact = np.array([staircase_rms(b, L / k) for k in config.bins])
    s = rng.uniform(0, L, 100)
    v = b * s + c + sigma * rng.standard_normal(100)
    fits = {k: (np.linspace(0, L, k + 1), bucket_fit(s, v, np.linspace(0, L, k + 1))[0])
            for k in (4, 16)}
    return StaircaseStudy(exact, learned, line, (s, v), fits, tuple(np.polyfit(s, v, 1)))


def grid_world(n: int, gamma: float = 0.95) -> tuple[FiniteMDP, np.ndarray]:
    """An n x n grid world: 4 moves (+x, -x, +y, -y; walls keep you in place), reward -1
    per step, and the corner (n-1, n-1) is the goal, which ends the episode; starts
    uniform over the other states. Returns the MDP and the (x, y) of each state."""
    check_int_range("n", n, 2, 100)
    check_discount("gamma", gamma)
    S = n * n
    xy = np.stack(np.divmod(np.arange(S), n), axis=1)
    P = np.zeros((S, 4, S))
    R = np.zeros((S, 4))
    goal = S - 1
    for s, (x, y) in enumerate(xy):
        if s == goal:
            continue                           # terminal: no transitions, no reward
        for a, (dx, dy) in enumerate([(1, 0), (-1, 0), (0, 1), (0, -1)]):
            x2, y2 = min(max(x + dx, 0), n - 1), min(max(y + dy, 0), n - 1)
            R[s, a] = -1.0
            if x2 * n + y2 != goal:
                P[s, a, x2 * n + y2] = 1.0     # entering the goal ends the episode
    d0 = np.full(S, 1.0 / (S - 1))
    d0[goal] = 0.0
    return FiniteMDP(P, R, gamma, d0), xy


@dataclass(frozen=True)
class BucketConfig:
    """The bucketing study on an $n \\times n$ grid world with a policy drifting to the goal."""

    n: int = 30
    """Side of the grid world."""
    gamma: float = 0.95
    r"""Discount $\gamma$."""
    drift: tuple[float, float, float, float] = (0.4, 0.1, 0.4, 0.1)
    """The policy: probabilities of +x, -x, +y, -y."""
    max_kmeans: int | None = None
    """Use only the first this many k-means bucket counts (None: all)."""
    seed: int = 0
    """One generator, `default_rng(seed)`, for every k-means start of the error study."""
    example_k: int = 16
    """Buckets of the example fit."""
    example_seed: int = 1
    """Its k-means generator, `default_rng(example_seed)`."""

    def __post_init__(self):
        check_int_range("n", self.n, 2, 100)
        check_discount("gamma", self.gamma)
        d = np.asarray(self.drift, dtype=float) if isinstance(self.drift, tuple) else None
        if d is None or d.shape != (4,) or not np.all(np.isfinite(d)) or (d < 0).any() \
                or not math.isclose(d.sum(), 1.0):
            raise ValueError(f"drift must be 4 probabilities (+x, -x, +y, -y) summing to 1, "
                             f"got {self.drift!r}")
        if self.max_kmeans is not None:
            check_positive_int("max_kmeans", self.max_kmeans)
        _check_seed(self.seed)
        check_int_range("example_k", self.example_k, 1, self.n * self.n)
        _check_seed(self.example_seed, "example_seed")

    @classmethod
    def quick(cls) -> BucketConfig:
        """A cut-down run for the tests."""
        return cls(n=12, max_kmeans=2)


class BucketStudy(NamedTuple):
    """Output of [`bucket_study`][fa_book.discretize_studies.bucket_study]."""

    errors: dict
    r"""`{bucketing name: [(buckets d, mu-weighted RMS error), ...]}`."""
    v: np.ndarray
    r"""Exact $v_\pi$, shape `(n * n,)`."""
    mu: np.ndarray
    r"""On-policy distribution $\mu$, shape `(n * n,)`."""
    example: np.ndarray
    """The example fit (`example_k` k-means buckets on (x, y)) at every state."""


def bucket_study(config: BucketConfig = BucketConfig()) -> BucketStudy:
    r"""Bucket the grid world by square blocks of $(x, y)$, by k-means on $(x, y)$ and by
    k-means on the distance to the goal; the $\mu$-weighted RMS error of the best
    one-value-per-bucket fit (AGG) of each."""
    if not isinstance(config, BucketConfig):
        raise TypeError(f"config must be a BucketConfig, got {type(config).__name__}")
    n = config.n
    mdp, xy = grid_world(n, config.gamma)
    pi = np.tile(np.array(config.drift), (mdp.n_states, 1))
    v, mu = v_pi(mdp, pi), on_policy_distribution(mdp, pi)
    dist = (n - 1 - xy).sum(1)[:, None].astype(float)      # Manhattan distance to goal
    blocks = [b for b in [2, 3, 5, 6, 10, 15] if n % b == 0]
    ks = sorted({(n // b) ** 2 for b in blocks} | {4, 9, 16, 36, 60, 100, 150})
    ks = [k for k in ks if k <= mdp.n_states][:config.max_kmeans]
    rng = np.random.default_rng(config.seed)

    def err(agg: StateAggregation) -> float:
        w = aggregated_values(agg, v, mu)
        return float(np.sqrt(mu @ (v - w[agg.groups]) ** 2))

    res = {"blocks of (x, y)": [], "k-means on (x, y)": [], "k-means on distance": []}
    for b in blocks:
        agg = aggregate_by_key(xy // b)
        res["blocks of (x, y)"].append((agg.d, err(agg)))
    for k in ks:
        agg = aggregate_by_clustering(xy.astype(float), k, rng)
        res["k-means on (x, y)"].append((agg.d, err(agg)))
        agg = aggregate_by_clustering(dist, min(k, 2 * n - 1), rng)  # 2n-1 distances
        res["k-means on distance"].append((agg.d, err(agg)))
    agg = aggregate_by_clustering(xy.astype(float), config.example_k,
                                  np.random.default_rng(config.example_seed))
    return BucketStudy(res, v, mu, aggregated_values(agg, v, mu)[agg.groups])
