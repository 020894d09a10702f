r"""The argument checks of chapter 2's lesson (`fa_book.discretize`).

Each function shown on the chapter's page calls one of these and then does its math; they
raise a `ValueError`/`TypeError` naming the argument and the accepted range. The generic
checks they build on are in [`fa_book.validate`][fa_book.validate].
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from fa_book.tabular import check_counts
from fa_book.validate import (
    check_finite,
    check_generator,
    check_in_range,
    check_int_range,
    check_positive_int,
    check_probability,
    check_size,
)

__all__ = [
    "check_action_values", "check_bins", "check_box", "check_clustering", "check_edges",
    "check_groups", "check_keys", "check_line", "check_samples", "check_visit_counts",
]


def check_edges(edges: Sequence[Sequence[float]]) -> tuple[np.ndarray, ...]:
    """Require one strictly increasing sequence of >= 2 finite boundaries per dimension,
    and at most `fa_book.validate.MAX_SIZE` cells in all; returns read-only float64 arrays."""
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Sequence) or len(edges) == 0:
        raise ValueError("edges must hold one increasing sequence per dimension, got "
                         f"{edges!r:.80}")
    out = []
    for j, e in enumerate(edges):
        try:
            e = np.asarray(e, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"edges[{j}] must be a sequence of numbers, got {e!r:.80}") \
                from None
        if e.ndim != 1 or e.size < 2:
            raise ValueError(f"edges[{j}] must be a 1-D sequence of at least 2 boundaries, "
                             f"got shape {e.shape}")
        if not np.all(np.isfinite(e)):
            raise ValueError(f"edges[{j}] must be finite (an unbounded dimension needs "
                             "explicit finite edges)")
        if not np.all(np.diff(e) > 0):
            raise ValueError(f"edges[{j}] must be strictly increasing, got {e.tolist()}")
        e.setflags(write=False)
        out.append(e)
    check_size("the number of cells (the product of len(edges[j]) - 1)",
               math.prod(e.size - 1 for e in out))
    return tuple(out)


def check_bins(bins, n: int) -> tuple[int, ...]:
    """Require `bins`: one int >= 1 for every one of `n` dimensions, or `n` of them, with
    at most `fa_book.validate.MAX_SIZE` cells in all."""
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        bins = (bins,) * n
    try:
        bins = tuple(bins)
    except TypeError:
        raise ValueError(f"bins must be an int >= 1 or {n} ints >= 1, got {bins!r}") from None
    if len(bins) != n:
        raise ValueError(f"bins must give one count per dimension ({n}), got {bins!r}")
    for b in bins:
        check_positive_int("bins", b)
    check_size("the number of cells (the product of bins)", math.prod(int(b) for b in bins))
    return tuple(int(b) for b in bins)


def check_box(bins, low, high) -> tuple[tuple[int, ...], np.ndarray, np.ndarray]:
    """Require a box: `low`, `high` 1-D of equal length, finite, `high > low` everywhere,
    and `bins` as for [`check_bins`][fa_book.discretize_checks.check_bins]."""
    try:
        low = np.atleast_1d(np.asarray(low, dtype=np.float64))
        high = np.atleast_1d(np.asarray(high, dtype=np.float64))
    except (TypeError, ValueError):
        raise ValueError(f"low and high must be numbers, got {low!r:.60} and "
                         f"{high!r:.60}") from None
    if low.shape != high.shape or low.ndim != 1:
        raise ValueError(f"low and high must be 1-D of equal length, got {low.shape} "
                         f"and {high.shape}")
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
        raise ValueError("low and high must be finite: an unbounded Box needs explicit "
                         "finite low/high or edges")
    if not np.all(high > low):
        raise ValueError(f"high must exceed low in every dimension, got low={low}, "
                         f"high={high}")
    return check_bins(bins, low.size), low, high


def check_action_values(q: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    r"""Require action-value rows $\hat q$ (finite, shape `(R, A)`, $A \ge 1$), an
    $\varepsilon \in [0, 1]$ and a numpy Generator; returns `q` as an array."""
    q = np.asarray(q)
    if q.ndim != 2 or q.shape[1] < 1 or not np.issubdtype(q.dtype, np.number):
        raise ValueError(f"q must be a real array of shape (R, A) with A >= 1, got {q.shape}")
    check_finite("q", q)
    check_probability("epsilon", epsilon)
    check_generator("rng", rng)
    return q


def check_groups(groups: ArrayLike) -> np.ndarray:
    """Require bucket labels: a non-empty 1-D integer array, entries >= 0, at most
    `MAX_SIZE` states."""
    g = np.asarray(groups)
    if g.ndim != 1 or g.size == 0 or not np.issubdtype(g.dtype, np.integer) or (g < 0).any():
        raise ValueError(f"groups must be a non-empty 1-D array of integers >= 0, got "
                         f"dtype {g.dtype}, shape {g.shape}")
    check_size("len(groups)", g.size)
    return g


def check_keys(keys: ArrayLike) -> np.ndarray:
    """Require hand-made keys: finite numbers of shape `(S,)` or `(S, m)`, S, m >= 1."""
    k = np.asarray(keys)
    if k.ndim not in (1, 2) or 0 in k.shape:
        raise ValueError(f"keys must have shape (S,) or (S, m) with S, m >= 1, got {k.shape}")
    if not (np.issubdtype(k.dtype, np.number) or k.dtype == bool) or (
            np.issubdtype(k.dtype, np.inexact) and not np.all(np.isfinite(k))):
        raise ValueError(f"keys must be finite numbers, got dtype {k.dtype}")
    return k


def check_clustering(features: ArrayLike, k: int, rng: np.random.Generator,
                     iters: int) -> tuple[np.ndarray, int]:
    """Require finite `features` of shape `(S, m)`, `1 <= k <= S`, a Generator, `iters`
    >= 1, and a distance array of at most `MAX_SIZE` entries; returns `(phi, k)`."""
    phi = check_finite("features", np.asarray(features, dtype=np.float64))
    if phi.ndim != 2 or 0 in phi.shape:
        raise ValueError(f"features must be a finite array of shape (S, m), got {phi.shape}")
    k = check_int_range("k", k, 1, phi.shape[0])
    check_positive_int("iters", iters)
    check_generator("rng", rng)
    check_size("S * k * m (the distance array)", phi.shape[0] * k * phi.shape[1])
    return phi, k


def check_line(slope: float, width: float) -> tuple[float, float]:
    """Require a finite `slope` and a finite `width` >= 0."""
    return (check_in_range("slope", slope, -math.inf, math.inf),
            check_in_range("width", width, 0.0, math.inf))


def check_samples(s: ArrayLike, v: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Require finite samples `s`, `v`, 1-D of equal length; returns float arrays."""
    s = check_finite("s", np.asarray(s, dtype=np.float64))
    v = check_finite("v", np.asarray(v, dtype=np.float64))
    if s.ndim != 1 or s.shape != v.shape:
        raise ValueError(f"s and v must be 1-D of equal length, got {s.shape}, {v.shape}")
    return s, v


def check_visit_counts(n_cells: int, n_samples: int) -> tuple[int, int]:
    """Require `n_cells` an integer in [1, 10^300] and `n_samples` in [0, 10^300]."""
    return check_counts(n_cells=n_cells) + check_counts(low=0, n_samples=n_samples)
