"""Action values and control: policies, one-step updates, exact expected updates,
approximate policy iteration, and the Mountain Car runners."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fa_book.control import (
    approximate_policy_iteration,
    epsilon_greedy_probs,
    expected_sarsa_step,
    expected_update,
    q_hat,
    q_learning_step,
    sarsa_fixed_point,
    sarsa_step,
    select_action,
    softmax_probs,
    stacked_feature,
    stacked_features,
)
from fa_book.control_runs import (
    MountainCarConfig,
    mountain_car_coder,
    mountain_car_sarsa,
    mountain_car_sarsa_single,
)
from fa_book.discretize import MountainCarBatch
from fa_book.figures import figure_functions
from fa_book.oracles import on_policy_distribution, q_pi, random_mdp, v_pi
from fa_book.validate import DivergenceError
from tests.strategies import finite_mdps, logits, policies_for, seeds

epsilons = st.floats(0.0, 1.0)


# ---------------------------------------------------------------------------- policies

# --8<-- [start:epsilon_greedy]
@given(st.integers(2, 6).flatmap(lambda A: logits((A,))), epsilons)
def test_epsilon_greedy_unique_maximum(q, epsilon):
    pi = epsilon_greedy_probs(q, epsilon)
    A = q.size
    assert pi.sum() == pytest.approx(1.0, abs=1e-12)
    assert pi[np.argmax(q)] == pytest.approx(1 - epsilon + epsilon / A, abs=1e-12)
    assert np.allclose(np.delete(pi, np.argmax(q)), epsilon / A)


@given(st.lists(st.integers(-2, 2), min_size=2, max_size=6), epsilons)
def test_epsilon_greedy_ties_share_the_greedy_mass(q, epsilon):
    q = np.array(q, dtype=float)
    pi = epsilon_greedy_probs(q, epsilon)
    A, tied = q.size, q == q.max()
    k = tied.sum()
    assert pi.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(pi[tied], (1 - epsilon) / k + epsilon / A)
    assert np.allclose(pi[~tied], epsilon / A)
# --8<-- [end:epsilon_greedy]


@given(st.lists(st.integers(-2, 2), min_size=2, max_size=5), st.floats(0.0, 0.999))
def test_select_action_samples_epsilon_greedy_exactly(q, epsilon):
    """The probability of each action under `select_action`, computed exactly: u_0 only
    decides explore (u_0 < eps) or not, and within each branch u_1 picks the action on
    equal-width intervals, so midpoints of a grid fine enough to resolve every interval
    give the exact fractions."""
    q = np.array([q], dtype=float)
    A = q.shape[1]
    M = 60 * A                                  # a multiple of A and of every tie count k
    u1 = (np.arange(M) + 0.5) / M
    explore = select_action(np.repeat(q, M, 0), epsilon, np.c_[np.zeros(M), u1])
    greedy = select_action(np.repeat(q, M, 0), epsilon, np.c_[np.full(M, 0.9995), u1])
    p = (epsilon * np.bincount(explore, minlength=A)
         + (1 - epsilon) * np.bincount(greedy, minlength=A)) / M
    assert np.allclose(p, epsilon_greedy_probs(q[0], epsilon))


@given(st.integers(2, 6).flatmap(lambda A: logits((3, A))), st.floats(0.05, 10.0),
       st.floats(-50, 50))
def test_softmax_is_a_distribution_and_shift_invariant(q, tau, c):
    pi = softmax_probs(q, tau)
    assert np.allclose(pi.sum(-1), 1.0) and np.all(pi > 0)
    assert np.allclose(softmax_probs(q + c, tau), pi)
    assert np.array_equal(softmax_probs(q, 1e-6).argmax(-1), q.argmax(-1))


# ------------------------------------------------------------------- linear action values

@given(seeds, st.integers(1, 4), st.integers(1, 5))
def test_stacked_features_are_per_action_weights(seed, A, d):
    rng = np.random.default_rng(seed)
    x_s, theta = rng.standard_normal(d), rng.standard_normal(A * d)
    X = stacked_features(x_s, A)
    assert X.shape == (A, A * d)
    assert np.allclose(q_hat(theta, X), theta.reshape(A, d) @ x_s)
    for a in range(A):
        assert np.array_equal(stacked_feature(x_s, a, A), X[a])


def tabular_step(Q, s, a, r, s_next, terminated, alpha, gamma, target, a_next=None,
                 pi_next=None):
    """The tabular updates of S&B §6.4-6.6, written independently of fa_book."""
    Q = Q.copy()
    if terminated:
        boot = 0.0
    elif target == "sarsa":
        boot = Q[s_next, a_next]
    elif target == "q":
        boot = Q[s_next].max()
    else:
        boot = pi_next @ Q[s_next]
    Q[s, a] += alpha * (r + gamma * boot - Q[s, a])
    return Q


# --8<-- [start:one_hot_equals_tabular]
@given(finite_mdps(episodic=True), seeds, st.floats(0.01, 1.0), epsilons,
       st.sampled_from(["sarsa", "q", "expected"]))
def test_linear_with_one_hot_features_is_tabular_step_for_step(mdp, seed, alpha, epsilon,
                                                                target):
    rng = np.random.default_rng(seed)
    S, A = mdp.n_states, mdp.n_actions
    X = np.eye(S * A).reshape(S, A, S * A)              # x(s, a) = one-hot of (s, a)
    theta, Q = np.zeros(S * A), np.zeros((S, A))
    s = rng.choice(S, p=mdp.d0)
    a = rng.choice(A, p=epsilon_greedy_probs(Q[s], epsilon))
    for _ in range(60):
        r = mdp.R[s, a]
        p_next = mdp.P[s, a]
        terminated = rng.random() >= p_next.sum()
        s_next = rng.choice(S, p=p_next / p_next.sum())
        pi_next = epsilon_greedy_probs(Q[s_next], epsilon)
        a_next = rng.choice(A, p=pi_next)
        if target == "sarsa":
            theta, _ = sarsa_step(theta, X[s, a], r, X[s_next, a_next], terminated,
                                  alpha, mdp.gamma)
        elif target == "q":
            theta, _ = q_learning_step(theta, X[s, a], r, X[s_next], terminated, alpha,
                                       mdp.gamma)
        else:
            theta, _ = expected_sarsa_step(theta, X[s, a], r, X[s_next], pi_next,
                                           terminated, alpha, mdp.gamma)
        Q = tabular_step(Q, s, a, r, s_next, terminated, alpha, mdp.gamma, target,
                         a_next, pi_next)
        assert np.array_equal(theta.reshape(S, A), Q)
        if terminated:
            s = rng.choice(S, p=mdp.d0)
            a = rng.choice(A, p=epsilon_greedy_probs(Q[s], epsilon))
        else:
            s, a = s_next, a_next
# --8<-- [end:one_hot_equals_tabular]


# ------------------------------------------------------------------- exact expected update

# --8<-- [start:expected_update]
@given(finite_mdps(episodic=True).flatmap(lambda m: st.tuples(st.just(m), policies_for(m))),
       seeds, st.integers(1, 4))
def test_expected_update_equals_enumeration(mdp_pi, seed, d):
    """Sum the one-step updates over every (s, a, s', a') and every termination, each
    weighted by its probability mu(s) pi(a|s) P(s'|s,a) pi(a'|s')."""
    mdp, pi = mdp_pi
    rng = np.random.default_rng(seed)
    S, A = mdp.n_states, mdp.n_actions
    X, theta = rng.standard_normal((S, A, d)), rng.standard_normal(d)
    mu = on_policy_distribution(mdp, pi)
    sarsa = np.zeros(d)
    expected = np.zeros(d)
    for s in range(S):
        for a in range(A):
            w = mu[s] * pi[s, a]
            r, stop = mdp.R[s, a], 1.0 - mdp.P[s, a].sum()
            step, _ = sarsa_step(theta, X[s, a], r, X[s, a], True, 1.0, mdp.gamma)
            sarsa += w * stop * (step - theta)
            expected += w * stop * (step - theta)
            for s2 in range(S):
                e_step, _ = expected_sarsa_step(theta, X[s, a], r, X[s2], pi[s2], False,
                                                1.0, mdp.gamma)
                expected += w * mdp.P[s, a, s2] * (e_step - theta)
                for a2 in range(A):
                    step, _ = sarsa_step(theta, X[s, a], r, X[s2, a2], False, 1.0,
                                         mdp.gamma)
                    sarsa += w * mdp.P[s, a, s2] * pi[s2, a2] * (step - theta)
    closed = expected_update(mdp, pi, X, theta)
    assert np.allclose(sarsa, closed, atol=1e-10)
    assert np.allclose(expected, closed, atol=1e-10)
# --8<-- [end:expected_update]


@given(finite_mdps().flatmap(lambda m: st.tuples(st.just(m), policies_for(m))), seeds)
def test_fixed_point_zeroes_the_expected_update_and_one_hot_gives_q_pi(mdp_pi, seed):
    mdp, pi = mdp_pi
    S, A = mdp.n_states, mdp.n_actions
    X = np.random.default_rng(seed).standard_normal((S, A, 2))
    theta = sarsa_fixed_point(mdp, pi, X)
    assert np.allclose(expected_update(mdp, pi, X, theta), 0.0, atol=1e-9)
    one_hot = np.eye(S * A).reshape(S, A, S * A)
    assert np.allclose(sarsa_fixed_point(mdp, pi, one_hot).reshape(S, A), q_pi(mdp, pi))


# --8<-- [start:on_policy_converges]
@given(finite_mdps().flatmap(lambda m: st.tuples(st.just(m), policies_for(m))), seeds)
def test_on_policy_expected_sarsa_contracts_to_the_fixed_point(mdp_pi, seed):
    """With the on-policy weighting mu(s) pi(a|s), A = Phi^T D (Phi - gamma P Pi Phi)
    is positive definite (Tsitsiklis & Van Roy 1997; S&B §9.4), so an expected step
    theta += alpha (b - A theta) with alpha = lambda_min / ||A||^2 brings theta closer to
    theta* by a factor sqrt(1 - lambda_min^2 / ||A||^2) < 1 every time."""
    mdp, pi = mdp_pi
    S, A_n = mdp.n_states, mdp.n_actions
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, S * A_n + 1))
    X = np.eye(S * A_n)[:, :d].reshape(S, A_n, d) + 0.3 * rng.standard_normal((S, A_n, d))
    theta_star = sarsa_fixed_point(mdp, pi, X)
    b = expected_update(mdp, pi, X, np.zeros(d))          # the expected update is b - A theta
    A = np.column_stack([b - expected_update(mdp, pi, X, e) for e in np.eye(d)])
    lam = np.linalg.eigvalsh((A + A.T) / 2).min()
    assert lam > 0
    norm = np.linalg.norm(A, 2)
    alpha, rate = lam / norm**2, np.sqrt(1 - lam**2 / norm**2)
    theta = rng.standard_normal(d)
    for _ in range(20):
        new = theta + alpha * expected_update(mdp, pi, X, theta)
        err, new_err = np.linalg.norm(theta - theta_star), np.linalg.norm(new - theta_star)
        assert new_err <= rate * err + 1e-9 * (1 + np.linalg.norm(theta_star))
        theta = new
# --8<-- [end:on_policy_converges]


# ---------------------------------------------------------- approximate policy iteration

# --8<-- [start:improvement]
@given(finite_mdps(), st.floats(0.05, 1.0))
def test_tabular_epsilon_greedy_improvement_never_gets_worse(mdp, epsilon):
    """One-hot features, exact evaluation: the epsilon-greedy policy improvement theorem
    (S&B §5.4) gives v_{pi_{k+1}} >= v_{pi_k} in every state."""
    S, A = mdp.n_states, mdp.n_actions
    X = np.eye(S * A).reshape(S, A, S * A)
    res = approximate_policy_iteration(mdp, X, epsilon=epsilon, n_iterations=4,
                                       eval_steps=None)
    v = np.array([v_pi(mdp, pi) for pi in res.policies])
    assert np.all(np.diff(v, axis=0) >= -1e-8 * (1 + np.abs(v[1:])))


def test_with_approximation_the_improvement_step_can_make_things_worse():
    """Same loop, 3 random features for 5 x 2 state-action pairs: in some of these MDPs a
    round of exact evaluation + epsilon-greedy improvement lowers J (no guarantee)."""
    worse = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        mdp = random_mdp(rng, 5, 2, 0.9)
        X = rng.standard_normal((5, 2, 3))
        res = approximate_policy_iteration(mdp, X, epsilon=0.1, n_iterations=6,
                                           eval_steps=None)
        worse += bool((np.diff(res.J) < -1e-6).any())
    assert worse >= 1
# --8<-- [end:improvement]


# ---------------------------------------------------------------------- Mountain Car

# --8<-- [start:mountain_car_matches]
@given(seeds)
def test_numpy_mountain_car_matches_gymnasium_step_for_step(seed):
    rng = np.random.default_rng(seed)
    env = gym.make("MountainCar-v0", max_episode_steps=None).unwrapped
    obs, _ = env.reset(seed=seed % 2**31)
    car = MountainCarBatch(1)
    car.reset([0], [np.random.default_rng(seed % 2**31)])
    assert np.array_equal(car.obs()[0], obs)
    pushes = rng.integers(0, 3, size=300)
    pushes[:60] = 0                        # drive into the left wall early on
    for a in pushes:
        obs, r, terminated, truncated, _ = env.step(int(a))
        term = car.step(np.array([a]))
        assert np.array_equal(car.obs()[0], obs) and r == -1.0
        assert car.position[0] == env.state[0] and car.velocity[0] == env.state[1]
        assert bool(term[0]) == terminated
        if terminated:
            break
# --8<-- [end:mountain_car_matches]


def reference_sarsa(config: MountainCarConfig, seed: int):
    """Episodic semi-gradient SARSA from the page's pieces: gymnasium's env, the tile
    coder's dense features, `stacked_feature`, `sarsa_step` and `select_action`, drawing
    random numbers as `mountain_car_sarsa(config, rng, runs=1)` does."""
    rng = np.random.default_rng(seed)
    env_seed = int(rng.integers(0, 2**31 - 1, size=1)[0])
    env = gym.make("MountainCar-v0", max_episode_steps=10**9)  # S&B: no time limit
    coder = mountain_car_coder(config)
    A, d = 3, coder.n_features
    theta = np.zeros(A * d)
    block, row = rng.random((512, 1, 2)), 0

    def draw():
        nonlocal block, row
        if row == 512:
            block, row = rng.random((512, 1, 2)), 0
        row += 1
        return block[row - 1]

    alpha = config.alpha / config.n_tilings
    steps = []
    for e in range(config.episodes):
        obs, _ = env.reset(seed=env_seed) if e == 0 else env.reset()
        X = stacked_features(coder.features(obs), A)
        a = int(select_action((X @ theta)[None], config.epsilon, draw())[0])
        t = 0
        while True:
            obs, r, terminated, truncated, _ = env.step(a)
            X_next = stacked_features(coder.features(obs), A)
            a_next = int(select_action((X_next @ theta)[None], config.epsilon, draw())[0])
            theta, _ = sarsa_step(theta, X[a], r, X_next[a_next], terminated, alpha,
                                  config.gamma)
            t += 1
            if terminated or truncated:
                break
            X, a = X_next, a_next
        steps.append(t)
    return np.array(steps), theta.reshape(A, d)


# --8<-- [start:runners_agree]
def test_fast_runners_agree_with_the_reference_loop_on_gymnasium():
    config = MountainCarConfig(episodes=2, epsilon=0.1)
    steps, W = reference_sarsa(config, seed=7)
    fast = mountain_car_sarsa(config, np.random.default_rng(7))
    assert np.array_equal(fast.steps[0], steps)
    assert np.allclose(fast.W[0], W, atol=1e-9)


def test_batched_and_single_runners_agree_bit_for_bit():
    config = MountainCarConfig(episodes=6, epsilon=0.05, alpha=0.3)
    a = mountain_car_sarsa(config, np.random.default_rng(3), snapshot_episodes=[2, 6])
    b = mountain_car_sarsa_single(config, np.random.default_rng(3),
                                  snapshot_episodes=[2, 6])
    assert np.array_equal(a.steps, b.steps) and np.array_equal(a.W, b.W)
    assert np.array_equal(a.snapshots[2], b.snapshots[2])
# --8<-- [end:runners_agree]


def test_runs_with_different_step_sizes_are_independent():
    config = MountainCarConfig(episodes=2)
    both = mountain_car_sarsa(config, np.random.default_rng(0), runs=2, alphas=[0.2, 0.5])
    assert both.steps.shape == (2, 2) and np.all(both.steps > 0)
    # a run's weights only ever change by multiples of its own step size
    assert not np.array_equal(both.W[0], both.W[1])


# ------------------------------------------------------------------------- bad input

def test_bad_input_raises_value_error():
    with pytest.raises(ValueError, match="epsilon"):
        epsilon_greedy_probs(np.zeros(3), 1.5)
    with pytest.raises(ValueError, match="epsilon"):
        epsilon_greedy_probs(np.zeros(3), -0.1)
    with pytest.raises(ValueError, match="temperature"):
        softmax_probs(np.zeros(3), 0.0)
    with pytest.raises(ValueError, match="a must be an action"):
        stacked_feature(np.zeros(4), 3, 3)
    with pytest.raises(ValueError, match="a must be an action"):
        stacked_feature(np.zeros(4), -1, 3)
    with pytest.raises(ValueError, match="x_sa"):
        sarsa_step(np.zeros(4), np.zeros(5), -1.0, np.zeros(4), False, 0.1, 1.0)
    with pytest.raises(ValueError, match="x_sa"):
        q_hat(np.zeros(4), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="alpha"):
        q_learning_step(np.zeros(2), np.ones(2), 0.0, np.ones((2, 2)), False, 0.0, 0.9)
    with pytest.raises(ValueError, match="gamma"):
        sarsa_step(np.zeros(2), np.ones(2), 0.0, np.ones(2), False, 0.1, 1.5)
    with pytest.raises(ValueError, match="epsilon"):
        mountain_car_sarsa(MountainCarConfig(epsilon=2.0), np.random.default_rng(0))
    with pytest.raises(ValueError, match="alphas"):
        mountain_car_sarsa(MountainCarConfig(), np.random.default_rng(0), runs=3,
                           alphas=[0.1, 0.2])
    mdp = random_mdp(np.random.default_rng(0), 3, 2)
    with pytest.raises(ValueError, match="X must have shape"):
        expected_update(mdp, np.full((3, 2), 0.5), np.zeros((3, 3, 2)), np.zeros(2))


def test_divergence_is_reported_with_step_and_step_size():
    theta = np.zeros(1)
    x = np.ones(1)
    with pytest.raises(DivergenceError, match="step 12 with step size alpha=1e\\+30"):
        for k in range(100):                     # q(s,a) bootstraps from itself: x' = 2x
            theta, _ = sarsa_step(theta, x, 1.0, 2 * x, False, 1e30, 1.0, step=12 + k)
    with pytest.raises(DivergenceError, match="Mountain Car"):
        mountain_car_sarsa(MountainCarConfig(alpha=1e3, episodes=3),
                           np.random.default_rng(0))


# ------------------------------------------------------------------------- figures

@pytest.mark.parametrize("func", figure_functions("control"), ids=lambda f: f.__name__)
def test_figure_function_writes_its_files(func, tmp_path):
    paths = func(tmp_path / "figures", quick=True)
    assert paths and all(p.is_file() and p.stat().st_size > 0 for p in paths)


@pytest.mark.parametrize(("q", "tau", "want"), [
    ([9e307, 0.0], 0.5, [1.0, 0.0]),          # q / tau alone overflows
    ([9e307, -9e307], 1.0, [1.0, 0.0]),       # even the shift overflows
    ([1.0, 1.0], 1e-300, [0.5, 0.5]),         # a tie at a tiny temperature
])
def test_softmax_probs_is_stable_at_extreme_values(q, tau, want):
    from fa_book.control import softmax_probs
    np.testing.assert_allclose(softmax_probs(np.array(q), tau), want)
