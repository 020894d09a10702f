"""REINFORCE: the expected update by enumeration against the exact gradient, the baseline,
the gamma^t factor, the short corridor against its exact MDP, CartPole, bad input."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st

import fa_book  # noqa: F401  (registers fa_book/ShortCorridor-v0)
from fa_book.envs import ShortCorridor, short_corridor_mdp
from fa_book.oracles import FiniteMDP, v_pi
from fa_book.policies import SoftmaxLinearPolicy, tabular_features
from fa_book.policy_gradient import dropped_discount_direction, exact_gradient, j_start
from fa_book.prediction import returns
from fa_book.reinforce import (
    expected_reinforce_update,
    learned_baseline,
    optimal_corridor_policy,
    reinforce_loss,
    reinforce_update,
    sample_corridor_updates,
)
from fa_book.reinforce_runs import (
    CARTPOLE_SEEDS,
    CHECK_SEEDS,
    HELDOUT_SEEDS,
    TRAIN_RESET_SEEDS,
    TUNING_EVAL_SEEDS,
    TUNING_RUN_SEEDS,
    CartPoleConfig,
    CorridorConfig,
    cartpole_streams,
    check_seeds,
    corridor_reinforce,
    greedy_return,
    reinforce_cartpole,
)
from fa_book.validate import DivergenceError
from tests.strategies import seeds


def layered_mdp(rng: np.random.Generator, width: int, n_actions: int, horizon: int,
                gamma: float) -> FiniteMDP:
    """A random MDP whose states come in `horizon` layers; layer k leads to layer k+1 and
    the last layer ends the episode, so every episode lasts exactly `horizon` steps."""
    S = width * horizon
    P = np.zeros((S, n_actions, S))
    for k in range(horizon - 1):
        rows = rng.dirichlet(np.ones(width), size=(width, n_actions))
        P[k * width:(k + 1) * width, :, (k + 1) * width:(k + 2) * width] = rows
    R = rng.uniform(-1, 1, (S, n_actions))
    d0 = np.zeros(S)
    d0[:width] = rng.dirichlet(np.ones(width))
    return FiniteMDP(P, R, gamma, d0)


def _setup(seed, gamma, horizon=3, width=2, n_actions=2):
    rng = np.random.default_rng(seed)
    mdp = layered_mdp(rng, width, n_actions, horizon, gamma)
    X = tabular_features(mdp.n_states, n_actions)
    policy = SoftmaxLinearPolicy(X.shape[-1], n_actions)
    theta = rng.uniform(-2, 2, policy.n_params)
    return rng, mdp, X, policy, theta


# --8<-- [start:expected_update]
@given(seeds, st.floats(0.0, 1.0))
def test_expected_update_is_the_exact_gradient(seed, gamma):
    r"""E[sum_t gamma^t G_t grad log pi(A_t|S_t)], summed over every episode, = grad J."""
    _, mdp, X, policy, theta = _setup(seed, gamma)
    expected = expected_reinforce_update(mdp, policy, theta, X, horizon=3)
    exact = exact_gradient(j_start, mdp, theta, X)  # autograd through closed-form J
    np.testing.assert_allclose(expected, exact, rtol=1e-9, atol=1e-12)
# --8<-- [end:expected_update]


# --8<-- [start:gamma_t]
@given(seeds, st.floats(0.1, 0.9))
def test_dropping_gamma_t_changes_the_expected_update(seed, gamma):
    """Without gamma^t (the notes' update) the expectation is the undiscounted-visitation
    direction of fa_book.policy_gradient, which is not grad J when gamma < 1."""
    _, mdp, X, policy, theta = _setup(seed, gamma)
    no_gamma_t = expected_reinforce_update(mdp, policy, theta, X, horizon=3,
                                           discount_weight=False)
    np.testing.assert_allclose(no_gamma_t, dropped_discount_direction(mdp, policy, theta, X),
                               rtol=1e-9, atol=1e-12)
    exact = exact_gradient(j_start, mdp, theta, X)
    # the layer-2 scores enter with weight 1 instead of gamma^2: a visible difference
    assert np.linalg.norm(no_gamma_t - exact) > 1e-3 * np.linalg.norm(exact)
# --8<-- [end:gamma_t]


def test_gamma_t_and_return_placement_by_hand():
    """T = 2, rewards (1, 1), gamma = 1/2: G = (1.5, 1) and the weights are (1, 1/2)."""
    g = np.array([[1.0, 0.0], [0.0, 1.0]])
    out = reinforce_update(g, [1.0, 1.0], alpha=0.1, gamma=0.5)
    np.testing.assert_allclose(out, 0.1 * np.array([1.0 * 1.5, 0.5 * 1.0]))
    np.testing.assert_allclose(returns([1.0, 1.0], 0.5), [1.5, 1.0])
    out = reinforce_update(g, [1.0, 1.0], alpha=0.1, gamma=0.5, discount_weight=False)
    np.testing.assert_allclose(out, 0.1 * np.array([1.5, 1.0]))


# --8<-- [start:baseline_unbiased]
@given(seeds, st.floats(0.0, 1.0), st.floats(-10, 10))
def test_baseline_leaves_the_expected_update_unchanged(seed, gamma, scale):
    """Any fixed b(s) (a function of the state only) gives the same expectation, exactly.
    This covers a fixed baseline only; the box's learned baseline, which moves inside the
    episode, is test_in_episode_learned_baseline_is_biased_by_order_alpha_w."""
    rng, mdp, X, policy, theta = _setup(seed, gamma)
    b = scale * rng.standard_normal(mdp.n_states)
    without = expected_reinforce_update(mdp, policy, theta, X, horizon=3)
    with_b = expected_reinforce_update(mdp, policy, theta, X, horizon=3, baseline=b)
    np.testing.assert_allclose(with_b, without, rtol=1e-9, atol=1e-10)
# --8<-- [end:baseline_unbiased]


# --8<-- [start:learned_baseline_bias]
@given(seeds, st.floats(0.5, 1.0))
def test_in_episode_learned_baseline_is_biased_by_order_alpha_w(seed, gamma):
    r"""Exact enumeration, theta held fixed: the box's baseline b_t = w_t, moved by the
    episode's own earlier returns, shifts the expected update by a term proportional to
    alpha_w (halving alpha_w halves the gap); frozen within the episode it gives exactly
    grad J, whatever alpha_w and the starting w."""
    rng, mdp, X, policy, theta = _setup(seed, gamma)
    w0 = float(rng.uniform(-1, 1))
    exact = exact_gradient(j_start, mdp, theta, X)

    def expected(alpha_w, updates):
        return expected_reinforce_update(
            mdp, policy, theta, X, horizon=3,
            baseline=lambda G: learned_baseline(G, w0, alpha_w, updates=updates)[0])

    gaps = []
    for alpha_w in (2.0**-4, 2.0**-5, 2.0**-6):
        np.testing.assert_allclose(expected(alpha_w, "after_episode"), exact,
                                   rtol=1e-9, atol=1e-12)
        gaps.append(np.linalg.norm(expected(alpha_w, "in_episode") - exact))
    assert gaps[0] > 1e-3 * np.linalg.norm(exact) + 1e-9  # visibly biased
    for big, small in zip(gaps[:-1], gaps[1:], strict=True):
        assert 1.7 < big / small < 2.3  # O(alpha_w): half the step, half the gap
# --8<-- [end:learned_baseline_bias]


# --8<-- [start:baseline_variance]
def test_baseline_reduces_variance_on_the_short_corridor():
    r"""Same episodes, b = v_pi(s_0): both sample means are within 5 standard errors of
    the exact gradient, and the variance of the update drops."""
    p, n = 0.4, 3000
    mdp = short_corridor_mdp()
    b = v_pi(mdp, np.tile([1 - p, p], (3, 1)))[0]
    plain, theta = sample_corridor_updates(p, n, np.random.default_rng(1))
    based, _ = sample_corridor_updates(p, n, np.random.default_rng(1), baseline=b)
    X = np.tile(np.array([[0.0, 1.0], [1.0, 0.0]]), (3, 1, 1))
    exact = exact_gradient(j_start, mdp, theta, X)
    for sample in (plain, based):
        se = sample.std(0, ddof=1) / np.sqrt(n)
        assert np.all(np.abs(sample.mean(0) - exact) < 5 * se)
    var_plain, var_based = plain.var(0, ddof=1).sum(), based.var(0, ddof=1).sum()
    assert var_based < 0.5 * var_plain
# --8<-- [end:baseline_variance]


# --8<-- [start:corridor_env]
def test_short_corridor_env_matches_its_mdp():
    """Every (state, action) of the gymnasium env steps where the exact MDP says."""
    env = ShortCorridor()
    check_env(env, skip_render_check=True)
    mdp = short_corridor_mdp()
    for s in range(3):
        for a in range(2):
            env.reset(seed=0, options={"start": s})
            s_next, r, terminated, truncated, _ = env.step(a)
            assert r == mdp.R[s, a] and not truncated
            if terminated:
                assert s_next == 3 and mdp.P[s, a].sum() == 0.0
            else:
                assert mdp.P[s, a, s_next] == 1.0
    assert gym.make("fa_book/ShortCorridor-v0").unwrapped.max_episode_steps == 1000
# --8<-- [end:corridor_env]


def test_optimal_corridor_policy_matches_the_closed_form():
    """v(s0) = (2p - 4) / (p (1 - p)) is maximal at p = 2 - sqrt 2, v* = -(6 + 4 sqrt 2)."""
    p_star, v_star = optimal_corridor_policy()
    assert p_star == pytest.approx(2 - np.sqrt(2), abs=1e-6)
    assert v_star == pytest.approx(-(6 + 4 * np.sqrt(2)), abs=1e-9)


# --8<-- [start:vectorized]
@pytest.mark.parametrize(("alpha_w", "updates"), [(None, "in_episode"),
                         (2.0**-6, "in_episode"), (2.0**-6, "after_episode")])
def test_vectorized_corridor_equals_the_generic_update(alpha_w, updates):
    """One trial of corridor_reinforce (theta held fixed within the episode) gives the
    same policy as reinforce_update with the softmax scores of fa_book.policies and the
    baselines of learned_baseline (moving inside the episode, or frozen)."""
    gamma, alpha = 0.9, 2.0**-9
    cfg = CorridorConfig(alpha_theta=alpha, alpha_w=alpha_w, gamma=gamma, n_trials=1,
                         n_episodes=4, in_place=False, min_prob=0.0, p_right0=0.3,
                         baseline_updates=updates)
    run = corridor_reinforce(cfg, np.random.default_rng(7))[0]
    rng, policy = np.random.default_rng(7), SoftmaxLinearPolicy(2, 2)
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    h = np.log(0.3 / 0.7)
    theta, w = np.array([h / 2, -h / 2]), 0.0
    env = ShortCorridor()
    for episode in range(4):
        p = policy.pi(theta, X)[1]
        assert run.p_right[0, episode] == pytest.approx(p, rel=1e-12)
        env.reset()
        actions, done = [], False
        while not done:
            a = int(rng.random(1)[0] < p)
            done = env.step(a)[2]
            actions.append(a)
        T = len(actions)
        assert run.returns[0, episode] == -T
        b = np.zeros(T)
        if alpha_w is not None:
            b, w = learned_baseline(returns(-np.ones(T), gamma), w, alpha_w, updates=updates)
        scores = policy.grad_log_pi(theta, np.broadcast_to(X, (T, 2, 2)), np.array(actions))
        theta = theta + reinforce_update(scores, -np.ones(T), alpha=alpha, gamma=gamma,
                                         baseline=b)
# --8<-- [end:vectorized]


def test_in_place_and_held_updates_differ_by_order_alpha_squared():
    """The box's step-by-step update and the held-theta update agree to O(alpha^2)."""
    gaps = []
    for alpha in (2.0**-10, 2.0**-12):
        # same seed, so both see the same first episodes; they differ only in the update
        runs = [corridor_reinforce(CorridorConfig(alpha_theta=alpha, n_trials=20, n_episodes=2,
                                                  in_place=ip, min_prob=0.0, p_right0=0.3),
                                   np.random.default_rng(3))[0] for ip in (True, False)]
        gaps.append(np.abs(runs[0].p_right[:, 1] - runs[1].p_right[:, 1]).max())
    assert 0 < gaps[1] < gaps[0] / 8  # alpha / 4 -> gap / 16 for an O(alpha^2) term


def test_corridor_learns_towards_the_optimum_and_is_reproducible():
    cfg = CorridorConfig(alpha_theta=2.0**-11, n_trials=20, n_episodes=200)
    a = corridor_reinforce(cfg, np.random.default_rng(0))[0]
    b = corridor_reinforce(cfg, np.random.default_rng(0))[0]
    np.testing.assert_array_equal(a.returns, b.returns)
    p_star, v_star = optimal_corridor_policy()
    # starts near v(p=0.05) = -82; the last 50 x 20 episodes average within 50% of v*
    # (their standard error is about 0.5)
    assert a.returns[:, :5].mean() < 3 * v_star
    assert a.returns[:, -50:].mean() > 1.5 * v_star
    assert abs(a.p_right[:, -1].mean() - p_star) < 0.2


def test_corridor_without_floor_diverges_loudly():
    """No probability floor and a large step: some trial's policy turns (nearly)
    deterministic, its episode never ends, and the run raises instead of hanging."""
    cfg = CorridorConfig(alpha_theta=2.0**-4, min_prob=0.0, n_trials=20, n_episodes=100,
                         max_steps=5000)
    with pytest.raises(DivergenceError):
        corridor_reinforce(cfg, np.random.default_rng(0))


def test_bad_input():
    g = np.zeros((3, 2))
    with pytest.raises(ValueError, match="baseline"):
        reinforce_update(g, np.zeros(3), alpha=0.1, gamma=0.9, baseline=np.zeros(2))
    with pytest.raises(ValueError, match="baseline"):
        reinforce_update(g, np.zeros(3), alpha=0.1, gamma=0.9, baseline=[0.0, np.nan, 0.0])
    with pytest.raises(ValueError, match="rewards"):
        reinforce_update(g, np.zeros(4), alpha=0.1, gamma=0.9)
    with pytest.raises(ValueError, match="grad_log_pi"):
        reinforce_update(np.zeros(3), np.zeros(3), alpha=0.1, gamma=0.9)
    with pytest.raises(ValueError, match="alpha"):
        reinforce_update(g, np.zeros(3), alpha=0.0, gamma=0.9)
    with pytest.raises(ValueError, match="gamma"):
        reinforce_update(g, np.zeros(3), alpha=0.1, gamma=1.5)
    _, mdp, X, policy, theta = _setup(0, 0.9)
    with pytest.raises(ValueError, match="baseline"):
        expected_reinforce_update(mdp, policy, theta, X, 3, baseline=np.zeros(2))
    with pytest.raises(ValueError, match="horizon"):
        expected_reinforce_update(mdp, policy, theta, X, horizon=2)
    with pytest.raises(ValueError, match="alpha_theta"):
        corridor_reinforce(CorridorConfig(alpha_theta=-1.0), np.random.default_rng(0))
    with pytest.raises(ValueError, match="min_prob"):
        corridor_reinforce(CorridorConfig(min_prob=0.5), np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_episodes"):
        corridor_reinforce([CorridorConfig(), CorridorConfig(n_episodes=5)],
                           np.random.default_rng(0))
    env = ShortCorridor()
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action"):
        env.step(2)
    with pytest.raises(ValueError, match="p_right"):
        sample_corridor_updates(1.0, 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match="psi"):
        reinforce_loss(torch.zeros(3), torch.zeros(4), 1)
    with pytest.raises(ValueError, match="baseline"):
        reinforce_cartpole(CartPoleConfig(baseline="mean"))
    with pytest.raises(ValueError, match="lr"):
        reinforce_cartpole(CartPoleConfig(lr=float("nan")))
    with pytest.raises(ValueError, match="lr_w"):
        reinforce_cartpole(CartPoleConfig(baseline="value", lr_w=0.0))


def test_reinforce_loss_gradient_is_the_reinforce_direction():
    """-grad L = (1/N) sum_t psi_t grad log pi(A_t|S_t), against the closed-form scores."""
    rng = np.random.default_rng(0)
    policy = SoftmaxLinearPolicy(3, 2)
    theta, x = rng.standard_normal(3), rng.standard_normal((5, 2, 3))
    a, psi = rng.integers(0, 2, 5), rng.standard_normal(5)
    theta_t = torch.tensor(theta, requires_grad=True)
    log_pi = torch.log_softmax(torch.tensor(x) @ theta_t, -1)[np.arange(5), a]
    reinforce_loss(log_pi, torch.tensor(psi), n_episodes=2).backward()
    expected = (psi[:, None] * policy.grad_log_pi(theta, x, a)).sum(0) / 2
    np.testing.assert_allclose(-theta_t.grad.numpy(), expected, rtol=1e-12, atol=1e-12)


# --8<-- [start:cartpole]
def test_cartpole_learns_from_a_random_start():
    """Seed 0: the initial (near-uniform) policy's greedy mean is under 50; REINFORCE
    meets the stop rule (a check on fresh seeds reaching 475) within 200 episodes, and the
    policy it stops with holds a greedy mean of at least 450 on the 100 held-out seeds,
    which an update with a wrong sign, a missing return or a wrong action index cannot
    do."""
    from fa_book.policies import CategoricalMLP

    cfg = CartPoleConfig(max_episodes=200, seed=0)
    init = cartpole_streams(cfg.seed).policy_init  # the run's initial network
    initial = CategoricalMLP(4, 2, cfg.hidden, seed=init)
    assert greedy_return(initial, check_seeds(cfg.seed, 0, cfg.eval_episodes)) < 50
    run = reinforce_cartpole(cfg)
    assert run.solved_at is not None and run.eval_returns[-1] >= cfg.target
    assert len(run.heldout_returns) == len(HELDOUT_SEEDS) and run.heldout_mean >= 450
# --8<-- [end:cartpole]


@pytest.mark.parametrize("baseline", ["normalize", "loo", "value"])
def test_cartpole_same_seed_same_numbers(baseline):
    cfg = CartPoleConfig(max_episodes=20, stop_when_solved=False, seed=3, baseline=baseline,
                         heldout_episodes=5)
    a, b = reinforce_cartpole(cfg), reinforce_cartpole(cfg)
    np.testing.assert_array_equal(a.train_returns, b.train_returns)
    np.testing.assert_array_equal(a.eval_returns, b.eval_returns)
    np.testing.assert_array_equal(a.heldout_returns, b.heldout_returns)


# --8<-- [start:loo_weights]
def test_cartpole_loo_weights_are_the_returns_minus_the_other_episodes():
    """baseline="loo" with a batch of 2: episode 1's weight at step t is G_t minus the other
    episode's G_t (0 once it has ended), checked by spying on the loss's psi."""
    import fa_book.reinforce_runs as runs

    seen, loss = [], runs.reinforce_loss

    def spy_loss(log_pi, psi, n_episodes):
        seen.append(psi.numpy().astype(float))
        return loss(log_pi, psi, n_episodes)

    cfg = CartPoleConfig(baseline="loo", max_episodes=2, heldout_episodes=0, seed=2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runs, "reinforce_loss", spy_loss)
        run = reinforce_cartpole(cfg)
    T1, T2 = (int(r) for r in run.train_returns)  # reward 1 per step
    G1, G2 = returns(np.ones(T1), cfg.gamma), returns(np.ones(T2), cfg.gamma)
    G1p, G2p = np.zeros(max(T1, T2)), np.zeros(max(T1, T2))
    G1p[:T1], G2p[:T2] = G1, G2
    want = np.r_[G1 - G2p[:T1], G2 - G1p[:T2]]
    np.testing.assert_allclose(seen[0], want, rtol=1e-6, atol=1e-4)  # psi is float32
# --8<-- [end:loo_weights]


def test_cartpole_env_and_policy_use_different_streams(monkeypatch):
    """The seeding rule: the training env's reset seed, the action generator, the check
    seeds and the networks' torch generators are derived from the config's seed as
    separate `[seed, k]` streams with k >= 1 (`[seed, 0]` would be the raw seed's stream);
    the env is never reset with the seed itself, and the reset stream's numbers are not
    the action stream's."""
    import fa_book.reinforce_runs as runs

    seed = 4
    streams = cartpole_streams(seed)
    env_seeds = {streams.env_reset}
    torch_seeds = {streams.policy_init, streams.value_init}
    assert len(torch_seeds) == 2 and not env_seeds & torch_seeds and seed not in env_seeds
    raw = np.random.default_rng(seed)  # == default_rng([seed, 0]): no consumer may take it
    assert raw.integers(0, 2**63) not in torch_seeds
    for k, value in ((1, streams.policy_init), (2, streams.value_init)):
        assert value == np.random.default_rng([seed, k]).integers(0, 2**63)
    u_env = np.random.default_rng(streams.env_reset).random(1000)
    u_act = cartpole_streams(seed).actions.random(1000)
    assert abs(np.corrcoef(u_env, u_act)[0, 1]) < 0.15  # 4.7 sigma for 1000 pairs
    assert not np.array_equal(np.random.default_rng(seed).random(1000), u_act)
    # the driver really resets the training env with that seed, and only once
    resets, make = [], gym.make

    def spy_make(name, **kwargs):
        env = make(name, **kwargs)
        reset = env.reset

        def spy_reset(*, seed=None, options=None):
            resets.append((name, seed))
            return reset(seed=seed, options=options)

        env.reset = spy_reset
        return env

    monkeypatch.setattr(runs.gym, "make", spy_make)
    cfg = CartPoleConfig(max_episodes=3, eval_every=10**6, seed=seed, heldout_episodes=0)
    reinforce_cartpole(cfg)
    seeded = [s for _, s in resets if s is not None]
    assert seeded == [streams.env_reset] and len(resets) == 3


# --8<-- [start:heldout]
def test_heldout_seeds_are_disjoint_from_training_checks_and_tuning(monkeypatch):
    """Every reset seed a run uses, spied on: the training env's one seed, the checks'
    seeds (fresh at every check, none reused), and the held-out seeds, used only at the
    end and exactly the 100 HELDOUT_SEEDS; the three sets (and the tuning evaluation
    seeds) are disjoint, by their ranges and in the run; tuning runs never use a
    reported seed."""
    import fa_book.reinforce_runs as runs

    assert len(set(HELDOUT_SEEDS)) == 100
    for s in HELDOUT_SEEDS:
        assert s not in TRAIN_RESET_SEEDS and s not in CHECK_SEEDS
        assert s not in TUNING_EVAL_SEEDS
    assert not set(TUNING_RUN_SEEDS) & set(CARTPOLE_SEEDS)
    resets, make = [], gym.make

    def spy_make(name, **kwargs):
        env = make(name, **kwargs)
        reset = env.reset

        def spy_reset(*, seed=None, options=None):
            resets.append(seed)
            return reset(seed=seed, options=options)

        env.reset = spy_reset
        return env

    monkeypatch.setattr(runs.gym, "make", spy_make)
    for seed in (0, 1):
        resets.clear()
        cfg = CartPoleConfig(max_episodes=30, eval_every=5, seed=seed, stop_when_solved=False)
        reinforce_cartpole(cfg)
        seeded = [s for s in resets if s is not None]
        train, rest = seeded[0], seeded[1:]
        checks, heldout = rest[:-len(HELDOUT_SEEDS)], rest[-len(HELDOUT_SEEDS):]
        assert train == cartpole_streams(seed).env_reset and train in TRAIN_RESET_SEEDS
        assert heldout == list(HELDOUT_SEEDS)
        assert len(checks) == 6 * cfg.eval_episodes == len(set(checks))  # never reused
        assert all(s in CHECK_SEEDS for s in checks)
        assert not ({train} | set(checks)) & set(HELDOUT_SEEDS)
        assert checks == [s for i in range(6) for s in check_seeds(seed, i, cfg.eval_episodes)]
# --8<-- [end:heldout]


def test_numpy_acting_matches_the_torch_network():
    """The numpy forward pass that acts (nets.linear_layers + numpy_forward) gives the
    torch network's logits: to rounding in float32, to 1e-12 in float64."""
    from fa_book.nets import linear_layers, numpy_forward
    from fa_book.policies import CategoricalMLP

    obs = np.random.default_rng(0).uniform(-2, 2, (50, 4))
    for dtype, tol in ((torch.float32, 1e-5), (torch.float64, 1e-12)):
        net = CategoricalMLP(4, 2, (32, 7), seed=1, out_scale=1.0, dtype=dtype)
        with torch.no_grad():
            want = net(torch.as_tensor(obs, dtype=dtype)).numpy()
        got = numpy_forward(linear_layers(net, dtype=np.float64), obs, np.tanh)
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_figures_quick(tmp_path):
    from fa_book.figures import figure_functions

    (tmp_path / "figures").mkdir()
    for func in figure_functions("reinforce"):
        for path in func(tmp_path / "figures", quick=True):
            assert path.is_file() and path.stat().st_size > 0


# --8<-- [start:batch_standardization]
def test_batch_standardized_returns_are_biased_and_leave_one_out_is_not():
    """Exact enumeration over every batch of B = 3 one-step episodes of a 3-armed bandit
    with a softmax policy: the leave-one-out baseline gives exactly the policy gradient;
    subtracting the batch mean (which holds G_i itself) shrinks it by (1 - 1/B); dividing
    by the batch's standard deviation as well changes its direction."""
    import itertools

    from fa_book.reinforce import leave_one_out_baseline

    theta, r, B = np.array([0.3, -0.2, 0.1]), np.array([1.0, 2.0, 4.0]), 3
    pi = np.exp(theta) / np.exp(theta).sum()
    grad_J = pi * (r - pi @ r)                    # d/dtheta of sum_a pi(a) r(a)
    score = np.eye(3) - pi                        # row a: grad log pi(a)
    plain, loo, centred, standardized = (np.zeros(3) for _ in range(4))
    for actions in itertools.product(range(3), repeat=B):
        p, G = np.prod(pi[list(actions)]), r[list(actions)]
        s = score[list(actions)]                  # (B, 3)
        plain += p * (s * G[:, None]).mean(0)
        loo += p * (s * (G - leave_one_out_baseline(G))[:, None]).mean(0)
        centred += p * (s * (G - G.mean())[:, None]).mean(0)
        sd = G.std()
        if sd > 0:                                # a batch of equal returns adds nothing
            standardized += p * (s * ((G - G.mean()) / sd)[:, None]).mean(0)
    np.testing.assert_allclose(plain, grad_J, atol=1e-12)
    np.testing.assert_allclose(loo, grad_J, atol=1e-12)            # unbiased
    np.testing.assert_allclose(centred, (1 - 1 / B) * grad_J, atol=1e-12)
    cos = standardized @ grad_J / np.linalg.norm(standardized) / np.linalg.norm(grad_J)
    assert cos < 0.999                                             # another direction
    assert np.sign(standardized[1]) != np.sign(grad_J[1])          # arm 2: the wrong way
# --8<-- [end:batch_standardization]
