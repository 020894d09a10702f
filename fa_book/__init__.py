r"""fa_book: value-function approximation and policy gradients, one equation per line.

Importing the package registers its gymnasium environments (all in
[`fa_book.envs`][fa_book.envs], each next to its exact finite model):

| id | class | chapter |
| --- | --- | --- |
| `fa_book/GridMaze-v0` | [`GridMaze`][fa_book.envs.GridMaze] | 1 |
| `fa_book/RandomWalk1000-v0` | [`RandomWalk`][fa_book.envs.RandomWalk] | 4 |
| `fa_book/Baird-v0` | [`BairdCounterexample`][fa_book.envs.BairdCounterexample] | 6 |
| `fa_book/ShortCorridor-v0` | [`ShortCorridor`][fa_book.envs.ShortCorridor] | 10 |

Each environment counts its own steps (`max_episode_steps`), so that `step` after the
end of an episode raises instead of walking on; the registered ids pass the limits below.
"""

import gymnasium as _gym

__version__ = "0.2.0"

_ENVS = {
    "fa_book/GridMaze-v0": ("fa_book.envs.grid_maze:GridMaze", {"max_episode_steps": 10_000}),
    "fa_book/RandomWalk1000-v0": ("fa_book.envs.random_walk:RandomWalk", {}),
    "fa_book/Baird-v0": ("fa_book.envs.baird:BairdCounterexample", {"max_episode_steps": 1000}),
    "fa_book/ShortCorridor-v0": ("fa_book.envs.short_corridor:ShortCorridor",
                                 {"max_episode_steps": 1000}),
}

for _id, (_entry, _kwargs) in _ENVS.items():
    if _id not in _gym.registry:
        _gym.register(id=_id, entry_point=_entry, kwargs=_kwargs)
