r"""Every figure and generated table of the book, one named function each.

Each chapter has a module here (`fa_book.figures.<chapter>`) whose public functions
named `figure_*` or `table_*` take an output folder and keyword `quick` and return the
paths they wrote:

```text
def figure_name(out_dir: Path, *, quick: bool = False) -> list[Path]
```

`quick=True` runs a cut-down version (few seeds, few episodes) that the test suite uses to
check that the function works; the book's pictures are made with `quick=False`, and each
caption states the seeds and number of runs.  Regenerate everything with

```text
python -m fa_book.figures            # all chapters, into docs/figures
python -m fa_book.figures prediction # one chapter
```
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

CHAPTERS = (
    "tabular",
    "discretize",
    "parametric",
    "prediction",
    "control",
    "semi_gradient",
    "dqn",
    "policy_gradient",
    "reinforce",
)
"""Chapter modules under `fa_book.figures`, in book order."""

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "figures"


def figure_functions(chapter: str) -> list[Callable[..., list[Path]]]:
    """The `figure_*` and `table_*` functions of one chapter module, in source order."""
    module = importlib.import_module(f"fa_book.figures.{chapter}")
    funcs = [f for name, f in vars(module).items()
             if name.startswith(("figure_", "table_")) and inspect.isfunction(f)
             and f.__module__ == module.__name__]
    return sorted(funcs, key=lambda f: f.__code__.co_firstlineno)


def chapters_present() -> list[str]:
    """Chapter modules that exist in this checkout."""
    here = Path(__file__).parent
    return [c for c in CHAPTERS if (here / f"{c}.py").is_file()]


def run_figure(chapter: str, name: str, out: Path, quick: bool) -> tuple[list[Path], float]:
    """Run one figure or table function with one torch thread (in a worker process of
    `python -m fa_book.figures --jobs N`, or inline); returns its paths and seconds."""
    import time

    import torch

    torch.set_num_threads(1)  # small networks: a second thread only adds overhead
    func = getattr(importlib.import_module(f"fa_book.figures.{chapter}"), name)
    t0 = time.perf_counter()
    paths = func(out, quick=quick)
    return paths, time.perf_counter() - t0
