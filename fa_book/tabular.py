r"""Chapter 1: why lookup tables stop working.

A small maze as a real gymnasium environment, tabular TD(0) on it, the same TD(0) with
features that generalize, and the table-size arithmetic for the notes' examples.

The maze is Sutton & Barto's Dyna maze (2018, Figure 8.2): 6 × 9 cells, walls `#`,
start `S`, goal `G`. Reaching the goal pays $+1$ and ends the episode; every other step
pays $0$; moving into a wall or off the board leaves the agent where it is.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np

from fa_book.envs.grid_maze import GridMaze
from fa_book.oracles import FiniteMDP
from fa_book.validate import (
    DivergenceError,
    check_discount,
    check_positive_int,
    check_probability,
    check_step_size,
)

__all__ = [
    "block_features",
    "epsilon_greedy_optimal_policy",
    "go_positions_log10",
    "grid_table_size",
    "linear_td0_update",
    "run_td0",
    "table_bytes",
    "td0_update",
    "value_iteration",
]



# --8<-- [start:td0_update]
def td0_update(V: np.ndarray, s: int, r: float, s_next: int, terminated: bool,
               alpha: float, gamma: float) -> float:
    r"""One tabular TD(0) update of the table `V`, in place; returns the TD error.

    $V(s) \leftarrow V(s) + \alpha\,[r + \gamma V(s') - V(s)]$, with $V(s') = 0$ when
    the episode terminated. Only the entry `V[s]` changes.
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
    """
    check_positive_int("block", block)
    S = maze.rows * maze.cols
    r, c = np.divmod(np.arange(S), maze.cols)
    n_bc = -(-maze.cols // block)
    square = (r // block) * n_bc + (c // block)
    coarse = np.zeros((S, square.max() + 1))
    coarse[np.arange(S), square] = 1.0
    parts = [coarse, np.eye(S)] if with_table else [coarse]
    return np.hstack(parts)


def value_iteration(mdp: FiniteMDP, tol: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    r"""Optimal values and a greedy policy by value iteration (needs $\gamma < 1$ or a
    terminating MDP). Returns `(v_star, greedy)` of shapes `(S,)` and `(S, A)`."""
    v = np.zeros(mdp.n_states)
    for _ in range(100_000):
        q = mdp.R + mdp.gamma * mdp.P @ v
        v_new = q.max(1)
        if np.abs(v_new - v).max() < tol:
            break
        v = v_new
    q = mdp.R + mdp.gamma * mdp.P @ v
    greedy = np.zeros_like(q)
    greedy[np.arange(mdp.n_states), q.argmax(1)] = 1.0
    return v, greedy


def epsilon_greedy_optimal_policy(maze: GridMaze, gamma: float, epsilon: float) -> np.ndarray:
    r"""$\pi(a \mid s) = (1 - \varepsilon)\,[a = a^*(s)] + \varepsilon / 4$: the policy the
    chapter evaluates, shape `(S, 4)`."""
    check_probability("epsilon", epsilon)
    _, greedy = value_iteration(maze.to_finite_mdp(gamma))
    return (1 - epsilon) * greedy + epsilon / 4


def run_td0(env: gym.Env, pi: np.ndarray, features: np.ndarray, episodes: int, alpha: float,
            gamma: float, rng: np.random.Generator, max_steps: int = 10_000) -> np.ndarray:
    r"""Evaluate policy `pi` by TD(0) with $\hat v(s) = \theta^\top \mathbf{x}(s)$ on a
    gymnasium environment with discrete observations.

    With `features = np.eye(S)` this is exactly tabular TD(0).

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
    """
    check_positive_int("episodes", episodes)
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    S, A = pi.shape
    if features.ndim != 2 or features.shape[0] != S:
        raise ValueError(f"features must have shape ({S}, d), got {features.shape}")
    theta = np.zeros(features.shape[1])
    history = np.empty((episodes, S))
    cum = np.cumsum(pi, axis=1)
    for ep in range(episodes):
        s, _ = env.reset(seed=int(rng.integers(2**31)))
        for t in range(max_steps):
            a = int(np.searchsorted(cum[s], rng.random() * cum[s, -1], side="right"))
            s2, r, terminated, truncated, _ = env.step(min(a, A - 1))
            linear_td0_update(theta, features[s], r, features[s2], terminated, alpha, gamma)
            if not np.isfinite(theta).all():
                raise DivergenceError("TD(0)", ep * max_steps + t, alpha)
            s = s2
            if terminated or truncated:
                break
        history[ep] = features @ theta
    return history


# --8<-- [start:table_size]
def table_bytes(n_states: int, n_actions: int = 1, bytes_per_entry: int = 8) -> int:
    r"""Memory of a lookup table $V(s)$ (`n_actions=1`) or $Q(s, a)$, in bytes."""
    return int(n_states) * int(n_actions) * int(bytes_per_entry)  # (table)


def grid_table_size(k: int, n: int) -> int:
    r"""Cells of a grid with $k$ bins in each of $n$ dimensions: $|\bar S| = k^n$."""
    check_positive_int("k", k)
    check_positive_int("n", n)
    return k**n  # (grid)


def go_positions_log10(size: int = 19) -> float:
    r"""$\log_{10} 3^{n^2}$ with $n$ = `size`: the number of ways to colour an
    $n \times n$ Go board with empty/black/white, an upper bound on board positions."""
    check_positive_int("size", size)
    return size * size * math.log10(3)  # (go)
# --8<-- [end:table_size]
