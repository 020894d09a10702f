"""The likelihood ratio on one-step MDPs and the policy gradient theorem on random finite
MDPs, checked against autograd through closed-form objectives (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from fa_book.oracles import FiniteMDP, discounted_visitation, on_policy_distribution, v_pi
from fa_book.policies import SoftmaxLinearPolicy
from fa_book.policy_gradient import (
    AscentConfig,
    OneStepMDP,
    differential_values,
    dropped_discount_direction,
    estimator_distribution,
    estimator_variance,
    exact_gradient,
    j_average_reward,
    j_average_value,
    j_start,
    lr_samples,
    one_step_ascent,
    one_step_gradient,
    one_step_j,
    optimal_baseline,
    pg_average_reward,
    pg_average_value,
    pg_average_value_discounted_q,
    pg_start,
    random_one_step_mdp,
    stationary_distribution_torch,
    supervised_gradient,
    weighted_nll,
)
from fa_book.validate import DivergenceError
from tests.strategies import finite_mdps, seeds, small_sizes


def _policy(seed, S, A, d=None):
    """A softmax policy with random action features X (S, A, d) and parameters theta."""
    rng = np.random.default_rng(seed)
    d = d or 3
    return SoftmaxLinearPolicy(d, A), rng.uniform(-1, 1, (S, A, d)), rng.uniform(-2, 2, d)


def _close(actual, expected, rtol=1e-9):
    """Agreement to numerical precision, relative to the size of the gradient."""
    scale = max(1.0, np.abs(expected).max())
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * scale)


# ----------------------------------------------------------------------------- chapter 8

# --8<-- [start:lr_exact]
@given(seeds, small_sizes, small_sizes, st.floats(-5, 5))
def test_likelihood_ratio_expectation_is_the_exact_gradient(seed, S, A, c):
    """E[grad log pi(A|S) (r_SA - b(S))], by enumerating (S, A), equals autograd of J,
    for the zero baseline and for an arbitrary state-dependent baseline."""
    rng = np.random.default_rng(seed)
    mdp = random_one_step_mdp(rng, S, A)
    policy, X, theta = _policy(seed, S, A)
    theta_t = torch.tensor(theta, requires_grad=True)
    pi_t = torch.softmax(torch.tensor(X) @ theta_t, -1)
    J_t = torch.tensor(mdp.d) @ (pi_t * torch.tensor(mdp.R)).sum(1)
    (grad_J,) = torch.autograd.grad(J_t, theta_t)
    assert one_step_j(mdp, policy, theta, X) == pytest.approx(J_t.item(), rel=1e-12)
    _close(one_step_gradient(mdp, policy, theta, X), grad_J.numpy(), 1e-12)
    for baseline in (None, c * rng.uniform(-1, 1, S)):
        prob, g = estimator_distribution(mdp, policy, theta, X, baseline)
        _close(np.einsum("sa,sak->k", prob, g), grad_J.numpy(), 1e-12)
# --8<-- [end:lr_exact]


# --8<-- [start:optimal_baseline]
@given(seeds, small_sizes, small_sizes, st.floats(-5, 5))
def test_optimal_baseline_minimises_the_variance(seed, S, A, offset):
    """b*(s) gives a variance no larger than b = 0, b = V(s) or a random b(s)."""
    rng = np.random.default_rng(seed)
    mdp = random_one_step_mdp(rng, S, A, offset=offset)
    policy, X, theta = _policy(seed, S, A)
    var = lambda b: estimator_variance(*estimator_distribution(mdp, policy, theta, X, b))  # noqa: E731
    best = var(optimal_baseline(mdp, policy, theta, X))
    V = (policy.pi(theta, X) * mdp.R).sum(1)
    for b in (None, V, rng.uniform(-5, 5, S)):
        assert best <= var(b) + 1e-12
# --8<-- [end:optimal_baseline]


# --8<-- [start:lr_sampling]
def test_likelihood_ratio_sampling_mean_and_variance():
    """n = 40000 samples (seed 0): mean within 5 standard errors of the exact gradient,
    measured total variance within 5 standard errors of the exact one (both from the
    estimator's exact distribution)."""
    rng = np.random.default_rng(0)
    mdp = random_one_step_mdp(rng, 4, 3, offset=2.0)
    policy, X, theta = _policy(1, 4, 3)
    n = 40_000
    for baseline in (None, optimal_baseline(mdp, policy, theta, X)):
        prob, g = estimator_distribution(mdp, policy, theta, X, baseline)
        mean = np.einsum("sa,sak->k", prob, g)
        sq_dev = ((g - mean) ** 2).sum(-1)                     # ||g - E g||^2, (S, A)
        var_exact = float((prob * sq_dev).sum())
        samples = lr_samples(mdp, policy, theta, X, n, rng, baseline)
        se_mean = np.sqrt(np.einsum("sa,sak->k", prob, (g - mean) ** 2) / n)
        assert (np.abs(samples.mean(0) - mean) <= 5 * se_mean).all()
        se_var = np.sqrt(((prob * sq_dev**2).sum() - var_exact**2) / n)
        var_measured = ((samples - samples.mean(0)) ** 2).sum(1).mean()
        assert abs(var_measured - var_exact) <= 5 * se_var + 1e-12
# --8<-- [end:lr_sampling]


# --8<-- [start:supervised_parallel]
@given(seeds, small_sizes, small_sizes)
def test_supervised_parallel(seed, S, A):
    """Autograd of the reward-weighted NLL on sampled (s, a) is minus the LR estimate;
    weighting by 1 with actions from pi itself has expected gradient 0; with labels from
    a fixed p(y|s) it is the supervised gradient sum_s d(s) (x_bar_p(s) - x_bar_pi(s))."""
    rng = np.random.default_rng(seed)
    mdp = random_one_step_mdp(rng, S, A)
    policy, X, theta = _policy(seed, S, A)
    s = rng.choice(S, size=16, p=mdp.d)
    a = policy.sample(theta, X[s], rng)
    theta_t = torch.tensor(theta, requires_grad=True)
    log_pi = torch.log_softmax(torch.tensor(X[s]) @ theta_t, -1)[np.arange(16), a]
    (g,) = torch.autograd.grad(weighted_nll(log_pi, torch.tensor(mdp.R[s, a])), theta_t)
    lr = (policy.grad_log_pi(theta, X[s], a) * mdp.R[s, a][:, None]).mean(0)
    np.testing.assert_allclose(-g.numpy(), lr, atol=1e-12)
    pi = policy.pi(theta, X)
    np.testing.assert_allclose(supervised_gradient(policy, theta, X, mdp.d, pi), 0,
                               atol=1e-12)
    p = rng.dirichlet(np.ones(A), size=S)
    x_bar = lambda q: np.einsum("sy,syk->sk", q, X)  # noqa: E731
    np.testing.assert_allclose(supervised_gradient(policy, theta, X, mdp.d, p),
                               mdp.d @ (x_bar(p) - x_bar(pi)), atol=1e-12)
# --8<-- [end:supervised_parallel]


# ----------------------------------------------------------------------------- chapter 9

# --8<-- [start:pg_theorem_start]
@given(st.one_of(finite_mdps(), finite_mdps(episodic=True)), seeds)
def test_pg_theorem_start_state(mdp, seed):
    """grad J_1 (autograd through d0^T (I - gamma P_pi)^{-1} r_pi) equals
    sum_s eta_gamma(s) sum_a pi grad log pi Q (oracles), discounted visitation weights."""
    policy, X, theta = _policy(seed, mdp.n_states, mdp.n_actions)
    _close(pg_start(mdp, policy, theta, X), exact_gradient(j_start, mdp, theta, X))
# --8<-- [end:pg_theorem_start]


# --8<-- [start:pg_theorem_average]
@given(finite_mdps(), seeds)
def test_pg_theorem_average_reward_and_value(mdp, seed):
    """grad J_avR = sum_s d(s) sum_a pi grad log pi q_tilde (stationary d, differential q);
    J_avV = J_avR / (1 - gamma), so grad J_avV = that sum / (1 - gamma)."""
    policy, X, theta = _policy(seed, mdp.n_states, mdp.n_actions)
    _close(pg_average_reward(mdp, policy, theta, X),
           exact_gradient(j_average_reward, mdp, theta, X))
    _close(pg_average_value(mdp, policy, theta, X),
           exact_gradient(j_average_value, mdp, theta, X))
    theta_t, X_t = torch.tensor(theta), torch.tensor(X)
    J_avR, J_avV = j_average_reward(mdp, theta_t, X_t), j_average_value(mdp, theta_t, X_t)
    assert J_avV.item() == pytest.approx(J_avR.item() / (1 - mdp.gamma), rel=1e-9, abs=1e-9)
# --8<-- [end:pg_theorem_average]


@given(finite_mdps(), seeds)
def test_oracle_pieces_agree(mdp, seed):
    """The torch stationary distribution equals the oracle's; differential values satisfy
    their Bellman equation; eta_gamma sums to 1 / (1 - gamma) on a continuing task."""
    policy, X, theta = _policy(seed, mdp.n_states, mdp.n_actions)
    pi = policy.pi(theta, X)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    d = stationary_distribution_torch(torch.tensor(P_pi)).numpy()
    np.testing.assert_allclose(d, on_policy_distribution(mdp, pi), atol=1e-10)
    rho, v, q = differential_values(mdp, pi)
    np.testing.assert_allclose((pi * q).sum(1), v, atol=1e-10)  # v = sum_a pi q
    assert abs(d @ v) < 1e-10
    np.testing.assert_allclose(discounted_visitation(mdp, pi).sum(), 1 / (1 - mdp.gamma),
                               rtol=1e-10)


# --8<-- [start:avv_discounted_q]
@given(finite_mdps(), seeds)
def test_average_value_with_discounted_q_misses_the_grad_d_term(mdp, seed):
    """(1/(1-gamma)) sum_s d sum_a grad pi Q_gamma = grad J_avV - sum_s grad d(s) V(s)."""
    policy, X, theta = _policy(seed, mdp.n_states, mdp.n_actions)
    V = torch.tensor(v_pi(mdp, policy.pi(theta, X)))
    theta_t = torch.tensor(theta, requires_grad=True)
    P_pi = torch.einsum("sa,sat->st", torch.softmax(torch.tensor(X) @ theta_t, -1),
                        torch.tensor(mdp.P))
    (grad_d_V,) = torch.autograd.grad(stationary_distribution_torch(P_pi) @ V, theta_t)
    _close(pg_average_value_discounted_q(mdp, policy, theta, X),
           exact_gradient(j_average_value, mdp, theta, X) - grad_d_V.numpy())


def test_average_value_with_discounted_q_is_not_the_gradient():
    """A counterexample (seed 0): the missing term is far above rounding error."""
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(4), size=(4, 3))
    mdp = FiniteMDP(P, rng.uniform(-1, 1, (4, 3)), 0.9, np.full(4, 0.25))
    policy, X, theta = _policy(0, 4, 3)
    exact = exact_gradient(j_average_value, mdp, theta, X)
    naive = pg_average_value_discounted_q(mdp, policy, theta, X)
    assert np.abs(naive - exact).max() > 1e-3 * np.abs(exact).max()
# --8<-- [end:avv_discounted_q]


def _jacobian_fd(f, theta, h=1e-5):
    cols = []
    for j in range(len(theta)):
        e = np.zeros_like(theta)
        e[j] = h
        cols.append((f(theta + e) - f(theta - e)) / (2 * h))
    return np.stack(cols, axis=1)


# --8<-- [start:dropped_gamma]
@given(finite_mdps(episodic=True), seeds)
def test_dropping_gamma_t_is_exact_only_when_gamma_is_one(mdp, seed):
    """sum_s eta_1(s) sum_a grad pi Q (no gamma^t) equals grad J_1 when gamma = 1."""
    mdp = FiniteMDP(mdp.P, mdp.R, 1.0, mdp.d0)
    policy, X, theta = _policy(seed, mdp.n_states, mdp.n_actions)
    _close(dropped_discount_direction(mdp, policy, theta, X),
           exact_gradient(j_start, mdp, theta, X))


def test_dropping_gamma_t_is_not_a_gradient():
    """gamma = 0.5 (seed 3): the field differs from grad J_1, and its Jacobian is not
    symmetric, so it is the gradient of no function; the Hessian of J_1 is symmetric."""
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(4), size=(4, 2)) * 0.8
    mdp = FiniteMDP(P, rng.uniform(-1, 1, (4, 2)), 0.5, np.array([1.0, 0, 0, 0]))
    policy, X, theta = _policy(3, 4, 2, d=3)
    field = lambda t: dropped_discount_direction(mdp, policy, t, X)  # noqa: E731
    grad = lambda t: pg_start(mdp, policy, t, X)  # noqa: E731
    assert np.abs(field(theta) - grad(theta)).max() > 1e-2 * np.abs(grad(theta)).max()
    H, Jf = _jacobian_fd(grad, theta), _jacobian_fd(field, theta)
    assert np.abs(H - H.T).max() < 1e-7
    assert np.abs(Jf - Jf.T).max() > 1e-3
# --8<-- [end:dropped_gamma]


@given(seeds, small_sizes, small_sizes)
def test_ascent_first_step_goes_up_and_is_seeded(seed, S, A):
    """A small exact-gradient step increases J (J(theta + a g) - J = a |g|^2 + O(a^2));
    same seed, same curve."""
    rng = np.random.default_rng(seed)
    mdp = random_one_step_mdp(rng, S, A)
    policy, X, theta = _policy(seed, S, A)
    g = one_step_gradient(mdp, policy, theta, X)
    J = one_step_ascent(mdp, policy, X, AscentConfig(steps=1, alpha=1e-4, gradient="exact"),
                        rng, theta0=theta)
    assert J[1] - J[0] >= 0.5e-4 * (g @ g) - 1e-15
    config = AscentConfig(steps=5, batch=3)
    runs = [one_step_ascent(mdp, policy, X, config, np.random.default_rng(seed))
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])


def test_bad_input():
    rng = np.random.default_rng(0)
    mdp = random_one_step_mdp(rng, 3, 2)
    policy, X, theta = _policy(0, 3, 2)
    with pytest.raises(ValueError, match=r"baseline b\(s\) must have shape"):
        lr_samples(mdp, policy, theta, X, 10, rng, baseline=np.zeros(2))
    with pytest.raises(ValueError, match="baseline must contain only finite"):
        estimator_distribution(mdp, policy, theta, X, baseline=np.array([0, np.nan, 0]))
    with pytest.raises(ValueError, match="X .* must have shape"):
        one_step_j(mdp, policy, theta, X[:2])
    with pytest.raises(ValueError, match="d must sum to 1"):
        OneStepMDP(np.array([0.5, 0.6]), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="n must be an integer"):
        lr_samples(mdp, policy, theta, X, 0, rng)
    episodic = FiniteMDP(np.full((3, 2, 3), 0.3), np.zeros((3, 2)), 0.9, np.ones(3) / 3)
    with pytest.raises(ValueError, match="continuing task"):
        pg_average_reward(episodic, policy, theta, X)
    continuing = FiniteMDP(np.full((3, 2, 3), 1 / 3), np.zeros((3, 2)), 1.0, np.ones(3) / 3)
    with pytest.raises(ValueError, match="gamma < 1"):
        pg_average_value(continuing, policy, theta, X)
    with pytest.raises(ValueError, match="gradient must be"):
        one_step_ascent(mdp, policy, X, AscentConfig(gradient="adam"), rng)
    with pytest.raises(ValueError, match="alpha must be"):
        one_step_ascent(mdp, policy, X, AscentConfig(alpha=-1.0), rng)
    with pytest.raises(DivergenceError, match="diverged at step 0"):
        one_step_ascent(mdp, policy, X, AscentConfig(alpha=1e12, gradient="exact"), rng,
                        theta0=np.ones(3))
    with pytest.raises(ValueError, match="p_label must sum to 1"):
        supervised_gradient(policy, theta, X, mdp.d, np.full((3, 2), 0.4))


def test_figures_quick(tmp_path):
    """Every figure/table function of the chapter runs (quick mode) and writes its file;
    in the generated theorem table the theorem's rows agree with autograd."""
    from fa_book.figures import figure_functions

    written = []
    for func in figure_functions("policy_gradient"):
        for path in func(tmp_path / "figures", quick=True):
            assert path.is_file() and path.stat().st_size > 0
            written.append(path.name)
    assert {"policy_gradient_variance.png", "policy_gradient_theorem.md"} <= set(written)
    rows = (tmp_path / "results" / "policy_gradient_theorem.md").read_text().splitlines()[2:]
    exact = [r for r in rows if "theorem" in r or r"differential $\tilde q$" in r]
    assert len(exact) == 4
    for row in exact:  # round-off is written as a bound ("< 1e-13")
        assert row.split("|")[-2].strip() == "< 1e-13", row


# --8<-- [start:average_over_steps]
def _layered_episodes(theta, r_stop, r_go):
    """Every episode of a 4-layer MDP, exactly: in layer s (0..3) action 0 stops with
    reward r_stop[s] and action 1 goes on to layer s+1 with reward r_go[s] (from layer 3 it
    ends too). Tabular softmax policy theta[s, a]. Yields (probability, T, g) with
    g = sum_t grad log pi(A_t|S_t) G_t (gamma = 1)."""
    pi = np.exp(theta - theta.max(1, keepdims=True))
    pi /= pi.sum(1, keepdims=True)
    for last in range(4):                          # the layer where the episode ends
        for a_last in ((0, 1) if last == 3 else (0,)):
            actions = [1] * last + [a_last]
            rewards = [r_go[s] if a else r_stop[s] for s, a in enumerate(actions)]
            G = np.cumsum(rewards[::-1])[::-1]     # G_t, undiscounted
            g, p = np.zeros_like(theta), 1.0
            for s, a in enumerate(actions):
                p *= pi[s, a]
                score = -pi[s].copy()
                score[a] += 1.0                    # grad of log pi(a|s) w.r.t. theta[s]
                g[s] += score * G[s]
            yield p, len(actions), g


def test_averaging_each_episode_over_its_length_changes_the_direction():
    """Dividing the score sum by a constant only rescales the policy gradient; dividing
    each episode's sum by its own random length T reweights episodes by 1/T, and the
    expected update is no longer parallel to the gradient."""
    rng = np.random.default_rng(4)
    theta = rng.normal(size=(4, 2))
    r_stop, r_go = np.array([0.0, 2.0, 1.0, 3.0]), np.array([1.0, 0.5, 1.5, 0.2])
    eps = list(_layered_episodes(theta, r_stop, r_go))
    assert abs(sum(p for p, _, _ in eps) - 1.0) < 1e-12
    g_sum = sum(p * g for p, _, g in eps)
    g_avg = sum(p * g / T for p, T, g in eps)

    def J(th):  # expected return: reach layer s, then stop there or go on
        pi = np.exp(th - th.max(1, keepdims=True))
        pi /= pi.sum(1, keepdims=True)
        reach = np.cumprod(np.r_[1.0, pi[:3, 1]])  # probability of reaching layer s
        return float((reach * (pi[:, 0] * r_stop + pi[:, 1] * r_go)).sum())

    h = 1e-6
    fd = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        e = np.zeros_like(theta)
        e[idx] = h
        fd[idx] = (J(theta + e) - J(theta - e)) / (2 * h)
    np.testing.assert_allclose(g_sum, fd, atol=1e-7)      # the sum is the gradient
    np.testing.assert_allclose(sum(p * g / 4 for p, _, g in eps), fd / 4, atol=1e-7)
    cos = (g_avg * fd).sum() / np.linalg.norm(g_avg) / np.linalg.norm(fd)
    assert cos < 0.999                                    # a different direction
    ratios = g_avg[:, 1] / fd[:, 1]                       # one scale per layer, not one
    assert ratios.max() - ratios.min() > 0.5
    assert (ratios < 0).any()                             # one component changes sign
# --8<-- [end:average_over_steps]
