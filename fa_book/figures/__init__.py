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

A figure that is itself a sweep of independent cells (the discretization resolution study:
one cell per grid) is marked with [`split`][fa_book.figures.split]: called as usual it
computes its cells in order; `python -m fa_book.figures --jobs N` runs the cells in
parallel processes and then the function's plotting on their results, with the same bytes.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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


def split(cells: Callable[[bool], Sequence[Any]], run_cell: Callable[[Any, bool], Any]):
    """Mark a figure function as a sweep of independent cells.

    The decorated function is written as `assemble(out_dir, results, *, quick)`, where
    `results[i]` is `run_cell(cells(quick)[i], quick)`; the decorator turns it into a
    figure function `(out_dir, *, quick=False) -> list[Path]` that computes the cells in
    order and then assembles them. `python -m fa_book.figures` instead runs each cell in
    a worker process (cells and results must pickle) and assembles the results in the
    cells' order, so the outputs are the same whatever the number of workers, provided
    each cell seeds its own runs and depends on no other."""
    def mark(assemble: Callable[..., list[Path]]) -> Callable[..., list[Path]]:
        @functools.wraps(assemble)
        def figure(out_dir: Path, *, quick: bool = False) -> list[Path]:
            return assemble(out_dir, [run_cell(c, quick) for c in cells(quick)],
                            quick=quick)
        del figure.__wrapped__  # its signature is the figure function's, not assemble's
        figure.cells, figure.run_cell, figure.assemble = cells, run_cell, assemble
        return figure
    return mark


def figure_functions(chapter: str) -> list[Callable[..., list[Path]]]:
    """The `figure_*` and `table_*` functions of one chapter module, in source order."""
    module = importlib.import_module(f"fa_book.figures.{chapter}")
    funcs = [f for name, f in vars(module).items()
             if name.startswith(("figure_", "table_")) and inspect.isfunction(f)
             and f.__module__ == module.__name__]
    return sorted(funcs, key=lambda f: getattr(f, "assemble", f).__code__.co_firstlineno)


def chapters_present() -> list[str]:
    """Chapter modules that exist in this checkout."""
    here = Path(__file__).parent
    return [c for c in CHAPTERS if (here / f"{c}.py").is_file()]


def _function(chapter: str, name: str) -> Callable[..., list[Path]]:
    import torch

    torch.set_num_threads(1)  # small networks: a second thread only adds overhead
    return getattr(importlib.import_module(f"fa_book.figures.{chapter}"), name)


def run_figure(chapter: str, name: str, out: Path, quick: bool) -> tuple[list[Path], float]:
    """Run one figure or table function with one torch thread (in a worker process of
    `python -m fa_book.figures --jobs N`, or inline); returns its paths and seconds."""
    import time

    func = _function(chapter, name)
    t0 = time.perf_counter()
    paths = func(out, quick=quick)
    return paths, time.perf_counter() - t0


def run_cell(chapter: str, name: str, index: int, quick: bool) -> tuple[Any, float]:
    """Run cell `index` of a [`split`][fa_book.figures.split] figure function with one
    torch thread; returns its result and seconds."""
    import time

    func = _function(chapter, name)
    t0 = time.perf_counter()
    result = func.run_cell(func.cells(quick)[index], quick)
    return result, time.perf_counter() - t0


def run_assembly(chapter: str, name: str, out: Path, results: list, quick: bool
                 ) -> tuple[list[Path], float]:
    """Plot and write a [`split`][fa_book.figures.split] figure from its cells' results."""
    import time

    func = _function(chapter, name)
    t0 = time.perf_counter()
    paths = func.assemble(out, results, quick=quick)
    return paths, time.perf_counter() - t0


def n_cells(chapter: str, name: str, quick: bool) -> int:
    """How many cells a figure function has (0: it is not [`split`][fa_book.figures.split])."""
    func = _function(chapter, name)
    return len(func.cells(quick)) if hasattr(func, "cells") else 0
