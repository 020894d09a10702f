r"""Programming exercises that check themselves.

A reader fills in a stub (``fa_book/exercises/stubs/chNN.py``: the signature, a
docstring saying what to compute, ``raise NotImplementedError``) and runs::

    python -m fa_book.exercises check 4.2 my_solution.py

or, from a notebook cell, ``fa_book.exercises.check("4.2", "my_solution.py")``.  The
checker grades the reader's function against exact answers on fixed, seeded cases,
smallest first, and says in one line what is wrong: which input, what was expected, what
came back and, where the wrong numbers match a known mistake, which one.  A file that
does not exist or does not import, a missing function, a wrong signature, a function that
raises, hangs (time limit) or returns NaN or the wrong shape: each is one line and a
non-zero exit, never a traceback from inside the checker.

The grading runs in a child Python process, so that an endless loop can be stopped and a
crash cannot take the notebook's kernel with it.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fa_book.exercises._registry import EXERCISES, Exercise

__all__ = ["EXERCISES", "Exercise", "Result", "check", "stub_path", "solution_path"]

PACKAGE = Path(__file__).resolve().parent
for _chapter in sorted(PACKAGE.glob("ch[0-9][0-9].py")):  # each chapter registers its own
    importlib.import_module(f"fa_book.exercises.{_chapter.stem}")
TIME_LIMIT = 20.0
"""Seconds for one whole grading (imports included) before it counts as hanging."""


@dataclass(frozen=True)
class Result:
    """The verdict: ``ok`` and the one line to show."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.message


def _exercise(exercise_id: str) -> Exercise:
    if not isinstance(exercise_id, str) or exercise_id not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"exercise_id: no exercise {exercise_id!r} (known: {known})")
    return EXERCISES[exercise_id]


def stub_path(exercise_id: str) -> Path:
    """The stub file that holds exercise ``exercise_id``'s function to fill in."""
    return PACKAGE / "stubs" / _exercise(exercise_id).module


def solution_path(exercise_id: str) -> Path:
    """The reference solution of exercise ``exercise_id``."""
    return PACKAGE / "solutions" / _exercise(exercise_id).module


def check(exercise_id: str, path: str | Path | Callable[..., Any], *,
          time_limit: float = TIME_LIMIT, quiet: bool = False) -> Result:
    """Grade the function of exercise ``exercise_id``, from a file or a function object.

    A file is graded in a child Python process; a function (e.g. one defined in a
    notebook cell) in this process, the time limit enforced by a timer signal (main
    thread, Unix).

    Args:
        exercise_id: e.g. ``"4.2"`` (``python -m fa_book.exercises list`` lists them).
        path: a Python file defining the exercise's function, or the function itself.
        time_limit: seconds before the grading counts as hanging, in ``(0, 600]``.
        quiet: do not print the verdict (it is returned either way).

    Returns:
        ``Result(ok, message)``; truthy when every case passed.

    Raises:
        ValueError: an unknown ``exercise_id`` or a ``time_limit`` out of range.
    """
    ex = _exercise(exercise_id)
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or not (
            0 < time_limit <= 600):
        raise ValueError(f"time_limit: expected seconds in (0, 600], got {time_limit!r}")
    if callable(path):
        result = _check_function(ex, path, time_limit)
    elif isinstance(path, str | Path):
        result = _check(ex, Path(path), time_limit)
    else:
        raise TypeError(f"path: expected a file path or a function, got {type(path).__name__}")
    if not quiet:
        print(result.message)
    return result


def _check_function(ex: Exercise, fn, time_limit: float) -> Result:
    import signal
    import threading

    from fa_book.exercises import _grade

    head = f"exercise {ex.id} ({ex.function})"
    timer = (hasattr(signal, "setitimer")
             and threading.current_thread() is threading.main_thread())

    def alarm(signum, frame):
        raise _grade.TimeLimit

    previous = signal.signal(signal.SIGALRM, alarm) if timer else None
    try:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, time_limit)
        try:
            _grade.check_signature(fn, ex)
            return Result(True, f"{head}: {_grade.grade_function(ex, fn)}")
        except _grade.Fail as fail:
            return Result(False, f"{head}: {fail}")
        except _grade.TimeLimit:
            return Result(False, f"{head}: no answer within {time_limit:g} s: the function "
                                 "hangs (an endless loop?) or is far too slow")
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _check(ex: Exercise, path: Path, time_limit: float) -> Result:
    head = f"exercise {ex.id} ({ex.function})"
    if not path.exists():
        return Result(False, f"{head}: {path}: no such file")
    if not path.is_file():
        return Result(False, f"{head}: {path}: not a file")
    cmd = [sys.executable, "-m", "fa_book.exercises._grade", ex.id, str(path.resolve())]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=time_limit,
                              cwd=str(path.resolve().parent))
    except subprocess.TimeoutExpired:
        return Result(False, f"{head}: no answer within {time_limit:g} s: the function "
                             "hangs (an endless loop?) or is far too slow")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return Result(False, f"{head}: the Python process running your code died "
                             f"(exit code {proc.returncode}): {err}")
    reply = json.loads(lines[-1])
    return Result(bool(reply["ok"]), f"{head}: {reply['message']}")
