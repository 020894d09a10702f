"""``python -m fa_book.exercises``: list, show a stub, or check a solution.

    python -m fa_book.exercises list
    python -m fa_book.exercises stub 4.2 > my_solution.py
    python -m fa_book.exercises check 4.2 my_solution.py

``check`` prints one line and exits 0 if every case passed, 1 if not; a usage error
(unknown exercise, bad option) exits 2.
"""

from __future__ import annotations

import argparse
import sys

from fa_book.exercises import EXERCISES, TIME_LIMIT, check, stub_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fa_book.exercises",
                                     description="Programming exercises that check themselves.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the exercises")
    p_stub = sub.add_parser("stub", help="print an exercise's stub file")
    p_stub.add_argument("exercise", help="e.g. 4.2")
    p_check = sub.add_parser("check", help="grade your solution file")
    p_check.add_argument("exercise", help="e.g. 4.2")
    p_check.add_argument("path", help="your Python file defining the exercise's function")
    p_check.add_argument("--time-limit", type=float, default=TIME_LIMIT,
                         help=f"seconds before the grading counts as hanging (default "
                              f"{TIME_LIMIT:g})")
    args = parser.parse_args(argv)
    if args.command == "list":
        for ex in EXERCISES.values():
            print(f"{ex.id}  {ex.function}({', '.join(ex.params)})  stub: "
                  f"fa_book/exercises/stubs/{ex.module}")
        return 0
    if args.exercise not in EXERCISES:
        parser.error(f"no exercise {args.exercise!r} (known: {', '.join(sorted(EXERCISES))})")
    if args.command == "stub":
        sys.stdout.write(stub_path(args.exercise).read_text(encoding="utf-8"))
        return 0
    if not 0 < args.time_limit <= 600:
        parser.error(f"--time-limit: expected seconds in (0, 600], got {args.time_limit}")
    return 0 if check(args.exercise, args.path, time_limit=args.time_limit) else 1


if __name__ == "__main__":
    raise SystemExit(main())
