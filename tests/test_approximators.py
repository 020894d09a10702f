"""Gradients of v_hat, SGD on the mean-squared value error against the projection oracle,
and the approximator families on exact small problems."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from fa_book.approximators import (
    KNN,
    MLP,
    KNNConfig,
    LinearApproximator,
    MLPConfig,
    RegressionTree,
    TreeConfig,
    expected_sgd,
    grad_v_hat,
    sgd_msve,
    sgd_step,
    v_hat,
)
from fa_book.features import Polynomial
from fa_book.oracles import on_policy_distribution, projection_weights, v_pi
from fa_book.validate import DivergenceError
from tests.strategies import finite_mdps, full_rank_features, policies_for, seeds


@st.composite
def problems(draw):
    mdp = draw(finite_mdps())
    pi = draw(policies_for(mdp))
    rng = np.random.default_rng(draw(seeds))
    phi = full_rank_features(rng, mdp.n_states, draw(st.integers(1, mdp.n_states)))
    return phi, v_pi(mdp, pi), on_policy_distribution(mdp, pi)


# --8<-- [start:gradient_check]
@given(seeds, st.integers(1, 8))
def test_linear_gradient_is_x_by_autograd_and_central_differences(seed, d):
    rng = np.random.default_rng(seed)
    theta, x = rng.uniform(-3, 3, d), rng.uniform(-3, 3, d)
    # autograd, float64
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    (t @ torch.tensor(x, dtype=torch.float64)).backward()
    np.testing.assert_allclose(t.grad.numpy(), x, rtol=0, atol=1e-12)
    # central differences, float64 (exact up to rounding for a linear function)
    h = 1e-6
    fd = [(v_hat(theta + h * e, x) - v_hat(theta - h * e, x)) / (2 * h) for e in np.eye(d)]
    np.testing.assert_allclose(fd, x, atol=1e-8)
    np.testing.assert_array_equal(grad_v_hat(theta, x), x)


def test_mlp_gradient_autograd_matches_central_differences():
    net = MLP(2, MLPConfig(hidden=8), torch.Generator().manual_seed(0)).double()
    s = torch.tensor([[0.3, -0.7]], dtype=torch.float64)
    params = torch.nn.utils.parameters_to_vector(net.parameters()).detach()
    net.zero_grad()
    net(s).sum().backward()
    autograd = torch.cat([p.grad.flatten() for p in net.parameters()])

    def v_at(vec):
        torch.nn.utils.vector_to_parameters(vec, net.parameters())
        with torch.no_grad():
            return net(s).item()

    h = 1e-6
    fd = torch.tensor([(v_at(params + h * e) - v_at(params - h * e)) / (2 * h)
                       for e in torch.eye(params.numel(), dtype=torch.float64)],
                      dtype=torch.float64)
    torch.testing.assert_close(fd, autograd, rtol=1e-6, atol=1e-8)
# --8<-- [end:gradient_check]


@given(seeds, st.integers(1, 6), st.floats(0.001, 1.0))
def test_sgd_step_descends_half_squared_error(seed, d, alpha):
    # theta - alpha * grad of 1/2 (U - theta.x)^2, gradient by autograd
    rng = np.random.default_rng(seed)
    theta, x, U = rng.uniform(-2, 2, d), rng.uniform(-2, 2, d), rng.uniform(-2, 2)
    t = torch.tensor(theta, requires_grad=True)
    (0.5 * (U - t @ torch.tensor(x)) ** 2).backward()
    np.testing.assert_allclose(sgd_step(theta, x, np.float64(U), alpha),
                               theta - alpha * t.grad.numpy(), atol=1e-12)


# --8<-- [start:sgd_global_optimum]
@given(problems(), seeds)
def test_gradient_descent_on_msve_reaches_the_projection_from_anywhere(p, seed):
    phi, v, mu = p
    theta_star = projection_weights(phi, v, mu)
    M = phi.T @ (mu[:, None] * phi)  # Hessian of J
    lam = np.linalg.eigvalsh(M)
    alpha, n = 1.0 / lam[-1], 3000
    theta0 = np.random.default_rng(seed).uniform(-10, 10, phi.shape[1])
    theta = expected_sgd(phi, v, mu, alpha, n, theta0)
    # a quadratic with positive definite Hessian: error contracts by 1 - lam_min/lam_max
    bound = (1 - lam[0] / lam[-1]) ** n * np.linalg.norm(theta0 - theta_star)
    assert np.linalg.norm(theta - theta_star) <= bound + 1e-8 * (1 + np.abs(theta_star).max())


@given(problems(), seeds)
def test_sgd_with_realizable_values_has_no_noise_floor(p, seed):
    # if v_pi = Phi w is in the span, the sampled gradient vanishes at w, so the error
    # e = theta - w obeys e <- (I - alpha x x^T) e and E[e e^T] has an exact recursion
    phi, _, mu = p
    rng = np.random.default_rng(seed)
    w = rng.uniform(-1, 1, phi.shape[1])
    alpha, T, R = 0.5 / np.einsum("sd,sd->s", phi, phi).max(), 150, 1000
    theta = sgd_msve(phi, phi @ w, mu, alpha, T, rng, n_runs=R)
    sq = ((theta - w) ** 2).sum(1)
    sigma = np.outer(w, w)  # theta_0 = 0
    M = [np.eye(len(w)) - alpha * np.outer(x, x) for x in phi]
    for _ in range(T):
        sigma = sum(m_s * Mx @ sigma @ Mx for m_s, Mx in zip(mu, M, strict=True))
    exact = np.trace(sigma)
    assert abs(sq.mean() - exact) <= 5 * sq.std(ddof=1) / np.sqrt(R) + 1e-12
    # and the exact mean-square error only shrinks (each factor is a contraction)
    assert exact <= w @ w + 1e-12
# --8<-- [end:sgd_global_optimum]


def test_sgd_averaged_over_runs_follows_the_expected_path():
    # E[theta_t] obeys gradient descent on J exactly; compare within 5 standard errors
    rng = np.random.default_rng(1)
    S, d, R, T = 6, 3, 4000, 60
    phi = full_rank_features(rng, S, d)
    v, mu = rng.uniform(-1, 1, S), rng.dirichlet(np.ones(S))
    alpha = 0.2 / np.einsum("sd,sd->s", phi, phi).max()
    theta = sgd_msve(phi, v, mu, alpha, T, rng, n_runs=R)
    mean, se = theta.mean(0), theta.std(0, ddof=1) / np.sqrt(R)
    np.testing.assert_array_less(np.abs(mean - expected_sgd(phi, v, mu, alpha, T)),
                                 5 * se + 1e-12)


def test_approximators_on_exact_data():
    s = np.linspace(0, 1, 200)
    cubic = 1 - 2 * s + 3 * s**3
    lin = LinearApproximator(Polynomial(3)).fit(s, cubic)
    np.testing.assert_allclose(lin.predict(s), cubic, atol=1e-10)
    assert lin.n_parameters == 4
    step = np.where(s < 0.37, -1.0, 2.0)  # a tree finds the step exactly
    tree = RegressionTree(TreeConfig(min_samples_leaf=5)).fit(s, step)
    np.testing.assert_allclose(tree.predict(s), step)
    assert tree.n_leaves == 2 and tree.n_parameters == 2 + 2
    knn = KNN(KNNConfig(k=1)).fit(s, cubic)  # 1-NN interpolates its training data
    np.testing.assert_allclose(knn.predict(s), cubic)
    assert knn.n_parameters == 2 * s.size


# --8<-- [start:knn_ties]
@given(seeds, st.integers(1, 12))
def test_knn_breaks_distance_ties_by_index(seed, k):
    # many repeated states: the k nearest are the k closest, equal distances taken in the
    # order the samples were stored; an independent oracle sorts (distance, index) pairs
    rng = np.random.default_rng(seed)
    s, G = rng.integers(0, 5, size=40).astype(float), rng.uniform(-1, 1, 40)
    q = np.arange(-1.0, 6.0, 0.25)
    got = KNN(KNNConfig(k=k)).fit(s, G).predict(q)
    for qi, g in zip(q, got, strict=True):
        nearest = sorted(range(40), key=lambda i: ((s[i] - qi) ** 2, i))[:k]
        np.testing.assert_allclose(g, G[nearest].mean(), rtol=0, atol=1e-12)
# --8<-- [end:knn_ties]


def test_knn_gives_the_same_numbers_whatever_simd_code_numpy_dispatches():
    # np.argpartition chose among tied distances differently with AVX-512, AVX2 or
    # neither, so the committed k-NN table moved between machines: two runs, two kernels
    code = ("import numpy as np; from fa_book.approximators import KNN; "
            "rng = np.random.default_rng(0); s = rng.integers(0, 50, 3000) / 49; "
            "G = rng.choice([-1.0, 1.0], 3000); "
            "print(KNN().fit(s, G).predict(np.linspace(0, 1, 200)).tobytes().hex())")
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "NPY_DISABLE_CPU_FEATURES": f}
                           ).stdout for f in ("", "X86_V3 X86_V4 AVX512_ICL")]
    assert outs[0] and outs[0] == outs[1]


def test_nonparametric_size_grows_with_data_parametric_does_not():
    rng = np.random.default_rng(0)
    sizes, counts = (100, 400, 1600), {"tree": [], "knn": [], "linear": []}
    for n in sizes:
        s = rng.uniform(size=n)
        G = np.sin(6 * s) + rng.standard_normal(n)
        counts["tree"].append(RegressionTree().fit(s, G).n_parameters)
        counts["knn"].append(KNN().fit(s, G).n_parameters)
        counts["linear"].append(LinearApproximator(Polynomial(5)).fit(s, G).n_parameters)
    assert counts["knn"] == [2 * n for n in sizes]
    assert counts["tree"][0] < counts["tree"][1] < counts["tree"][2]
    assert counts["linear"] == [6, 6, 6]


def test_mlp_fit_is_reproducible_and_learns_a_line():
    s = np.linspace(0, 1, 64)
    cfg = MLPConfig(hidden=16, steps=150, lr=2e-2)
    a = MLP(1, cfg, torch.Generator().manual_seed(3)).fit(s, 2 * s - 1).predict(s)
    b = MLP(1, cfg, torch.Generator().manual_seed(3)).fit(s, 2 * s - 1).predict(s)
    np.testing.assert_array_equal(a, b)
    assert np.sqrt(np.mean((a - (2 * s - 1)) ** 2)) < 0.1 * np.std(2 * s - 1)


def test_bad_input_and_divergence():
    rng = np.random.default_rng(0)
    phi = np.array([[1.0, 0.0], [0.0, 10.0]])
    with pytest.raises(DivergenceError, match=r"diverged at step \d+ with step size alpha=5"):
        sgd_msve(phi, np.array([1.0, 1.0]), np.array([0.5, 0.5]), 5.0, 2000, rng)
    with pytest.raises(ValueError, match="alpha must be a finite number > 0"):
        sgd_msve(phi, np.ones(2), np.ones(2) / 2, 0.0, 10, rng)
    with pytest.raises(ValueError, match=r"v must have shape \(S,\) = \(2,\)"):
        sgd_msve(phi, np.ones(3), np.ones(2) / 2, 0.1, 10, rng)
    with pytest.raises(ValueError, match="ridge must be a finite number >= 0"):
        LinearApproximator(Polynomial(2), ridge=-1.0)
    with pytest.raises(ValueError, match=r"G must have shape \(n,\) = \(3,\)"):
        KNN().fit(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="s must contain only finite"):
        RegressionTree().fit(np.array([0.0, np.inf]), np.zeros(2))
    with pytest.raises(ValueError, match=r"min_samples_leaf must be an integer in \[1, "):
        RegressionTree(TreeConfig(min_samples_leaf=0))


def test_figures_quick(tmp_path):
    from fa_book.figures import figure_functions

    for func in figure_functions("parametric"):
        for path in func(tmp_path / "figures", quick=True):
            assert path.is_file() and path.stat().st_size > 0
