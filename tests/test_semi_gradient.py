"""Semi-gradient vs residual gradient: autograd against closed forms, limits against exact
minimizers, and Baird's counterexample diverging (and being reported)."""

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env
from hypothesis import assume, given
from hypothesis import strategies as st

import fa_book  # noqa: F401  (registers fa_book/Baird-v0)
from fa_book.envs import (
    BAIRD_BEHAVIOUR,
    BAIRD_FEATURES,
    BAIRD_TARGET,
    BAIRD_W0,
    BairdCounterexample,
    baird_mdp,
)
from fa_book.figures import figure_functions
from fa_book.oracles import (
    FiniteMDP,
    on_policy_distribution,
    policy_matrices,
    projection_weights,
    td_fixed_point,
    td_matrices,
    v_pi,
)
from fa_book.semi_gradient import (
    a_presplit,
    a_split,
    bellman_error_minimizer,
    double_sample_residual_loss,
    expected_matrices,
    mean_squared_errors,
    observed_transitions,
    random_walk_chain,
    residual_gradient_update,
    residual_td_loss,
    semi_gradient_td_loss,
    semi_gradient_update,
    td_error_minimizer,
)
from fa_book.semi_gradient_runs import (
    baird_off_policy_td,
    baird_streams,
    expected_run,
    sampled_linear_td,
)
from fa_book.validate import DivergenceError
from tests.strategies import (
    bounded_floats,
    finite_mdps,
    full_rank_features,
    policies_for,
    seeds,
    stochastic_matrix,
)

T = torch.float64


@st.composite
def problems(draw, episodic=False):
    """(mdp, pi, phi, mu, w): a random MDP, policy, full-rank features, on-policy mu and
    random weights."""
    mdp = draw(finite_mdps(episodic=episodic))
    pi = draw(policies_for(mdp))
    rng = np.random.default_rng(draw(seeds))
    d = draw(st.integers(1, mdp.n_states))
    phi = full_rank_features(rng, mdp.n_states, d)
    return mdp, pi, phi, on_policy_distribution(mdp, pi), rng.standard_normal(d)


def transitions(mdp: FiniteMDP, pi, mu):
    """Every transition (s, a, s') and every termination, with its probability
    mu(s) pi(a|s) P(s'|s,a).  s' = S stands for the terminal state."""
    S, A = mdp.n_states, mdp.n_actions
    rows = []
    for s in range(S):
        for a in range(A):
            for s2 in range(S + 1):
                p = mdp.P[s, a, s2] if s2 < S else 1.0 - mdp.P[s, a].sum()
                wt = mu[s] * pi[s, a] * p
                if wt > 0:
                    rows.append((wt, s, a, mdp.R[s, a], s2))
    wt, s, a, r, s2 = map(np.array, zip(*rows, strict=True))
    return wt, s, a, r, s2


def linear_model(w):
    v_hat = torch.nn.Linear(w.size, 1, bias=False, dtype=T)
    with torch.no_grad():
        v_hat.weight.copy_(torch.as_tensor(w, dtype=T)[None])
    return v_hat


def grad_of(loss, v_hat):
    v_hat.zero_grad()
    loss.backward()
    return v_hat.weight.grad[0].numpy().copy()


# --8<-- [start:detach_one_sample]
@given(st.lists(bounded_floats, min_size=3, max_size=3),
       st.lists(bounded_floats, min_size=3, max_size=3),
       st.lists(bounded_floats, min_size=3, max_size=3), bounded_floats,
       st.floats(0.0, 1.0))
def test_detach_gives_semi_gradient_and_no_detach_gives_residual(w, x, x_next, r, gamma):
    w, x, x_next = np.array(w), np.array(x), np.array(x_next)
    v_hat = linear_model(w)
    batch = (torch.tensor(x[None], dtype=T), torch.tensor([r], dtype=T),
             torch.tensor(x_next[None], dtype=T), torch.tensor([False]))
    delta = r + gamma * w @ x_next - w @ x
    g_semi = grad_of(semi_gradient_td_loss(v_hat, *batch, gamma), v_hat)
    g_full = grad_of(residual_td_loss(v_hat, *batch, gamma), v_hat)
    np.testing.assert_allclose(g_semi, -delta * x, atol=1e-9)  # minus the TD(0) update
    np.testing.assert_allclose(g_full, -delta * (x - gamma * x_next), atol=1e-9)
    # and the numpy updates take exactly these steps
    alpha = 0.1
    np.testing.assert_allclose(semi_gradient_update(w, x, r, x_next, gamma, alpha),
                               w - alpha * g_semi, atol=1e-9)
    np.testing.assert_allclose(residual_gradient_update(w, x, r, x_next, gamma, alpha),
                               w - alpha * g_full, atol=1e-9)
# --8<-- [end:detach_one_sample]


def batch_of(phi, wt, s, r, s2, S):
    phi_ext = np.vstack([phi, np.zeros((1, phi.shape[1]))])
    return (torch.as_tensor(phi[s], dtype=T), torch.as_tensor(r, dtype=T),
            torch.as_tensor(phi_ext[s2], dtype=T), torch.as_tensor(s2 == S),
            torch.as_tensor(wt, dtype=T))


# --8<-- [start:detach_expected]
@given(problems(episodic=True))
def test_expected_gradients_match_closed_forms(p):
    """Summed over every transition with its probability, autograd gives exact
    expectations: detached -> -(b - A w) of the TD fixed-point equations (from the
    oracles); not detached -> grad of 1/2 TDE; two independent next states -> grad of
    1/2 BE."""
    mdp, pi, phi, mu, w = p
    S, gamma = mdp.n_states, mdp.gamma
    v_hat = linear_model(w)
    wt, s, a, r, s2 = transitions(mdp, pi, mu)
    x, r_t, x2, term, wt_t = batch_of(phi, wt, s, r, s2, S)

    A, b = td_matrices(mdp, pi, phi, mu)
    g = grad_of(semi_gradient_td_loss(v_hat, x, r_t, x2, term, gamma, wt_t), v_hat)
    np.testing.assert_allclose(g, -(b - A @ w), atol=1e-9)

    # grad 1/2 TDE = -E[delta (x - gamma x')], summed transition by transition
    phi_ext = np.vstack([phi, np.zeros((1, phi.shape[1]))])
    delta = r + gamma * phi_ext[s2] @ w - phi[s] @ w
    grad_tde = -((wt * delta)[:, None] * (phi[s] - gamma * phi_ext[s2])).sum(0)
    g = grad_of(residual_td_loss(v_hat, x, r_t, x2, term, gamma, wt_t), v_hat)
    np.testing.assert_allclose(g, grad_tde, atol=1e-9)

    # grad 1/2 BE = -((I - gamma P) Phi)^T D (r + gamma P Phi w - Phi w)
    P_pi, r_pi = policy_matrices(mdp, pi)
    M = phi - gamma * P_pi @ phi
    grad_be = -M.T @ (mu * (r_pi + gamma * P_pi @ phi @ w - phi @ w))
    # pairs of independent transitions out of the same state
    i, j = np.nonzero(s[:, None] == s[None, :])
    pair_wt = wt[i] * wt[j] / mu[s[i]]  # mu(s) p(a,s'|s) p(a2,s2'|s)
    x_, r1, x21, t1, _ = batch_of(phi, wt[i], s[i], r[i], s2[i], S)
    _, r2, x22, t2, _ = batch_of(phi, wt[j], s[j], r[j], s2[j], S)
    loss = double_sample_residual_loss(v_hat, x_, r1, x21, t1, r2, x22, t2, gamma,
                                       torch.as_tensor(pair_wt, dtype=T))
    np.testing.assert_allclose(grad_of(loss, v_hat), grad_be, atol=1e-9)
# --8<-- [end:detach_expected]


@given(seeds, st.integers(2, 6), st.floats(0.0, 0.95))
def test_deterministic_transitions_make_tde_and_be_gradients_equal(seed, S, gamma):
    """When S_{t+1} is determined by S_t, the no-detach gradient is the Bellman-error
    gradient (reward noise would only add a constant to the TD error's variance)."""
    rng = np.random.default_rng(seed)
    P = np.eye(S)[rng.integers(S, size=S)][:, None, :]
    mdp = FiniteMDP(P, rng.uniform(-1, 1, (S, 1)), gamma, stochastic_matrix(rng, 1, S)[0])
    pi, phi = np.ones((S, 1)), full_rank_features(rng, S, max(1, S - 1))
    mu = stochastic_matrix(rng, 1, S, min_prob=0.01)[0]
    A_r, b_r = expected_matrices(mdp, pi, phi, "residual", mu)
    A_b, b_b = expected_matrices(mdp, pi, phi, "double-sample", mu)
    np.testing.assert_allclose(A_r, A_b, atol=1e-9)
    np.testing.assert_allclose(b_r, b_b, atol=1e-9)


@given(problems(episodic=True), st.sampled_from(["semi-gradient", "residual",
                                                  "double-sample"]))
def test_expected_matrices_average_the_sampled_updates(p, method):
    """b_m - A_m w is the probability-weighted average of the per-sample update / alpha."""
    mdp, pi, phi, mu, w = p
    gamma, alpha = mdp.gamma, 0.5
    wt, s, a, r, s2 = transitions(mdp, pi, mu)
    phi_ext = np.vstack([phi, np.zeros((1, phi.shape[1]))])
    if method == "semi-gradient":
        steps = semi_gradient_update(w, phi[s], r, phi_ext[s2], gamma, alpha) - w
        mean = (wt[:, None] * steps).sum(0)
    elif method == "residual":
        steps = residual_gradient_update(w, phi[s], r, phi_ext[s2], gamma, alpha) - w
        mean = (wt[:, None] * steps).sum(0)
    else:
        i, j = np.nonzero(s[:, None] == s[None, :])
        steps = residual_gradient_update(w, phi[s[i]], r[i], phi_ext[s2[i]], gamma, alpha,
                                         x_next2=phi_ext[s2[j]]) - w
        mean = ((wt[i] * wt[j] / mu[s[i]])[:, None] * steps).sum(0)
    A, b = expected_matrices(mdp, pi, phi, method, mu)
    np.testing.assert_allclose(mean / alpha, b - A @ w, atol=1e-9)


# --8<-- [start:limits]
@given(problems(), seeds)
def test_each_method_converges_to_its_own_minimizer(p, seed):
    mdp, pi, phi, mu, _ = p
    A_td, b_td = expected_matrices(mdp, pi, phi, "semi-gradient")
    # on-policy, A_TD is positive definite (Tsitsiklis & Van Roy 1997; S&B 2018, §9.4)
    assert np.linalg.eigvalsh(A_td + A_td.T).min() > 0
    np.testing.assert_allclose(np.linalg.solve(A_td, b_td), td_fixed_point(mdp, pi, phi),
                               rtol=1e-6, atol=1e-8)
    w_be, w_tde = bellman_error_minimizer(mdp, pi, phi), td_error_minimizer(mdp, pi, phi)
    for method, w_star, err in (("double-sample", w_be, "BE"), ("residual", w_tde, "TDE")):
        A, b = expected_matrices(mdp, pi, phi, method)
        np.testing.assert_allclose(A @ w_star, b, atol=1e-8)  # gradient is zero there
        # and no other weights have a smaller error
        other = w_star + np.random.default_rng(seed).standard_normal(w_star.shape)
        e = mean_squared_errors(w_star, mdp, pi, phi)[err]
        assert e <= mean_squared_errors(other, mdp, pi, phi)[err] + 1e-10
    # the expected TD iteration, at a stable step size, reaches the TD fixed point
    lam = np.linalg.eigvals(A_td)
    alpha = float((lam.real / np.abs(lam) ** 2).min())  # half the largest stable alpha
    rate = np.abs(np.linalg.eigvals(np.eye(len(b_td)) - alpha * A_td)).max()
    n = 1 if rate < 1e-10 else int(np.ceil(np.log(1e-10) / np.log(rate)))
    assume(n <= 20_000)
    run = expected_run(A_td, b_td, np.zeros_like(b_td), alpha, n)
    np.testing.assert_allclose(run.w[-1], td_fixed_point(mdp, pi, phi), atol=1e-6)
# --8<-- [end:limits]


# --8<-- [start:a_split]
def test_a_split_tde_minimizer_is_wrong():
    """Sutton & Barto (2018), Example 11.2: minimizing the TD error gives
    v(B) = 3/4, v(C) = 1/4 instead of the true 1 and 0."""
    mdp, pi, phi = a_split()
    np.testing.assert_allclose(v_pi(mdp, pi), [0.5, 1.0, 0.0], atol=1e-12)
    close = {"rtol": 1e-9, "atol": 1e-12}
    np.testing.assert_allclose(td_error_minimizer(mdp, pi, phi), [0.5, 0.75, 0.25], **close)
    np.testing.assert_allclose(bellman_error_minimizer(mdp, pi, phi), [0.5, 1, 0], **close)
    np.testing.assert_allclose(td_fixed_point(mdp, pi, phi), [0.5, 1, 0], **close)


@pytest.mark.parametrize(("method", "limit"), [("semi-gradient", [0.5, 1.0, 0.0]),
                                               ("residual", [0.5, 0.75, 0.25]),
                                               ("double-sample", [0.5, 1.0, 0.0])])
def test_sampled_runs_reach_their_limits_on_a_split(method, limit):
    """i.i.d. states from the on-policy distribution: the averaged iterates of 40 runs are
    within 5 standard errors of the method's limit, and more than 5 from the other one."""
    mdp, pi, phi = a_split()
    run = sampled_linear_td(mdp, pi, phi, method, alpha=0.05, n_steps=4000, n_runs=40,
                            rng=np.random.default_rng(1), sampling="iid",
                            average_from=2000, record_every=4000)
    mean = run.w_avg.mean(0)
    se = run.w_avg.std(0, ddof=1) / np.sqrt(len(run.w_avg)) + 1e-12
    assert np.all(np.abs(mean - limit) <= 5 * se), (mean, se)
    wrong = [0.5, 0.75, 0.25] if method != "residual" else [0.5, 1.0, 0.0]
    assert np.max(np.abs(mean - wrong) / se) > 5
# --8<-- [end:a_split]


def observed_episodes(mdp, pi, phi, max_steps=10):
    """Independent of `observed_transitions`: every episode as the learner sees it, the
    sequence (x(S_0), R_1, x(S_1), R_2, ..., end), with its probability, by enumerating
    the states behind it (episodes of at most `max_steps` steps; the rest is returned as
    missing mass)."""
    seen, missing = {}, 0.0
    stack = [((tuple(phi[s]),), s, p) for s in range(mdp.n_states)
             if (p := mdp.d0[s]) > 0]
    while stack:
        obs, s, p = stack.pop()
        if len(obs) > 2 * max_steps:
            missing += p
            continue
        for a in np.nonzero(pi[s])[0]:
            q = p * pi[s, a]
            r = float(mdp.R[s, a])
            end = q * (1.0 - mdp.P[s, a].sum())
            if end > 0:
                seen[(*obs, r, "end")] = seen.get((*obs, r, "end"), 0.0) + end
            for t in np.nonzero(mdp.P[s, a])[0]:
                stack.append(((*obs, r, tuple(phi[t])), t, q * mdp.P[s, a, t]))
    return seen, missing


# --8<-- [start:a_presplit]
def test_a_presplit_bellman_error_is_not_learnable():
    """Sutton & Barto (2018), Example 11.3 and §11.6: A-split and A-presplit produce the
    same observable data (episodes and transitions), so the VE, TDE and TD answers agree,
    but their Bellman-error minimizers, where the double-sample residual gradient goes,
    differ; A-presplit's is the wrong answer (3/4, 1/4)."""
    split, presplit = a_split(), a_presplit()
    episodes = [observed_episodes(*p) for p in (split, presplit)]
    assert episodes[0][1] == episodes[1][1] == 0.0                # every episode enumerated
    assert episodes[0][0].keys() == episodes[1][0].keys()
    for key, p in episodes[0][0].items():
        assert p == pytest.approx(episodes[1][0][key], abs=1e-15)
    seen = [observed_transitions(*p) for p in (split, presplit)]
    assert seen[0].keys() == seen[1].keys()
    assert all(seen[0][k] == pytest.approx(seen[1][k], abs=1e-15) for k in seen[0])
    close = {"rtol": 1e-9, "atol": 1e-12}
    answers = []
    for mdp, pi, phi in (split, presplit):
        v, mu = v_pi(mdp, pi), on_policy_distribution(mdp, pi)
        A, b = expected_matrices(mdp, pi, phi, "double-sample")
        answers.append({"VE": projection_weights(phi, v, mu),
                        "TD": td_fixed_point(mdp, pi, phi),
                        "TDE": td_error_minimizer(mdp, pi, phi),
                        "BE": bellman_error_minimizer(mdp, pi, phi),
                        "double-sample": np.linalg.solve(A, b)})
    for key in ("VE", "TD", "TDE"):                  # determined by the data: the same
        np.testing.assert_allclose(answers[0][key], answers[1][key], **close)
    np.testing.assert_allclose(answers[0]["BE"], [0.5, 1.0, 0.0], **close)
    np.testing.assert_allclose(answers[1]["BE"], [0.5, 0.75, 0.25], **close)
    for split_or_presplit in answers:                # double sampling finds the BE min
        np.testing.assert_allclose(split_or_presplit["double-sample"],
                                   split_or_presplit["BE"], **close)
    mdp, pi, phi = presplit                          # deterministic: BE = TDE everywhere
    for w in ([0.5, 1.0, 0.0], [0.5, 0.75, 0.25], [0.3, -1.0, 2.0]):
        errs = mean_squared_errors(np.array(w), mdp, pi, phi)
        assert errs["BE"] == pytest.approx(errs["TDE"], abs=1e-12)
# --8<-- [end:a_presplit]


def test_torch_training_with_and_without_detach_on_a_split():
    """Real full-batch torch training on the exact expectation: the detached loss learns
    the true values, the undetached one learns the TD-error minimizer."""
    mdp, pi, phi = a_split()
    mu = on_policy_distribution(mdp, pi)
    wt, s, a, r, s2 = transitions(mdp, pi, mu)
    batch = batch_of(phi, wt, s, r, s2, mdp.n_states)
    for loss_fn, limit in ((semi_gradient_td_loss, [0.5, 1.0, 0.0]),
                           (residual_td_loss, [0.5, 0.75, 0.25])):
        v_hat = linear_model(np.zeros(3))
        opt = torch.optim.SGD(v_hat.parameters(), lr=1.0)
        for _ in range(100):
            opt.zero_grad()
            loss_fn(v_hat, *batch[:4], mdp.gamma, batch[4]).backward()
            opt.step()
        np.testing.assert_allclose(v_hat.weight.detach()[0].numpy(), limit, atol=1e-6)


def test_sampled_semi_gradient_on_the_chain_reaches_the_td_fixed_point():
    mdp, pi, phi = random_walk_chain()
    run = sampled_linear_td(mdp, pi, phi, "semi-gradient", alpha=0.05, n_steps=4000,
                            n_runs=40, rng=np.random.default_rng(2), sampling="iid",
                            average_from=2000, record_every=4000)
    mean = run.w_avg.mean(0)
    se = run.w_avg.std(0, ddof=1) / np.sqrt(len(run.w_avg))
    w_td = td_fixed_point(mdp, pi, phi)
    assert np.all(np.abs(mean - w_td) <= 5 * se), (mean, w_td, se)
    w_be = bellman_error_minimizer(mdp, pi, phi)
    assert np.max(np.abs(mean - w_be) / se) > 5


# --8<-- [start:baird]
def test_baird_env_and_arrays_agree():
    env = gym.make("fa_book/Baird-v0")
    check_env(env.unwrapped)
    mdp = baird_mdp()
    s, _ = env.reset(seed=0)
    for a in [0, 1, 0, 0, 1, 1, 0]:
        s2, r, terminated, truncated, _ = env.step(a)
        assert mdp.P[s, a, s2] > 0 and r == 0.0 and not terminated
        s = s2
    w = np.arange(1.0, 9.0)
    v = BAIRD_FEATURES @ w
    np.testing.assert_allclose(v[:6], 2 * w[:6] + w[7])
    assert v[6] == w[6] + 2 * w[7]
    # the behaviour policy makes the next state uniform, so mu_b is uniform
    P_b, _ = policy_matrices(mdp, BAIRD_BEHAVIOUR)
    np.testing.assert_allclose(P_b, 1 / 7)
    with pytest.raises(ValueError, match="action"):
        baird = BairdCounterexample()
        baird.reset(seed=0)
        baird.step(2)


def test_baird_expected_semi_gradient_diverges_and_raises():
    mdp, mu_b = baird_mdp(), np.full(7, 1 / 7)
    A, b = expected_matrices(mdp, BAIRD_TARGET, BAIRD_FEATURES, "semi-gradient", mu_b)
    assert np.linalg.eigvals(A).real.min() < 0  # off-policy: A is not positive definite
    alpha, max_norm = 0.01, 1e4
    # exact weights w_k = (I - alpha A)^k w0 (b = 0): the first k with |w_k| > max_norm
    w, k = BAIRD_W0.copy(), 0
    while np.linalg.norm(w) <= max_norm:
        w, k = w - alpha * A @ w, k + 1
    with pytest.raises(DivergenceError) as err:
        expected_run(A, b, BAIRD_W0, alpha, 2 * k, max_norm=max_norm)
    assert (err.value.step, err.value.step_size) == (k, alpha)
    run = expected_run(A, b, BAIRD_W0, alpha, 2 * k, max_norm=max_norm,
                       on_divergence="stop")
    assert run.diverged_at == k and np.isfinite(run.w).all()
    # residual gradient (a true gradient method) on the same problem: BE never increases
    A_be, b_be = expected_matrices(mdp, BAIRD_TARGET, BAIRD_FEATURES, "double-sample", mu_b)
    ws = expected_run(A_be, b_be, BAIRD_W0, alpha, 500).w
    be = [mean_squared_errors(w, mdp, BAIRD_TARGET, BAIRD_FEATURES, mu_b)["BE"] for w in ws]
    assert np.all(np.diff(be) <= 1e-12)


def test_baird_sampled_off_policy_td_diverges_and_reports_it():
    with pytest.raises(DivergenceError) as err:
        baird_off_policy_td(alpha=0.01, n_steps=20_000, seed=3, max_norm=1e4)
    assert err.value.step_size == 0.01 and 0 < err.value.step <= 20_000
    run = baird_off_policy_td(alpha=0.01, n_steps=20_000, seed=3, max_norm=1e4,
                              on_divergence="stop")
    assert run.diverged_at == err.value.step  # same seed, same numbers
    assert np.isfinite(run.w).all() and len(run.w) == run.diverged_at
# --8<-- [end:baird]


class Spy(gym.Wrapper):
    """Records the seeds passed to `reset` and the actions passed to `step`."""

    def __init__(self, env):
        super().__init__(env)
        self.seeds, self.actions = [], []

    def reset(self, *, seed=None, options=None):
        self.seeds.append(seed)
        return self.env.reset(seed=seed, options=options)

    def step(self, action):
        self.actions.append(action)
        return self.env.step(action)


# --8<-- [start:baird_streams]
@given(st.integers(0, 2**32))
def test_baird_policy_and_environment_draw_from_different_streams(seed):
    """CONTRIBUTING: never seed the policy's generator and the environment with the same
    integer.  The actions are the draws of the policy stream [seed, 0]; the environment is
    reset with another seed, whose generator produces other bits."""
    env = Spy(gym.make("fa_book/Baird-v0"))
    baird_off_policy_td(0.01, 50, seed=seed, env=env)
    env_seed = env.seeds[0]
    u = np.random.default_rng([seed, 0]).random(50)
    assert env.actions == [int(x < 1 / 7) for x in u]        # solid iff u < b(solid) = 1/7
    assert isinstance(env_seed, int) and env_seed != seed
    assert not np.array_equal(np.random.default_rng(env_seed).random(8), u[:8])
    assert env_seed == baird_streams(seed)[1]
    assert baird_streams(seed)[1] != baird_streams(seed + 1)[1]
# --8<-- [end:baird_streams]


@pytest.mark.parametrize("func", figure_functions("semi_gradient"), ids=lambda f: f.__name__)
def test_figure_functions_run_quick(func, tmp_path):
    paths = func(tmp_path / "figures", quick=True)
    assert paths and all(p.is_file() and p.stat().st_size > 0 for p in paths)


def test_bad_input():
    mdp, pi, phi = random_walk_chain()
    with pytest.raises(ValueError, match="method"):
        expected_matrices(mdp, pi, phi, "full")
    with pytest.raises(ValueError, match="phi"):
        expected_matrices(mdp, pi, phi[:-1], "semi-gradient")
    with pytest.raises(ValueError, match="alpha"):
        sampled_linear_td(mdp, pi, phi, "residual", alpha=0.0, n_steps=10, n_runs=1,
                          rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="alpha"):
        baird_off_policy_td(alpha=-1.0)
    with pytest.raises(ValueError, match="on_divergence"):
        expected_run(np.eye(2), np.zeros(2), np.zeros(2), 0.1, 5, on_divergence="nan")
    with pytest.raises(ValueError, match="n_groups"):
        random_walk_chain(n_states=3, n_groups=4)
    v_hat = linear_model(np.zeros(2))
    x = torch.zeros(3, 2, dtype=T)
    with pytest.raises(ValueError, match="weight"):
        semi_gradient_td_loss(v_hat, x, torch.zeros(3, dtype=T), x,
                              torch.zeros(3, dtype=torch.bool), 0.9,
                              torch.ones(2, dtype=T))
