r"""The book's four gymnasium environments, each next to its exact finite model.

| id | class, exact model | ch. |
| --- | --- | --- |
| `fa_book/GridMaze-v0` | [GridMaze][fa_book.envs.GridMaze], `GridMaze.to_finite_mdp` | 1 |
| `fa_book/RandomWalk1000-v0` | [RandomWalk][fa_book.envs.RandomWalk], `random_walk_mdp` | 4 |
| `fa_book/Baird-v0` | [BairdCounterexample][fa_book.envs.BairdCounterexample], `baird_mdp` | 6 |
| `fa_book/ShortCorridor-v0` | [ShortCorridor][fa_book.envs.ShortCorridor],`short_corridor_mdp`|10|

Importing `fa_book` registers them.  All four follow the same contract:

* `reset(seed=..., options={"start": s})` starts an episode in state `s` (a test can
  start anywhere without touching private attributes); without `options` each starts
  where the book's experiments start.
* Each environment counts its own steps and truncates after `max_episode_steps` (a
  constructor argument; `None` for no limit), so that it knows when its episode has
  ended: `step` after `terminated` or `truncated`, or before the first `reset`, raises
  [`EpisodeEnded`][fa_book.envs.EpisodeEnded] instead of walking on.
* The exact model is a [`FiniteMDP`][fa_book.oracles.FiniteMDP] whose transition
  probabilities are those of `step` (the tests compare them state by state).
"""

from fa_book.envs.baird import (
    BAIRD_BEHAVIOUR,
    BAIRD_FEATURES,
    BAIRD_TARGET,
    BAIRD_W0,
    DASHED,
    SOLID,
    BairdCounterexample,
    baird_mdp,
)
from fa_book.envs.episode import EpisodeEnded, EpisodeMixin, start_option
from fa_book.envs.grid_maze import DYNA_MAZE, MOVES, GridMaze
from fa_book.envs.random_walk import LEFT, RIGHT, RandomWalk, random_walk_mdp, walk_start
from fa_book.envs.short_corridor import GOAL, NEXT, ShortCorridor, short_corridor_mdp

__all__ = [
    "BAIRD_BEHAVIOUR",
    "BAIRD_FEATURES",
    "BAIRD_TARGET",
    "BAIRD_W0",
    "DASHED",
    "DYNA_MAZE",
    "GOAL",
    "MOVES",
    "NEXT",
    "SOLID",
    "BairdCounterexample",
    "EpisodeEnded",
    "EpisodeMixin",
    "GridMaze",
    "LEFT",
    "RIGHT",
    "RandomWalk",
    "ShortCorridor",
    "baird_mdp",
    "random_walk_mdp",
    "short_corridor_mdp",
    "start_option",
    "walk_start",
]
