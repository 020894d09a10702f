"""`python -m fa_book.figures [chapter ...] [--quick] [--out DIR] [--only NAME] [--jobs N]`:
regenerate figures and tables.

Independent figure functions run in parallel processes (`--jobs`, default: every core),
each with one torch thread; every function seeds its own runs, so the outputs do not
depend on the number of workers or on the order in which they finish."""

from __future__ import annotations

import argparse
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from fa_book.figures import DEFAULT_OUT, chapters_present, figure_functions, run_figure


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

    if args.jobs == 1 or len(tasks) == 1:
        for chapter, name in tasks:
            report(chapter, name, *run_figure(chapter, name, args.out, args.quick))
        return
    context = multiprocessing.get_context("spawn")  # no forked torch or matplotlib state
    with ProcessPoolExecutor(max_workers=min(args.jobs, len(tasks)),
                             mp_context=context) as pool:
        futures = {pool.submit(run_figure, c, n, args.out, args.quick): (c, n)
                   for c, n in tasks}
        for future in as_completed(futures):
            report(*futures[future], *future.result())

if __name__ == "__main__":
    main()
