"""Bad input for chapter 10 (fa_book.reinforce, fa_book.reinforce_runs,
fa_book.envs.short_corridor): the same cases-by-argument scheme as
tests/test_policies_bad_input.py."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book.envs import EpisodeEnded, ShortCorridor, short_corridor_mdp
from fa_book.nets import linear_layers
from fa_book.oracles import FiniteMDP
from fa_book.policies import CategoricalMLP, SoftmaxLinearPolicy, tabular_features
from fa_book.reinforce import (
    corridor_policy,
    enumerate_episodes,
    expected_reinforce_update,
    learned_baseline,
    leave_one_out_baseline,
    optimal_corridor_policy,
    reinforce_loss,
    reinforce_update,
    sample_corridor_updates,
)
from fa_book.reinforce_runs import (
    CartPoleConfig,
    CorridorConfig,
    cartpole_curves,
    cartpole_streams,
    check_seeds,
    corridor_reinforce,
    greedy_return,
    greedy_returns,
    pi_right,
    reinforce_cartpole,
    run_episode,
    value_net,
)
from tests.test_policies_bad_input import (
    NONFINITE,
    NOT_A_NUMBER,
    WRONG_OBJECT,
    Case,
    bad_arrays,
    bad_bool,
    bad_choice,
    bad_discount,
    bad_positive,
    bad_rng,
    bad_seed,
    bad_size,
    run_case,
)

G3, R3 = np.zeros((3, 2)), np.zeros(3)
RNG = np.random.default_rng(0)
_P = np.zeros((4, 2, 4))
_P[:2, :, 2:] = 0.5  # two layers: every episode lasts exactly two steps
MDP = FiniteMDP(_P, np.ones((4, 2)), 0.9, np.array([0.5, 0.5, 0.0, 0.0]))
PI = np.full((4, 2), 0.5)
X = tabular_features(4, 2)
SOFT = SoftmaxLinearPolicy(8, 2)
TH = np.zeros(8)
LOGP, PSI = torch.zeros(5), torch.ones(5)
NET = CategoricalMLP(4, 2, (8,))
LAYERS = linear_layers(NET, dtype=np.float64)
CARTPOLE = gym.make("CartPole-v1")
OPEN_UNIT = st.one_of(st.floats(-1e3, 0.0), st.floats(1.0, 1e3), NONFINITE, NOT_A_NUMBER)


def bad_probability():
    return st.one_of(st.floats(-1e3, -1e-9), st.floats(1 + 1e-9, 1e3), NONFINITE, NOT_A_NUMBER)


CASES = [
    # ---- fa_book.reinforce
    Case("reinforce_update", "grad_log_pi", st.one_of(bad_arrays(G3, ("nan", "inf", "text")),
         st.just(np.zeros(3))), lambda v: reinforce_update(v, R3, alpha=0.1, gamma=0.9)),
    Case("reinforce_update", "rewards", bad_arrays(R3),
         lambda v: reinforce_update(G3, v, alpha=0.1, gamma=0.9)),
    Case("reinforce_update", "alpha", bad_positive(),
         lambda v: reinforce_update(G3, R3, alpha=v, gamma=0.9)),
    Case("reinforce_update", "gamma", bad_discount(),
         lambda v: reinforce_update(G3, R3, alpha=0.1, gamma=v)),
    Case("reinforce_update", "baseline", bad_arrays(R3),
         lambda v: reinforce_update(G3, R3, alpha=0.1, gamma=0.9, baseline=v)),
    Case("reinforce_update", "discount_weight", bad_bool(),
         lambda v: reinforce_update(G3, R3, alpha=0.1, gamma=0.9, discount_weight=v)),
    Case("enumerate_episodes", "mdp", WRONG_OBJECT, lambda v: enumerate_episodes(v, PI, 3)),
    Case("enumerate_episodes", "pi", bad_arrays(PI, ("nan", "inf", "text", "negative",
         "unnormalized", "shape")), lambda v: enumerate_episodes(MDP, v, 3)),
    Case("enumerate_episodes", "horizon", st.one_of(bad_size(), st.integers(8, 10**6)),
         lambda v: list(enumerate_episodes(MDP, PI, v)), names="horizon"),
    Case("expected_reinforce_update", "theta", bad_arrays(TH),
         lambda v: expected_reinforce_update(MDP, SOFT, v, X, 3)),
    Case("expected_reinforce_update", "X", bad_arrays(X),
         lambda v: expected_reinforce_update(MDP, SOFT, TH, v, 3)),
    Case("expected_reinforce_update", "horizon", st.one_of(bad_size(), st.just(1)),
         lambda v: expected_reinforce_update(MDP, SOFT, TH, X, v), names="horizon"),
    Case("expected_reinforce_update", "baseline", bad_arrays(np.zeros(4)),
         lambda v: expected_reinforce_update(MDP, SOFT, TH, X, 3, baseline=v)),
    Case("expected_reinforce_update", "policy", st.sampled_from([None, "pi",
         SoftmaxLinearPolicy(8, 3)]), lambda v: expected_reinforce_update(MDP, v, TH, X, 3),
         names="policy"),
    Case("learned_baseline", "G", st.one_of(bad_arrays(R3, ("nan", "inf", "text")),
         st.just(G3)), lambda v: learned_baseline(v, 0.0, 0.1)),
    Case("learned_baseline", "w", st.one_of(NONFINITE, NOT_A_NUMBER, st.just(True)),
         lambda v: learned_baseline(R3, v, 0.1)),
    Case("learned_baseline", "alpha_w", bad_positive(), lambda v: learned_baseline(R3, 0.0, v)),
    Case("learned_baseline", "updates", bad_choice(("in_episode", "after_episode")),
         lambda v: learned_baseline(R3, 0.0, 0.1, updates=v)),
    Case("leave_one_out_baseline", "returns", st.one_of(bad_arrays(R3, ("nan", "inf", "text")),
         st.sampled_from([np.zeros(1), np.zeros((1, 4)), np.zeros((2, 2, 2)), 3.0])),
         lambda v: leave_one_out_baseline(v)),
    Case("corridor_policy", "p_right", bad_probability(), lambda v: corridor_policy(v)),
    Case("optimal_corridor_policy", "gamma", bad_discount(),
         lambda v: optimal_corridor_policy(v)),
    Case("sample_corridor_updates", "p_right", OPEN_UNIT,
         lambda v: sample_corridor_updates(v, 5, RNG)),
    Case("sample_corridor_updates", "n_episodes", bad_size(),
         lambda v: sample_corridor_updates(0.5, v, RNG)),
    Case("sample_corridor_updates", "rng", bad_rng(),
         lambda v: sample_corridor_updates(0.5, 5, v)),
    Case("sample_corridor_updates", "baseline", st.one_of(NONFINITE, NOT_A_NUMBER.filter(
         lambda b: b is not None)), lambda v: sample_corridor_updates(0.5, 5, RNG, baseline=v)),
    Case("reinforce_loss", "psi", st.sampled_from([torch.ones(4), torch.ones(5, 1),
         np.ones(5), torch.tensor(1.0)]), lambda v: reinforce_loss(LOGP, v, 2)),
    Case("reinforce_loss", "log_pi", st.sampled_from([np.zeros(5), None, torch.zeros(0)]),
         lambda v: reinforce_loss(v, PSI if v is None or len(v) else torch.zeros(0), 2)),
    Case("reinforce_loss", "n_episodes", bad_size().filter(lambda n: not (
         isinstance(n, int) and not isinstance(n, bool) and n > 0)),
         lambda v: reinforce_loss(LOGP, PSI, v)),
    # ---- fa_book.reinforce_runs: the short corridor
    Case("CorridorConfig", "alpha_theta", bad_positive(),
         lambda v: CorridorConfig(alpha_theta=v)),
    Case("CorridorConfig", "alpha_w", bad_positive().filter(lambda a: a is not None),
         lambda v: CorridorConfig(alpha_w=v)),
    Case("CorridorConfig", "baseline_updates", bad_choice(("in_episode", "after_episode")),
         lambda v: CorridorConfig(alpha_w=0.1, baseline_updates=v)),
    Case("CorridorConfig", "gamma", bad_discount(), lambda v: CorridorConfig(gamma=v)),
    Case("CorridorConfig", "p_right0", OPEN_UNIT, lambda v: CorridorConfig(p_right0=v)),
    Case("CorridorConfig", "n_trials", bad_size(), lambda v: CorridorConfig(n_trials=v)),
    Case("CorridorConfig", "n_episodes", bad_size(), lambda v: CorridorConfig(n_episodes=v)),
    Case("CorridorConfig", "in_place", bad_bool(), lambda v: CorridorConfig(in_place=v)),
    Case("CorridorConfig", "min_prob", st.one_of(st.floats(-1e3, -1e-9), st.floats(0.5, 1e3),
         NONFINITE, NOT_A_NUMBER), lambda v: CorridorConfig(min_prob=v)),
    Case("CorridorConfig", "max_steps", bad_size(), lambda v: CorridorConfig(max_steps=v)),
    Case("corridor_reinforce", "configs", st.sampled_from([[], None, [None], "cfg",
         [CorridorConfig(n_episodes=5), CorridorConfig(n_episodes=6)],
         [CorridorConfig(gamma=0.9), CorridorConfig()],
         [CorridorConfig(n_trials=10**6, n_episodes=10**7)]]),
         lambda v: corridor_reinforce(v, RNG)),
    Case("corridor_reinforce", "rng", bad_rng(),
         lambda v: corridor_reinforce(CorridorConfig(n_trials=2, n_episodes=2), v)),
    Case("corridor_reinforce", "diverged", st.floats(2.0**-4, 2.0),
         lambda v: corridor_reinforce(CorridorConfig(alpha_theta=v, min_prob=0.0,
                                                     n_trials=20, n_episodes=100,
                                                     max_steps=2000), RNG),
         names="diverged at step"),
    # ---- fa_book.reinforce_runs: CartPole
    Case("CartPoleConfig", "hidden", st.one_of(bad_size().map(lambda w: (w,)),
         st.sampled_from([32, [32], ()])), lambda v: CartPoleConfig(hidden=v), names="hidden"),
    Case("CartPoleConfig", "lr", bad_positive(), lambda v: CartPoleConfig(lr=v)),
    Case("CartPoleConfig", "gamma", bad_discount(), lambda v: CartPoleConfig(gamma=v)),
    Case("CartPoleConfig", "batch_episodes", bad_size(),
         lambda v: CartPoleConfig(batch_episodes=v)),
    Case("CartPoleConfig", "baseline", bad_choice(("none", "normalize", "loo", "value")),
         lambda v: CartPoleConfig(baseline=v)),
    Case("CartPoleConfig", "batch_episodes", st.just(1),
         lambda v: CartPoleConfig(baseline="loo", batch_episodes=v), names="batch_episodes"),
    Case("CartPoleConfig", "heldout_episodes", st.one_of(st.integers(-10**6, -1),
         st.integers(101, 10**6), st.floats(0.5, 10.0), st.booleans(), st.text(max_size=3)),
         lambda v: CartPoleConfig(heldout_episodes=v)),
    Case("CartPoleConfig", "lr_w", bad_positive(), lambda v: CartPoleConfig(lr_w=v)),
    Case("CartPoleConfig", "discount_weight", bad_bool(),
         lambda v: CartPoleConfig(discount_weight=v)),
    Case("CartPoleConfig", "max_episodes", bad_size(), lambda v: CartPoleConfig(max_episodes=v)),
    Case("CartPoleConfig", "eval_every", bad_size(), lambda v: CartPoleConfig(eval_every=v)),
    Case("CartPoleConfig", "eval_episodes", bad_size(),
         lambda v: CartPoleConfig(eval_episodes=v)),
    Case("CartPoleConfig", "target", st.one_of(st.floats(-1e6, -1e-9), st.floats(500.001, 1e6),
         NONFINITE, NOT_A_NUMBER), lambda v: CartPoleConfig(target=v)),
    Case("CartPoleConfig", "stop_when_solved", bad_bool(),
         lambda v: CartPoleConfig(stop_when_solved=v)),
    Case("CartPoleConfig", "seed", bad_seed(), lambda v: CartPoleConfig(seed=v)),
    Case("cartpole_streams", "seed", bad_seed(), lambda v: cartpole_streams(v)),
    Case("check_seeds", "n", bad_size(), lambda v: check_seeds(0, 0, v)),
    Case("check_seeds", "check", st.one_of(st.integers(-10**6, -1), st.integers(10**8 + 1,
         10**12), st.floats(0.5, 10.0), st.booleans()), lambda v: check_seeds(0, v, 5)),
    Case("check_seeds", "seed", bad_seed(), lambda v: check_seeds(v, 0, 5)),
    Case("run_episode", "env", WRONG_OBJECT, lambda v: run_episode(v, LAYERS, RNG)),
    Case("run_episode", "layers", st.sampled_from([[], None, LAYERS[::-1], [(np.full(
         (8, 4), np.nan), np.zeros(8))] + LAYERS[1:], [(np.zeros((8, 4)), np.zeros(7))]]),
         lambda v: run_episode(CARTPOLE, v, RNG)),
    Case("run_episode", "rng", bad_rng().filter(lambda r: r is not None),
         lambda v: run_episode(CARTPOLE, LAYERS, v)),
    Case("run_episode", "seed", bad_seed(), lambda v: run_episode(CARTPOLE, LAYERS, None, v)),
    Case("greedy_return", "policy", st.sampled_from([None, "net", CategoricalMLP(3, 2, (4,))]),
         lambda v: greedy_return(v, [0])),
    Case("greedy_return", "seeds", st.one_of(st.sampled_from([[], None, 0, "0"]),
         bad_seed().map(lambda s: [s])), lambda v: greedy_return(NET, v)),
    Case("greedy_return", "target", st.one_of(st.floats(-1e6, -1e-9), st.floats(500.1, 1e6),
         NONFINITE, st.just("475")), lambda v: greedy_return(NET, [0], target=v)),
    Case("greedy_returns", "policy", st.sampled_from([None, "net",
         CategoricalMLP(3, 2, (4,))]), lambda v: greedy_returns(v, [0])),
    Case("greedy_returns", "seeds", st.one_of(st.sampled_from([[], None, 0, "0"]),
         bad_seed().map(lambda s: [s])), lambda v: greedy_returns(NET, v)),
    Case("value_net", "hidden", st.one_of(bad_size().map(lambda w: (w,)),
         st.sampled_from([32, "32", ()])), lambda v: value_net(v, 0), names="hidden"),
    Case("value_net", "seed", bad_seed(), lambda v: value_net((8,), v)),
    Case("reinforce_cartpole", "config", WRONG_OBJECT, lambda v: reinforce_cartpole(v)),
    Case("cartpole_curves", "quick", bad_bool(), lambda v: cartpole_curves(v)),
    # ---- fa_book.envs.short_corridor
    Case("ShortCorridor", "max_episode_steps", bad_size().filter(lambda n: not (
         isinstance(n, int) and not isinstance(n, bool) and n > 0)),
         lambda v: ShortCorridor(max_episode_steps=v)),
    Case("ShortCorridor.reset", "options", st.one_of(st.sampled_from([{"begin": 0},
         {"start": 3}, {"start": -1}, {"start": 1.0}, {"start": True}, {"start": "0"}]),
         st.integers(4, 10**6).map(lambda s: {"start": s})),
         lambda v: ShortCorridor().reset(seed=0, options=v), names="options"),
    Case("ShortCorridor.step", "action", st.one_of(st.integers(2, 10**6), st.integers(
         -10**6, -1), st.sampled_from([0.5, True, "1", None])),
         lambda v: _started(ShortCorridor()).step(v)),
    Case("short_corridor_mdp", "gamma", bad_discount(), lambda v: short_corridor_mdp(v)),
]

DOCUMENTED_KERNELS = {"pi_right": pi_right}


def _started(env):
    env.reset(seed=0)
    return env


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@settings(max_examples=8)
@given(data=st.data())
def test_bad_input_is_refused_with_a_clear_message(case, data):
    run_case(case, data)


@pytest.mark.parametrize("name", sorted(DOCUMENTED_KERNELS))
def test_documented_kernels_say_what_they_do_not_check(name):
    doc = " ".join(DOCUMENTED_KERNELS[name].__doc__.split())
    assert "checks nothing" in doc or "not checked" in doc, name


def test_stepping_an_ended_corridor_episode_raises():
    env = _started(ShortCorridor(max_episode_steps=1))
    env.step(0)  # truncated after one step
    with pytest.raises(EpisodeEnded, match="reset"):
        env.step(0)
