r"""Discretization of continuous states and bucketing (aggregation) of large state spaces.

Chapter 2 of the book (notes: 对状态/动作进行离散 — 离散化连续马尔可夫决策过程,
对大型马尔可夫决策过程分桶, 分桶/离散化的优缺点).

* [`Grid`][fa_book.discretize.Grid] cuts a box $\prod_j [l_j, h_j]$ into
  $k_1 \times \dots \times k_n$ cells and maps an observation $s$ to its cell
  $\bar s$; it is vectorized over batches and has an inverse (a cell's bounds and
  centre).
* [`DiscretizeObservation`][fa_book.discretize.DiscretizeObservation] is the gymnasium
  wrapper that turns a continuous environment into the discretized MDP
  $(\bar{\mathcal S}, \mathcal A, \{P_{\bar s a}\}, \gamma, R)$.
* [`StateAggregation`][fa_book.discretize.StateAggregation] buckets a large *discrete*
  state space, by hand-made features
  ([`aggregate_by_key`][fa_book.discretize.aggregate_by_key]) or by clustering states
  on their features ([`aggregate_by_clustering`][fa_book.discretize.aggregate_by_clustering]).

Both `Grid` and `StateAggregation` are **feature maps with one active indicator**:
calling them on states returns one-hot vectors $\mathbf x(s) \in \{0, 1\}^d$ with a
single 1, the form in which chapters 3-5 reuse them (a linear value function on these
features *is* a lookup table over buckets).

* [`q_learning_discretized`][fa_book.discretize.q_learning_discretized] runs tabular
  Q-learning on a discretized gymnasium task; for `MountainCar-v0` it runs many
  independent runs at once on [`MountainCarBatch`][fa_book.discretize.MountainCarBatch],
  a numpy copy of gymnasium's dynamics that the tests check step for step.
* [`cell_transition_counts`][fa_book.discretize.cell_transition_counts] counts cell
  transitions of Mountain Car under a fixed cell policy (e.g.
  [`push_with_velocity`][fa_book.discretize.push_with_velocity]), split by the previous
  cell, to show that the discretized process is not Markov.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Self

import gymnasium as gym
import numpy as np
from numpy.typing import ArrayLike

from fa_book.validate import (
    DivergenceError,
    check_discount,
    check_positive_int,
    check_probability,
    check_step_size,
)

__all__ = [
    "DiscreteQConfig",
    "DiscretizeObservation",
    "Grid",
    "MountainCarBatch",
    "QLearningResult",
    "StateAggregation",
    "aggregate_by_clustering",
    "aggregate_by_key",
    "aggregated_values",
    "bucket_fit",
    "cell_transition_counts",
    "cells_visited_fraction",
    "epsilon_greedy",
    "n_cells",
    "push_with_velocity",
    "q_learning_discretized",
    "q_learning_update",
    "staircase_rms",
]


# ----------------------------------------------------------------------------------------
# Grid discretization of a box
# ----------------------------------------------------------------------------------------

def _as_edges(edges: Sequence[Sequence[float]]) -> tuple[np.ndarray, ...]:
    if len(edges) == 0:
        raise ValueError("edges must hold one increasing sequence per dimension, got none")
    out = []
    for j, e in enumerate(edges):
        e = np.asarray(e, dtype=np.float64)
        if e.ndim != 1 or e.size < 2:
            raise ValueError(f"edges[{j}] must be a 1-D sequence of at least 2 boundaries, "
                             f"got shape {e.shape}")
        if not np.all(np.isfinite(e)):
            raise ValueError(f"edges[{j}] must be finite (an unbounded dimension needs "
                             "explicit finite edges)")
        if not np.all(np.diff(e) > 0):
            raise ValueError(f"edges[{j}] must be strictly increasing, got {e.tolist()}")
        e.setflags(write=False)
        out.append(e)
    return tuple(out)


# --8<-- [start:grid]
class Grid:
    r"""A grid over a box: $k_j$ cells along dimension $j$, $|\bar{\mathcal S}| = \prod_j k_j$.

    Dimension $j$ has boundaries $e_{j,0} < e_{j,1} < \dots < e_{j,k_j}$. Cell $i$
    along $j$ is the half-open interval $[e_{j,i}, e_{j,i+1})$, except the last, which is
    closed, $[e_{j,k_j-1}, e_{j,k_j}]$, so the box's upper edge belongs to the grid.
    **Values outside the box** go to the nearest outer cell (the outer cells extend to
    $\pm\infty$); clip or reject them yourself if that is not what you want.

    Comparisons are done in float64; float32 observations are widened exactly first,
    so a float32 point and its float64 copy always share a cell.

    A `Grid` is also a feature map with one active indicator: `grid(obs)` returns the
    one-hot vectors $\mathbf x(s) \in \{0,1\}^d$, $d = |\bar{\mathcal S}|$.

    Args:
        edges: one strictly increasing sequence of finite boundaries per dimension.

    Raises:
        ValueError: on an empty edge list, fewer than 2 boundaries in a dimension,
            non-finite or not strictly increasing boundaries.
    """

    def __init__(self, edges: Sequence[Sequence[float]]):
        self.edges = _as_edges(edges)
        self.bins = tuple(e.size - 1 for e in self.edges)
        self.n_dims = len(self.bins)
        self.d = math.prod(self.bins)
        """Number of cells $|\\bar{\\mathcal S}|$ (the feature dimension)."""
        # row-major strides: s_bar = sum_j i_j * stride_j
        self.strides = np.array([math.prod(self.bins[j + 1:]) for j in range(self.n_dims)],
                                dtype=np.int64)
        self.low = np.array([e[0] for e in self.edges])
        self.high = np.array([e[-1] for e in self.edges])

    @classmethod
    def uniform(cls, bins: int | Sequence[int], low: Sequence[float],
                high: Sequence[float]) -> Self:
        r"""Equal-width cells: $e_{j,i} = l_j + i\,(h_j - l_j)/k_j$.

        Args:
            bins: $k_j$, one int for every dimension or one per dimension, each >= 1.
            low: $l$, shape `(n,)`, finite.
            high: $h$, shape `(n,)`, finite, $h_j > l_j$.
        """
        low = np.atleast_1d(np.asarray(low, dtype=np.float64))
        high = np.atleast_1d(np.asarray(high, dtype=np.float64))
        if low.shape != high.shape or low.ndim != 1:
            raise ValueError(f"low and high must be 1-D of equal length, got {low.shape} "
                             f"and {high.shape}")
        if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
            raise ValueError("low and high must be finite: an unbounded Box needs explicit "
                             "finite low/high or edges")
        if not np.all(high > low):
            raise ValueError(f"high must exceed low in every dimension, got low={low}, "
                             f"high={high}")
        bins = _check_bins(bins, low.size)
        edges = []
        for k, lo, hi in zip(bins, low, high, strict=True):
            e = np.linspace(lo, hi, k + 1)     # e[0] == lo and e[-1] == hi exactly
            edges.append(e)
        return cls(edges)

    @classmethod
    def for_space(cls, space: gym.spaces.Box, bins: int | Sequence[int], *,
                  low: Sequence[float] | None = None,
                  high: Sequence[float] | None = None) -> Self:
        """A uniform grid over a gymnasium `Box` (1-D shape), optionally overriding bounds.

        Args:
            space: the observation space; its `low`/`high` are used where finite.
            bins: cells per dimension (int or one per dimension), each >= 1.
            low: explicit lower bounds, required where the Box is unbounded (e.g.
                CartPole's velocities).
            high: explicit upper bounds, likewise.

        Raises:
            ValueError: if `space` is not a 1-D Box, or a bound is infinite and no
                explicit bound is given.
        """
        if not isinstance(space, gym.spaces.Box) or len(space.shape) != 1:
            raise ValueError(f"space must be a 1-D gymnasium Box, got {space!r}")
        lo = np.asarray(space.low, dtype=np.float64) if low is None else low
        hi = np.asarray(space.high, dtype=np.float64) if high is None else high
        lo, hi = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
            raise ValueError(f"space is unbounded (low={space.low}, high={space.high}): "
                             "pass finite low= and high= (or build Grid(edges))")
        return cls.uniform(bins, lo, hi)

    def _check_obs(self, obs: ArrayLike) -> np.ndarray:
        x = np.asarray(obs)
        if x.ndim == 0 or x.shape[-1] != self.n_dims:
            raise ValueError(f"obs must have shape (..., {self.n_dims}), got {x.shape}")
        if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
            raise ValueError(f"obs must be real numbers, got dtype {x.dtype}")
        x = x.astype(np.float64, copy=False)
        if np.isnan(x).any():
            raise ValueError("obs must not contain NaN")
        return x

    def cells(self, obs: ArrayLike) -> np.ndarray:
        r"""Per-dimension cell indices
        $i_j = \#\{i \in \{1, \dots, k_j - 1\} : e_{j,i} \le s_j\}$ (the number of inner
        boundaries at or below $s_j$, so values outside the box go to the outer cells).

        Args:
            obs: observations $s$, shape `(..., n)`, any real dtype.

        Returns:
            int64 array, shape `(..., n)`.
        """
        x = self._check_obs(obs)
        return self._cells(x)

    def _cells(self, x: np.ndarray) -> np.ndarray:
        out = np.empty(x.shape, dtype=np.int64)
        for j, e in enumerate(self.edges):
            # number of inner boundaries <= s_j, i.e. i_j; clipping is built in  # (CELL)
            out[..., j] = np.searchsorted(e[1:-1], x[..., j], side="right")
        return out

    def index(self, obs: ArrayLike) -> np.ndarray:
        r"""The discrete state $\bar s = \sum_j i_j \prod_{m>j} k_m$ (row-major).

        Args:
            obs: observations $s$, shape `(..., n)`.

        Returns:
            int64 array of cell indices in $[0, d)$, shape `(...)`.
        """
        return self._cells(self._check_obs(obs)) @ self.strides  # (INDEX)

    def unravel(self, index: ArrayLike) -> np.ndarray:
        """Per-dimension cell indices of flat cells `index`, shape `(..., n)`."""
        i = np.asarray(index)
        if not np.issubdtype(i.dtype, np.integer) or (i < 0).any() or (i >= self.d).any():
            raise ValueError(f"index must be integers in [0, {self.d}), got {index!r}")
        return np.stack(np.unravel_index(i, self.bins), axis=-1).astype(np.int64)

    def bounds(self, index: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper corners of cells `index`: two arrays of shape `(..., n)`.

        The cell is $[lo, hi)$ per dimension (closed at the box's upper edge).
        """
        c = self.unravel(index)
        lo = np.stack([e[c[..., j]] for j, e in enumerate(self.edges)], axis=-1)
        hi = np.stack([e[c[..., j] + 1] for j, e in enumerate(self.edges)], axis=-1)
        return lo, hi

    def centre(self, index: ArrayLike) -> np.ndarray:
        """Centres of cells `index`, shape `(..., n)`; each centre maps back to its cell."""
        lo, hi = self.bounds(index)
        mid = lo + (hi - lo) / 2
        # for two adjacent floats the midpoint may round up onto hi: keep it in the cell
        return np.where(mid < hi, mid, lo)

    def __call__(self, obs: ArrayLike) -> np.ndarray:
        r"""One-hot features $\mathbf x(s)$, shape `(..., d)`: $x_i(s) = 1$ iff $\bar s = i$."""
        idx = self.index(obs)
        x = np.zeros(idx.shape + (self.d,))
        np.put_along_axis(x, idx[..., None], 1.0, axis=-1)
        return x

    def __repr__(self) -> str:
        return f"Grid(bins={self.bins}, low={self.low.tolist()}, high={self.high.tolist()})"
# --8<-- [end:grid]


def _check_bins(bins, n: int) -> tuple[int, ...]:
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        bins = (bins,) * n
    try:
        bins = tuple(bins)
    except TypeError:
        raise ValueError(f"bins must be an int >= 1 or {n} ints >= 1, got {bins!r}") from None
    if len(bins) != n:
        raise ValueError(f"bins must give one count per dimension ({n}), got {bins!r}")
    for b in bins:
        if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 1:
            raise ValueError(f"bins must be integers >= 1, got {bins!r}")
    return tuple(int(b) for b in bins)


# --8<-- [start:curse]
def n_cells(bins: int, n_dims: int) -> int:
    r"""The curse of dimensionality: $|\bar{\mathcal S}| = k^n$ cells for $k$ bins in each of
    $n$ dimensions (an exact Python int)."""
    check_positive_int("bins", bins)
    check_positive_int("n_dims", n_dims)
    return int(bins) ** int(n_dims)  # (CURSE)


def cells_visited_fraction(n_cells: int, n_samples: int) -> float:
    r"""Expected fraction of $K$ cells hit at least once by $N$ samples drawn uniformly
    over the cells: $1 - (1 - 1/K)^N$."""
    check_positive_int("n_cells", n_cells)
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
            or n_samples < 0:
        raise ValueError(f"n_samples must be an integer >= 0, got {n_samples!r}")
    return -math.expm1(n_samples * math.log1p(-1.0 / n_cells)) if n_cells > 1 else \
        float(n_samples > 0)  # (VISIT)
# --8<-- [end:curse]


# --8<-- [start:wrapper]
class DiscretizeObservation(gym.ObservationWrapper, gym.utils.RecordConstructorArgs):
    r"""Turn a continuous-state environment into the discretized MDP
    $(\bar{\mathcal S}, \mathcal A, \{P_{\bar s a}\}, \gamma, R)$.

    The observation space becomes `Discrete(grid.d)` and each observation is the cell
    index $\bar s$ of [`Grid.index`][fa_book.discretize.Grid.index]. Actions, rewards,
    `terminated` and `truncated` pass through unchanged.

    Args:
        env: an environment with a 1-D `Box` observation space.
        bins: cells per dimension (int or one per dimension); ignored if `grid` is given.
        low: explicit lower bounds where the Box is unbounded.
        high: explicit upper bounds where the Box is unbounded.
        grid: a ready-made grid (e.g. with non-uniform edges).
    """

    def __init__(self, env: gym.Env, bins: int | Sequence[int] = 10, *,
                 low: Sequence[float] | None = None, high: Sequence[float] | None = None,
                 grid: Grid | None = None):
        gym.utils.RecordConstructorArgs.__init__(self, bins=bins, low=low, high=high, grid=grid)
        gym.ObservationWrapper.__init__(self, env)
        self.grid = grid if grid is not None else Grid.for_space(
            env.observation_space, bins, low=low, high=high)
        if not isinstance(env.observation_space, gym.spaces.Box) or \
                env.observation_space.shape != (self.grid.n_dims,):
            raise ValueError(f"env.observation_space must be a Box of shape "
                             f"({self.grid.n_dims},), got {env.observation_space!r}")
        self.observation_space = gym.spaces.Discrete(self.grid.d)

    def observation(self, observation) -> np.int64:
        return np.int64(self.grid.index(observation))
# --8<-- [end:wrapper]


# ----------------------------------------------------------------------------------------
# Bucketing a large discrete state space
# ----------------------------------------------------------------------------------------

# --8<-- [start:aggregation]
class StateAggregation:
    r"""A partition of the states $\{0, \dots, S-1\}$ into $d$ non-empty buckets.

    `groups[s]` is the bucket of state $s$. As a feature map with one active indicator,
    $x_i(s) = 1$ iff $s$ is in bucket $i$; a linear value function
    $\hat v(s, \mathbf w) = \mathbf w^\top \mathbf x(s) = w_{g(s)}$ is then one number per
    bucket.

    Args:
        groups: bucket of each state, shape `(S,)`, integers $\ge 0$. Labels are
            renumbered to $0, \dots, d-1$ in increasing order, so no bucket is empty.
    """

    def __init__(self, groups: ArrayLike):
        g = np.asarray(groups)
        if g.ndim != 1 or g.size == 0 or not np.issubdtype(g.dtype, np.integer):
            raise ValueError(f"groups must be a non-empty 1-D integer array, got "
                             f"dtype {g.dtype}, shape {g.shape}")
        if (g < 0).any():
            raise ValueError("groups must be integers >= 0")
        _, g = np.unique(g, return_inverse=True)
        self.groups = g.astype(np.int64).reshape(-1)
        self.groups.setflags(write=False)
        self.n_states = self.groups.size
        self.d = int(self.groups.max()) + 1
        """Number of buckets (the feature dimension)."""

    def index(self, states: ArrayLike) -> np.ndarray:
        """Bucket $g(s)$ of each state; `states` integers in $[0, S)$, any shape."""
        s = np.asarray(states)
        if not np.issubdtype(s.dtype, np.integer) or (s < 0).any() \
                or (s >= self.n_states).any():
            raise ValueError(f"states must be integers in [0, {self.n_states}), "
                             f"got {states!r}")
        return self.groups[s]

    def __call__(self, states: ArrayLike) -> np.ndarray:
        r"""One-hot features $\mathbf x(s)$, shape `(..., d)`."""
        g = self.index(states)
        x = np.zeros(g.shape + (self.d,))
        np.put_along_axis(x, g[..., None], 1.0, axis=-1)
        return x

    def members(self, bucket: int) -> np.ndarray:
        """The states in `bucket`, increasing."""
        if not 0 <= bucket < self.d:
            raise ValueError(f"bucket must be in [0, {self.d}), got {bucket!r}")
        return np.flatnonzero(self.groups == bucket)


def aggregate_by_key(keys: ArrayLike) -> StateAggregation:
    """Bucket states by hand-made features: states with equal key rows share a bucket.

    Args:
        keys: hand-made (usually coarse, integer) features of every state, shape
            `(S,)` or `(S, m)`, e.g. `(x // 4, y // 4)` on a grid world.
    """
    k = np.asarray(keys)
    if k.ndim not in (1, 2) or k.shape[0] == 0:
        raise ValueError(f"keys must have shape (S,) or (S, m) with S >= 1, got {k.shape}")
    _, g = np.unique(k.reshape(k.shape[0], -1), axis=0, return_inverse=True)
    return StateAggregation(g.reshape(-1))


def aggregate_by_clustering(features: ArrayLike, k: int, rng: np.random.Generator, *,
                            iters: int = 100) -> StateAggregation:
    r"""Bucket states by clustering their features with k-means (Lloyd's algorithm,
    k-means++ start), the notes' "聚类" example.

    Args:
        features: state features $\phi(s)$ chosen by prior knowledge, shape `(S, m)`.
        k: number of buckets wanted, $1 \le k \le S$. Duplicate feature rows can make the
            result have fewer buckets.
        rng: random generator (k-means++ seeding).
        iters: maximum Lloyd iterations, >= 1.
    """
    phi = np.asarray(features, dtype=np.float64)
    if phi.ndim != 2 or phi.shape[0] == 0 or not np.all(np.isfinite(phi)):
        raise ValueError(f"features must be a finite array of shape (S, m), got {phi.shape}")
    S = phi.shape[0]
    k = check_positive_int("k", k)
    if k > S:
        raise ValueError(f"k must be in [1, S={S}], got {k}")
    check_positive_int("iters", iters)
    # k-means++: each new centre drawn with probability proportional to squared distance
    centres = [phi[rng.integers(S)]]
    d2 = ((phi - centres[0]) ** 2).sum(1)
    for _ in range(1, k):
        total = d2.sum()
        i = rng.choice(S, p=d2 / total) if total > 0 else rng.integers(S)
        centres.append(phi[i])
        d2 = np.minimum(d2, ((phi - phi[i]) ** 2).sum(1))
    c = np.array(centres)
    g = np.full(S, -1)
    for _ in range(iters):
        dist = ((phi[:, None, :] - c[None, :, :]) ** 2).sum(-1)
        g_new = dist.argmin(1)
        if np.array_equal(g_new, g):
            break
        g = g_new
        for j in range(k):
            m = g == j
            if m.any():
                c[j] = phi[m].mean(0)
    return StateAggregation(g)
# --8<-- [end:aggregation]


# --8<-- [start:aggregated_values]
def aggregated_values(agg: StateAggregation, v: ArrayLike, mu: ArrayLike) -> np.ndarray:
    r"""The best one-value-per-bucket fit of $v$ under the state weighting $\mu$:

    $$w_g = \frac{\sum_{s \in g} \mu(s)\, v(s)}{\sum_{s \in g} \mu(s)},$$

    i.e. the $\mu$-weighted projection of $v$ onto the one-hot features of `agg`
    (where gradient Monte Carlo with state aggregation converges, Sutton & Barto 2018,
    §9.3). Buckets with zero total weight get 0.

    Args:
        agg: the bucketing.
        v: values $v(s)$, shape `(S,)`.
        mu: state weighting $\mu(s) \ge 0$, shape `(S,)`.

    Returns:
        $\mathbf w$, shape `(d,)`.
    """
    v = np.asarray(v, dtype=np.float64)
    mu = np.asarray(mu, dtype=np.float64)
    if v.shape != (agg.n_states,) or mu.shape != (agg.n_states,):
        raise ValueError(f"v and mu must have shape ({agg.n_states},), got {v.shape}, "
                         f"{mu.shape}")
    if (mu < 0).any() or not np.all(np.isfinite(mu)) or not np.all(np.isfinite(v)):
        raise ValueError("mu must be finite and >= 0 and v finite")
    num = np.bincount(agg.groups, weights=mu * v, minlength=agg.d)
    den = np.bincount(agg.groups, weights=mu, minlength=agg.d)
    return np.divide(num, den, out=np.zeros(agg.d), where=den > 0)  # (AGG)
# --8<-- [end:aggregated_values]


# ----------------------------------------------------------------------------------------
# Pros and cons: a straight line as a staircase
# ----------------------------------------------------------------------------------------

# --8<-- [start:staircase]
def staircase_rms(slope: float, width: float) -> float:
    r"""RMS error of the best constant fit of a line of slope $b$ on an interval of width
    $w$ (and so of $k$ equal buckets on $[l, h]$, $w = (h-l)/k$), under the uniform
    distribution:

    $$\sqrt{\tfrac1w \int_0^w \big(b\,u - b\,\tfrac w2\big)^2 du} = \frac{|b|\,w}{\sqrt{12}}.$$
    """
    if not (math.isfinite(slope) and math.isfinite(width) and width >= 0):
        raise ValueError(f"slope must be finite and width finite >= 0, got {slope}, {width}")
    return abs(slope) * width / math.sqrt(12.0)  # (STAIR)


def bucket_fit(s: ArrayLike, v: ArrayLike,
               edges: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""Least-squares fit of one constant per bucket to samples $(s_i, v_i)$.

    Args:
        s: sample states, shape `(N,)`.
        v: sample targets, shape `(N,)`.
        edges: bucket boundaries $e_0 < \dots < e_k$ (as for [`Grid`][fa_book.discretize.Grid]).

    Returns:
        `(w, v_hat)`: bucket values, shape `(k,)` (0 for a bucket with no sample: a table
        cannot generalize to it), and the fitted values at `s`, shape `(N,)`.
    """
    grid = Grid([edges])
    s = np.asarray(s, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if s.ndim != 1 or s.shape != v.shape:
        raise ValueError(f"s and v must be 1-D of equal length, got {s.shape}, {v.shape}")
    g = grid.index(s[:, None])
    num = np.bincount(g, weights=v, minlength=grid.d)
    cnt = np.bincount(g, minlength=grid.d)
    w = np.divide(num, cnt, out=np.zeros(grid.d), where=cnt > 0)
    return w, w[g]
# --8<-- [end:staircase]


# ----------------------------------------------------------------------------------------
# Tabular Q-learning on a discretized task
# ----------------------------------------------------------------------------------------

# --8<-- [start:mountain_car]
class MountainCarBatch:
    r"""Many independent copies of gymnasium's `MountainCar-v0` dynamics, in numpy.

    Same float64 arithmetic, in the same order, as
    `gymnasium.envs.classic_control.MountainCarEnv.step`:

    $$\begin{aligned}
    \dot x &\leftarrow \operatorname{clip}\big(\dot x + (a-1)\,0.001
      - 0.0025\cos 3x,\ \pm 0.07\big)\\
    x &\leftarrow \operatorname{clip}(x + \dot x,\ [-1.2, 0.6]),\quad
      \dot x \leftarrow 0 \text{ if } x = -1.2 \text{ and } \dot x < 0
    \end{aligned}$$

    with reward $-1$ and termination when $x \ge 0.5$ (and $\dot x \ge 0$). The time limit
    is left to the caller. Observations are the float32 casts of $(x, \dot x)$, as in
    gymnasium.

    Args:
        n: number of copies.
    """

    min_position, max_position, max_speed = -1.2, 0.6, 0.07
    goal_position, goal_velocity, force, gravity = 0.5, 0.0, 0.001, 0.0025
    observation_space = gym.spaces.Box(np.array([-1.2, -0.07], dtype=np.float32),
                                       np.array([0.6, 0.07], dtype=np.float32),
                                       dtype=np.float32)
    n_actions = 3

    def __init__(self, n: int):
        self.n = check_positive_int("n", n)
        self.position = np.zeros(n)
        self.velocity = np.zeros(n)

    def reset(self, which: ArrayLike, rngs: Sequence[np.random.Generator]) -> None:
        """Start copies `which` afresh: $x \\sim U[-0.6, -0.4)$ from each copy's own
        generator (as `env.reset` draws from `env.np_random`), $\\dot x = 0$."""
        for i in np.atleast_1d(which):
            self.position[i] = rngs[i].uniform(low=-0.6, high=-0.4)
            self.velocity[i] = 0.0

    def obs(self) -> np.ndarray:
        """Observations, float32, shape `(n, 2)`."""
        return np.stack([self.position, self.velocity], axis=1).astype(np.float32)

    def step(self, a: np.ndarray) -> np.ndarray:
        """Advance every copy by one step with actions `a` (shape `(n,)`, in {0, 1, 2});
        returns `terminated`, bool shape `(n,)` (the reward is always -1)."""
        # same association as gymnasium: v += ((a - 1) F + cos(3x)(-g))
        v = self.velocity + ((a - 1) * self.force + np.cos(3 * self.position) * (-self.gravity))
        v = np.clip(v, -self.max_speed, self.max_speed)
        x = np.clip(self.position + v, self.min_position, self.max_position)
        v[(x == self.min_position) & (v < 0)] = 0.0
        self.position, self.velocity = x, v
        return (x >= self.goal_position) & (v >= self.goal_velocity)
# --8<-- [end:mountain_car]


# --8<-- [start:q_learning]
def epsilon_greedy(q: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    r"""$\varepsilon$-greedy actions for a batch of action-value rows, ties broken at random.

    Args:
        q: $\hat q(\bar s, \cdot)$ for each run, shape `(R, A)`.
        epsilon: exploration probability $\varepsilon \in [0, 1]$.
        rng: random generator (always draws the same numbers for the same shapes).

    Returns:
        actions, int64 shape `(R,)`.
    """
    R, A = q.shape
    explore = rng.random(R) < epsilon
    random_a = rng.integers(A, size=R)
    tie = rng.random((R, A))
    greedy = np.where(q == q.max(axis=1, keepdims=True), tie, -1.0).argmax(axis=1)
    return np.where(explore, random_a, greedy)


def q_learning_update(Q: np.ndarray, s: np.ndarray, a: np.ndarray, r: np.ndarray,
                      s_next: np.ndarray, terminated: np.ndarray,
                      alpha: float | np.ndarray, gamma: float) -> np.ndarray:
    r"""One Q-learning step for each of $R$ independent tables, in place:

    $$Q(\bar s, a) \leftarrow Q(\bar s, a) + \alpha\big[r + \gamma\,(1 - \text{term})
      \max_{a'} Q(\bar s', a') - Q(\bar s, a)\big].$$

    Only `terminated` zeroes the bootstrap; a time-limit truncation still bootstraps.

    Args:
        Q: tables, shape `(R, S_bar, A)` (modified in place).
        s: cells $\bar s$, int shape `(R,)`.
        a: actions, int shape `(R,)`.
        r: rewards, shape `(R,)`.
        s_next: next cells $\bar s'$, int shape `(R,)`.
        terminated: whether $\bar s'$ is terminal, bool shape `(R,)`.
        alpha: step size $\alpha$, a scalar or shape `(R,)` (0 freezes a run).
        gamma: discount $\gamma$.

    Returns:
        the TD errors $\delta$, shape `(R,)`.
    """
    run = np.arange(Q.shape[0])
    bootstrap = np.where(terminated, 0.0, Q[run, s_next].max(axis=1))
    delta = r + gamma * bootstrap - Q[run, s, a]  # (QL)
    Q[run, s, a] += alpha * delta
    return delta
# --8<-- [end:q_learning]


@dataclass(frozen=True)
class DiscreteQConfig:
    """Tabular Q-learning on a grid-discretized gymnasium task."""

    env_id: str = "MountainCar-v0"
    """gymnasium id; a 1-D Box observation space and Discrete actions."""
    bins: tuple[int, ...] = (12, 12)
    """Cells per observation dimension ($|\\bar{\\mathcal S}|$ is their product)."""
    episodes: int = 1000
    """Episodes per run."""
    alpha: float = 0.25
    """Step size $\\alpha$."""
    epsilon: float = 0.0
    """Exploration rate $\\varepsilon$ (0: exploration comes from the optimistic start)."""
    gamma: float = 1.0
    """Discount $\\gamma$."""
    q_init: float = 0.0
    """Initial $Q(\\bar s, a)$; 0 is optimistic when every reward is -1."""
    max_episode_steps: int | None = 1000
    """Time limit (truncation); None keeps the env's registered limit (200 for MountainCar)."""
    low: tuple[float, ...] | None = None
    """Grid lower bounds where the observation Box is unbounded (None: the Box's)."""
    high: tuple[float, ...] | None = None
    """Grid upper bounds where the observation Box is unbounded (None: the Box's)."""


class QLearningResult(NamedTuple):
    """Output of [`q_learning_discretized`][fa_book.discretize.q_learning_discretized]."""

    steps: np.ndarray
    """Steps of each episode, int shape `(runs, episodes)`."""
    returns: np.ndarray
    """Undiscounted return of each episode, shape `(runs, episodes)`."""
    Q: np.ndarray
    """Final tables, shape `(runs, grid.d, A)`."""
    grid: Grid
    """The grid that defines $\\bar s$."""


def _check_config(config: DiscreteQConfig) -> None:
    if not isinstance(config, DiscreteQConfig):
        raise ValueError(f"config must be a DiscreteQConfig, got {config!r}")
    check_positive_int("episodes", config.episodes)
    check_step_size("alpha", config.alpha)
    if config.alpha > 1:
        raise ValueError(f"alpha must be in (0, 1], got {config.alpha}")
    check_probability("epsilon", config.epsilon)
    check_discount("gamma", config.gamma)
    if not math.isfinite(config.q_init):
        raise ValueError(f"q_init must be finite, got {config.q_init}")
    if config.max_episode_steps is not None:
        check_positive_int("max_episode_steps", config.max_episode_steps)


def q_learning_discretized(config: DiscreteQConfig, rng: np.random.Generator, *,
                           runs: int = 1, backend: str = "auto") -> QLearningResult:
    r"""Tabular Q-learning with $\varepsilon$-greedy actions on a grid-discretized task.

    Every run has its own table, its own environment seeded from `rng`, and plays
    `config.episodes` episodes. Two backends run the same algorithm and draw the same
    random numbers in the same order:

    * `"gymnasium"`: the real environment (`gymnasium.make(config.env_id)`) wrapped in
      [`DiscretizeObservation`][fa_book.discretize.DiscretizeObservation], one run after
      the other; any env with a 1-D Box observation and Discrete actions.
    * `"numpy"` (`MountainCar-v0` only): all runs at once on
      [`MountainCarBatch`][fa_book.discretize.MountainCarBatch]. With `runs=1` it
      returns exactly what the gymnasium backend returns for the same seed.

    `"auto"` picks `"numpy"` for `MountainCar-v0`, else `"gymnasium"`.

    Args:
        config: hyperparameters.
        rng: random generator; environment seeds and all action choices come from it.
        runs: number of independent runs, >= 1.
        backend: `"auto"`, `"numpy"` or `"gymnasium"`.

    Returns:
        per-episode steps and returns, final tables and the grid.

    Raises:
        ValueError: on bad hyperparameters or backend.
        DivergenceError: if a table becomes non-finite.
    """
    _check_config(config)
    runs = check_positive_int("runs", runs)
    if backend == "auto":
        backend = "numpy" if config.env_id == "MountainCar-v0" else "gymnasium"
    if backend not in ("numpy", "gymnasium"):
        raise ValueError(f"backend must be 'auto', 'numpy' or 'gymnasium', got {backend!r}")
    if backend == "numpy" and config.env_id != "MountainCar-v0":
        raise ValueError(f"backend 'numpy' supports env_id 'MountainCar-v0' only, got "
                         f"{config.env_id!r}")
    env_seeds = rng.integers(0, 2**31 - 1, size=runs)
    run = _run_numpy if backend == "numpy" else _run_gymnasium
    return run(config, rng, env_seeds)


def _limit(config: DiscreteQConfig) -> int:
    if config.max_episode_steps is not None:
        return config.max_episode_steps
    spec = gym.spec(config.env_id)
    return spec.max_episode_steps if spec.max_episode_steps is not None else 2**62


def _check_finite_q(Q: np.ndarray, step: int, alpha: float) -> None:
    if not np.all(np.isfinite(Q)):
        raise DivergenceError("tabular Q-learning", step, alpha)


def _run_gymnasium(config, rng, env_seeds) -> QLearningResult:
    runs, E = len(env_seeds), config.episodes
    steps = np.zeros((runs, E), dtype=np.int64)
    returns = np.zeros((runs, E))
    env = DiscretizeObservation(
        gym.make(config.env_id, max_episode_steps=_limit(config)), config.bins,
        low=config.low, high=config.high)
    if not isinstance(env.action_space, gym.spaces.Discrete):
        raise ValueError(f"env_id must have Discrete actions, got {env.action_space!r}")
    A = int(env.action_space.n)
    Q = np.full((runs, env.grid.d, A), float(config.q_init))
    total = 0
    for i in range(runs):
        Qi = Q[i:i + 1]                 # a view: updates land in Q
        for e in range(E):
            s, _ = env.reset(seed=int(env_seeds[i])) if e == 0 else env.reset()
            G, t = 0.0, 0
            while True:
                a = int(epsilon_greedy(Qi[0, [s]], config.epsilon, rng)[0])
                s_next, r, terminated, truncated, _ = env.step(a)
                q_learning_update(Qi, np.array([s]), np.array([a]), np.array([r]),
                                  np.array([s_next]), np.array([terminated]),
                                  config.alpha, config.gamma)
                G, t, s = G + r, t + 1, s_next
                if terminated or truncated:
                    break
            steps[i, e], returns[i, e] = t, G
            total += t
            _check_finite_q(Qi, total, config.alpha)
    env.close()
    return QLearningResult(steps, returns, Q, env.grid)


def _run_numpy(config, rng, env_seeds) -> QLearningResult:
    runs, E, T = len(env_seeds), config.episodes, _limit(config)
    grid = Grid.for_space(MountainCarBatch.observation_space, config.bins,
                          low=config.low, high=config.high)
    env_rngs = [np.random.default_rng(int(s)) for s in env_seeds]  # = env.reset(seed=s)
    car = MountainCarBatch(runs)
    car.reset(np.arange(runs), env_rngs)
    Q = np.full((runs, grid.d, car.n_actions), float(config.q_init))
    steps = np.zeros((runs, E), dtype=np.int64)
    returns = np.zeros((runs, E))
    episode = np.zeros(runs, dtype=np.int64)   # episodes finished so far, per run
    t = np.zeros(runs, dtype=np.int64)         # steps into the current episode
    alpha = np.full(runs, config.alpha)        # 0 once a run has finished its episodes
    reward = np.full(runs, -1.0)
    all_runs = np.arange(runs)
    s = grid._cells(car.obs().astype(np.float64)) @ grid.strides
    total = 0
    while True:
        a = epsilon_greedy(Q[all_runs, s], config.epsilon, rng)
        terminated = car.step(a)
        s_next = grid._cells(car.obs().astype(np.float64)) @ grid.strides
        q_learning_update(Q, s, a, reward, s_next, terminated, alpha, config.gamma)
        t += 1
        done = (terminated | (t >= T)) & (alpha > 0)
        if done.any():
            idx = np.flatnonzero(done)
            steps[idx, episode[idx]] = t[idx]
            returns[idx, episode[idx]] = -t[idx]
            total += int(t[idx].sum())
            episode[idx] += 1
            t[idx] = 0
            finished = idx[episode[idx] >= E]
            alpha[finished] = 0.0
            if (alpha == 0).all():
                break
            live = idx[episode[idx] < E]
            car.reset(live, env_rngs)
            s_next[live] = grid.index(car.obs()[live])
            _check_finite_q(Q[idx], total, config.alpha)
        s = s_next
    return QLearningResult(steps, returns, Q, grid)


# ----------------------------------------------------------------------------------------
# The discretized process is not Markov
# ----------------------------------------------------------------------------------------

# --8<-- [start:markov]
def push_with_velocity(grid: Grid) -> np.ndarray:
    r"""The Mountain Car policy "push in the direction you are moving", as a table on the
    cells of `grid`: action 2 (right) where the cell's lower velocity bound is $\ge 0$,
    else action 0 (left). Returns $\pi(a \mid \bar s)$, shape `(grid.d, 3)`, one-hot rows.
    """
    if grid.n_dims != 2:
        raise ValueError(f"grid must be 2-D (position, velocity), got {grid.n_dims} dims")
    lo, _ = grid.bounds(np.arange(grid.d))
    pi = np.zeros((grid.d, 3))
    pi[np.arange(grid.d), np.where(lo[:, 1] >= 0, 2, 0)] = 1.0
    return pi


def cell_transition_counts(grid: Grid, pi: np.ndarray, rng: np.random.Generator, *,
                           cars: int = 1000, steps: int = 300) -> np.ndarray:
    r"""Count the cell transitions of Mountain Car under a fixed cell policy, split by the
    cell the car came from.

    `cars` independent cars ([`MountainCarBatch`][fa_book.discretize.MountainCarBatch],
    starts drawn from `rng`) are run for `steps` steps each with actions
    $a \sim \pi(\cdot \mid \bar s)$; a car that reaches the flag starts a new episode.
    Every step that has a predecessor in its episode adds one to

    $$N[\bar p, \bar s, a, \bar s'] = \#\{t : \bar s_{t-1} = \bar p,\ \bar s_t = \bar s,\
      a_t = a,\ \bar s_{t+1} = \bar s'\},$$

    so $N[\bar p, \bar s, a, \cdot] / N[\bar p, \bar s, a, \cdot].\mathrm{sum}()$
    estimates $P(\bar s' \mid \bar s, a, \bar s_{t-1} = \bar p)$. If the discretized
    process were an MDP this would not depend on $\bar p$.

    Args:
        grid: a grid over $(x, \dot x)$.
        pi: $\pi(a \mid \bar s)$, shape `(grid.d, 3)`, rows summing to 1.
        rng: random generator (car starts and actions).
        cars: number of cars, >= 1.
        steps: steps per car, >= 2.

    Returns:
        int64 counts, shape `(grid.d, grid.d, 3, grid.d)`, indexed `[p, s, a, s_next]`.
    """
    check_positive_int("cars", cars)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"steps must be an integer >= 2, got {steps!r}")
    pi = np.asarray(pi, dtype=np.float64)
    if pi.shape != (grid.d, 3) or (pi < 0).any() or not np.allclose(pi.sum(1), 1):
        raise ValueError(f"pi must have shape ({grid.d}, 3) with rows of probabilities "
                         f"summing to 1, got shape {pi.shape}")
    cdf = np.cumsum(pi, axis=1)
    car = MountainCarBatch(cars)
    starts = [np.random.default_rng(s) for s in rng.integers(0, 2**31 - 1, size=cars)]
    car.reset(np.arange(cars), starts)
    N = np.zeros((grid.d, grid.d, 3, grid.d), dtype=np.int64)
    s = grid.index(car.obs())
    p = np.full(cars, -1)                           # -1: no predecessor in this episode
    for _ in range(steps):
        u = rng.random(cars)
        a = np.minimum((u[:, None] >= cdf[s]).sum(1), 2)   # a ~ pi(.|s)
        terminated = car.step(a)
        s_next = grid.index(car.obs())
        has_p = p >= 0
        np.add.at(N, (p[has_p], s[has_p], a[has_p], s_next[has_p]), 1)  # (MARKOV)
        p, s = s.copy(), s_next
        if terminated.any():
            idx = np.flatnonzero(terminated)
            car.reset(idx, starts)
            s[idx] = grid.index(car.obs()[idx])
            p[idx] = -1
    return N
# --8<-- [end:markov]
