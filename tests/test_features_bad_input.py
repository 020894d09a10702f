"""Bad input to the feature maps of chapter 3 (`fa_book.features`): every case must raise
a `ValueError`/`TypeError` whose message names the argument.

Each case is one (callable, argument, kind of bad value); hypothesis draws the value
from the kind's strategy in `BAD`.  `tests/test_approximators_bad_input.py` and
`tests/test_tiles.py` reuse `BAD`, `Case` and `assert_refused`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book.features import (
    RBF,
    BoxScaler,
    FeatureObservation,
    Fourier,
    Haar,
    OneHot,
    Polynomial,
    StateAggregation,
    exponents,
)
from fa_book.validate import DivergenceError

BAD = {
    "negative": st.integers(-10**12, -1),
    "zero": st.just(0),
    "negative float": st.floats(-1e6, -1e-3),
    "nan": st.just(math.nan),
    "inf": st.sampled_from([math.inf, -math.inf]),
    "non-integer": st.floats(0.1, 100).filter(lambda f: f != int(f)),
    "string": st.text("bcdxyz", min_size=1, max_size=4),  # not a number, nor "nan"/"inf"
    "none": st.none(),
    "bool": st.booleans(),
    "huge": st.integers(10**9 + 1, 10**30),
    "above 20": st.integers(21, 10**6),
    "nan array": st.integers(1, 5).map(lambda n: np.r_[np.zeros(n - 1), math.nan]),
    "inf array": st.integers(1, 5).map(lambda n: np.r_[np.zeros(n - 1), math.inf]),
    "string array": st.lists(st.text("bcdxyz", min_size=1, max_size=3), min_size=1,
                             max_size=3),
}
"""Strategies of bad values, by kind."""

FIXED = object()
"""What a case gets for a kind not in `BAD` ("wrong shape", "before fit", ...): the case
builds its own fixed bad input."""


@dataclass(frozen=True)
class Case:
    """One bad-input case: `call(bad)` must raise an error whose message matches `names`."""

    callable: str
    argument: str
    kind: str
    call: Callable
    names: str = ""  # regex; the argument's name by default

    @property
    def id(self) -> str:
        return f"{self.callable}-{self.argument}-{self.kind}"


def assert_refused(case: Case, bad) -> None:
    """`case.call(bad)` raises ValueError/TypeError (or DivergenceError) naming the
    argument."""
    with pytest.raises((ValueError, TypeError, DivergenceError)) as info:
        case.call(bad)
    pattern = case.names or rf"\b{re.escape(case.argument)}\b"
    assert re.search(pattern, str(info.value)), (
        f"{case.id}: message {str(info.value)!r} does not name {pattern!r}")


def cases_for(callable_name: str, argument: str, kinds: str, call: Callable,
              names: str = "") -> list[Case]:
    """One case per kind (kinds separated by commas)."""
    return [Case(callable_name, argument, k.strip(), call, names) for k in kinds.split(",")]


INT_KINDS = "negative, zero, non-integer, string, none, bool, huge"
NONNEG_INT_KINDS = "negative, non-integer, string, none, bool, huge"
NUMBER_KINDS = "nan, inf, string, none, nan array, string array"
STATE_KINDS = "nan, inf, string, nan array, inf array, string array"


def _env():
    return gym.make("MountainCar-v0")


CASES = [
    *cases_for("OneHot", "n_states", INT_KINDS, lambda b: OneHot(b)),
    *cases_for("OneHot.__call__", "s", "negative, huge, non-integer, nan, string, none",
               lambda b: OneHot(5)(b)),
    *cases_for("StateAggregation.uniform", "n_states", INT_KINDS,
               lambda b: StateAggregation.uniform(b, 2)),
    *cases_for("StateAggregation.uniform", "n_groups", INT_KINDS,
               lambda b: StateAggregation.uniform(10**9, b)),
    *cases_for("StateAggregation", "groups", "negative, non-integer, string, none, nan array",
               lambda b: StateAggregation(np.atleast_1d(b))),
    *cases_for("StateAggregation.__call__", "states", "negative, huge, non-integer, string",
               lambda b: StateAggregation([0, 1, 1])(b)),
    *cases_for("exponents", "order", NONNEG_INT_KINDS, lambda b: exponents(b, 2)),
    *cases_for("exponents", "k", INT_KINDS, lambda b: exponents(2, b)),
    *cases_for("Polynomial", "order", NONNEG_INT_KINDS, lambda b: Polynomial(b)),
    *cases_for("Polynomial", "low", NUMBER_KINDS, lambda b: Polynomial(2, b, 1.0)),
    *cases_for("Polynomial", "high", "negative, zero, negative float",
               lambda b: Polynomial(2, 0.0, b)),
    *cases_for("Polynomial.__call__", "s", STATE_KINDS + ", negative float",
               lambda b: Polynomial(2)(b)),
    *cases_for("Fourier", "order", NONNEG_INT_KINDS, lambda b: Fourier(b, [0, 0], [1, 1])),
    *cases_for("Fourier", "low", "nan, inf, string, none", lambda b: Fourier(2, [b, 0], [1, 1])),
    *cases_for("Fourier.__call__", "s", STATE_KINDS, lambda b: Fourier(2, [0, 0], [1, 1])(
        np.full((3, 2), b) if np.ndim(b) == 0 else b), names=r"\bs\b"),
    *cases_for("Haar", "level", NONNEG_INT_KINDS, lambda b: Haar(b)),
    *cases_for("Haar", "level", "above 20", lambda b: Haar(b)),
    *cases_for("Haar", "low", NUMBER_KINDS, lambda b: Haar(3, b, 1.0)),
    *cases_for("Haar", "high", "negative, zero, negative float", lambda b: Haar(3, 0.0, b)),
    *cases_for("Haar", "low", "wrong shape", lambda b: Haar(3, [0.0, 0.0], [1.0, 1.0]),
               names=r"low and high"),
    *cases_for("Haar.__call__", "s", STATE_KINDS + ", negative float",
               lambda b: Haar(3)(b)),
    *cases_for("RBF", "sigma", "zero, negative float, nan, inf, string, none",
               lambda b: RBF([0.5], b)),
    *cases_for("RBF", "centers", "nan, inf, string, nan array, string array",
               lambda b: RBF(np.full((2, 2), b) if np.ndim(b) == 0 else b, 1.0, [0, 0],
                             [1, 1])),
    *cases_for("RBF.grid", "n_per_dim", INT_KINDS, lambda b: RBF.grid(b, [0, 0, 0], [1, 1, 1])),
    *cases_for("RBF.__call__", "s", STATE_KINDS, lambda b: RBF.grid(3)(b)),
    *cases_for("BoxScaler", "low", NUMBER_KINDS, lambda b: BoxScaler(b, 1.0)),
    *cases_for("FeatureObservation", "env", "string, none, negative",
               lambda b: FeatureObservation(b, Fourier(2))),
    *cases_for("FeatureObservation", "fmap", "string, none, negative",
               lambda b: FeatureObservation(_env(), b)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@settings(max_examples=5)
@given(data=st.data())
def test_bad_input_is_refused_naming_the_argument(case, data):
    assert_refused(case, data.draw(BAD[case.kind]) if case.kind in BAD else FIXED)


def test_case_table_counts():
    # each (callable, argument, kind) is tried once; the report counts them
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def test_huge_sizes_are_refused_before_any_work():
    with pytest.raises(ValueError, match="order"):
        exponents(10**6, 3)  # 10^18 exponent vectors
    with pytest.raises(ValueError, match="n_per_dim"):
        RBF.grid(10**4, [0] * 3, [1] * 3)
    with pytest.raises(ValueError, match="n_states"):
        OneHot(10**10)
