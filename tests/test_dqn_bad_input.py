"""Bad input at the public surface of chapter 7 (fa_book.dqn, dqn_checks, dqn_io, dqn_cli).

Each case is one (callable, argument, kind of bad value); hypothesis draws the bad value
from the kind's strategy, and the call must raise `ValueError` or `TypeError` whose
message names the argument (or `DivergenceError` for a run that blows up). The counts are
printed by `test_count_of_cases` (run with `-s`): cases tried, clear errors, documented
kernels (functions that state in their docstring what they do not check).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book.dqn import (
    HELD_OUT_SEEDS,
    MAX_EVAL_EPISODES,
    RESET_SEED_LIMIT,
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
from fa_book.dqn_checks import check_env_id, check_hidden, make_vector_env
from fa_book.dqn_cli import atari_env, config_parser
from fa_book.dqn_io import build_q_network, check_out_dir, save_checkpoint, steps_to_stay
from fa_book.dqn_runs import run_streams, train, train_and_judge
from fa_book.validate import DivergenceError

NEGATIVE_INT = st.integers(-10**6, -1)
NEGATIVE = st.floats(-1e6, -1e-6)
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
HUGE_INT = st.integers(10**10, 10**15)
FRACTION = st.floats(0.1, 0.9).map(lambda x: 3 + x)  # a non-integer number
WRONG_TYPE = st.sampled_from(["3", None, [1], (2,)])
ABOVE_ONE = st.floats(1.0 + 1e-6, 1e6)

INT_KINDS = {"negative": NEGATIVE_INT, "zero": st.just(0), "fraction": FRACTION,
             "wrong type": WRONG_TYPE, "huge": HUGE_INT, "bool": st.just(True)}
FLOAT_KINDS = {"non-finite": NON_FINITE, "wrong type": st.sampled_from(["0.1", None, [1.0]])}

CASES: list[tuple[str, str, str, st.SearchStrategy, object]] = []


def case(where: str, arg: str, kinds: dict[str, st.SearchStrategy], call, skip=()):
    for kind, strategy in kinds.items():
        if kind not in skip:
            CASES.append((where, arg, kind, strategy, call))


# DQNConfig: every field
for name in ("total_steps", "buffer_size", "batch_size", "train_freq", "gradient_steps",
             "target_update", "eps_duration", "eval_every", "eval_episodes", "n_step"):
    case("DQNConfig", name, INT_KINDS, lambda v, n=name: DQNConfig(
        **{n: v, **({"buffer_size": 10**9} if n == "batch_size" else {})}))
for name in ("learning_starts", "seed"):
    case("DQNConfig", name, INT_KINDS, lambda v, n=name: DQNConfig(**{n: v}),
         skip=("zero", "huge"))
for name, extra in [("learning_rate", {"negative": NEGATIVE, "zero": st.just(0.0)}),
                    ("gamma", {"negative": NEGATIVE, "above one": ABOVE_ONE}),
                    ("tau", {"negative": NEGATIVE, "zero": st.just(0.0), "above one": ABOVE_ONE}),
                    ("eps_start", {"negative": NEGATIVE, "above one": ABOVE_ONE}),
                    ("eps_end", {"negative": NEGATIVE, "above one": ABOVE_ONE}),
                    ("lr_final_fraction", {"negative": NEGATIVE, "above one": ABOVE_ONE}),
                    ("max_grad_norm", {"negative": NEGATIVE, "zero": st.just(0.0),
                                       "non-finite": NON_FINITE})]:
    case("DQNConfig", name, {**FLOAT_KINDS, **extra},
         lambda v, n=name: DQNConfig(**{n: v}),
         skip=("wrong type",) if name == "max_grad_norm" else ())
HIDDEN_KINDS = {"empty": st.just(()), "zero width": st.just((0,)),
                "negative width": NEGATIVE_INT.map(lambda h: (8, h)),
                "fraction": st.just((1.5,)), "a string": st.just("128"),
                "bool width": st.just((True,)), "huge width": HUGE_INT.map(lambda h: (h,))}
case("DQNConfig", "hidden", HIDDEN_KINDS, lambda v: DQNConfig(hidden=v))
case("DQNConfig", "loss", {"unknown": st.sampled_from(["l1", "MSE", ""]),
                           "wrong type": st.just(3)}, lambda v: DQNConfig(loss=v))
case("DQNConfig", "env_id", {"unknown": st.sampled_from(["CartPol-v1", "NoSuchEnv-v0"]),
                             "wrong type": st.sampled_from([5, None])},
     lambda v: DQNConfig(env_id=v))
for name in ("double", "replay", "target_network"):
    case("DQNConfig", name, {"wrong type": st.sampled_from(["yes", 1, None])},
         lambda v, n=name: DQNConfig(**{n: v}))
case("DQNConfig", "buffer_size", {"below batch_size": st.integers(1, 127)},
     lambda v: DQNConfig(buffer_size=v))

# networks
case("QNetwork", "obs_dim", INT_KINDS, lambda v: QNetwork(v, 2, (4,)))
case("QNetwork", "n_actions", INT_KINDS, lambda v: QNetwork(4, v, (4,)))
case("QNetwork", "hidden", HIDDEN_KINDS, lambda v: QNetwork(4, 2, v))
case("QNetwork", "generator", {"wrong type": st.sampled_from([0, "seed"])},
     lambda v: QNetwork(4, 2, (4,), v))
STATES = {"wrong width": st.integers(1, 9).filter(lambda d: d != 4).map(
              lambda d: torch.zeros(3, d)),
          "one state, no batch axis": st.just(torch.zeros(4)),
          "empty batch": st.just(torch.zeros(0, 4)),
          "numpy array": st.just(np.zeros((3, 4), dtype=np.float32))}
case("QNetwork.forward", "s", STATES, lambda v: QNetwork(4, 2, (4,))(v))
case("NatureQNetwork", "n_actions", INT_KINDS, lambda v: NatureQNetwork(v))
case("NatureQNetwork.forward", "s", {"wrong frame size": st.just(torch.zeros(1, 4, 64, 64)),
                                     "no batch axis": st.just(torch.zeros(4, 84, 84))},
     lambda v: NatureQNetwork(3)(v))
case("NumpyQ", "q_net", {"not an MLP": st.sampled_from([None, "net", torch.nn.Linear(2, 2)])},
     lambda v: NumpyQ(v))
case("NumpyQ.__call__", "s", {"wrong width": st.integers(1, 9).filter(lambda d: d != 4).map(
    np.zeros)}, lambda v: NumpyQ(QNetwork(4, 2, (4,)))(v))

# replay memory and n-step transitions


def _buffer(n: int = 3) -> ReplayBuffer:
    buffer = ReplayBuffer(10, (2,))
    for _ in range(n):
        buffer.add(np.zeros(2), 0, 1.0, np.zeros(2), False)
    return buffer


case("ReplayBuffer", "capacity", INT_KINDS, lambda v: ReplayBuffer(v, (2,)))
case("ReplayBuffer", "obs_shape", {"zero": st.just((0,)), "negative": st.just((-2,)),
                                   "huge": st.just((10**5, 10**5)),
                                   "not a tuple": st.sampled_from([5, None, "2"])},
     lambda v: ReplayBuffer(10, v))
case("ReplayBuffer.add", "s", {"wrong shape": st.just(np.zeros(3))},
     lambda v: _buffer().add(v, 0, 1.0, np.zeros(2), False))
case("ReplayBuffer.add", "a", {"negative": NEGATIVE_INT, "fraction": FRACTION,
                               "wrong type": WRONG_TYPE},
     lambda v: _buffer().add(np.zeros(2), v, 1.0, np.zeros(2), False))
case("ReplayBuffer.add", "r", {"non-finite": NON_FINITE, "wrong type": WRONG_TYPE},
     lambda v: _buffer().add(np.zeros(2), 0, v, np.zeros(2), False))
case("ReplayBuffer.add", "steps", {"zero": st.just(0), "negative": NEGATIVE_INT},
     lambda v: _buffer().add(np.zeros(2), 0, 1.0, np.zeros(2), False, v))
case("ReplayBuffer.sample_indices", "batch_size", INT_KINDS,
     lambda v: _buffer().sample_indices(v, np.random.default_rng(0)))
case("ReplayBuffer.sample_indices", "empty replay buffer", {"empty": st.just(5)},
     lambda v: _buffer(0).sample_indices(v, np.random.default_rng(0)))
case("ReplayBuffer.recent_indices", "batch_size", INT_KINDS,
     lambda v: _buffer().recent_indices(v))
case("ReplayBuffer.recent_indices", "empty replay buffer", {"empty": st.just(5)},
     lambda v: _buffer(0).recent_indices(v))
case("ReplayBuffer.batch", "idx", {"past the filled slots": st.integers(3, 100).map(
    lambda i: np.array([i])), "negative": NEGATIVE_INT.map(lambda i: np.array([i])),
    "fraction": st.just(np.array([0.5]))}, lambda v: _buffer().batch(v))
case("NStepAccumulator", "n", INT_KINDS, lambda v: NStepAccumulator(v, 0.9))
case("NStepAccumulator", "gamma", {**FLOAT_KINDS, "negative": NEGATIVE,
                                   "above one": ABOVE_ONE},
     lambda v: NStepAccumulator(3, v))

# target, loss, sync, epsilon


def _batch(**changes) -> Batch:
    b = Batch(torch.zeros(4, 4), torch.zeros(4, dtype=torch.int64), torch.ones(4),
              torch.zeros(4, 4), torch.zeros(4))
    return b._replace(**changes)


NET, OTHER = QNetwork(4, 2, (4,)), QNetwork(4, 2, (5,))
BATCHES = {"not a Batch": st.sampled_from([None, (1, 2), {"s": 1}]),
           "lengths differ": st.just(_batch(r=torch.ones(3))),
           "float actions": st.just(_batch(a=torch.zeros(4))),
           "non-tensor field": st.just(_batch(r=[1.0] * 4)),
           "empty": st.just(_batch(s=torch.zeros(0, 4), a=torch.zeros(0, dtype=torch.int64),
                                   r=torch.ones(0), s_next=torch.zeros(0, 4),
                                   terminated=torch.zeros(0))),
           "non-finite rewards": st.just(_batch(r=torch.full((4,), math.nan)))}
case("dqn_target", "batch", BATCHES, lambda v: dqn_target(NET, v, 0.9))
case("dqn_target", "gamma", {**FLOAT_KINDS, "above one": ABOVE_ONE},
     lambda v: dqn_target(NET, _batch(), v))
case("dqn_loss", "batch", {**BATCHES, "action out of range": st.integers(2, 50).map(
    lambda a: _batch(a=torch.full((4,), a)))}, lambda v: dqn_loss(NET, NET, v, 0.9))
case("dqn_loss", "loss", {"unknown": st.sampled_from(["l1", "Huber"])},
     lambda v: dqn_loss(NET, NET, _batch(), 0.9, v))
case("sync_target", "tau", {**FLOAT_KINDS, "zero": st.just(0.0), "above one": ABOVE_ONE},
     lambda v: sync_target(NET, NET, v))
case("sync_target", "target_net", {"other shapes": st.just(OTHER),
                                   "not a module": st.just("net")},
     lambda v: sync_target(v, NET))
case("epsilon_schedule", "step", {"negative": NEGATIVE_INT, "fraction": FRACTION,
                                  "wrong type": WRONG_TYPE},
     lambda v: epsilon_schedule(v, 1.0, 0.1, 10))
for i, name in enumerate(("eps_start", "eps_end")):
    case("epsilon_schedule", name, {**FLOAT_KINDS, "negative": NEGATIVE,
                                    "above one": ABOVE_ONE},
         lambda v, i=i: epsilon_schedule(3, *((v, 0.1) if i == 0 else (1.0, v)), 10))
case("epsilon_schedule", "duration", INT_KINDS, lambda v: epsilon_schedule(3, 1.0, 0.1, v),
     skip=("huge",))

# evaluation, updates, the loop
case("evaluate", "env_id", {"unknown": st.just("CartPol-v1"), "wrong type": st.just(3)},
     lambda v: evaluate(NET, v, 2, 0))
case("evaluate", "n_episodes", INT_KINDS, lambda v: evaluate(NET, "CartPole-v1", v, 0))
case("evaluate", "seed", {"negative": NEGATIVE_INT, "fraction": FRACTION,
                          "wrong type": WRONG_TYPE},
     lambda v: evaluate(NET, "CartPole-v1", 2, v))
case("evaluate", "q_net", {"not a module": st.sampled_from([None, "net"])},
     lambda v: evaluate(v, "CartPole-v1", 2, 0))
H0 = HELD_OUT_SEEDS[0]
case("evaluate_held_out", "seeds",
     {"a training seed": st.integers(0, RESET_SEED_LIMIT - 1).map(lambda k: [H0, k]),
      "duplicates": st.just([H0, H0 + 1, H0]), "empty": st.just([]),
      "not integers": st.sampled_from([[H0 + 0.5], [True], [str(H0)], [None]]),
      "not a sequence": st.sampled_from([None, H0, "4294967296", {H0}]),
      "too many": st.just(range(H0, H0 + MAX_EVAL_EPISODES + 1))},
     lambda v: evaluate_held_out(NET, "CartPole-v1", v))
case("evaluate_held_out", "env_id", {"unknown": st.just("CartPol-v1"), "wrong type": st.just(3)},
     lambda v: evaluate_held_out(NET, v))
case("evaluate_held_out", "q_net", {"not a module": st.sampled_from([None, "net"])},
     lambda v: evaluate_held_out(v, "CartPole-v1", HELD_OUT_SEEDS[:2]))
case("gradient_step", "config", {"not a DQNConfig": st.sampled_from([None, {"gamma": 0.9}])},
     lambda v: gradient_step(NET, NET, torch.optim.SGD(NET.parameters(), lr=0.0), _batch(),
                             v, 1))
case("gradient_step", "update", {"zero": st.just(0), "negative": NEGATIVE_INT,
                                 "fraction": FRACTION},
     lambda v: gradient_step(NET, NET, torch.optim.SGD(NET.parameters(), lr=0.0), _batch(),
                             DQNConfig(), v))
case("run_streams", "seed", {"negative": NEGATIVE_INT, "fraction": FRACTION,
                             "wrong type": WRONG_TYPE}, run_streams)
case("train", "config", {"not a DQNConfig": st.sampled_from([None, {"seed": 0}])}, train)
case("train", "env_id", {"continuous actions": st.just("Pendulum-v1"),
                         "image observations": st.just("fa_book/GridMaze-v0")},
     lambda v: make_vector_env(v))
case("train", "DQN", {"runaway step size": st.floats(1e7, 1e9)},
     lambda v: train(DQNConfig(learning_rate=v, loss="mse", total_steps=300,
                               learning_starts=100, batch_size=16, buffer_size=300,
                               hidden=(8,), eval_every=300, eval_episodes=1)))
case("train_and_judge", "config", {"not a DQNConfig": st.sampled_from([None, {"seed": 0}])},
     train_and_judge)
case("train_and_judge", "held_out", {  # refused before any training
    "training seeds": st.sampled_from([range(5), [0, 1]]),
    "repeated": st.just([2**32, 2**32]), "empty": st.just([]),
    "not seeds": st.sampled_from([None, "abc", [1.5], [True]])},
     lambda v: train_and_judge(DQNConfig(total_steps=10**9), v))
case("steps_to_stay", "history", {"rows without eval_mean": st.just([{"step": 1}]),
                                  "not rows": st.sampled_from([None, "abc", [1, 2]])},
     lambda v: steps_to_stay(v))
case("steps_to_stay", "threshold", FLOAT_KINDS, lambda v: steps_to_stay([], v))

# checks, checkpoints, command line
case("check_env_id", "env_id", {"unknown": st.just("Nope-v9")}, lambda v: check_env_id(
    "env_id", v))
case("check_hidden", "hidden", HIDDEN_KINDS, lambda v: check_hidden("hidden", v))
case("build_q_network", "arch", {"not a dict": st.sampled_from([None, [1], "mlp"]),
                                 "unknown kind": st.just({"kind": "rnn"})}, build_q_network)
case("save_checkpoint", "q_net", {"not a Q-network": st.sampled_from(
    [None, torch.nn.Linear(2, 2)])}, lambda v: save_checkpoint("/tmp/h5-never.pt", v))
case("save_checkpoint", "config", {"not a DQNConfig": st.just({"gamma": 0.9})},
     lambda v: save_checkpoint("/tmp/h5-never.pt", NET, v))
case("check_out_dir", "out folder", {"a file": st.just(__file__)}, check_out_dir)
case("config_parser", "cls", {"not a dataclass": st.sampled_from([int, None, DQNConfig()])},
     config_parser)
case("atari_env", "seed", {"negative": NEGATIVE_INT, "fraction": FRACTION},
     lambda v: atari_env("ALE/Pong-v5", v))

DOCUMENTED_KERNELS = {
    "NStepAccumulator.push": "states, action and reward are checked by ReplayBuffer.add",
}
"""Public callables that state in their docstring what they leave to their caller."""


@pytest.mark.parametrize("where, arg, kind, strategy, call", CASES,
                         ids=[f"{w}-{a}-{k}" for w, a, k, _, _ in CASES])
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_bad_input_gives_a_clear_error(where, arg, kind, strategy, call, data):
    value = data.draw(strategy, label=f"{where}({arg}={kind})")
    with pytest.raises((ValueError, TypeError, DivergenceError)) as info:
        call(value)
    assert arg in str(info.value), f"{where}: the message does not name {arg!r}"


def test_count_of_cases():
    tried = {(w, a, k) for w, a, k, _, _ in CASES}
    assert len(tried) == len(CASES)  # every case is a distinct (callable, argument, kind)
    print(f"\nDQN bad-input cases: {len(tried)} tried, all must give a clear error; "
          f"{len(DOCUMENTED_KERNELS)} documented kernel(s)")
