r"""fa_book: value-function approximation and policy gradients, one equation per line.

Importing the package registers its gymnasium environments:

| id | class | chapter |
| --- | --- | --- |
| `fa_book/GridMaze-v0` | [`GridMaze`][fa_book.tabular.GridMaze] | 1 |
| `fa_book/RandomWalk1000-v0` | [`RandomWalk`][fa_book.prediction.RandomWalk] | 4 |
| `fa_book/Baird-v0` | [`BairdCounterexample`][fa_book.semi_gradient.BairdCounterexample] | 6 |
| `fa_book/ShortCorridor-v0` | [`ShortCorridor`][fa_book.reinforce.ShortCorridor] | 10 |
"""

import gymnasium as _gym

__version__ = "0.1.0"

_ENVS = {
    "fa_book/GridMaze-v0": ("fa_book.tabular:GridMaze", None),
    "fa_book/RandomWalk1000-v0": ("fa_book.prediction:RandomWalk", None),
    "fa_book/Baird-v0": ("fa_book.semi_gradient:BairdCounterexample", 1000),
    "fa_book/ShortCorridor-v0": ("fa_book.reinforce:ShortCorridor", 1000),
}

for _id, (_entry, _steps) in _ENVS.items():
    if _id not in _gym.registry:
        _gym.register(id=_id, entry_point=_entry, max_episode_steps=_steps)
