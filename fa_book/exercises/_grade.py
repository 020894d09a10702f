"""Grade one file in this (child) process; print one JSON line ``{"ok", "message"}``.

Run by ``fa_book.exercises.check`` as ``python -m fa_book.exercises._grade ID PATH``;
every failure of the reader's code becomes a message, never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
import json
import re
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np

from fa_book.exercises._registry import EXERCISES, Case, Exercise


class Fail(Exception):
    """The verdict is a failure with this message."""


def _where(err: BaseException, path: Path | None) -> str:
    """`` (line N of file.py)`` for the deepest frame in the reader's file, if any."""
    if path is None:
        return ""
    if isinstance(err, SyntaxError) and err.lineno:
        return f" (line {err.lineno} of {path.name})"
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if Path(f.filename).resolve() == path.resolve()]
    return f" (line {frames[-1].lineno} of {path.name})" if frames else ""


def _show(x, limit: int = 8) -> str:
    arr = np.asarray(x)
    if arr.ndim == 1 and arr.size > limit:
        return np.array2string(arr[:limit], precision=4, separator=", ")[:-1] + ", ...]"
    if arr.ndim >= 2:  # a table on one line, its middle rows left out when it is long
        text = np.array2string(arr, precision=4, separator=", ", threshold=4 * limit,
                               edgeitems=2)
        return re.sub(r"\n\s*", " ", text)
    return np.array2string(arr, precision=4, separator=", ")


def load(path: Path, ex: Exercise):
    spec = importlib.util.spec_from_file_location("reader_solution", path)
    if spec is None or spec.loader is None:
        raise Fail(f"{path.name}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            spec.loader.exec_module(module)
    except SyntaxError as err:
        raise Fail(f"{path.name} does not compile: {err.msg}{_where(err, path)}") from None
    except BaseException as err:  # noqa: BLE001 - any failure of the reader's module
        raise Fail(f"importing {path.name} raised {type(err).__name__}: {err}"
                   f"{_where(err, path)}") from None
    fn = getattr(module, ex.function, None)
    if fn is None:
        defined = sorted(n for n, v in vars(module).items()
                         if inspect.isfunction(v) and v.__module__ == module.__name__)
        raise Fail(f"{path.name} defines no function `{ex.function}` "
                   f"(it defines: {', '.join(defined) or 'none'})")
    if not callable(fn):
        raise Fail(f"`{ex.function}` in {path.name} is a {type(fn).__name__}, not a function")
    check_signature(fn, ex)
    return fn


def check_signature(fn, ex: Exercise) -> None:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    params = [p for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    names = tuple(p.name for p in params)
    required = tuple(p.name for p in params if p.default is p.empty)
    if names[:len(ex.params)] != ex.params or len(required) > len(ex.params):
        raise Fail(f"wrong signature: expected {ex.function}({', '.join(ex.params)}), "
                   f"found {getattr(fn, '__name__', ex.function)}{sig}")


def _call(fn, case: Case, path: Path | None, ex: Exercise):
    kwargs = {k: (v.copy() if isinstance(v, np.ndarray) else
                  [a.copy() for a in v] if isinstance(v, list) else v)
              for k, v in case.kwargs.items()}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return fn(**kwargs)
    except TimeLimit:
        raise
    except NotImplementedError:
        raise Fail("not implemented yet: the function raises NotImplementedError (fill in "
                   "the stub)") from None
    except BaseException as err:  # noqa: BLE001 - anything the reader's function raises
        msg = str(err).splitlines()[0] if str(err) else ""
        raise Fail(f"raised {type(err).__name__}{': ' + msg if msg else ''}{_where(err, path)} "
                   f"on {case.label}") from None


class TimeLimit(BaseException):
    """The in-process grading of a function ran out of time."""


def grade(ex: Exercise, path: Path) -> str:
    return grade_function(ex, load(path, ex), path)


def grade_function(ex: Exercise, fn, path: Path | None = None) -> str:
    """Grade ``fn`` on every fixed case, then on hypothesis-generated ones; return the
    success line or raise ``Fail``."""
    cases = ex.cases()
    for case in cases:
        verdict(ex, fn, case, path)
    done = f"{len(cases)} fixed cases"
    if ex.generated is not None:
        minimal = _search(ex, fn, path)
        if minimal is not None:
            verdict(ex, fn, minimal, path)  # raises Fail, naming the shrunk input
            raise Fail(f"inconsistent answers on {minimal.label}: the function gives "
                       "different results for the same input")
        done += f" and {ex.max_examples} generated by hypothesis"
    return f"passed: {done}, exact answers"


def _search(ex: Exercise, fn, path: Path | None) -> Case | None:
    """The smallest generated case ``fn`` gets wrong, or None (deterministic)."""
    from hypothesis import HealthCheck, configuration, find, settings
    from hypothesis.errors import NoSuchExample

    def wrong(case: Case) -> bool:
        try:
            verdict(ex, fn, case, path)
        except Fail:
            return True
        return False

    # hypothesis caches what it reads of the loaded modules in ./.hypothesis; a grading
    # leaves the reader's folder (a notebook's, a shell's) as it found it
    previous = vars(configuration).get("__hypothesis_home_directory")
    try:
        with tempfile.TemporaryDirectory(prefix="fa_book_hypothesis_") as home:
            configuration.set_hypothesis_home_dir(home)
            return find(ex.generated(), wrong, settings=settings(
                database=None, derandomize=True, max_examples=ex.max_examples, deadline=None,
                suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        return None
    finally:
        configuration.set_hypothesis_home_dir(previous)


def verdict(ex: Exercise, fn, case: Case, path: Path | None = None) -> None:
    """Raise ``Fail`` saying what is wrong with ``fn`` on ``case``; return if it is right."""
    want = np.asarray(ex.expected(**case.kwargs), dtype=float)
    got_raw = _call(fn, case, path, ex)
    if hasattr(got_raw, "detach") and hasattr(got_raw, "numpy"):
        got_raw = got_raw.detach().cpu().numpy()  # a torch tensor, grad or not
    try:
        got = np.asarray(got_raw, dtype=float)
    except Exception:  # noqa: BLE001 - whatever the reader returned cannot be read as numbers
        raise Fail(f"returned {type(got_raw).__name__} {str(got_raw)[:60]!r}, expected an "
                   f"array of shape {want.shape} on {case.label}") from None
    if got.shape != want.shape:
        raise Fail(f"returned shape {got.shape}, expected {want.shape} on {case.label}")
    bad = ~np.isfinite(got)
    if bad.any():
        where = np.argwhere(bad)[0].tolist()
        raise Fail(f"returned {got[tuple(where)]} at index {where} on {case.label}")
    if not np.allclose(got, want, rtol=ex.rtol, atol=ex.atol):
        named = []
        for what, mistake in ex.mistakes:
            wrong = np.asarray(mistake(**case.kwargs), dtype=float)
            if wrong.shape != want.shape or np.allclose(wrong, want, rtol=ex.rtol,
                                                        atol=ex.atol):
                continue  # this mistake gives the right answer on this case: not it
            if np.allclose(got, wrong, rtol=1e-6, atol=1e-9):
                named.append(what)
        # two mistakes can give the same numbers on one case: name both, the first first
        hint = (f"; likely mistake: {named[0]}" + (f" (or: {named[1]})" if len(named) > 1
                                                   else "")) if named else ""
        if not hint and np.allclose(got, want, rtol=1e-4, atol=1e-6):
            gap = float(np.max(np.abs(got - want)))
            hint = (f" (off by at most {gap:.1e}: single precision? compute in float64, "
                    "e.g. torch.float64 or np.float64)")
        raise Fail(f"wrong values on {case.label}: expected {_show(want)}, got "
                   f"{_show(got)}{hint}")


def main(argv: list[str]) -> int:
    ex_id, path = argv
    ex = EXERCISES[ex_id]
    try:
        reply = {"ok": True, "message": grade(ex, Path(path))}
    except Fail as fail:
        reply = {"ok": False, "message": str(fail)}
    sys.stdout.write(json.dumps(reply) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
