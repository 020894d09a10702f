"""What an exercise is, and the list of them (one module per chapter adds its own)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    """One input of the checker: keyword arguments, and how to show them in a message."""

    kwargs: dict[str, Any]
    label: str


@dataclass(frozen=True)
class Exercise:
    """A programming exercise: the function to write and how to grade it."""

    id: str
    """Chapter and exercise number on the page, e.g. ``"4.2"``."""
    module: str
    """File name of the stub and of the solution, e.g. ``"ch04.py"``."""
    function: str
    """Name of the function the reader writes."""
    params: tuple[str, ...]
    """Its parameters, in order."""
    cases: Callable[[], Sequence[Case]]
    """The inputs, smallest first (so the first failure is the easiest to read)."""
    expected: Callable[..., Any]
    """The exact answer for one case's keyword arguments."""
    mistakes: tuple[tuple[str, Callable[..., Any]], ...] = ()
    """``(what the mistake is, the answer it gives)``: named when the reader's output
    matches one of them on the failing case."""
    rtol: float = 1e-9
    atol: float = 1e-9
    generated: Callable[[], Any] | None = None
    """A hypothesis strategy of ``Case``: after the fixed cases pass, hypothesis searches
    it (derandomized, so the same cases every run) for an input the reader's function gets
    wrong and reports the smallest it can shrink to."""
    max_examples: int = 100


EXERCISES: dict[str, Exercise] = {}


def register(ex: Exercise) -> Exercise:
    if ex.id in EXERCISES:
        raise ValueError(f"exercise {ex.id} registered twice")
    EXERCISES[ex.id] = ex
    return ex
