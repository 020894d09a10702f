r"""Argument checks shared by every chapter: the book's one home for input validation.

Every public function validates what a reader could plausibly get wrong and raises a
`ValueError` that names the argument and the accepted range, instead of returning a
silently wrong answer.  A function shown on a page calls *one* named check from here and
then does its math, so the check does not bury the equation.

A learning run that blows up raises [`DivergenceError`][fa_book.validate.DivergenceError],
which says at which step and with which step size.  There is one divergence test in the
book, [`check_diverged`][fa_book.validate.check_diverged], with one documented bound,
[`DIVERGENCE_LIMIT`][fa_book.validate.DIVERGENCE_LIMIT]: every value this book learns
(weights, values, Q-values, logits) stays far below it in a healthy run, so passing it
means the run is running away, not merely large.

Size arguments that would allocate or compute something enormous are refused by
[`check_size`][fa_book.validate.check_size] before any work is done.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

DIVERGENCE_LIMIT = 1e10
r"""The one divergence bound of the book: a run whose learned values leave
$[-10^{10}, 10^{10}]$, or stop being finite, has diverged.

Every quantity the book learns is bounded by a small multiple of its largest return
(CartPole's $\le 500$, Mountain Car's $\ge -10^4$, the random walk's $\pm 1$): a value past
$10^{10}$ is seven orders of magnitude beyond any of them.  Runs that are *meant* to
diverge (Baird's counterexample) stop, or raise, at this same bound."""

MAX_SIZE = 10**9
"""The largest array (entries) or count a size argument may ask for: 8 GB of float64."""

__all__ = [
    "DIVERGENCE_LIMIT",
    "MAX_SIZE",
    "DivergenceError",
    "check_bool",
    "check_choice",
    "check_diverged",
    "check_episode",
    "check_features",
    "check_index",
    "check_int_range",
    "check_nonneg_int",
    "check_size",
    "check_theta_x",
    "check_type",
    "check_weighting",
    "diverged",
    "check_discount",
    "check_finite",
    "check_generator",
    "check_float_array",
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
    """Require a finite number > 0 (not a bool)."""
    if not (isinstance(value, (int, float, np.floating, np.integer))
            and not isinstance(value, (bool, np.bool_)) and math.isfinite(value)
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
    if not (isinstance(value, (int, float, np.floating, np.integer))
            and not isinstance(value, (bool, np.bool_)) and math.isfinite(value)
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
    """Require an array of numbers with only finite entries; returns it as a numpy array
    (its dtype kept).  Strings, `None` and ragged lists raise a `ValueError` naming
    `name`, not numpy's own message."""
    try:
        a = np.asarray(array)
        finite = bool(np.all(np.isfinite(a)))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got "
                         f"{type(array).__name__} {array!r:.60}") from None
    if not finite:
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return a


def check_float_array(name: str, value) -> np.ndarray:
    """Require numbers (anything numpy reads as a float array) with only finite entries;
    returns the float64 array.  Strings, `None` and ragged lists raise a `ValueError`
    naming `name` instead of numpy's own message."""
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got "
                         f"{type(value).__name__} {value!r:.60}") from None
    return check_finite(name, a)


def check_shape(name: str, array, shape: tuple[int | None, ...]) -> np.ndarray:
    """Require `array.shape == shape`, where `None` in `shape` matches any length."""
    a = np.asarray(array)
    ok = a.ndim == len(shape) and all(s is None or s == n for s, n in zip(shape, a.shape,
                                                                          strict=True))
    if not ok:
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {want}, got {a.shape}")
    return a


def check_bool(name: str, value) -> bool:
    """Require `True` or `False` (not 0, 1 or a string); a `TypeError` naming `name`."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_type(name: str, value, cls: type | tuple[type, ...]):
    """Require `isinstance(value, cls)` (a `TypeError` naming `name` otherwise); returns
    `value`."""
    if not isinstance(value, cls):
        want = " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))
        raise TypeError(f"{name} must be a {want}, got {type(value).__name__}")
    return value


def check_generator(name: str, rng) -> np.random.Generator:
    """Require a `numpy.random.Generator` (not a seed, not the legacy `RandomState`): the
    caller owns its seed."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    return rng


def check_nonneg_int(name: str, value: int) -> int:
    """Require an integer >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def check_int_range(name: str, value: int, low: int, high: int) -> int:
    """Require an integer in the closed range [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
            low <= value <= high):
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def check_size(name: str, value: int, limit: int = MAX_SIZE) -> int:
    """Require an integer size in [1, `limit`]; refuses enormous sizes before any work."""
    return check_int_range(name, value, 1, limit)


def check_choice(name: str, value, choices: Sequence) -> object:
    """Require `value` to be one of `choices` (e.g. a method name)."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; "
                         f"got {value!r}")
    return value


def check_index(name: str, value, n: int) -> np.ndarray:
    """Require integer indices in `0 .. n-1` (a scalar or an array); returns an int array."""
    a = np.asarray(value)
    if a.dtype == bool or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"{name} must be integer indices in [0, {n - 1}], "
                         f"got dtype {a.dtype}")
    if a.size and (a.min() < 0 or a.max() >= n):
        raise ValueError(f"{name} must be integer indices in [0, {n - 1}], "
                         f"got values from {a.min()} to {a.max()}")
    return a.astype(np.int64)


def check_theta_x(theta, x) -> tuple[np.ndarray, np.ndarray]:
    r"""Check weights $\theta$, shape `(d,)` (or `(..., d)`), against features
    $\mathbf x$, shape `(..., d)`: finite, float, with the same last axis.

    Returns:
        `(theta, x)` as float arrays.
    """
    theta = check_float_array("theta", theta)
    x = check_float_array("x", x)
    if theta.ndim < 1:
        raise ValueError(f"theta must have shape (d,), got {theta.shape}")
    d = theta.shape[-1]
    if x.ndim < 1 or x.shape[-1] != d:
        raise ValueError(f"x must have shape (..., d) with d = {d} (the length of theta), "
                         f"got {x.shape}")
    try:
        np.broadcast_shapes(theta.shape[:-1], x.shape[:-1])
    except ValueError:
        raise ValueError(f"theta of shape {theta.shape} and x of shape {x.shape} do not "
                         "broadcast (their leading axes differ)") from None
    return theta, x


def check_episode(theta, x, rewards, n_rows_extra: int = 0
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Check one episode's arrays: weights $\theta$ shape `(d,)`, rewards
    $R_1 \dots R_T$ shape `(T,)`, features of the visited states shape
    `(T + n_rows_extra, d)` (`n_rows_extra = 1` when the state after the last step is
    included); all finite.

    Returns:
        `(theta, x, rewards)` as float arrays; `theta` is a copy the caller may update.
    """
    theta = check_float_array("theta", theta)
    if theta.ndim != 1:
        raise ValueError(f"theta must have shape (d,), got {theta.shape}")
    rewards = check_float_array("rewards", rewards)
    if rewards.ndim != 1:
        raise ValueError(f"rewards must have shape (T,), got {rewards.shape}")
    T, d = rewards.shape[0], theta.shape[0]
    x = check_float_array("x", x)
    if x.shape != (T + n_rows_extra, d):
        raise ValueError(f"x must have shape (T + {n_rows_extra}, d) = "
                         f"({T + n_rows_extra}, {d}), got {x.shape}")
    return theta.copy(), x, rewards


def check_features(name: str, phi, n_states: int | None = None) -> np.ndarray:
    r"""Require a finite feature matrix $\Phi$ of shape `(S, d)` (with `S = n_states` when
    given), one row $\mathbf x(s)^\top$ per state."""
    phi = check_float_array(name, phi)
    if phi.ndim != 2 or phi.shape[1] < 1 or (n_states is not None and phi.shape[0] != n_states):
        want = "(S, d)" if n_states is None else f"(S, d) = ({n_states}, d)"
        raise ValueError(f"{name} must have shape {want} with d >= 1, got {phi.shape}")
    return phi


def check_weighting(name: str, mu, n: int) -> np.ndarray:
    r"""Require a state weighting $\mu$: shape `(n,)`, finite, $\ge 0$, positive mass."""
    mu = check_float_array(name, mu)
    if mu.shape != (n,):
        raise ValueError(f"{name} must have shape (S,) = ({n},), got {mu.shape}")
    if (mu < 0).any() or mu.sum() <= 0:
        raise ValueError(f"{name} must be a non-negative weighting of the states with "
                         "positive total mass")
    return mu


def diverged(values, limit: float = DIVERGENCE_LIMIT) -> bool:
    """True when `values` hold a NaN, an inf, or an entry of magnitude above `limit`."""
    a = np.asarray(values, dtype=float)
    return bool(a.size and not (np.all(np.isfinite(a)) and np.abs(a).max() <= limit))


def check_diverged(what: str, values, step: int, step_size: float | None = None) -> None:
    r"""Raise [`DivergenceError`][fa_book.validate.DivergenceError] when `values` are not
    finite or leave $[-$[`DIVERGENCE_LIMIT`][fa_book.validate.DIVERGENCE_LIMIT]$,
    +$`DIVERGENCE_LIMIT`$]$; every learning loop of the book calls it."""
    if diverged(values):
        raise DivergenceError(what, step, step_size)
