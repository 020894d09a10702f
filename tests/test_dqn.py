"""Tests for fa_book.dqn: each piece of DQN against its definition, then the loop."""

from __future__ import annotations

import copy
import dataclasses
import math

import gymnasium as gym
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from fa_book.dqn import (
    HELD_OUT_SEEDS,
    MAX_EVAL_EPISODES,
    RESET_SEED_LIMIT,
    SEED_DRAW_BOUND,
    Batch,
    DQNConfig,
    NatureQNetwork,
    NStepAccumulator,
    NumpyQ,
    QNetwork,
    ReplayBuffer,
    dqn_loss,
    dqn_target,
    epsilon_schedule,
    evaluate,
    evaluate_held_out,
    gradient_step,
    sync_target,
)
from fa_book.dqn_runs import run_streams, train
from fa_book.validate import DivergenceError


def _net(seed: int, hidden=(16, 16), obs_dim=4, n_actions=3) -> QNetwork:
    return QNetwork(obs_dim, n_actions, hidden, torch.Generator().manual_seed(seed))


def _batch(rng: np.random.Generator, B: int = 6, obs_dim: int = 4, n_actions: int = 3
           ) -> Batch:
    return Batch(torch.from_numpy(rng.standard_normal((B, obs_dim)).astype(np.float32)),
                 torch.from_numpy(rng.integers(0, n_actions, B)),
                 torch.from_numpy(rng.standard_normal(B).astype(np.float32)),
                 torch.from_numpy(rng.standard_normal((B, obs_dim)).astype(np.float32)),
                 torch.from_numpy((rng.random(B) < 0.4).astype(np.float32)))


# --8<-- [start:loss_by_hand]
@pytest.mark.parametrize("loss", ["mse", "huber"])
def test_loss_equals_the_formula_by_hand(loss):
    """L_i = mean_j (r_j + gamma max_a' Q(s'_j, a'; theta^-) - Q(s_j, a_j; theta))^2,
    computed transition by transition with a numpy forward pass; terminal s' -> y = r."""
    rng = np.random.default_rng(0)
    q_net, target_net = _net(1), _net(2)
    batch, gamma = _batch(rng), 0.9
    Q, Q_minus = NumpyQ(q_net), NumpyQ(target_net)
    errors = []
    for j in range(len(batch.a)):
        s, a, r = batch.s[j].numpy(), int(batch.a[j]), float(batch.r[j])
        s_next, terminal = batch.s_next[j].numpy(), bool(batch.terminated[j])
        y = r if terminal else r + gamma * max(Q_minus(s_next))
        errors.append(y - Q(s)[a])
    errors = np.array(errors, dtype=np.float64)
    if loss == "mse":
        by_hand = np.mean(errors ** 2)
    else:  # Huber with delta = 1: the paper's error clipping
        by_hand = np.mean(np.where(abs(errors) <= 1, 0.5 * errors ** 2, abs(errors) - 0.5))
    got = dqn_loss(q_net, target_net, batch, gamma, loss).item()
    assert got == pytest.approx(by_hand, rel=1e-5, abs=1e-6)
# --8<-- [end:loss_by_hand]


def test_double_dqn_target_by_hand():
    """y_j = r_j + gamma Q(s'_j, argmax_a' Q(s'_j, a'; theta); theta^-), y_j = r_j if terminal."""
    rng = np.random.default_rng(4)
    q_net, target_net = _net(1), _net(2)
    batch, gamma = _batch(rng, B=12), 0.95
    Q, Q_minus = NumpyQ(q_net), NumpyQ(target_net)
    y = dqn_target(target_net, batch, gamma, q_net=q_net)
    for j in range(12):
        s_next = batch.s_next[j].numpy()
        bootstrap = 0.0 if batch.terminated[j] else Q_minus(s_next)[Q(s_next).argmax()]
        assert y[j].item() == pytest.approx(batch.r[j].item() + gamma * bootstrap, abs=1e-5)


def test_huber_gradient_is_the_clipped_error():
    """d/dQ of the Huber loss is -clip(y - Q, -1, 1) / B (the paper's error clipping)."""
    rng = np.random.default_rng(3)
    q_net, target_net = _net(1), _net(2)
    batch = _batch(rng, B=8)
    batch = batch._replace(r=torch.linspace(-3, 3, 8), terminated=torch.ones(8))  # y = r
    y = dqn_target(target_net, batch, 0.9)
    q_all = q_net(batch.s)
    q_all.retain_grad()
    q = q_all.gather(1, batch.a.unsqueeze(1)).squeeze(1)
    torch.nn.functional.smooth_l1_loss(q, y, beta=1.0).backward()
    expected = -torch.clamp(y - q.detach(), -1, 1) / len(y)
    got = q_all.grad.gather(1, batch.a.unsqueeze(1)).squeeze(1)
    assert torch.allclose(got, expected, atol=1e-7)
    assert (abs(y - q.detach()) > 1).any() and (abs(y - q.detach()) < 1).any()


# --8<-- [start:target_frozen]
def test_target_gets_no_gradient_and_changes_only_on_sync_steps():
    rng = np.random.default_rng(1)
    config = DQNConfig(target_update=3, learning_rate=1e-2, loss="mse")
    q_net = _net(1)
    target_net = copy.deepcopy(q_net)
    optimizer = torch.optim.Adam(q_net.parameters(), lr=config.learning_rate)
    before = [p.detach().clone() for p in target_net.parameters()]
    for i in range(1, 10):
        gradient_step(q_net, target_net, optimizer, _batch(rng), config, update=i)
        assert all(p.grad is None for p in target_net.parameters())
        after = [p.detach().clone() for p in target_net.parameters()]
        changed = any(not torch.equal(a, b) for a, b in zip(before, after, strict=True))
        assert changed == (i % config.target_update == 0)
        if changed:  # a sync copies theta exactly
            assert all(torch.equal(p, q) for p, q in zip(target_net.parameters(),
                                                         q_net.parameters(), strict=True))
        before = after
# --8<-- [end:target_frozen]


def test_no_gradient_through_the_target_even_when_it_is_the_online_network():
    """theta^- = theta (the 'no target network' ablation): y is still a constant, so the
    gradient is the semi-gradient -2/B sum_j delta_j grad Q(s_j, a_j)."""
    rng = np.random.default_rng(2)
    q_net, batch, gamma = _net(4), _batch(rng), 0.9
    dqn_loss(q_net, q_net, batch, gamma, "mse").backward()
    got = [p.grad.clone() for p in q_net.parameters()]
    q_net.zero_grad()
    y = dqn_target(q_net, batch, gamma)
    q = q_net(batch.s).gather(1, batch.a.unsqueeze(1)).squeeze(1)
    (-(2.0 / len(y)) * ((y - q).detach() * q).sum()).backward()
    for g, p in zip(got, q_net.parameters(), strict=True):
        assert torch.allclose(g, p.grad, atol=1e-6)


@given(tau=st.floats(0.01, 1.0))
def test_polyak_sync_is_the_convex_combination(tau):
    q_net, target_net = _net(1), _net(2)
    expected = [tau * p.detach() + (1 - tau) * pm.detach()
                for p, pm in zip(q_net.parameters(), target_net.parameters(), strict=True)]
    sync_target(target_net, q_net, tau)
    for pm, e in zip(target_net.parameters(), expected, strict=True):
        assert torch.allclose(pm, e, atol=1e-6)


def test_terminated_zeroes_the_bootstrap_and_truncated_does_not():
    rng = np.random.default_rng(5)
    target_net, gamma = _net(2), 0.97
    batch = _batch(rng, B=10)
    y = dqn_target(target_net, batch, gamma)
    q_max = target_net(batch.s_next).max(1).values.detach()
    term = batch.terminated.bool()
    assert torch.equal(y[term], batch.r[term])
    assert torch.allclose(y[~term], batch.r[~term] + gamma * q_max[~term])


# --8<-- [start:uniform]
def test_replay_keeps_the_last_n_and_samples_them_uniformly():
    N, n_added, n_draws = 10, 27, 200_000
    buffer = ReplayBuffer(N, (2,))
    for k in range(n_added):
        buffer.add(np.array([k, -k]), k % 2, float(k), np.array([k + 1, 0]), False)
    assert len(buffer) == N
    assert sorted(buffer.r.tolist()) == list(range(n_added - N, n_added))  # ring buffer
    idx = buffer.sample_indices(n_draws, np.random.default_rng(0))
    counts = np.bincount(idx, minlength=N)
    p = 1.0 / N
    se = math.sqrt(n_draws * p * (1 - p))  # binomial standard error of each count
    assert np.all(np.abs(counts - n_draws * p) < 5 * se)
    chi2 = np.sum((counts - n_draws * p) ** 2 / (n_draws * p))  # df = N - 1 = 9
    assert chi2 < 27.9  # 99.9% quantile of chi-square with 9 degrees of freedom
# --8<-- [end:uniform]


def test_replay_samples_only_filled_slots_and_recent_is_most_recent():
    buffer = ReplayBuffer(100, (1,))
    for k in range(7):
        buffer.add(np.array([k]), 0, float(k), np.array([k]), k == 6)
    idx = buffer.sample_indices(5000, np.random.default_rng(1))
    assert set(idx.tolist()) == set(range(7))
    assert buffer.batch(buffer.recent_indices(3)).r.tolist() == [6.0, 5.0, 4.0]
    assert buffer.batch(np.array([6])).terminated.item() == 1.0
    with pytest.raises(ValueError, match="batch_size"):
        buffer.sample_indices(0, np.random.default_rng(0))


# --8<-- [start:epsilon]
@given(start=st.floats(0.0, 1.0), end=st.floats(0.0, 1.0),
       duration=st.integers(1, 10_000))
def test_epsilon_schedule_endpoints_and_monotone(start, end, duration):
    eps = [epsilon_schedule(t, start, end, duration) for t in range(0, 2 * duration + 2)]
    assert eps[0] == start
    assert eps[duration] == pytest.approx(end, abs=1e-12)
    assert all(e == pytest.approx(end, abs=1e-12) for e in eps[duration:])
    steps = np.diff(eps)
    assert np.all(steps <= 1e-12) if end <= start else np.all(steps >= -1e-12)
# --8<-- [end:epsilon]


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="eps_end"):
        epsilon_schedule(0, 1.0, 1.5, 10)
    with pytest.raises(ValueError, match="gamma"):
        DQNConfig(gamma=1.5)
    with pytest.raises(ValueError, match="loss"):
        DQNConfig(loss="l1")
    with pytest.raises(ValueError, match="buffer_size"):
        DQNConfig(buffer_size=10, batch_size=32)
    with pytest.raises(ValueError, match="tau"):
        DQNConfig(tau=0.0)
    with pytest.raises(ValueError, match="n_step"):
        DQNConfig(n_step=0)
    with pytest.raises(ValueError, match="max_grad_norm"):
        DQNConfig(max_grad_norm=0.0)
    with pytest.raises(ValueError, match="gamma"):
        NStepAccumulator(3, 1.5)


def test_numpy_q_is_the_torch_network_and_follows_optimizer_steps():
    q_net = _net(7)
    q_np = NumpyQ(q_net)
    s = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    for _ in range(2):
        with torch.no_grad():
            expected = q_net(torch.from_numpy(s)).numpy()
        assert np.allclose(q_np(s[0]), expected[0], atol=1e-5)
        assert np.allclose(q_np(s), expected, atol=1e-5)
        opt = torch.optim.Adam(q_net.parameters(), lr=0.5)
        q_net(torch.from_numpy(s)).sum().backward()
        opt.step()  # in place: the numpy view must see it


def test_nature_network_shapes_and_parameter_count():
    n_actions = 6
    net = NatureQNetwork(n_actions, torch.Generator().manual_seed(0))
    frames = torch.randint(0, 256, (2, 4, 84, 84), dtype=torch.uint8)
    assert net(frames).shape == (2, n_actions)
    # Methods, "Model architecture": sizes 84 -> 20 -> 9 -> 7 and the layer widths
    conv = [(4, 32, 8), (32, 64, 4), (64, 64, 3)]
    expected = sum(c_in * c_out * k * k + c_out for c_in, c_out, k in conv)
    expected += 64 * 7 * 7 * 512 + 512 + 512 * n_actions + n_actions
    assert sum(p.numel() for p in net.parameters()) == expected
    with pytest.raises(ValueError, match="84"):
        net(torch.zeros(1, 4, 64, 64))


def test_nature_network_learns_on_frames_with_the_dqn_loss():
    """A few updates of the conv net on a fixed batch of frames lower L_i (target frozen)."""
    gen = torch.Generator().manual_seed(0)
    q_net = NatureQNetwork(4, gen)
    target_net = copy.deepcopy(q_net)
    s = torch.randint(0, 256, (8, 4, 84, 84), dtype=torch.uint8, generator=gen)
    batch = Batch(s, torch.arange(8) % 4, torch.ones(8), s.flip(0), torch.zeros(8))
    optimizer = torch.optim.Adam(q_net.parameters(), lr=1e-4)
    config = DQNConfig(target_update=1000, loss="huber")
    losses = [gradient_step(q_net, target_net, optimizer, batch, config, i)
              for i in range(1, 16)]
    assert losses[-1] < 0.5 * losses[0]


def _random_policy_returns(n: int, seed: int) -> np.ndarray:
    env, rng = gym.make("CartPole-v1"), np.random.default_rng(seed)
    out = []
    for k in range(n):
        env.reset(seed=seed + k)
        G, done = 0.0, False
        while not done:
            _, r, terminated, truncated, _ = env.step(int(rng.integers(2)))
            G, done = G + r, terminated or truncated
        out.append(G)
    return np.array(out)


SHORT = DQNConfig(total_steps=4_000, learning_starts=500, eps_duration=2_000, train_freq=4,
                  gradient_steps=2, batch_size=64, eval_every=4_000, eval_episodes=5, seed=3)


# --8<-- [start:beats_random]
def test_short_training_run_beats_a_random_policy_by_far():
    """4000 steps of DQN on CartPole-v1: the greedy policy's mean return must be at least
    4x the random policy's (which is about 22). With the target's sign flipped, gamma's
    bootstrap dropped or the gradient sent the wrong way, the run stays near random."""
    result = train(SHORT)
    trained = evaluate(result.q_net, "CartPole-v1", n_episodes=20, seed=123)
    random_mean = _random_policy_returns(20, seed=123).mean()
    assert trained.mean() >= 4 * random_mean
# --8<-- [end:beats_random]


# --8<-- [start:nstep_by_hand]
@pytest.mark.parametrize("end", ["terminated", "truncated"])
def test_n_step_transitions_and_targets_by_hand(end):
    """n = 3, gamma = 1/2, states s_0..s_5 (s_k = [k, -k]) and rewards R_1, ..., R_5 =
    1, 2, 4, 8, 16 (R_{k+1} follows the action in s_k): R_0^(3) = 1 + 2/2 + 4/4 = 3,
    R_1^(3) = 6, R_2^(3) = 12, then the episode ends with R_5 and the last two are
    flushed with m = 2 and m = 1 rewards: R_3^(2) = 8 + 16/2 = 16, R_4^(1) = 16.
    The last three reach s_5: terminated, no bootstrap; truncated, they bootstrap from
    s_5 with gamma^3, gamma^2, gamma."""
    acc, buffer = NStepAccumulator(3, 0.5), ReplayBuffer(10, (2,))
    states = [np.array([k, -k], dtype=np.float32) for k in range(6)]
    rewards = [1.0, 2.0, 4.0, 8.0, 16.0]
    emitted = []
    for k in range(5):
        last = k == 4
        out = acc.push(states[k], k % 2, rewards[k], states[k + 1],
                       terminated=last and end == "terminated",
                       truncated=last and end == "truncated")
        emitted.append(len(out))
        for transition in out:
            buffer.add(*transition)
    assert emitted == [0, 0, 1, 1, 3] and acc.pending == []
    b = buffer.batch(np.arange(5))
    assert b.r.tolist() == [3.0, 6.0, 12.0, 16.0, 16.0]
    assert b.steps.tolist() == [3.0, 3.0, 3.0, 2.0, 1.0]
    assert b.s[:, 0].tolist() == [0, 1, 2, 3, 4] and b.a.tolist() == [0, 1, 0, 1, 0]
    assert b.s_next[:, 0].tolist() == [3, 4, 5, 5, 5]
    terminal = 1.0 if end == "terminated" else 0.0
    assert b.terminated.tolist() == [0.0, 0.0, terminal, terminal, terminal]
    # the target: R + gamma^m max_a' Q(s_{t+m}, a'; theta^-), no bootstrap if terminated
    target_net = _net(2, obs_dim=2)
    Q_minus = NumpyQ(target_net)
    by_hand = [3 + 0.5 ** 3 * max(Q_minus(states[3])),
               6 + 0.5 ** 3 * max(Q_minus(states[4])),
               12 + (0.0 if terminal else 0.5 ** 3 * max(Q_minus(states[5]))),
               16 + (0.0 if terminal else 0.5 ** 2 * max(Q_minus(states[5]))),
               16 + (0.0 if terminal else 0.5 * max(Q_minus(states[5])))]
    y = dqn_target(target_net, b, 0.5)
    assert y.tolist() == pytest.approx(by_hand, rel=1e-6)
# --8<-- [end:nstep_by_hand]


@pytest.mark.parametrize("n", [1, 2, 5])
def test_n_step_transitions_on_real_cartpole_episodes(n):
    """Episodes of CartPole-v1, one ending by the pole falling (terminated) and one cut by
    a 12-step time limit (truncated): every stored transition is (s_t, a_t,
    sum_k gamma^k R_{t+k+1}, s_{t+m}, terminated, m) of the recorded trajectory, with
    m = min(n, T - t); only the last min(n, T) of a terminated episode are terminal."""
    gamma = 0.9
    for max_steps, action in [(500, lambda t: 0), (12, lambda t: t % 2)]:
        env = gym.make("CartPole-v1", max_episode_steps=max_steps)
        acc, stored, traj = NStepAccumulator(n, gamma), [], []
        s, _ = env.reset(seed=0)
        done, t = False, 0
        while not done:
            s_next, r, terminated, truncated, _ = env.step(action(t))
            traj.append((s, action(t), r, s_next))
            stored += acc.push(s, action(t), r, s_next, terminated, truncated)
            s, done, t = s_next, terminated or truncated, t + 1
        env.close()
        T = len(traj)
        assert (T < 12) == terminated and (T == 12) == truncated
        assert len(stored) == T
        for t, (s_t, a_t, R, s_m, term, m) in enumerate(stored):
            assert m == min(n, T - t)
            assert np.array_equal(s_t, traj[t][0]) and a_t == traj[t][1]
            assert R == pytest.approx(sum(gamma ** k * traj[t + k][2] for k in range(m)))
            assert np.array_equal(s_m, traj[t + m - 1][3])
            assert term == (terminated and t + m == T)


def test_gradient_clipping_rescales_the_gradient_to_the_maximum_norm():
    """With max_grad_norm c the step uses g * min(1, c / |g|): same direction, norm <= c."""
    rng = np.random.default_rng(6)
    batch = _batch(rng, B=16)
    batch = batch._replace(r=batch.r * 100)  # a large TD error: |g| far above c
    for c, clipped in [(0.1, True), (1e6, False)]:
        q_net, target_net = _net(1), _net(2)
        dqn_loss(q_net, target_net, batch, 0.9, "mse").backward()
        g = [p.grad.clone() for p in q_net.parameters()]
        norm = torch.sqrt(sum((x ** 2).sum() for x in g)).item()
        q_net.zero_grad()
        config = DQNConfig(loss="mse", gamma=0.9, max_grad_norm=c)
        optimizer = torch.optim.SGD(q_net.parameters(), lr=0.0)
        gradient_step(q_net, target_net, optimizer, batch, config, update=1)
        got = [p.grad for p in q_net.parameters()]
        scale = c / norm if clipped else 1.0
        assert (norm > c) == clipped
        for a, b in zip(got, g, strict=True):
            assert torch.allclose(a, scale * b, rtol=1e-4, atol=1e-7)




TINY = DQNConfig(total_steps=600, learning_starts=200, eval_every=300, eval_episodes=2,
                 hidden=(16,), batch_size=32, buffer_size=1_000, seed=7)


# --8<-- [start:streams]
def test_env_seed_and_policy_generator_are_different_streams(monkeypatch):
    """train resets the environment with a seed drawn from [seed, 2], never with `seed`
    itself, and acts and samples with default_rng([seed, 1]): the bits differ."""
    rng, env_seed, _, eval_rng = run_streams(TINY.seed)
    assert env_seed != TINY.seed
    first = rng.random(1000)
    assert not np.array_equal(first, np.random.default_rng(env_seed).random(1000))
    assert not np.array_equal(first, np.random.default_rng(TINY.seed).random(1000))
    assert not np.array_equal(first, eval_rng.random(1000))
    assert np.array_equal(np.random.default_rng([5, 0]).random(9),  # why k starts at 1
                          np.random.default_rng(5).random(9))
    resets = []
    reset = gym.wrappers.TimeLimit.reset

    def spy(self, *, seed=None, options=None):
        resets.append(seed)
        return reset(self, seed=seed, options=options)
    monkeypatch.setattr(gym.wrappers.TimeLimit, "reset", spy)
    train(TINY)
    assert resets[0] == env_seed and all(s is None for s in resets[1:])
# --8<-- [end:streams]


def test_same_seed_same_weights_and_another_seed_other_weights():
    a, b, c = train(TINY), train(TINY), train(dataclasses.replace(TINY, seed=8))
    for p, q in zip(a.q_net.parameters(), b.q_net.parameters(), strict=True):
        assert torch.equal(p, q)
    assert [r["eval_mean"] for r in a.history] == [r["eval_mean"] for r in b.history]
    assert not all(torch.equal(p, q) for p, q in zip(a.q_net.parameters(),
                                                     c.q_net.parameters(), strict=True))
    assert a.steps == TINY.total_steps and not a.interrupted


def test_a_diverging_run_raises_divergence_error_not_nan():
    """Step size 1e8: the loss (and the Q-values) run past the book's one bound."""
    with pytest.raises(DivergenceError, match="DQN"):
        train(dataclasses.replace(TINY, learning_rate=1e8, loss="mse"))


def test_ctrl_c_returns_what_was_learned_marked_interrupted(monkeypatch):
    import fa_book.dqn_runs as dqn

    calls = []
    real = dqn.evaluate

    def interrupt_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)
    monkeypatch.setattr(dqn, "evaluate", interrupt_second)
    result = train(TINY)
    assert result.interrupted and result.steps == 2 * TINY.eval_every
    assert [r["step"] for r in result.history] == [TINY.eval_every]


@given(seed=st.integers(0, 2**16), batch=st.integers(1, 9),
       hidden=st.lists(st.integers(1, 12), min_size=1, max_size=3))
def test_numpy_q_equals_the_torch_forward_pass(seed, batch, hidden):
    """NumpyQ (nets.linear_layers + nets.numpy_forward) is the torch network, row by row."""
    q_net = QNetwork(5, 3, tuple(hidden), torch.Generator().manual_seed(seed))
    s = np.random.default_rng(seed).standard_normal((batch, 5)).astype(np.float32)
    with torch.no_grad():
        expected = q_net(torch.from_numpy(s)).numpy()
    q_np = NumpyQ(q_net)
    got = np.stack([q_np(row) for row in s])
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert np.array_equal(q_np(s), expected)  # a batch goes through torch itself


# --8<-- [start:held_out]
def test_held_out_seeds_are_disjoint_from_every_seed_training_can_draw(monkeypatch):
    """Every reset seed a run uses (its env's first reset, each evaluation's seeds
    s, ..., s + n - 1) lies below RESET_SEED_LIMIT, and HELD_OUT_SEEDS lie above it: by
    the bounds the code draws with, and by spying on a real run's resets."""
    assert len(HELD_OUT_SEEDS) == 100 and len(set(HELD_OUT_SEEDS)) == 100
    assert RESET_SEED_LIMIT == SEED_DRAW_BOUND + MAX_EVAL_EPISODES <= min(HELD_OUT_SEEDS)
    for seed in range(200):  # the env's first reset seed: integers(SEED_DRAW_BOUND)
        assert run_streams(seed)[1] < SEED_DRAW_BOUND
    import fa_book.dqn_runs as dqn

    used, real_evaluate, real_reset = [], dqn.evaluate, gym.wrappers.TimeLimit.reset

    def spy_evaluate(q_net, env_id, n_episodes, seed):
        used.extend(range(seed, seed + n_episodes))
        return real_evaluate(q_net, env_id, n_episodes, seed)

    def spy_reset(self, *, seed=None, options=None):
        if seed is not None:
            used.append(seed)
        return real_reset(self, seed=seed, options=options)
    monkeypatch.setattr(dqn, "evaluate", spy_evaluate)
    monkeypatch.setattr(gym.wrappers.TimeLimit, "reset", spy_reset)
    dqn.train(TINY)
    assert len(used) == 1 + TINY.eval_episodes * len(range(TINY.eval_every,
                                                           TINY.total_steps + 1,
                                                           TINY.eval_every))
    assert max(used) < RESET_SEED_LIMIT and not set(used) & set(HELD_OUT_SEEDS)


def test_held_out_episodes_are_single_env_episodes_from_their_seeds():
    """Episode k of evaluate_held_out is gym.make(env).reset(seed=seeds[k]) followed by
    the greedy action of Q, step by step (a wrong seed, a reused generator or a lost
    reward changes the returns)."""
    q_net = _net(4, hidden=(8,), n_actions=2)
    seeds = [HELD_OUT_SEEDS[0], HELD_OUT_SEEDS[7], HELD_OUT_SEEDS[3]]
    q_np, expected = NumpyQ(q_net), []
    for k in seeds:
        env = gym.make("CartPole-v1")
        s, _ = env.reset(seed=k)
        G, done = 0.0, False
        while not done:
            s, r, terminated, truncated, _ = env.step(int(q_np(s).argmax()))
            G, done = G + r, terminated or truncated
        expected.append(G)
    assert evaluate_held_out(q_net, "CartPole-v1", seeds).tolist() == expected
    assert len(set(evaluate_held_out(q_net).tolist())) > 1  # 100 distinct episodes
# --8<-- [end:held_out]
