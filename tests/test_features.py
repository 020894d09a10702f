"""Feature maps: shapes, the exact properties each basis is chosen for, and bad input."""

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fa_book.features import (
    RBF,
    FeatureObservation,
    Fourier,
    Haar,
    OneHot,
    Polynomial,
    StateAggregation,
    exponents,
)
from fa_book.oracles import on_policy_distribution, projection_weights, v_pi
from tests.strategies import finite_mdps, policies_for, seeds

batch_shapes = st.lists(st.integers(1, 4), min_size=0, max_size=2).map(tuple)


@given(batch_shapes, st.integers(0, 4), st.integers(1, 3), seeds)
def test_box_maps_return_batch_by_d(shape, order, k, seed):
    rng = np.random.default_rng(seed)
    low, high = -rng.uniform(0, 2, k), rng.uniform(0.1, 2, k)
    s = low + (high - low) * rng.uniform(size=(*shape, k))
    for fmap in (Polynomial(order, low, high), Fourier(order, low, high),
                 RBF.grid(order + 1, low, high)):
        x = fmap(s)
        assert x.shape == (*shape, fmap.d) and x.dtype == np.float64
    assert Fourier(order, low, high).d == (order + 1) ** k


@given(batch_shapes, st.integers(1, 7), seeds)
def test_table_maps_return_batch_by_d(shape, n, seed):
    s = np.random.default_rng(seed).integers(0, n, size=shape)
    x = OneHot(n)(s)
    assert x.shape == (*shape, n)
    np.testing.assert_array_equal(x.argmax(-1), s)
    np.testing.assert_array_equal(x.sum(-1), 1.0)
    agg = StateAggregation.uniform(n, max(1, n // 2))
    assert agg(s).shape == (*shape, agg.d)


def test_aggregation_is_chapter_2s_with_labels_renumbered():
    from fa_book.discretize import aggregate_by_key

    agg = StateAggregation([0, 5, 5, 9])
    assert agg.d == 3
    np.testing.assert_array_equal(agg(np.arange(4)).argmax(-1), [0, 1, 1, 2])
    ch2 = aggregate_by_key(np.array([[0, 1], [0, 1], [2, 2]]))
    np.testing.assert_array_equal(StateAggregation.from_discretize(ch2)(np.arange(3)),
                                  ch2(np.arange(3)))


@given(st.integers(1, 300), st.data())
def test_uniform_aggregation_is_consecutive_blocks_of_nearly_equal_size(n, data):
    g = data.draw(st.integers(1, n))
    agg = StateAggregation.uniform(n, g)
    sizes = np.bincount(agg.groups)
    assert agg.d == g and sizes.size == g  # no group is empty
    assert set(sizes.tolist()) <= {n // g, -(-n // g)}  # floor or ceil of n / g
    assert (np.diff(agg.groups) >= 0).all()  # consecutive blocks, in order
    np.testing.assert_array_equal(agg(np.arange(n)).argmax(1), agg.groups)


def test_uniform_aggregation_of_the_random_walk():
    agg = StateAggregation.uniform(1000, 10)
    phi = agg(np.arange(1000))
    np.testing.assert_array_equal(phi.sum(0), 100)  # ten groups of 100 states
    np.testing.assert_array_equal(phi.argmax(1), np.arange(1000) // 100)


# --8<-- [start:aggregation_average]
@given(finite_mdps(n_states=st.integers(3, 8)), st.data())
def test_aggregation_fits_the_mu_weighted_group_average(mdp, data):
    pi = data.draw(policies_for(mdp))
    v, mu = v_pi(mdp, pi), on_policy_distribution(mdp, pi)
    agg = StateAggregation.uniform(mdp.n_states, data.draw(st.integers(1, mdp.n_states)))
    theta = projection_weights(agg(np.arange(mdp.n_states)), v, mu)
    for g in range(agg.d):
        members = agg.groups == g
        np.testing.assert_allclose(theta[g], mu[members] @ v[members] / mu[members].sum())
# --8<-- [end:aggregation_average]


@given(st.integers(0, 6), seeds)
def test_polynomial_basis_represents_polynomials_exactly(order, seed):
    # any polynomial of degree <= order in the scaled state is in the span
    rng = np.random.default_rng(seed)
    coef = rng.uniform(-1, 1, order + 1)
    s = np.linspace(2.0, 5.0, 3 * (order + 1))
    target = np.polynomial.polynomial.polyval((s - 2.0) / 3.0, coef)
    phi = Polynomial(order, 2.0, 5.0)(s)
    theta = projection_weights(phi, target, np.ones(s.size))
    np.testing.assert_allclose(theta, coef, atol=1e-6)
    np.testing.assert_allclose(phi @ theta, target, atol=1e-8)


# --8<-- [start:fourier_orthogonal]
@given(st.integers(0, 8), st.integers(10, 40))
def test_fourier_features_are_orthogonal_on_a_midpoint_grid(order, n):
    # the 1-d cosine basis is the DCT-II: orthogonal at the points (j + 1/2) / n
    u = (np.arange(n) + 0.5) / n
    phi = Fourier(order)(u)
    gram = phi.T @ phi / n
    want = np.diag([1.0] + [0.5] * order)
    np.testing.assert_allclose(gram, want, atol=1e-12)
# --8<-- [end:fourier_orthogonal]


# --8<-- [start:haar_props]
@given(st.integers(0, 7), seeds)
def test_haar_basis_is_orthonormal_on_one_point_per_cell(level, seed):
    # one point anywhere in each of the 2^L cells [m, m + 1) / 2^L, uniform weights 2^-L
    N = 2**level
    u = (np.arange(N) + np.random.default_rng(seed).uniform(0, 1, N)) / N
    phi = Haar(level)(u)
    gram = phi.T @ np.diag(np.full(N, 1 / N)) @ phi
    np.testing.assert_allclose(gram, np.eye(N), atol=1e-12)


@given(st.integers(0, 7), seeds)
def test_haar_represents_piecewise_constant_functions_at_its_resolution_only(level, seed):
    N, rng = 2**level, np.random.default_rng(seed)
    s = -2.0 + 5.0 * (np.arange(2 * N) + 0.5) / (2 * N)  # the midpoints of 2N half-cells
    phi = Haar(level, -2.0, 3.0)(s)
    coarse = np.repeat(rng.uniform(-1, 1, N), 2)  # constant on each of the N cells
    theta, *_ = np.linalg.lstsq(phi, coarse, rcond=None)
    np.testing.assert_allclose(phi @ theta, coarse, atol=1e-12)  # represented exactly
    # finer: +-delta_m on the two halves of cell m; the best constant per cell is its mean
    delta = rng.uniform(0.1, 1.0, N)
    fine = coarse + np.repeat(delta, 2) * np.tile([1.0, -1.0], N)
    theta, *_ = np.linalg.lstsq(phi, fine, rcond=None)
    residual = ((fine - phi @ theta) ** 2).sum()
    np.testing.assert_allclose(residual, 2 * (delta**2).sum(), rtol=1e-10)  # > 0
# --8<-- [end:haar_props]


@given(st.integers(0, 6), seeds)
def test_haar_matches_its_definition_on_the_cell_index(level, seed):
    # psi_jk is +-2^(j/2) on cell m iff m's top j bits are k; the sign is bit j + 1
    N = 2**level
    u = np.random.default_rng(seed).uniform(0, 1, 50)
    m = np.minimum((u * N).astype(int), N - 1)
    want = [np.ones(50)]
    for j in range(level):
        for k in range(2**j):
            inside = (m >> (level - j)) == k
            sign = np.where((m >> (level - j - 1)) & 1, -1.0, 1.0)
            want.append(np.where(inside, 2 ** (j / 2) * sign, 0.0))
    np.testing.assert_array_equal(Haar(level)(u), np.stack(want, -1))
    assert Haar(level).d == N
    np.testing.assert_array_equal(Haar(level)(1.0), Haar(level)(1 - 1e-9))  # u = 1: last cell


def test_fourier_in_two_dims_contains_each_axis_basis():
    f2, f1 = Fourier(3, [0, 0], [1, 1]), Fourier(3)
    u = np.random.default_rng(0).uniform(size=(20, 2))
    c = [tuple(ci) for ci in f2.c]
    for i in range(4):
        np.testing.assert_allclose(f2(u)[:, c.index((i, 0))], f1(u[:, 0])[:, i])
        np.testing.assert_allclose(f2(u)[:, c.index((0, i))], f1(u[:, 1])[:, i])
    np.testing.assert_allclose(f2(np.zeros(2)), 1.0)  # cos(0) for every c


def test_rbf_is_one_at_its_centers_and_decays():
    rbf = RBF.grid(5, 0.0, 10.0)
    x = rbf(np.linspace(0, 10, 5))
    np.testing.assert_allclose(np.diag(x), 1.0)
    assert (x > 0).all() and (x <= 1).all()
    np.testing.assert_allclose(x, x.T)  # symmetric in state and center
    assert x[0, 1] > x[0, 2] > x[0, 3]


def test_exponents_enumerate_the_grid():
    c = exponents(2, 2)
    assert c.shape == (9, 2)
    assert {tuple(r) for r in c} == {(i, j) for i in range(3) for j in range(3)}


def test_gymnasium_wrapper_gives_features_as_observations():
    fmap = Fourier(3, [-1.2, -0.07], [0.6, 0.07])
    env = FeatureObservation(gym.make("MountainCar-v0"), fmap)
    raw = gym.make("MountainCar-v0")
    obs, _ = env.reset(seed=3)
    raw_obs, _ = raw.reset(seed=3)
    np.testing.assert_allclose(obs, fmap(raw_obs))
    obs, reward, terminated, truncated, _ = env.step(0)
    assert obs.shape == (fmap.d,) and env.observation_space.contains(obs)


def test_bad_input_names_the_argument_and_range():
    with pytest.raises(ValueError, match=r"s must lie in \[low, high\]"):
        Polynomial(2, 0.0, 1.0)(np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match=r"s must have shape \(\.\.\., 2\)"):
        Fourier(2, [0, 0], [1, 1])(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="finite"):
        RBF.grid(3)(np.array([np.nan]))
    with pytest.raises(ValueError, match=r"s must be integer indices in \[0, 4\]"):
        OneHot(5)(np.array([0, 5]))
    with pytest.raises(ValueError, match=r"s must be integer indices in \[0, 4\]"):
        OneHot(5)(np.array([0.5]))
    with pytest.raises(ValueError, match="order must be an integer >= 0"):
        Fourier(-1)
    with pytest.raises(ValueError, match="sigma must be a finite number > 0"):
        RBF([0.5], 0.0)
    with pytest.raises(ValueError, match=r"centers must have shape \(d, k\) with k = 2"):
        RBF(np.zeros((3, 1)), 1.0, [0, 0], [1, 1])
    with pytest.raises(ValueError, match="high must be greater than low"):
        Polynomial(2, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"states must be integers in \[0, 3\)"):
        StateAggregation([0, 2, 2])(np.array([3]))
    with pytest.raises(ValueError, match=r"n_groups must be in \[1, n_states = 3\]"):
        StateAggregation.uniform(3, 4)
