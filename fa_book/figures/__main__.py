"""`python -m fa_book.figures [chapter ...] [--quick] [--out DIR]`: regenerate figures."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from fa_book.figures import DEFAULT_OUT, chapters_present, figure_functions


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fa_book.figures", description=__doc__)
    parser.add_argument("chapters", nargs="*", help="chapter modules (default: all)")
    parser.add_argument("--quick", action="store_true", help="cut-down runs, for checking")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--only", default=None, help="run only the function with this name")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # small networks: a second thread only adds overhead
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
    for chapter in chapters:
        for func in funcs[chapter]:
            if args.only and func.__name__ != args.only:
                continue
            t0 = time.perf_counter()
            paths = func(args.out, quick=args.quick)
            names = ", ".join(p.name for p in paths)
            print(f"{chapter}.{func.__name__}: {names} ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
