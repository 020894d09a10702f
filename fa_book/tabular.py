r"""Chapter 1: why lookup tables stop working.

A small maze as a real gymnasium environment, tabular TD(0) on it, the same TD(0) with
features that generalize, and the table-size arithmetic for the notes' examples.

The maze is Sutton & Barto's Dyna maze (2018, Figure 8.2): 6 × 9 cells, walls `#`,
start `S`, goal `G`. Reaching the goal pays $+1$ and ends the episode; every other step
pays $0$; moving into a wall or off the board leaves the agent where it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import gymnasium as gym
import numpy as np

from fa_book.envs.grid_maze import GridMaze
from fa_book.oracles import FiniteMDP, on_policy_distribution, v_pi
from fa_book.validate import (
    MAX_SIZE,
    check_discount,
    check_diverged,
    check_finite,
    check_generator,
    check_positive,
    check_positive_int,
    check_probability,
    check_size,
    check_step_size,
)

__all__ = [
    "MAX_COUNT_LOG10",
    "SpreadConfig",
    "SpreadResult",
    "block_features",
    "check_counts",
    "check_grid_size",
    "check_policy",
    "epsilon_greedy_optimal_policy",
    "go_positions_log10",
    "grid_table_size",
    "linear_td0_update",
    "run_td0",
    "spread_runs",
    "table_bytes",
    "td0_update",
    "value_iteration",
]

MAX_COUNT_LOG10 = 300
r"""The largest count the table-size arithmetic computes exactly: $10^{300}$ (so that it
still converts to a float for printing and plotting). Larger counts are refused before
they are computed; Go's $3^{361} \approx 10^{172}$ is below it, and its logarithm is
computed directly by [`go_positions_log10`][fa_book.tabular.go_positions_log10]."""


# --8<-- [start:td0_update]
def td0_update(V: np.ndarray, s: int, r: float, s_next: int, terminated: bool,
               alpha: float, gamma: float) -> float:
    r"""One tabular TD(0) update of the table `V`, in place; returns the TD error.

    $V(s) \leftarrow V(s) + \alpha\,[r + \gamma V(s') - V(s)]$, with $V(s') = 0$ when
    the episode terminated. Only the entry `V[s]` changes.

    A one-line kernel shown on the page: it does not check its arguments (`s`, `s_next`
    must index `V`, `alpha`, `gamma` are used as given);
    [`run_td0`][fa_book.tabular.run_td0] checks them for a whole run.
    """
    v_next = 0.0 if terminated else V[s_next]
    delta = r + gamma * v_next - V[s]  # (TD-error)
    V[s] += alpha * delta  # (TD0-table)
    return delta
# --8<-- [end:td0_update]


# --8<-- [start:linear_td0_update]
def linear_td0_update(theta: np.ndarray, x: np.ndarray, r: float, x_next: np.ndarray,
                      terminated: bool, alpha: float, gamma: float) -> float:
    r"""The same update for $\hat v(s) = \theta^\top \mathbf{x}(s)$, in place on `theta`.

    $\theta \leftarrow \theta + \alpha\,[r + \gamma \hat v(s') - \hat v(s)]\,\mathbf{x}(s)$:
    every state whose features overlap $\mathbf{x}(s)$ moves too. Chapter 4 derives it.

    A one-line kernel shown on the page: it does not check its arguments (`x`, `x_next`
    must have the length of `theta`); [`run_td0`][fa_book.tabular.run_td0] checks them.
    """
    v_next = 0.0 if terminated else theta @ x_next
    delta = r + gamma * v_next - theta @ x  # (TD-error)
    theta += alpha * delta * x  # (TD0-linear)
    return delta
# --8<-- [end:linear_td0_update]


def block_features(maze: GridMaze, block: int, *, with_table: bool = True) -> np.ndarray:
    r"""Features that generalize across neighbouring cells, shape `(rows * cols, d)`.

    Column groups: one indicator per `block × block` square of the maze (coarse coding,
    so that a cell's update also moves its neighbours), and, with `with_table=True`, one
    indicator per cell as well, so that the true values stay representable exactly.

    Raises:
        TypeError: if `maze` is not a `GridMaze`.
        ValueError: if `block` is not an integer >= 1, or the matrix would have more than
            `MAX_SIZE` entries.
    """
    if not isinstance(maze, GridMaze):
        raise TypeError(f"maze must be a GridMaze, got {type(maze).__name__}")
    check_positive_int("block", block)
    S = maze.rows * maze.cols
    n_bc = -(-maze.cols // block)
    n_squares = -(-maze.rows // block) * n_bc
    check_size("rows * cols * d (the feature matrix)", S * (n_squares + S * with_table))
    r, c = np.divmod(np.arange(S), maze.cols)
    square = (r // block) * n_bc + (c // block)
    coarse = np.zeros((S, square.max() + 1))
    coarse[np.arange(S), square] = 1.0
    parts = [coarse, np.eye(S)] if with_table else [coarse]
    return np.hstack(parts)


def value_iteration(mdp: FiniteMDP, tol: float = 1e-12,
                    max_iters: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    r"""Optimal values and a greedy policy by value iteration (needs $\gamma < 1$ or a
    terminating MDP). Returns `(v_star, greedy)` of shapes `(S,)` and `(S, A)`.

    Raises:
        TypeError: if `mdp` is not a `FiniteMDP`.
        ValueError: on a bad `tol` or `max_iters`, or when the sweeps have not converged
            after `max_iters` (e.g. $\gamma = 1$ and a policy that never terminates).
        DivergenceError: if the values run away.
    """
    if not isinstance(mdp, FiniteMDP):
        raise TypeError(f"mdp must be a FiniteMDP, got {type(mdp).__name__}")
    check_positive("tol", tol)
    check_positive_int("max_iters", max_iters)
    v = np.zeros(mdp.n_states)
    for i in range(max_iters):
        q = mdp.R + mdp.gamma * mdp.P @ v
        v_new = q.max(1)
        check_diverged("value iteration", v_new, i)
        if np.abs(v_new - v).max() < tol:
            break
        v = v_new
    else:
        raise ValueError(f"value iteration did not converge to tol={tol:g} in "
                         f"max_iters={max_iters} sweeps (gamma={mdp.gamma:g}; it needs "
                         "gamma < 1 or an MDP that terminates under every policy)")
    q = mdp.R + mdp.gamma * mdp.P @ v
    greedy = np.zeros_like(q)
    greedy[np.arange(mdp.n_states), q.argmax(1)] = 1.0
    return v, greedy


def epsilon_greedy_optimal_policy(maze: GridMaze, gamma: float, epsilon: float) -> np.ndarray:
    r"""$\pi(a \mid s) = (1 - \varepsilon)\,[a = a^*(s)] + \varepsilon / 4$: the policy the
    chapter evaluates, shape `(S, 4)`.

    Raises:
        TypeError: if `maze` is not a `GridMaze`.
        ValueError: if `gamma` is not in [0, 1] or `epsilon` not in [0, 1].
    """
    if not isinstance(maze, GridMaze):
        raise TypeError(f"maze must be a GridMaze, got {type(maze).__name__}")
    check_probability("epsilon", epsilon)
    _, greedy = value_iteration(maze.to_finite_mdp(gamma))
    return (1 - epsilon) * greedy + epsilon / 4


def check_policy(pi, n_states: int | None = None, n_actions: int | None = None) -> np.ndarray:
    r"""Require a tabular policy $\pi(a \mid s)$: finite, shape `(S, A)` (with the given
    sizes), entries $\ge 0$, each row summing to 1. Returns it as a float array."""
    pi = check_finite("pi", np.asarray(pi, dtype=float))
    want = (n_states, n_actions)
    if pi.ndim != 2 or 0 in pi.shape or any(w is not None and w != n
                                            for w, n in zip(want, pi.shape, strict=True)):
        raise ValueError(f"pi must have shape ({n_states or 'S'}, {n_actions or 'A'}), "
                         f"got {pi.shape}")
    if (pi < 0).any() or not np.allclose(pi.sum(1), 1.0):
        raise ValueError("pi must have rows of probabilities >= 0 summing to 1")
    return pi


def run_td0(env: gym.Env, pi: np.ndarray, features: np.ndarray, episodes: int, alpha: float,
            gamma: float, rng: np.random.Generator, max_steps: int = 10_000) -> np.ndarray:
    r"""Evaluate policy `pi` by TD(0) with $\hat v(s) = \theta^\top \mathbf{x}(s)$ on a
    gymnasium environment with discrete observations.

    With `features = np.eye(S)` this is exactly tabular TD(0).

    Randomness: at the start of each episode the environment is reset with a seed drawn
    from `rng` (the environment then draws from its own generator, seeded with that
    draw, never with the integer that seeded `rng`); the actions are drawn from `rng`.

    Args:
        env: an environment with `Discrete` observations and actions.
        pi: policy $\pi(a \mid s)$, shape `(S, A)`.
        features: the feature matrix, row $s$ is $\mathbf{x}(s)$, shape `(S, d)`.
        episodes: number of episodes.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        rng: random generator for actions and environment seeds.
        max_steps: cut-off for one episode.

    Returns:
        The value estimates after each episode, shape `(episodes, S)`.

    Raises:
        TypeError: if `env` is not a gymnasium environment or `rng` not a Generator.
        ValueError: on bad arguments (each named, with its accepted range).
        DivergenceError: if $\theta$ runs away (non-finite or beyond the book's bound).
    """
    if not isinstance(env, gym.Env):
        raise TypeError(f"env must be a gymnasium.Env, got {type(env).__name__}")
    check_generator("rng", rng)
    obs_space, act_space = env.observation_space, env.action_space
    if not (isinstance(obs_space, gym.spaces.Discrete)
            and isinstance(act_space, gym.spaces.Discrete)):
        raise ValueError("env must have Discrete observation and action spaces, got "
                         f"{obs_space!r} and {act_space!r}")
    S, A = int(obs_space.n), int(act_space.n)
    pi = check_policy(pi, S, A)
    features = check_finite("features", np.asarray(features, dtype=float))
    if features.ndim != 2 or features.shape[0] != S or features.shape[1] < 1:
        raise ValueError(f"features must have shape ({S}, d), got {features.shape}")
    check_size("episodes", episodes, MAX_SIZE // S)
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    check_positive_int("max_steps", max_steps)
    theta = np.zeros(features.shape[1])
    history = np.empty((episodes, S))
    cum = np.cumsum(pi, axis=1)
    for ep in range(episodes):
        s, _ = env.reset(seed=int(rng.integers(2**31)))
        for t in range(max_steps):
            a = int(np.searchsorted(cum[s], rng.random() * cum[s, -1], side="right"))
            s2, r, terminated, truncated, _ = env.step(min(a, A - 1))
            linear_td0_update(theta, features[s], r, features[s2], terminated, alpha, gamma)
            check_diverged("TD(0)", theta, ep * max_steps + t, alpha)
            s = s2
            if terminated or truncated:
                break
        history[ep] = features @ theta
    return history


@dataclass(frozen=True)
class SpreadConfig:
    """The page's experiment: TD(0) on the Dyna maze, a table against one-hot plus block
    features (the figures "error over episodes" and "value maps")."""

    n_runs: int = 100
    """Independent runs per learner; run `k` uses `np.random.default_rng([seed, k])`."""
    episodes: int = 60
    """Episodes per run."""
    seed: int = 0
    """Base seed of the runs' generators."""
    block: int = 3
    """Side of the square blocks of the generalizing features."""
    gamma: float = 0.95
    r"""Discount $\gamma$."""
    epsilon: float = 0.2
    r"""Exploration $\varepsilon$ of the evaluated policy (greedy w.r.t. $v_*$)."""
    alpha_table: float = 0.5
    r"""Step size $\alpha$ of the table."""
    alpha_features: float = 0.25
    r"""Step size of the block features (two active features per cell: the same
    effective step for a cell's own value as the table's)."""

    def __post_init__(self):
        check_size("n_runs", self.n_runs)
        check_size("episodes", self.episodes)
        check_positive_int("block", self.block)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {self.seed!r}")
        check_discount("gamma", self.gamma)
        check_probability("epsilon", self.epsilon)
        check_step_size("alpha_table", self.alpha_table)
        check_step_size("alpha_features", self.alpha_features)


class SpreadResult(NamedTuple):
    """Output of [`spread_runs`][fa_book.tabular.spread_runs]."""

    errors: np.ndarray
    r"""$\mu$-weighted RMS error after each episode, shape `(2, n_runs, episodes)`: the
    table (0) and the block features (1)."""
    first: list
    """Value estimates of run 0 after each episode, one `(episodes, S)` array per learner."""
    v: np.ndarray
    r"""Exact $v_\pi$, shape `(S,)`."""
    maze: GridMaze
    """The maze."""


def spread_runs(config: SpreadConfig = SpreadConfig()) -> SpreadResult:
    r"""Run the page's experiment: TD(0) with the table and with one-hot plus
    `block × block` features, `n_runs` runs each, on `fa_book/GridMaze-v0`.

    Run `k` of either learner draws from `np.random.default_rng([seed, k])` (environment
    seeds and actions, see [`run_td0`][fa_book.tabular.run_td0]), so the two learners see
    the same stream.
    """
    if not isinstance(config, SpreadConfig):
        raise TypeError(f"config must be a SpreadConfig, got {type(config).__name__}")
    maze = GridMaze()
    env = gym.make("fa_book/GridMaze-v0")
    mdp = maze.to_finite_mdp(config.gamma)
    pi = epsilon_greedy_optimal_policy(maze, config.gamma, config.epsilon)
    v = v_pi(mdp, pi)
    mu = on_policy_distribution(mdp, pi)
    S = maze.rows * maze.cols
    learners = [(np.eye(S), config.alpha_table),
                (block_features(maze, config.block), config.alpha_features)]
    errors = np.empty((2, config.n_runs, config.episodes))
    first = []
    for i, (X, alpha) in enumerate(learners):
        for run in range(config.n_runs):
            rng = np.random.default_rng([config.seed, run])
            hist = run_td0(env, pi, X, config.episodes, alpha, config.gamma, rng)
            errors[i, run] = np.sqrt(((hist - v) ** 2 * mu).sum(1))
            if run == 0:
                first.append(hist)
    return SpreadResult(errors, first, v, maze)


def check_counts(low: int = 1, **counts: int) -> tuple[int, ...]:
    """Require each named count to be an integer in [`low`, $10^{300}$]
    ([`MAX_COUNT_LOG10`][fa_book.tabular.MAX_COUNT_LOG10]); returns them in order."""
    out = []
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
                low <= value <= 10**MAX_COUNT_LOG10):
            raise ValueError(f"{name} must be an integer in [{low}, 10^{MAX_COUNT_LOG10}], "
                             f"got {value!r}")
        out.append(int(value))
    return tuple(out)


def check_grid_size(k: int, n: int, names: tuple[str, str] = ("k", "n")) -> tuple[int, int]:
    r"""Require integers $1 \le k, n \le$ `MAX_SIZE` with $k^n \le 10^{300}$
    ([`MAX_COUNT_LOG10`][fa_book.tabular.MAX_COUNT_LOG10]), checked in log space before
    $k^n$ is computed; `names` are the argument names used in the message."""
    k = check_size(names[0], k, MAX_SIZE)
    n = check_size(names[1], n, MAX_SIZE)
    if n * math.log10(k) > MAX_COUNT_LOG10:
        raise ValueError(f"{names[0]}^{names[1]} = {k}^{n} = 10^{n * math.log10(k):.4g} is "
                         f"above the largest count computed, 10^{MAX_COUNT_LOG10}")
    return k, n


# --8<-- [start:table_size]
def table_bytes(n_states: int, n_actions: int = 1, bytes_per_entry: int = 8) -> int:
    r"""Memory of a lookup table $V(s)$ (`n_actions=1`) or $Q(s, a)$, in bytes."""
    S, A, b = check_counts(n_states=n_states, n_actions=n_actions,
                           bytes_per_entry=bytes_per_entry)
    return S * A * b  # (table)


def grid_table_size(k: int, n: int) -> int:
    r"""Cells of a grid with $k$ bins in each of $n$ dimensions: $|\bar S| = k^n$."""
    k, n = check_grid_size(k, n)
    return k**n  # (grid)


def go_positions_log10(size: int = 19) -> float:
    r"""$\log_{10} 3^{n^2}$ with $n$ = `size`: the number of ways to colour an
    $n \times n$ Go board with empty/black/white, an upper bound on board positions."""
    n = check_size("size", size)
    return n * n * math.log10(3)  # (go)
# --8<-- [end:table_size]
