r"""`fa_book/RandomWalk1000-v0`: the 1000-state random walk (Sutton & Barto 2018,
Example 9.1), chapter 4, and its exact model."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from fa_book.envs.episode import EpisodeMixin
from fa_book.oracles import FiniteMDP
from fa_book.validate import check_int_range, check_nonneg_int, check_positive_int, check_size

LEFT, RIGHT = 0, 1


def walk_start(start: int | None, n_states: int) -> int:
    """The start index: `start` checked to lie in `0 .. n_states - 1`, or by default
    `n_states // 2 - 1` (the book's state 500 of 1000)."""
    check_size("n_states", n_states)
    if start is None:
        return max(n_states // 2 - 1, 0)
    return check_int_range("start", start, 0, n_states - 1)


# --8<-- [start:random_walk]
class RandomWalk(EpisodeMixin, gym.Env[np.int64, np.int64]):
    r"""The 1000-state random walk of Sutton & Barto (2018, Example 9.1).

    ## Description

    States are numbered $1 \dots 1000$ in the book; here the observation is the index
    `s = book_state - 1`, so the start state 500 is `s = 499`. An action picks a
    direction; the walker then jumps a distance drawn uniformly from $1 \dots$
    `max_jump` in that direction. The book's process is this environment under the
    uniformly random policy.

    ## Observation Space

    `Discrete(n_states)`: the state index `0 .. n_states - 1`. The terminal states are
    not observations: on termination the observation is the last non-terminal state and
    `info["side"]` is $-1$ or $+1$ (its value is never used: `terminated` zeroes the
    bootstrap).

    ## Action Space

    `Discrete(2)`: 0 left, 1 right.

    ## Rewards

    $-1$ for a jump past the left edge, $+1$ past the right edge, 0 otherwise.

    ## Starting State

    `start` (default `n_states // 2 - 1`, the book's state 500), or any state given as
    `reset(options={"start": s})`.

    ## Episode End

    Terminated by a jump past either edge; truncated after `max_episode_steps` steps
    when it is not `None`.

    Args:
        n_states: number of non-terminal states (1000 in the book).
        max_jump: largest jump (100 in the book).
        start: start index; defaults to `n_states // 2 - 1` (the book's state 500).
        max_episode_steps: truncate after this many steps (`None`: never).
    """

    metadata = {"render_modes": []}

    def __init__(self, n_states: int = 1000, max_jump: int = 100,
                 start: int | None = None, max_episode_steps: int | None = None):
        self.n_states = check_size("n_states", n_states)
        self.max_jump = check_size("max_jump", max_jump)
        self.start = walk_start(start, n_states)
        self._setup(n_states, 2, max_episode_steps)
        self._s = self.start

    # --8<-- [start:random_walk_step]
    def reset(self, *, seed: int | None = None, options: dict | None = None):
        if seed is not None:
            check_nonneg_int("seed", seed)
        self._s = self._start(seed, options, range(self.n_states),
                              f"a state index in [0, {self.n_states - 1}]", default=self.start)
        return np.int64(self._s), {}

    def step(self, action):
        a = self._check_running(action, 2, "0 (left) or 1 (right)")
        jump = int(self.np_random.integers(1, self.max_jump + 1))
        s = self._s + (jump if a == RIGHT else -jump)
        if s < 0 or s >= self.n_states:
            side = -1 if s < 0 else 1
            self._end(True)
            return np.int64(self._s), float(side), True, False, {"side": side}
        self._s = s
        terminated, truncated = self._end(False)
        return np.int64(s), 0.0, terminated, truncated, {}
    # --8<-- [end:random_walk_step]
# --8<-- [end:random_walk]


def random_walk_mdp(n_states: int = 1000, max_jump: int = 100,
                    start: int | None = None) -> FiniteMDP:
    r"""The exact model of [`RandomWalk`][fa_book.envs.RandomWalk] as a finite MDP.

    Action `a` moves to each of the `max_jump` states on its side with probability
    `1 / max_jump`; jumps past an edge are the missing mass of the row (termination), and
    their reward goes into $r(s, a)$: $r(s, \text{left}) = -\Pr(\text{exit left})$,
    $r(s, \text{right}) = +\Pr(\text{exit right})$.  $\gamma = 1$, $d_0$ is the start state.
    Evaluate it with the uniform policy `np.full((n_states, 2), 0.5)`; the book's
    one-action random walk is this MDP under that policy.

    Returns:
        A `FiniteMDP` with `P` of shape `(n_states, 2, n_states)`.
    """
    check_positive_int("n_states", n_states)
    check_positive_int("max_jump", max_jump)
    check_size("n_states * n_states * 2", 2 * n_states * n_states)
    check_size("n_states * max_jump", n_states * max_jump)
    start = walk_start(start, n_states)
    s = np.arange(n_states)[:, None]
    j = np.arange(1, max_jump + 1)[None, :]
    P = np.zeros((n_states, 2, n_states))
    R = np.zeros((n_states, 2))
    for a, sign in ((LEFT, -1), (RIGHT, 1)):
        target = s + sign * j  # (S, max_jump)
        inside = (target >= 0) & (target < n_states)
        rows = np.broadcast_to(s, target.shape)
        np.add.at(P[:, a, :], (rows[inside], target[inside]), 1.0 / max_jump)
        R[:, a] = sign * (~inside).sum(1) / max_jump
    d0 = np.zeros(n_states)
    d0[start] = 1.0
    return FiniteMDP(P, R, 1.0, d0)
