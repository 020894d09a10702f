"""fa_book.validate: every check accepts what it should, refuses the rest with a message
that names the argument, and the one divergence bound is the one documented."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fa_book import validate as V

BAD_NUMBERS = st.one_of(st.just(math.nan), st.just(math.inf), st.just(-math.inf),
                        st.text(max_size=2), st.none(), st.lists(st.integers(), max_size=2))
FINITE = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@given(value=st.floats(1e-12, 1e6))
def test_positive_accepts_positive_numbers(value):
    assert V.check_positive("alpha", value) == value
    assert V.check_step_size("alpha", value) == value


@given(value=st.one_of(BAD_NUMBERS, st.floats(-1e6, 0.0)))
def test_positive_refuses_the_rest_by_name(value):
    with pytest.raises(ValueError, match="alpha"):
        V.check_step_size("alpha", value)


@given(value=st.one_of(BAD_NUMBERS, st.floats(-1e3, -1e-9), st.floats(1 + 1e-9, 1e3)))
def test_discount_and_probability_refuse_outside_the_unit_interval(value):
    with pytest.raises(ValueError, match="gamma"):
        V.check_discount("gamma", value)
    with pytest.raises(ValueError, match="epsilon"):
        V.check_probability("epsilon", value)


@given(value=st.floats(0.0, 1.0))
def test_discount_accepts_the_unit_interval(value):
    assert V.check_discount("gamma", value) == value


@given(value=st.one_of(BAD_NUMBERS, st.booleans(), st.floats(0.5, 5.0), st.integers(-10, 0)))
def test_positive_int_refuses_non_integers_and_bools(value):
    with pytest.raises(ValueError, match="n_steps"):
        V.check_positive_int("n_steps", value)


@given(value=st.integers(1, 10**12))
def test_positive_int_accepts_integers_and_numpy_integers(value):
    assert V.check_positive_int("n", value) == value
    assert V.check_positive_int("n", np.int64(value)) == value


@given(value=st.integers(V.MAX_SIZE + 1, 10**30))
def test_size_refuses_enormous_sizes_at_once(value):
    with pytest.raises(ValueError, match=r"n_states must be an integer in \[1, "):
        V.check_size("n_states", value)


@given(low=st.integers(-5, 5), width=st.integers(0, 5), value=st.integers(-20, 20))
def test_int_range_is_the_closed_range(low, width, value):
    high = low + width
    if low <= value <= high:
        assert V.check_int_range("k", value, low, high) == value
    else:
        with pytest.raises(ValueError, match=rf"k must be an integer in \[{low}, {high}\]"):
            V.check_int_range("k", value, low, high)


def test_choice_names_the_choices():
    assert V.check_choice("method", "td", ("td", "mc")) == "td"
    with pytest.raises(ValueError, match="method must be one of 'td', 'mc'; got 'tdd'"):
        V.check_choice("method", "tdd", ("td", "mc"))


@given(idx=st.lists(st.integers(-3, 12), min_size=1, max_size=6))
def test_index_checks_every_entry(idx):
    a = np.array(idx)
    if a.min() >= 0 and a.max() < 10:
        np.testing.assert_array_equal(V.check_index("s", a, 10), a)
    else:
        with pytest.raises(ValueError, match=r"s must be integer indices in \[0, 9\]"):
            V.check_index("s", a, 10)


def test_index_refuses_floats_and_bools():
    for bad in (np.array([0.0, 1.0]), np.array([True]), 1.5):
        with pytest.raises(ValueError, match="s must be integer indices"):
            V.check_index("s", bad, 4)


@given(d=st.integers(1, 5), lead=st.integers(0, 3), other=st.integers(1, 5))
def test_theta_x_refuses_mismatched_feature_lengths(d, lead, other):
    theta = np.zeros(d)
    x = np.zeros((lead, d) if lead else (d,))
    V.check_theta_x(theta, x)
    if other != d:
        with pytest.raises(ValueError, match=rf"x must have shape \(\.\.\., d\) with d = {d}"):
            V.check_theta_x(theta, np.zeros((lead, other) if lead else (other,)))


@given(bad=st.sampled_from([math.nan, math.inf, -math.inf]), where=st.sampled_from("tx"))
def test_theta_x_refuses_non_finite_values(bad, where):
    theta, x = np.ones(3), np.ones((2, 3))
    (theta if where == "t" else x)[0] = bad
    with pytest.raises(ValueError, match=("theta" if where == "t" else "x") + " must contain"):
        V.check_theta_x(theta, x)


def test_theta_x_refuses_leading_axes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="do not broadcast"):
        V.check_theta_x(np.zeros((2, 3)), np.zeros((4, 3)))


@given(T=st.integers(0, 6), d=st.integers(1, 4), extra=st.integers(0, 1),
       off=st.integers(-1, 1))
def test_episode_shapes(T, d, extra, off):
    theta, rewards = np.zeros(d), np.zeros(T)
    rows = T + extra + off
    assume(rows >= 0)
    x = np.zeros((rows, d))
    if off == 0:
        t2, _, _ = V.check_episode(theta, x, rewards, extra)
        t2[0] = 1.0
        assert theta[0] == 0.0  # a copy the caller may update
    else:
        with pytest.raises(ValueError, match=rf"x must have shape \(T \+ {extra}, d\)"):
            V.check_episode(theta, x, rewards, extra)


def test_features_and_weighting():
    V.check_features("phi", np.eye(3), 3)
    for bad in (np.eye(3)[:2], np.zeros((3, 0)), np.zeros(3)):
        with pytest.raises(ValueError, match="phi must have shape"):
            V.check_features("phi", bad, 3)
    V.check_weighting("mu", [0.0, 1.0], 2)
    for bad in ([0.0, 0.0], [-1.0, 2.0]):
        with pytest.raises(ValueError, match="mu must be a non-negative weighting"):
            V.check_weighting("mu", bad, 2)
    with pytest.raises(ValueError, match=r"mu must have shape \(S,\) = \(2,\)"):
        V.check_weighting("mu", [1.0], 2)


@given(values=st.lists(FINITE, max_size=5), scale=st.floats(1.0, 1e12))
def test_diverged_is_the_documented_bound(values, scale):
    a = np.array(values) * scale
    expect = bool(a.size) and float(np.abs(a).max()) > V.DIVERGENCE_LIMIT
    assert V.diverged(a) == expect
    if expect:
        with pytest.raises(V.DivergenceError, match="weights diverged at step 7 with step "
                           "size alpha=0.5") as e:
            V.check_diverged("weights", a, 7, 0.5)
        assert e.value.step == 7 and e.value.step_size == 0.5
    else:
        V.check_diverged("weights", a, 7, 0.5)


@given(bad=st.sampled_from([math.nan, math.inf, -math.inf]))
def test_diverged_catches_non_finite_values(bad):
    assert V.diverged([0.0, bad])
    with pytest.raises(V.DivergenceError, match="q diverged at step 3$"):
        V.check_diverged("q", [bad], 3)


def test_every_name_in_all_exists_and_is_documented():
    for name in V.__all__:
        obj = getattr(V, name)
        if callable(obj):
            assert obj.__doc__, name
