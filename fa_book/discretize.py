r"""Discretization of continuous states and bucketing (aggregation) of large state spaces.

Chapter 2 of the book (notes: 对状态/动作进行离散 — 离散化连续马尔可夫决策过程,
对大型马尔可夫决策过程分桶, 分桶/离散化的优缺点).

* [`Grid`][fa_book.discretize.Grid] maps an observation $s$ in a box to its cell $\bar s$
  (vectorized, with the inverse: a cell's bounds and centre);
  [`DiscretizeObservation`][fa_book.discretize.DiscretizeObservation] wraps a gymnasium
  environment into the discretized MDP.
* [`StateAggregation`][fa_book.discretize.StateAggregation] buckets a large discrete
  state space by hand-made keys or by k-means on features.
* Both are feature maps with one active indicator (one-hot $\mathbf x(s)$), the form in
  which chapters 3-5 reuse them.
* [`q_learning_update`][fa_book.discretize.q_learning_update] is tabular Q-learning on
  the cells, batched over runs; [`MountainCarBatch`][fa_book.discretize.MountainCarBatch]
  is a numpy copy of gymnasium's Mountain Car. The runs themselves, the Markov check and
  the page's runs are in [`fa_book.discretize_runs`][fa_book.discretize_runs], its
  experiments in [`fa_book.discretize_studies`][fa_book.discretize_studies], its argument
  checks in [`fa_book.discretize_checks`][fa_book.discretize_checks].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Self

import gymnasium as gym
import numpy as np
from numpy.typing import ArrayLike

from fa_book.discretize_checks import (
    check_action_values,
    check_box,
    check_clustering,
    check_edges,
    check_groups,
    check_keys,
    check_line,
    check_samples,
    check_visit_counts,
)
from fa_book.tabular import check_grid_size
from fa_book.validate import (
    check_finite,
    check_index,
    check_int_range,
    check_size,
)

__all__ = [
    "DiscretizeObservation", "Grid", "MountainCarBatch", "StateAggregation",
    "aggregate_by_clustering", "aggregate_by_key", "aggregated_values", "bucket_fit",
    "cells_visited_fraction", "check_bucket_values", "epsilon_greedy", "n_cells", "one_hot",
    "push_with_velocity", "q_learning_update", "staircase_rms",
]


# -------------------- Grid discretization of a box -------------------------------------

def one_hot(index: np.ndarray, d: int) -> np.ndarray:
    r"""One-hot rows $\mathbf x$ with $x_i = 1$ iff $i$ = `index`, shape `index.shape + (d,)`;
    `index` must be integers in `[0, d)`, and more than `fa_book.validate.MAX_SIZE`
    entries are refused."""
    index = check_index("index", index, check_size("d", d))
    check_size("index.size * d (the one-hot features)", max(index.size, 1) * d)
    x = np.zeros(index.shape + (d,))
    np.put_along_axis(x, index[..., None], 1.0, axis=-1)
    return x


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
        self.edges = check_edges(edges)
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
        bins, low, high = check_box(bins, low, high)
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
        if (low is None and not np.all(np.isfinite(space.low))) or (
                high is None and not np.all(np.isfinite(space.high))):
            raise ValueError(f"space is unbounded (low={space.low}, high={space.high}): "
                             "pass finite low= and high= (or build Grid(edges))")
        lo = np.asarray(space.low, dtype=np.float64) if low is None else low
        hi = np.asarray(space.high, dtype=np.float64) if high is None else high
        return cls.uniform(bins, lo, hi)

    def check_obs(self, obs: ArrayLike) -> np.ndarray:
        """Require real observations of shape `(..., n)` without NaN; returns float64."""
        x = np.asarray(obs)
        if x.ndim == 0 or x.shape[-1] != self.n_dims:
            raise ValueError(f"obs must have shape (..., {self.n_dims}), got {x.shape}")
        if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
            raise ValueError(f"obs must be real numbers, got dtype {x.dtype}")
        x = x.astype(np.float64, copy=False)
        if np.isnan(x).any():
            raise ValueError("obs must not contain NaN")
        return x

    # --8<-- [start:grid_map]
    def cells(self, obs: ArrayLike) -> np.ndarray:
        r"""Per-dimension cell indices
        $i_j = \#\{i \in \{1, \dots, k_j - 1\} : e_{j,i} \le s_j\}$ (the number of inner
        boundaries at or below $s_j$, so values outside the box go to the outer cells).

        Args:
            obs: observations $s$, shape `(..., n)`, any real dtype.

        Returns:
            int64 array, shape `(..., n)`.
        """
        return self._cells(self.check_obs(obs))

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
        return self._cells(self.check_obs(obs)) @ self.strides  # (INDEX)
    # --8<-- [end:grid_map]

    def unravel(self, index: ArrayLike) -> np.ndarray:
        """Per-dimension cell indices of flat cells `index`, shape `(..., n)`."""
        i = check_index("index", index, self.d)
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
        return one_hot(self.index(obs), self.d)

    def __repr__(self) -> str:
        return f"Grid(bins={self.bins}, low={self.low.tolist()}, high={self.high.tolist()})"
# --8<-- [end:grid]


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
        if not isinstance(env, gym.Env):
            raise TypeError(f"env must be a gymnasium.Env, got {type(env).__name__}")
        if grid is not None and not isinstance(grid, Grid):
            raise TypeError(f"grid must be a Grid or None, got {type(grid).__name__}")
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


# -------------------- Tabular Q-learning on the cells ----------------------------------

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
    R, A = check_action_values(q, epsilon, rng).shape
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

    A kernel shown on the page: it does not check its arguments (indices must be in
    range, shapes as below, `alpha` and `gamma` are used as given);
    [`q_learning_discretized`][fa_book.discretize_runs.q_learning_discretized] checks them
    for a whole run.

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
        self.n = check_size("n", n)
        self.position = np.zeros(n)
        self.velocity = np.zeros(n)

    def reset(self, which: ArrayLike, rngs: Sequence[np.random.Generator]) -> None:
        """Start copies `which` afresh: $x \\sim U[-0.6, -0.4)$ from each copy's own
        generator (as `env.reset` draws from `env.np_random`), $\\dot x = 0$.

        Raises:
            ValueError: if `which` are not indices in `[0, n)` or `rngs` does not hold
                `n` generators.
        """
        which = check_index("which", np.atleast_1d(which), self.n)
        if len(rngs) != self.n or not all(isinstance(g, np.random.Generator) for g in rngs):
            raise ValueError(f"rngs must hold {self.n} numpy Generators, one per copy")
        for i in which:
            self.position[i] = rngs[i].uniform(low=-0.6, high=-0.4)
            self.velocity[i] = 0.0

    def obs(self) -> np.ndarray:
        """Observations, float32, shape `(n, 2)`."""
        return np.stack([self.position, self.velocity], axis=1).astype(np.float32)

    # --8<-- [start:mountain_car_step]
    def step(self, a: np.ndarray) -> np.ndarray:
        """Advance every copy by one step with actions `a` (shape `(n,)`, in {0, 1, 2});
        returns `terminated`, bool shape `(n,)` (the reward is always -1).

        Raises:
            ValueError: if `a` is not an int array of shape `(n,)` with values in {0, 1, 2}.
        """
        a = check_index("a", a, 3)
        if a.shape != (self.n,):
            raise ValueError(f"a must have shape ({self.n},), got {a.shape}")
        # same association as gymnasium: v += ((a - 1) F + cos(3x)(-g))
        v = self.velocity + ((a - 1) * self.force + np.cos(3 * self.position) * (-self.gravity))
        v = np.clip(v, -self.max_speed, self.max_speed)
        x = np.clip(self.position + v, self.min_position, self.max_position)
        v[(x == self.min_position) & (v < 0)] = 0.0
        self.position, self.velocity = x, v
        return (x >= self.goal_position) & (v >= self.goal_velocity)
    # --8<-- [end:mountain_car_step]
# --8<-- [end:mountain_car]


# -------------------- The discretized process is not Markov ----------------------------

# --8<-- [start:push]
def push_with_velocity(grid: Grid) -> np.ndarray:
    r"""The Mountain Car policy "push in the direction you are moving", as a table on the
    cells of `grid`: action 2 (right) where the cell's lower velocity bound is $\ge 0$,
    else action 0 (left). Returns $\pi(a \mid \bar s)$, shape `(grid.d, 3)`, one-hot rows.
    """
    if not isinstance(grid, Grid) or grid.n_dims != 2:
        raise ValueError(f"grid must be a 2-D Grid (position, velocity), got {grid!r:.80}")
    lo, _ = grid.bounds(np.arange(grid.d))
    pi = np.zeros((grid.d, 3))
    pi[np.arange(grid.d), np.where(lo[:, 1] >= 0, 2, 0)] = 1.0
    return pi
# --8<-- [end:push]


# -------------------- Bucketing a large discrete state space ---------------------------

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
        _, g = np.unique(check_groups(groups), return_inverse=True)
        self.groups = g.astype(np.int64).reshape(-1)
        self.groups.setflags(write=False)
        self.n_states = self.groups.size
        self.d = int(self.groups.max()) + 1
        """Number of buckets (the feature dimension)."""

    def index(self, states: ArrayLike) -> np.ndarray:
        """Bucket $g(s)$ of each state; `states` integers in $[0, S)$, any shape."""
        s = np.asarray(states)
        if s.dtype == bool or not np.issubdtype(s.dtype, np.integer) or (s < 0).any() \
                or (s >= self.n_states).any():
            raise ValueError(f"states must be integers in [0, {self.n_states}), "
                             f"got {states!r:.80}")
        return self.groups[s]

    def __call__(self, states: ArrayLike) -> np.ndarray:
        r"""One-hot features $\mathbf x(s)$, shape `(..., d)`."""
        return one_hot(self.index(states), self.d)

    def members(self, bucket: int) -> np.ndarray:
        """The states in `bucket`, increasing."""
        check_int_range("bucket", bucket, 0, self.d - 1)
        return np.flatnonzero(self.groups == bucket)


# --8<-- [start:aggregation_buckets]
def aggregate_by_key(keys: ArrayLike) -> StateAggregation:
    """Bucket states by hand-made features: states with equal key rows share a bucket.

    Args:
        keys: hand-made (usually coarse, integer) features of every state, shape
            `(S,)` or `(S, m)`, e.g. `(x // 4, y // 4)` on a grid world.
    """
    k = check_keys(keys)
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
    phi, k = check_clustering(features, k, rng, iters)
    S = phi.shape[0]
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
# --8<-- [end:aggregation_buckets]
# --8<-- [end:aggregation]


def check_bucket_values(agg: StateAggregation, v: ArrayLike,
                        mu: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""Require a `StateAggregation`, finite values $v$ of shape `(S,)` and a weighting
    $\mu \ge 0$ of shape `(S,)` (finite); returns `(v, mu)` as float arrays."""
    if not all(hasattr(agg, name) for name in ("n_states", "groups", "d")):  # duck-typed
        raise TypeError(f"agg must be a StateAggregation, got {type(agg).__name__}")
    v = check_finite("v", np.asarray(v, dtype=np.float64))
    mu = check_finite("mu", np.asarray(mu, dtype=np.float64))
    if v.shape != (agg.n_states,) or mu.shape != (agg.n_states,):
        raise ValueError(f"v and mu must have shape ({agg.n_states},), got {v.shape}, "
                         f"{mu.shape}")
    if (mu < 0).any():
        raise ValueError("mu must be >= 0")
    return v, mu


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
    v, mu = check_bucket_values(agg, v, mu)
    num = np.bincount(agg.groups, weights=mu * v, minlength=agg.d)
    den = np.bincount(agg.groups, weights=mu, minlength=agg.d)
    return np.divide(num, den, out=np.zeros(agg.d), where=den > 0)  # (AGG)
# --8<-- [end:aggregated_values]


# -------------------- Pros and cons: a straight line as a staircase --------------------

# --8<-- [start:staircase]
def staircase_rms(slope: float, width: float) -> float:
    r"""RMS error of the best constant fit of a line of slope $b$ on an interval of width
    $w$ (and so of $k$ equal buckets on $[l, h]$, $w = (h-l)/k$), under the uniform
    distribution:

    $$\sqrt{\tfrac1w \int_0^w \big(b\,u - b\,\tfrac w2\big)^2 du} = \frac{|b|\,w}{\sqrt{12}}.$$
    """
    slope, width = check_line(slope, width)
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
    s, v = check_samples(s, v)
    grid = Grid([edges])
    g = grid.index(s[:, None])
    num = np.bincount(g, weights=v, minlength=grid.d)
    cnt = np.bincount(g, minlength=grid.d)
    w = np.divide(num, cnt, out=np.zeros(grid.d), where=cnt > 0)
    return w, w[g]
# --8<-- [end:staircase]


# -------------------- The curse of dimensionality --------------------------------------

# --8<-- [start:curse]
def n_cells(bins: int, n_dims: int) -> int:
    r"""The curse of dimensionality: $|\bar{\mathcal S}| = k^n$ cells for $k$ bins in each of
    $n$ dimensions (an exact Python int, refused above $10^{300}$)."""
    bins, n_dims = check_grid_size(bins, n_dims, names=("bins", "n_dims"))
    return bins**n_dims  # (CURSE)


def cells_visited_fraction(n_cells: int, n_samples: int) -> float:
    r"""Expected fraction of $K$ cells hit at least once by $N$ samples drawn uniformly
    over the cells: $1 - (1 - 1/K)^N$."""
    n_cells, n_samples = check_visit_counts(n_cells, n_samples)
    return -math.expm1(n_samples * math.log1p(-1.0 / n_cells)) if n_cells > 1 else \
        float(n_samples > 0)  # (VISIT)
# --8<-- [end:curse]
