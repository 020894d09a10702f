r"""`fa_book/Baird-v0`: Baird's counterexample (Sutton & Barto 2018, §11.2, Figure 11.1),
chapter 6, and its exact model."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from fa_book.envs.episode import EpisodeMixin
from fa_book.oracles import FiniteMDP
from fa_book.validate import check_discount

# --8<-- [start:baird]
# --8<-- [start:baird_constants]
DASHED, SOLID = 0, 1
"""Baird's two actions: dashed (to a random upper state) and solid (to the lower one)."""

BAIRD_FEATURES = np.zeros((7, 8))
r"""Features $\mathbf x(s)$ of Baird's counterexample, shape `(7, 8)`: the six upper
states have $\hat v(i) = 2w_i + w_8$, the lower state $\hat v(7) = w_7 + 2w_8$
(Sutton & Barto 2018, Figure 11.1; here 0-based)."""
BAIRD_FEATURES[np.arange(6), np.arange(6)] = 2.0
BAIRD_FEATURES[:6, 7] = 1.0
BAIRD_FEATURES[6, 6], BAIRD_FEATURES[6, 7] = 1.0, 2.0

BAIRD_W0 = np.array([1.0, 1, 1, 1, 1, 1, 10, 1])
"""The initial weights of Sutton & Barto's Figure 11.2."""

BAIRD_BEHAVIOUR = np.tile([6 / 7, 1 / 7], (7, 1))
r"""Behaviour policy $b$: dashed with probability 6/7, solid with 1/7, shape `(7, 2)`;
the next state is then uniform over the seven states."""

BAIRD_TARGET = np.tile([0.0, 1.0], (7, 1))
r"""Target policy $\pi$: always solid (to the lower state), shape `(7, 2)`."""
# --8<-- [end:baird_constants]


class BairdCounterexample(EpisodeMixin, gym.Env[np.int64, np.int64]):
    r"""Baird's counterexample: 7 states, 2 actions, every reward 0, $\gamma = 0.99$.

    ## Description

    $v_\pi = 0$ for every policy, which $\mathbf w = 0$ represents exactly, yet
    off-policy semi-gradient TD with the features `BAIRD_FEATURES` diverges.

    ## Observation Space

    `Discrete(7)`: the state index; states 0-5 are the upper states, 6 the lower one.
    The features of state `s` are `BAIRD_FEATURES[s]`.

    ## Action Space

    `Discrete(2)`: 0 *dashed* moves to one of the six upper states with equal
    probability; 1 *solid* moves to the lower state 6.

    ## Rewards

    0 on every step.

    ## Starting State

    Uniform over the seven states, or the state given as `reset(options={"start": s})`.

    ## Episode End

    The task is continuing: never terminated; truncated after `max_episode_steps` steps
    (1000 for the registered id `fa_book/Baird-v0`).

    Args:
        max_episode_steps: truncate after this many steps (`None`: never).
    """

    metadata = {"render_modes": []}
    gamma = 0.99
    """discount used in Sutton & Barto's experiments."""
    features = BAIRD_FEATURES

    def __init__(self, max_episode_steps: int | None = None):
        self._setup(7, 2, max_episode_steps)
        self._s = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        # no default: the start state is uniform over the seven states
        self._s = self._start(seed, options, range(7), "a state index in [0, 6]")
        return np.int64(self._s), {}

    def step(self, action):
        a = self._check_running(action, 2, "0 (dashed) or 1 (solid)")
        self._s = int(self.np_random.integers(6)) if a == DASHED else 6
        terminated, truncated = self._end(False)
        return np.int64(self._s), 0.0, terminated, truncated, {}
# --8<-- [end:baird]


def baird_mdp(gamma: float = BairdCounterexample.gamma) -> FiniteMDP:
    r"""Baird's counterexample as arrays, for the oracles: `P` of shape `(7, 2, 7)`,
    zero rewards, uniform $d_0$."""
    check_discount("gamma", gamma)
    P = np.zeros((7, 2, 7))
    P[:, DASHED, :6] = 1 / 6
    P[:, SOLID, 6] = 1.0
    return FiniteMDP(P, np.zeros((7, 2)), gamma, np.full(7, 1 / 7))
