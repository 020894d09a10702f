"""Parameterized policies: closed-form scores against autograd, exact score identities,
stable log-probabilities, sampling frequencies, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from fa_book.policies import (
    CategoricalMLP,
    DeterministicLinearPolicy,
    GaussianLinearPolicy,
    SoftmaxLinearPolicy,
    check_probabilities,
    log_softmax,
    softmax,
    tabular_features,
)
from tests.strategies import seeds, small_sizes


def _softmax_setup(seed, n_actions, d, batch=3, scale=3.0):
    rng = np.random.default_rng(seed)
    policy = SoftmaxLinearPolicy(d, n_actions)
    theta = rng.uniform(-scale, scale, d)
    x = rng.uniform(-1, 1, (batch, n_actions, d))
    return policy, theta, x


# --8<-- [start:softmax_score_autograd]
@given(seeds, small_sizes, small_sizes)
def test_softmax_score_matches_autograd(seed, n_actions, d):
    """x(s,a) - sum_b pi(b|s) x(s,b) equals autograd of log pi (float64)."""
    policy, theta, x = _softmax_setup(seed, n_actions, d)
    a = np.arange(x.shape[0]) % n_actions
    theta_t = torch.tensor(theta, requires_grad=True)
    log_pi = torch.log_softmax(torch.tensor(x) @ theta_t, -1)[np.arange(len(a)), a]
    expected = np.stack([torch.autograd.grad(lp, theta_t, retain_graph=True)[0].numpy()
                         for lp in log_pi])
    np.testing.assert_allclose(policy.grad_log_pi(theta, x, a), expected,
                               rtol=1e-12, atol=1e-12)
# --8<-- [end:softmax_score_autograd]


# --8<-- [start:score_identities]
@given(seeds, small_sizes, small_sizes, st.floats(-10, 10))
def test_score_identities_exact(seed, n_actions, d, b):
    r"""grad pi = pi grad log pi; E_pi[grad log pi] = 0; E_pi[grad log pi * b(s)] = 0."""
    policy, theta, x = _softmax_setup(seed, n_actions, d)
    pi = policy.pi(theta, x)                      # (B, A)
    scores = policy.grad_log_pi_all(theta, x)     # (B, A, d)
    # grad pi(a|s) by autograd, against pi(a|s) * grad log pi(a|s)
    theta_t = torch.tensor(theta, requires_grad=True)
    pi_t = torch.softmax(torch.tensor(x) @ theta_t, -1)
    for i in range(pi.shape[0]):
        for a in range(n_actions):
            (g,) = torch.autograd.grad(pi_t[i, a], theta_t, retain_graph=True)
            np.testing.assert_allclose(g.numpy(), pi[i, a] * scores[i, a], atol=1e-12)
    # the score has mean zero under the policy, so a baseline b(s) adds nothing
    mean_score = np.einsum("ba,bad->bd", pi, scores)
    np.testing.assert_allclose(mean_score, 0.0, atol=1e-12)
    baseline = b * np.arange(1, pi.shape[0] + 1)  # any function of the state
    np.testing.assert_allclose(np.einsum("ba,bad,b->bd", pi, scores, baseline), 0.0,
                               atol=1e-11)
# --8<-- [end:score_identities]


@given(seeds, small_sizes)
@example(0, 2)
def test_log_softmax_is_stable_and_shift_invariant(seed, n_actions):
    rng = np.random.default_rng(seed)
    h = rng.uniform(-10, 10, n_actions)
    h[0] = -1000.0  # exp(-1000) underflows to 0: log(softmax) would be -inf
    out = log_softmax(h)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, torch.log_softmax(torch.tensor(h), 0).numpy(),
                               rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(log_softmax(h + 1e4), out, atol=1e-9)
    np.testing.assert_allclose(softmax(h).sum(), 1.0, rtol=1e-14)


def test_tabular_features_give_the_tabular_softmax():
    rng = np.random.default_rng(0)
    S, A = 3, 4
    X = tabular_features(S, A)
    policy = SoftmaxLinearPolicy(S * A, A)
    theta = rng.standard_normal(S * A)
    np.testing.assert_allclose(policy.pi(theta, X), softmax(theta.reshape(S, A)), rtol=1e-14)


# --8<-- [start:gaussian_score]
@given(seeds, small_sizes, st.floats(-2.0, 1.0))
def test_gaussian_score_matches_autograd(seed, d, log_sigma):
    rng = np.random.default_rng(seed)
    policy = GaussianLinearPolicy(d)
    theta = np.r_[rng.uniform(-2, 2, d), log_sigma]
    x = rng.uniform(-1, 1, (4, d))
    a = rng.uniform(-3, 3, 4)
    theta_t = torch.tensor(theta, requires_grad=True)
    dist = torch.distributions.Normal(torch.tensor(x) @ theta_t[:-1], theta_t[-1].exp())
    log_pi = dist.log_prob(torch.tensor(a))
    np.testing.assert_allclose(policy.log_pi(theta, x, a), log_pi.detach().numpy(),
                               rtol=1e-12)
    expected = np.stack([torch.autograd.grad(lp, theta_t, retain_graph=True)[0].numpy()
                         for lp in log_pi])
    np.testing.assert_allclose(policy.grad_log_pi(theta, x, a), expected, rtol=1e-10,
                               atol=1e-12)
# --8<-- [end:gaussian_score]


@given(seeds, small_sizes, st.floats(-2.0, 1.0))
def test_gaussian_score_has_mean_zero_by_quadrature(seed, d, log_sigma):
    """E[score] = 0, exactly: Gauss-Hermite quadrature is exact for these polynomials."""
    rng = np.random.default_rng(seed)
    policy = GaussianLinearPolicy(d)
    theta = np.r_[rng.uniform(-2, 2, d), log_sigma]
    x = rng.uniform(-1, 1, d)
    mu, sigma = policy.mean_std(theta, x)
    z, w = np.polynomial.hermite_e.hermegauss(8)  # nodes/weights for N(0, 1)
    w = w / w.sum()
    scores = np.stack([policy.grad_log_pi(theta, x, np.asarray(mu + sigma * zi)) for zi in z])
    np.testing.assert_allclose(w @ scores, 0.0, atol=1e-12)


def test_deterministic_policy_jacobian_matches_autograd():
    rng = np.random.default_rng(1)
    policy = DeterministicLinearPolicy(3, action_dim=2)
    theta, x = rng.standard_normal(6), rng.standard_normal(3)
    jac = torch.autograd.functional.jacobian(
        lambda t: torch.tensor(x) @ t.reshape(3, 2), torch.tensor(theta))
    np.testing.assert_allclose(policy.grad_mu(theta, x), jac.numpy(), rtol=1e-14)
    np.testing.assert_allclose(policy.sample(theta, x), policy.mu(theta, x))


def test_softmax_sampling_frequencies():
    """Empirical frequencies within 5 standard errors of pi (n = 20000, fixed seed)."""
    rng = np.random.default_rng(123)
    policy, theta, x = _softmax_setup(7, 4, 3, batch=1)
    n = 20_000
    a = policy.sample(theta, np.broadcast_to(x[0], (n, 4, 3)), rng)
    pi = policy.pi(theta, x)[0]
    freq = np.bincount(a, minlength=4) / n
    se = np.sqrt(pi * (1 - pi) / n)
    assert (np.abs(freq - pi) <= 5 * se + 1e-12).all()
    again = policy.sample(theta, np.broadcast_to(x[0], (n, 4, 3)), np.random.default_rng(123))
    np.testing.assert_array_equal(again, a)


def test_categorical_mlp_log_pi_and_score_identity():
    policy = CategoricalMLP(3, 4, hidden=(8,), seed=5, out_scale=1.0, dtype=torch.float64)
    obs = torch.tensor([0.3, -1.0, 2.0], dtype=torch.float64)
    log_pi = policy.log_pi_all(obs)
    ref = torch.distributions.Categorical(logits=policy(obs)).logits
    torch.testing.assert_close(log_pi, ref)
    # E_pi[grad log pi] = 0 over every network parameter, exactly by enumeration
    params = list(policy.parameters())
    total = [torch.zeros_like(p) for p in params]
    for a in range(4):
        grads = torch.autograd.grad(policy.log_pi(obs, torch.tensor(a)), params)
        for t, g in zip(total, grads, strict=True):
            t += log_pi[a].exp().detach() * g
    for t in total:
        torch.testing.assert_close(t, torch.zeros_like(t), atol=1e-12, rtol=0)


def test_categorical_mlp_is_seeded_and_leaves_global_rng_alone():
    state = torch.get_rng_state()
    p1, p2 = CategoricalMLP(4, 2, seed=3), CategoricalMLP(4, 2, seed=3)
    assert torch.equal(torch.get_rng_state(), state)
    for a, b in zip(p1.parameters(), p2.parameters(), strict=True):
        assert torch.equal(a, b)
    obs = torch.zeros(10, 4)
    s1 = p1.sample(obs, torch.Generator().manual_seed(9))
    s2 = p2.sample(obs, torch.Generator().manual_seed(9))
    assert torch.equal(s1, s2) and s1.shape == (10,)


def test_bad_input():
    policy = SoftmaxLinearPolicy(2, 3)
    x = np.zeros((3, 2))
    with pytest.raises(ValueError, match="sum to 1"):
        check_probabilities("pi", [0.5, 0.6])
    with pytest.raises(ValueError, match="non-negative"):
        check_probabilities("pi", [1.5, -0.5])
    with pytest.raises(ValueError, match="finite"):
        check_probabilities("pi", [np.nan, 1.0])
    with pytest.raises(ValueError, match="finite"):
        log_softmax([0.0, np.inf])
    with pytest.raises(ValueError, match="theta must have shape"):
        policy.pi(np.zeros(3), x)
    with pytest.raises(ValueError, match="x must have shape"):
        policy.pi(np.zeros(2), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="theta must contain only finite"):
        policy.pi(np.array([np.nan, 0.0]), x)
    with pytest.raises(ValueError, match=r"a must be in \[0, 2\]"):
        policy.grad_log_pi(np.zeros(2), x, np.array(3))
    with pytest.raises(ValueError, match="integer"):
        policy.log_pi(np.zeros(2), x, np.array(1.0))
    with pytest.raises(ValueError, match="n_actions"):
        SoftmaxLinearPolicy(2, 0)
    with pytest.raises(ValueError, match="log sigma"):
        GaussianLinearPolicy(1).log_pi(np.array([0.0, 100.0]), np.zeros(1), np.array(0.0))
    mlp = CategoricalMLP(2, 2)
    with pytest.raises(ValueError, match="obs must be finite"):
        mlp(torch.tensor([np.nan, 0.0]))
    with torch.no_grad():
        mlp.net[-1].weight[0, 0] = float("inf")
    with pytest.raises(ValueError, match="logits must be finite"):
        mlp(torch.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="obs must have shape"):
        mlp(torch.zeros(3))
