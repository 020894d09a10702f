r"""`fa_book/ShortCorridor-v0`: the short corridor with switched actions (Sutton & Barto
2018, Example 13.1), chapter 10, and its exact model."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from fa_book.envs.episode import EpisodeMixin
from fa_book.oracles import FiniteMDP
from fa_book.validate import check_discount

LEFT, RIGHT = 0, 1
GOAL = 3
"""The terminal state."""
# NEXT[s, a]: state 1 has its actions switched; LEFT in state 0 bumps into the wall.
NEXT = np.array([[0, 1], [2, 0], [1, GOAL], [GOAL, GOAL]])


# --8<-- [start:short_corridor]
class ShortCorridor(EpisodeMixin, gym.Env[np.int64, np.int64]):
    r"""The short corridor with switched actions (Sutton & Barto 2018, Example 13.1).

    ## Description

    States 0, 1, 2 and the goal 3. The book's agent sees the same features
    $\mathbf x(s, \text{right}) = (1, 0)^\top$, $\mathbf x(s, \text{left}) = (0, 1)^\top$ in
    every state, so it must choose one probability of going right for all three.

    ## Observation Space

    `Discrete(4)`: the state (3 only as the final observation).

    ## Action Space

    `Discrete(2)`: `RIGHT` (1) moves right and `LEFT` (0) moves left, except in state 1
    where they are switched; `LEFT` in state 0 stays put.

    ## Rewards

    $-1$ on every step, including the step into the goal.

    ## Starting State

    State 0, or the state in `{0, 1, 2}` given as `reset(options={"start": s})`.

    ## Episode End

    Terminated on entering the goal; truncated after `max_episode_steps` steps (1000 for
    the registered id `fa_book/ShortCorridor-v0`).

    Args:
        max_episode_steps: truncate after this many steps (`None`: never).
    """

    metadata = {"render_modes": []}

    def __init__(self, max_episode_steps: int | None = None):
        self._setup(4, 2, max_episode_steps)
        self.state = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        self.state = self._start(seed, options, range(3), "0, 1 or 2", default=0)
        return np.int64(self.state), {}

    def step(self, action):
        a = self._check_running(action, 2, "0 (left) or 1 (right)")
        self.state = int(NEXT[self.state, a])
        terminated, truncated = self._end(self.state == GOAL)
        return np.int64(self.state), -1.0, terminated, truncated, {}
# --8<-- [end:short_corridor]


def short_corridor_mdp(gamma: float = 1.0) -> FiniteMDP:
    r"""The short corridor as an exact [`FiniteMDP`][fa_book.oracles.FiniteMDP].

    Three non-terminal states; a step into the goal is the missing probability mass of its
    row.  Reward $r(s, a) = -1$ everywhere; start state 0.
    """
    check_discount("gamma", gamma)
    P = np.zeros((3, 2, 3))
    for s in range(3):
        for a in (LEFT, RIGHT):
            if NEXT[s, a] != GOAL:
                P[s, a, NEXT[s, a]] = 1.0
    return FiniteMDP(P, -np.ones((3, 2)), gamma, np.array([1.0, 0.0, 0.0]))
