"""What the four environments share: the episode bookkeeping and the start option."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from fa_book.validate import check_positive_int


class EpisodeEnded(gym.error.ResetNeeded, RuntimeError):
    """`step` was called after the episode ended (or before the first `reset`)."""


class EpisodeMixin:
    """Step counting, truncation and the "episode has ended" guard for a book env.

    A subclass calls `_setup(n_states, n_actions, max_episode_steps)` in `__init__`,
    `_start(...)` in `reset` (it seeds, reads `options={"start": s}` and begins the step
    count), `_check_running()` first in `step`, and returns `self._end(terminated)` as its
    `(terminated, truncated)` pair.
    """

    max_episode_steps: int | None = None
    _running = False
    _t = 0

    def _set_limit(self, max_episode_steps: int | None) -> None:
        if max_episode_steps is not None:
            check_positive_int("max_episode_steps", max_episode_steps)
        self.max_episode_steps = max_episode_steps

    def _setup(self, n_states: int, n_actions: int, max_episode_steps: int | None) -> None:
        self._set_limit(max_episode_steps)
        self.observation_space = gym.spaces.Discrete(n_states)
        self.action_space = gym.spaces.Discrete(n_actions)

    def _start(self, seed: int | None, options: dict | None, allowed, what: str,
               default: int | None = None) -> int:
        """Seed the environment's generator, pick the start state (`options["start"]`,
        else `default`, else uniform over `allowed`) and begin a new episode."""
        super().reset(seed=seed)
        if default is None and (options is None or "start" not in options):
            allowed = list(allowed)
            default = allowed[int(self.np_random.integers(len(allowed)))]
        s = start_option(options, default, allowed, what)
        self._begin()
        return s

    def _begin(self) -> None:
        self._running, self._t = True, 0

    def _check_running(self, action, n_actions: int, names: str) -> int:
        if not self._running:
            raise EpisodeEnded(f"{type(self).__name__}.step() called after the episode "
                               "ended or before reset(); call reset() first")
        if isinstance(action, (bool, np.bool_)) or not self.action_space.contains(action):
            raise ValueError(f"action must be {names}, got {action!r}")
        return int(action)

    def _end(self, terminated: bool) -> tuple[bool, bool]:
        self._t += 1
        truncated = (not terminated and self.max_episode_steps is not None
                     and self._t >= self.max_episode_steps)
        if terminated or truncated:
            self._running = False
        return bool(terminated), bool(truncated)


def start_option(options: dict | None, default: int, allowed, what: str) -> int:
    """The start state asked for by `reset(options={"start": s})`, checked."""
    if options is None:
        return default
    unknown = set(options) - {"start"}
    if unknown:
        raise ValueError(f"reset options may only contain 'start', got {sorted(unknown)}")
    if "start" not in options:
        return default
    s = options["start"]
    if (isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer))
            or int(s) not in allowed):
        raise ValueError(f"options['start'] must be {what}, got {s!r}")
    return int(s)
