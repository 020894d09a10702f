r"""Argument checks shared by every chapter.

Every public function validates what a reader could plausibly get wrong and raises a
`ValueError` that names the argument and the accepted range, instead of returning a
silently wrong answer.  A learning run that blows up raises
[`DivergenceError`][fa_book._validate.DivergenceError], which says at which step and
with which step size.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "DivergenceError",
    "check_discount",
    "check_finite",
    "check_in_range",
    "check_positive",
    "check_positive_int",
    "check_probability",
    "check_shape",
    "check_step_size",
]


class DivergenceError(FloatingPointError):
    r"""A learning run produced non-finite or exploding values.

    Attributes:
        step: the update index at which the run was found to diverge.
        step_size: the step size $\alpha$ used by the run (or `None`).
    """

    def __init__(self, what: str, step: int, step_size: float | None = None):
        self.step = int(step)
        self.step_size = step_size
        alpha = "" if step_size is None else f" with step size alpha={step_size:g}"
        super().__init__(f"{what} diverged at step {self.step}{alpha}")


def check_positive(name: str, value: float) -> float:
    """Require a finite number > 0."""
    if not (isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value)
            and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_step_size(name: str, value: float) -> float:
    r"""Require a step size $\alpha > 0$ (finite)."""
    return check_positive(name, value)


def check_positive_int(name: str, value: int) -> int:
    """Require an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def check_in_range(name: str, value: float, low: float, high: float) -> float:
    """Require a finite number in the closed interval [low, high]."""
    if not (isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value)
            and low <= value <= high):
        raise ValueError(f"{name} must be in [{low:g}, {high:g}], got {value!r}")
    return float(value)


def check_discount(name: str, value: float) -> float:
    r"""Require a discount $\gamma \in [0, 1]$."""
    return check_in_range(name, value, 0.0, 1.0)


def check_probability(name: str, value: float) -> float:
    r"""Require a probability in [0, 1] (e.g. $\varepsilon$)."""
    return check_in_range(name, value, 0.0, 1.0)


def check_finite(name: str, array) -> np.ndarray:
    """Require an array with only finite entries; returns it as a numpy array."""
    a = np.asarray(array)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return a


def check_shape(name: str, array, shape: tuple[int | None, ...]) -> np.ndarray:
    """Require `array.shape == shape`, where `None` in `shape` matches any length."""
    a = np.asarray(array)
    ok = a.ndim == len(shape) and all(s is None or s == n for s, n in zip(shape, a.shape,
                                                                          strict=True))
    if not ok:
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {want}, got {a.shape}")
    return a
