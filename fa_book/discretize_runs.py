r"""Chapter 2's learning runs: tabular Q-learning on a discretized task, and the Markov
check's transition counts.

[`fa_book.discretize`][fa_book.discretize] is the lesson (grids, the wrapper, bucketing,
the Q-learning update, the numpy Mountain Car); this module runs it at full size:

* [`q_learning_discretized`][fa_book.discretize_runs.q_learning_discretized] runs tabular
  Q-learning with its hyperparameters
  [`DiscreteQConfig`][fa_book.discretize_runs.DiscreteQConfig], on the real gymnasium
  environment or on `MountainCarBatch`;
* [`cell_transition_counts`][fa_book.discretize_runs.cell_transition_counts] counts cell
  transitions under a fixed cell policy, split by the previous cell.

The studies behind the page's figures and tables, which call these, are in
[`fa_book.discretize_studies`][fa_book.discretize_studies].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import gymnasium as gym
import numpy as np

from fa_book.discretize import (
    DiscretizeObservation,
    Grid,
    MountainCarBatch,
    epsilon_greedy,
    q_learning_update,
)
from fa_book.discretize_checks import check_bins
from fa_book.tabular import check_policy
from fa_book.validate import (
    MAX_SIZE,
    check_choice,
    check_discount,
    check_diverged,
    check_generator,
    check_in_range,
    check_int_range,
    check_probability,
    check_size,
    check_step_size,
)

__all__ = [
    "DiscreteQConfig",
    "QLearningResult",
    "cell_transition_counts",
    "check_env_id",
    "check_transition_args",
    "q_learning_discretized",
]


# ----------------------------------------------------------------------------------------
# Tabular Q-learning runs
# ----------------------------------------------------------------------------------------

def check_env_id(env_id: str) -> str:
    """Require the id of a registered gymnasium environment."""
    if not isinstance(env_id, str):
        raise ValueError(f"env_id must be a registered gymnasium id (a str), got {env_id!r}")
    try:
        gym.spec(env_id)
    except gym.error.Error:
        raise ValueError(f"env_id must be a registered gymnasium id, got {env_id!r}") from None
    return env_id


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

    def __post_init__(self):
        check_env_id(self.env_id)
        if not isinstance(self.bins, tuple) or not self.bins:
            raise ValueError(f"bins must be a non-empty tuple of ints >= 1, got {self.bins!r}")
        check_bins(self.bins, len(self.bins))
        check_size("episodes", self.episodes)
        check_in_range("alpha", self.alpha, 0.0, 1.0)
        check_step_size("alpha", self.alpha)
        check_probability("epsilon", self.epsilon)
        check_discount("gamma", self.gamma)
        if isinstance(self.q_init, bool) or not isinstance(self.q_init, (int, float)) \
                or not math.isfinite(self.q_init):
            raise ValueError(f"q_init must be a finite number, got {self.q_init!r}")
        if self.max_episode_steps is not None:
            check_size("max_episode_steps", self.max_episode_steps)
        for name in ("low", "high"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, tuple) or len(value) != len(
                    self.bins) or not np.all(np.isfinite(np.asarray(value, dtype=float)))):
                raise ValueError(f"{name} must be None or a tuple of {len(self.bins)} "
                                 f"finite numbers (one per dimension), got {value!r}")


class QLearningResult(NamedTuple):
    """Output of [`q_learning_discretized`][fa_book.discretize_runs.q_learning_discretized]."""

    steps: np.ndarray
    """Steps of each episode, int shape `(runs, episodes)`."""
    returns: np.ndarray
    """Undiscounted return of each episode, shape `(runs, episodes)`."""
    Q: np.ndarray
    """Final tables, shape `(runs, grid.d, A)`."""
    grid: Grid
    """The grid that defines $\\bar s$."""


def q_learning_discretized(config: DiscreteQConfig, rng: np.random.Generator, *,
                           runs: int = 1, backend: str = "auto") -> QLearningResult:
    r"""Tabular Q-learning with $\varepsilon$-greedy actions on a grid-discretized task.

    Every run has its own table, its own environment, and plays `config.episodes`
    episodes. Randomness: the environment seeds are the first `runs` draws of `rng`
    (run $i$'s environment is reset once with the $i$-th draw and then draws from its
    own generator, never from `rng` and never seeded with the integer that seeded
    `rng`); every action is drawn from `rng` after them. Two backends run the same
    algorithm and draw the same random numbers in the same order:

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
    if not isinstance(config, DiscreteQConfig):
        raise TypeError(f"config must be a DiscreteQConfig, got {type(config).__name__}")
    check_generator("rng", rng)
    runs = check_size("runs", runs)
    check_choice("backend", backend, ("auto", "numpy", "gymnasium"))
    if backend == "auto":
        backend = "numpy" if config.env_id == "MountainCar-v0" else "gymnasium"
    if backend == "numpy" and config.env_id != "MountainCar-v0":
        raise ValueError(f"backend 'numpy' supports env_id 'MountainCar-v0' only, got "
                         f"{config.env_id!r}")
    env_seeds = rng.integers(0, 2**31 - 1, size=runs)
    run = _run_numpy if backend == "numpy" else _run_gymnasium
    return run(config, rng, env_seeds)


def _limit(config: DiscreteQConfig) -> int | None:
    """The time limit: the config's, else the registered one (None: no limit)."""
    if config.max_episode_steps is not None:
        return config.max_episode_steps
    return gym.spec(config.env_id).max_episode_steps


def _run_gymnasium(config, rng, env_seeds) -> QLearningResult:
    runs, E = len(env_seeds), config.episodes
    steps = np.zeros((runs, E), dtype=np.int64)
    returns = np.zeros((runs, E))
    env = DiscretizeObservation(
        gym.make(config.env_id, max_episode_steps=_limit(config)), config.bins,
        low=config.low, high=config.high)
    if not isinstance(env.action_space, gym.spaces.Discrete):
        env.close()
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
            check_diverged("tabular Q-learning", Qi, total, config.alpha)
    env.close()
    return QLearningResult(steps, returns, Q, env.grid)


def _run_numpy(config, rng, env_seeds) -> QLearningResult:
    runs, E = len(env_seeds), config.episodes
    T = _limit(config) or 2**62
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
    s = grid.index(car.obs())
    total = 0
    while True:
        a = epsilon_greedy(Q[all_runs, s], config.epsilon, rng)
        terminated = car.step(a)
        s_next = grid.index(car.obs())
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
            check_diverged("tabular Q-learning", Q[idx], total, config.alpha)
        s = s_next
    return QLearningResult(steps, returns, Q, grid)


# ----------------------------------------------------------------------------------------
# The discretized process is not Markov
# ----------------------------------------------------------------------------------------

def check_transition_args(grid: Grid, pi: np.ndarray, rng: np.random.Generator, cars: int,
                          steps: int) -> np.ndarray:
    r"""Require a `Grid`, a cell policy $\pi$ of shape `(grid.d, 3)`, a Generator,
    `cars` in [1, MAX_SIZE], `steps` >= 2, and a count array $N$ of at most
    `fa_book.validate.MAX_SIZE` entries; returns `pi` as a float array."""
    if not all(hasattr(grid, name) for name in ("d", "index", "bounds")):  # duck-typed
        raise TypeError(f"grid must be a Grid, got {type(grid).__name__}")
    check_generator("rng", rng)
    check_size("cars", cars)
    check_int_range("steps", steps, 2, MAX_SIZE)
    check_size("3 * grid.d^3 (the count array)", 3 * grid.d**3)
    return check_policy(pi, grid.d, 3)


# --8<-- [start:markov]
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
    pi = check_transition_args(grid, pi, rng, cars, steps)
    cdf = np.cumsum(pi, axis=1)
    car = MountainCarBatch(cars)
    starts = [np.random.default_rng(s) for s in rng.integers(0, 2**31 - 1, size=cars)]
    car.reset(np.arange(cars), starts)
    # --8<-- [start:markov_loop]
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
    # --8<-- [end:markov_loop]
# --8<-- [end:markov]
