"""Exact oracles: Bellman equation, projection, TD fixed point and the Tsitsiklis-Van Roy
bound, on random MDPs from `tests/strategies.py`."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fa_book.oracles import (
    FiniteMDP,
    mrp,
    msve,
    mu_norm_sq,
    on_policy_distribution,
    policy_matrices,
    projection_matrix,
    projection_weights,
    rmsve,
    td_fixed_point,
    td_matrices,
    v_pi,
)
from tests.strategies import finite_mdps, full_rank_features, policies_for, seeds


@st.composite
def problems(draw, episodic=False):
    """(mdp, pi, phi, v, mu) with full-rank features of random width d <= S."""
    mdp = draw(finite_mdps(episodic=episodic))
    pi = draw(policies_for(mdp))
    rng = np.random.default_rng(draw(seeds))
    d = draw(st.integers(1, mdp.n_states))
    phi = full_rank_features(rng, mdp.n_states, d)
    return mdp, pi, phi, v_pi(mdp, pi), on_policy_distribution(mdp, pi)


@given(problems())
def test_v_pi_solves_bellman(p):
    mdp, pi, _, v, mu = p
    P_pi, r_pi = policy_matrices(mdp, pi)
    np.testing.assert_allclose(v, r_pi + mdp.gamma * P_pi @ v, atol=1e-9)
    np.testing.assert_allclose(mu @ P_pi, mu, atol=1e-9)  # stationary (continuing task)


# --8<-- [start:projection_props]
@given(problems(), seeds)
def test_projection_is_the_best_linear_fit(p, seed):
    mdp, pi, phi, v, mu = p
    theta = projection_weights(phi, v, mu)
    # normal equations: the error is mu-orthogonal to every feature
    np.testing.assert_allclose(phi.T @ (mu * (v - phi @ theta)), 0, atol=1e-9)
    # no other weights do better
    other = theta + np.random.default_rng(seed).standard_normal(theta.shape)
    assert msve(phi @ theta, v, mu) <= msve(phi @ other, v, mu) + 1e-12
    # Pi is a projection: idempotent, and Pi v = Phi theta
    Pi = projection_matrix(phi, mu)
    np.testing.assert_allclose(Pi @ Pi, Pi, atol=1e-8)
    np.testing.assert_allclose(Pi @ v, phi @ theta, atol=1e-8)
# --8<-- [end:projection_props]


# --8<-- [start:td_fixed_point_props]
@given(problems())
def test_td_fixed_point_is_the_projected_bellman_fixed_point(p):
    mdp, pi, phi, v, mu = p
    theta = td_fixed_point(mdp, pi, phi)
    P_pi, r_pi = policy_matrices(mdp, pi)
    v_hat = phi @ theta
    # Phi theta = Pi T_pi (Phi theta): expected TD update is zero
    Pi = projection_matrix(phi, mu)
    np.testing.assert_allclose(Pi @ (r_pi + mdp.gamma * P_pi @ v_hat), v_hat, atol=1e-7)


@given(problems())
def test_tsitsiklis_van_roy_bound(p):
    mdp, pi, phi, v, mu = p
    theta_td = td_fixed_point(mdp, pi, phi)
    best = phi @ projection_weights(phi, v, mu)
    lhs = np.sqrt(mu_norm_sq(phi @ theta_td - v, mu))
    # Tsitsiklis & Van Roy (1997, Theorem 1) with lambda = 0
    rhs = np.sqrt(mu_norm_sq(best - v, mu)) / (1 - mdp.gamma)  # (TvR)
    assert lhs <= rhs + 1e-9
    # Sutton & Barto (2018, eq. 9.14), on squared errors
    assert lhs**2 <= mu_norm_sq(best - v, mu) / (1 - mdp.gamma) + 1e-9  # (TvR-SB)
    # sharper: the same contraction argument plus Pythagoras (page exercise 5)
    sharp = np.sqrt(mu_norm_sq(best - v, mu) / (1 - mdp.gamma**2))  # (TvR-sharp)
    assert lhs <= sharp + 1e-9
# --8<-- [end:td_fixed_point_props]


@given(problems(episodic=True))
def test_td_matrix_is_positive_semidefinite_on_policy(p):
    # x^T A x >= 0 for the on-policy mu, episodic or continuing (S&B 2018, sec. 9.4)
    mdp, pi, phi, _, _ = p
    A, _ = td_matrices(mdp, pi, phi)
    assert np.linalg.eigvalsh(A + A.T).min() >= -1e-10 * np.abs(A).max()


# --8<-- [start:one_hot_exact]
@given(problems(episodic=True))
def test_one_hot_features_give_exact_values(p):
    mdp, pi, _, v, mu = p
    phi = np.eye(mdp.n_states)
    np.testing.assert_allclose(td_fixed_point(mdp, pi, phi), v, atol=1e-8)
    np.testing.assert_allclose(projection_weights(phi, v, mu), v, atol=1e-8)


@given(problems(), st.floats(-5, 5).filter(lambda c: abs(c) > 1e-3))
def test_scaling_rewards_scales_the_solution(p, c):
    mdp, pi, phi, v, mu = p
    scaled = FiniteMDP(mdp.P, c * mdp.R, mdp.gamma, mdp.d0)
    np.testing.assert_allclose(td_fixed_point(scaled, pi, phi),
                               c * td_fixed_point(mdp, pi, phi), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(projection_weights(phi, v_pi(scaled, pi), mu),
                               c * projection_weights(phi, v, mu), rtol=1e-7, atol=1e-9)
# --8<-- [end:one_hot_exact]


def test_mrp_two_state_chain_closed_form():
    # 0 -> 1 or end (1/2 each), 1 -> 0 or end; reward 1 on leaving state 0; gamma = 1
    P = np.array([[0.0, 0.5], [0.5, 0.0]])
    m = mrp(P, [1.0, 0.0], 1.0, [1.0, 0.0])
    v = v_pi(m, np.ones((2, 1)))
    # v0 = 1 + v1 / 2, v1 = v0 / 2  =>  v0 = 4/3, v1 = 2/3
    np.testing.assert_allclose(v, [4 / 3, 2 / 3])
    # visits per episode: eta0 = 1 + eta1/2, eta1 = eta0/2 => mu = (2/3, 1/3)
    np.testing.assert_allclose(on_policy_distribution(m, np.ones((2, 1))), [2 / 3, 1 / 3])


def test_msve_and_rmsve_by_hand():
    assert msve([1.0, 2.0], [0.0, 0.0], [0.25, 0.75]) == pytest.approx(0.25 + 3.0)
    assert rmsve([1.0, 2.0], [0.0, 0.0], [0.25, 0.75]) == pytest.approx(np.sqrt(3.25))


def test_bad_input_names_the_argument():
    rng = np.random.default_rng(0)
    m = mrp(np.full((3, 3), 0.3), [1.0, 0.0, 0.0], 0.9, [1.0, 0.0, 0.0])
    pi = np.ones((3, 1))
    with pytest.raises(ValueError, match="singular"):
        td_fixed_point(m, pi, np.ones((3, 2)))  # two identical columns
    with pytest.raises(ValueError, match=r"phi must have shape \(S, d\) = \(3, d\)"):
        td_fixed_point(m, pi, rng.standard_normal((4, 2)))
    with pytest.raises(ValueError, match="mu must have shape"):
        msve(np.zeros(3), np.zeros(3), np.ones(2))
    with pytest.raises(ValueError, match="mu must be a non-negative"):
        msve(np.zeros(2), np.zeros(2), [-1.0, 2.0])
    with pytest.raises(ValueError, match="v_hat must have the shape"):
        msve(np.zeros(2), np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        projection_weights(np.ones((2, 1)), [np.nan, 0.0], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"P must have shape \(S, S\)"):
        mrp(np.ones((2, 3)) / 3, [0.0, 0.0], 0.9, [1.0, 0.0])
    with pytest.raises(ValueError, match=r"r must have shape"):
        mrp(np.eye(2), [0.0], 0.9, [1.0, 0.0])


def test_two_closed_classes_have_no_unique_on_policy_distribution():
    # states 0 and 1 each loop on themselves forever: every mixture is stationary
    P = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    mdp = FiniteMDP(P, np.zeros((2, 1)), 0.9, np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="not unique"):
        on_policy_distribution(mdp, np.ones((2, 1)))
    # one closed class: unique, the chain's stationary distribution
    P = np.array([[[0.5, 0.5]], [[1.0, 0.0]]])
    mdp = FiniteMDP(P, np.zeros((2, 1)), 0.9, np.array([1.0, 0.0]))
    np.testing.assert_allclose(on_policy_distribution(mdp, np.ones((2, 1))), [2 / 3, 1 / 3])
