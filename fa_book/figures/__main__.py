"""`python -m fa_book.figures [chapter ...] [--quick] [--out DIR] [--only NAME] [--jobs N]`:
regenerate figures and tables.

Independent figure functions run in parallel processes (`--jobs`, default: every core),
each with one torch thread, and so do the cells of a figure that is itself a sweep
(`fa_book.figures.split`: its plotting runs once all its cells are done, on their results
in the cells' order); every function and every cell seeds its own runs, so the outputs do
not depend on the number of workers or on the order in which they finish."""

from __future__ import annotations

import argparse
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from fa_book.figures import (
    DEFAULT_OUT,
    chapters_present,
    figure_functions,
    n_cells,
    run_assembly,
    run_cell,
    run_figure,
)


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return n


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fa_book.figures", description=__doc__)
    parser.add_argument("chapters", nargs="*", help="chapter modules (default: all)")
    parser.add_argument("--quick", action="store_true", help="cut-down runs, for checking")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--only", default=None, help="run only the function with this name")
    parser.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1,
                        help="parallel worker processes (default: every core)")
    args = parser.parse_args(argv)
    present = chapters_present()
    unknown = [c for c in args.chapters if c not in present]
    if unknown:
        parser.error(f"unknown chapter {', '.join(map(repr, unknown))}; "
                     f"choose from {', '.join(present)}")
    chapters = args.chapters or present
    funcs = {c: figure_functions(c) for c in chapters}
    names = sorted(f.__name__ for fs in funcs.values() for f in fs)
    if args.only is not None and args.only not in names:
        parser.error(f"--only {args.only!r} names no figure or table function of "
                     f"{', '.join(chapters)}; choose from {', '.join(names)}")
    args.out.mkdir(parents=True, exist_ok=True)
    tasks = [(c, f.__name__) for c in chapters for f in funcs[c]
             if not args.only or f.__name__ == args.only]

    def report(chapter, name, paths, seconds):
        print(f"{chapter}.{name}: {', '.join(p.name for p in paths)} ({seconds:.1f} s)",
              flush=True)

    cells = {task: n_cells(*task, args.quick) for task in tasks}
    if args.jobs == 1 or (len(tasks) == 1 and not cells[tasks[0]]):
        for chapter, name in tasks:  # a split function computes its cells in order
            report(chapter, name, *run_figure(chapter, name, args.out, args.quick))
        return
    context = multiprocessing.get_context("spawn")  # no forked torch or matplotlib state
    units = sum(max(1, k) for k in cells.values())
    with ProcessPoolExecutor(max_workers=min(args.jobs, units), mp_context=context) as pool:
        pending, results, left = {}, {}, dict(cells)
        for (c, n), k in cells.items():  # the sweeps' cells first: they are the long ones
            results[c, n] = [None] * k
            for i in range(k):
                pending[pool.submit(run_cell, c, n, i, args.quick)] = (c, n, i)
        for (c, n), k in cells.items():
            if not k:
                pending[pool.submit(run_figure, c, n, args.out, args.quick)] = (c, n, None)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                c, n, i = pending.pop(future)
                if i is None:
                    report(c, n, *future.result())
                    continue
                results[c, n][i], seconds = future.result()
                print(f"{c}.{n}: cell {i + 1} of {cells[c, n]} ({seconds:.1f} s)", flush=True)
                left[c, n] -= 1
                if not left[c, n]:
                    pending[pool.submit(run_assembly, c, n, args.out, results[c, n],
                                        args.quick)] = (c, n, None)


if __name__ == "__main__":
    main()
