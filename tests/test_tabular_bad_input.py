"""Chapter 1 bad input: every public function, class and config of `fa_book.tabular` and
`fa_book.envs.grid_maze` refuses bad values with an error that names the argument.

Each case is one (callable, argument, kind of bad value) combination; hypothesis draws
the bad value from the kind's strategy. `KERNELS` lists the one-line kernels shown on the
page, which document instead what they do not check (their runner checks).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fa_book  # noqa: F401  (registers the environments)
from fa_book import tabular
from fa_book.envs import GridMaze
from fa_book.oracles import FiniteMDP
from fa_book.validate import DivergenceError, check_generator

NEG = st.integers(-10**6, -1)
ZERO = st.just(0)
NAN = st.just(math.nan)
INF = st.sampled_from([math.inf, -math.inf])
NOT_INT = st.sampled_from([1.5, "3", None, True])
NOT_NUMBER = st.sampled_from(["0.5", None, [0.1]])
HUGE = st.integers(10**10, 10**15)
ABOVE_ONE = st.floats(1.0001, 1e6)


class Case(NamedTuple):
    """One (callable, argument, kind) combination: `call(bad)` must raise an error whose
    message contains `name`."""

    callable: str
    name: str
    kind: str
    values: st.SearchStrategy
    call: Callable


def case_id(c: Case) -> str:
    return f"{c.callable}-{c.name}-{c.kind}"


def check_case(c: Case, data) -> None:
    bad = data.draw(c.values, label=c.name)
    with pytest.raises((ValueError, TypeError, DivergenceError)) as info:
        c.call(bad)
    assert c.name.lower() in str(info.value).lower(), (c, bad, info.value)


MAZE = GridMaze()
S = MAZE.rows * MAZE.cols
PI = np.full((S, 4), 0.25)
ENV = gym.make("fa_book/GridMaze-v0")
RNG = np.random.default_rng(0)


def run_td0(**kw):
    args = dict(env=ENV, pi=PI, features=np.eye(S), episodes=1, alpha=0.1, gamma=0.9,
                rng=np.random.default_rng(0), max_steps=50)
    args.update(kw)
    return tabular.run_td0(**args)


def spread(**kw):
    return tabular.SpreadConfig(**kw)


def never_ending_mdp() -> FiniteMDP:
    P = np.zeros((1, 1, 1))
    P[0, 0, 0] = 1.0
    return FiniteMDP(P, np.ones((1, 1)), 1.0, np.ones(1))


def rows(n_rows: int, width: int) -> list[str]:
    body = ["." * width for _ in range(n_rows)]
    body[0] = "S" + body[0][1:]
    body[-1] = body[-1][:-1] + "G"
    return body


CASES = [
    # table-size arithmetic (the hangs of the issue: k^n with n = 10^9)
    *[Case("grid_table_size", "k", kind, s, lambda b: tabular.grid_table_size(b, 3))
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT),
                      ("huge", HUGE)]],
    *[Case("grid_table_size", "n", kind, s, lambda b: tabular.grid_table_size(10, b))
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT),
                      ("huge", HUGE), ("huge-result", st.integers(301, 10**9))]],
    *[Case("table_bytes", arg, kind, s,
           lambda b, arg=arg: tabular.table_bytes(**{"n_states": 10, arg: b}))
      for arg in ("n_states", "n_actions", "bytes_per_entry")
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT),
                      ("huge", st.just(10**301))]],
    *[Case("go_positions_log10", "size", kind, s, tabular.go_positions_log10)
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT),
                      ("huge", HUGE)]],
    *[Case("check_counts", "n_states", kind, s, lambda b: tabular.check_counts(n_states=b))
      for kind, s in [("zero", ZERO), ("not-int", NOT_INT)]],
    *[Case("check_grid_size", "bins", kind, s,
           lambda b: tabular.check_grid_size(b, 2, names=("bins", "n_dims")))
      for kind, s in [("zero", ZERO), ("huge", HUGE)]],
    Case("check_generator", "rng", "seed", st.integers(0, 10),
         lambda v: check_generator("rng", v)),
    # features, value iteration, the evaluated policy
    Case("block_features", "maze", "type", st.sampled_from([None, "maze", 3]),
         lambda b: tabular.block_features(b, 3)),
    *[Case("block_features", "block", kind, s, lambda b: tabular.block_features(MAZE, b))
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT)]],
    Case("value_iteration", "mdp", "type", st.sampled_from([None, MAZE, np.eye(2)]),
         tabular.value_iteration),
    *[Case("value_iteration", "tol", kind, s,
           lambda b: tabular.value_iteration(MAZE.to_finite_mdp(0.9), tol=b))
      for kind, s in [("negative", st.floats(-1, -1e-9)), ("zero", ZERO), ("nan", NAN)]],
    Case("value_iteration", "max_iters", "zero", ZERO,
         lambda b: tabular.value_iteration(MAZE.to_finite_mdp(0.9), max_iters=b)),
    Case("value_iteration", "gamma", "never-converges", st.just(None),
         lambda b: tabular.value_iteration(never_ending_mdp(), max_iters=1000)),
    Case("epsilon_greedy_optimal_policy", "maze", "type", st.just("maze"),
         lambda b: tabular.epsilon_greedy_optimal_policy(b, 0.9, 0.1)),
    *[Case("epsilon_greedy_optimal_policy", "epsilon", kind, s,
           lambda b: tabular.epsilon_greedy_optimal_policy(MAZE, 0.9, b))
      for kind, s in [("negative", st.floats(-10, -1e-9)), ("above-one", ABOVE_ONE),
                      ("nan", NAN), ("not-number", NOT_NUMBER)]],
    *[Case("epsilon_greedy_optimal_policy", "gamma", kind, s,
           lambda b: tabular.epsilon_greedy_optimal_policy(MAZE, b, 0.1))
      for kind, s in [("above-one", ABOVE_ONE), ("nan", NAN)]],
    # the TD(0) runner
    Case("run_td0", "env", "type", st.sampled_from([None, "fa_book/GridMaze-v0", MAZE.layout]),
         lambda b: run_td0(env=b)),
    Case("run_td0", "env", "continuous", st.just("MountainCar-v0"),
         lambda b: run_td0(env=gym.make(b))),
    *[Case("run_td0", "pi", kind, s, lambda b: run_td0(pi=b))
      for kind, s in [("shape", st.sampled_from([np.full((S, 3), 1 / 3), np.ones(S),
                                                  np.full((S - 1, 4), 0.25)])),
                      ("negative", st.just(np.tile([1.5, -0.5, 0, 0], (S, 1)))),
                      ("nan", st.just(np.full((S, 4), np.nan))),
                      ("not-distribution", st.just(np.full((S, 4), 0.3)))]],
    *[Case("run_td0", "features", kind, s, lambda b: run_td0(features=b))
      for kind, s in [("shape", st.sampled_from([np.eye(S - 1), np.ones(S), np.ones((S, 0))])),
                      ("nan", st.just(np.full((S, 3), np.nan)))]],
    *[Case("run_td0", "episodes", kind, s, lambda b: run_td0(episodes=b))
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT),
                      ("huge", HUGE)]],
    *[Case("run_td0", "alpha", kind, s, lambda b: run_td0(alpha=b))
      for kind, s in [("negative", st.floats(-10, -1e-9)), ("zero", ZERO), ("nan", NAN),
                      ("inf", INF), ("not-number", NOT_NUMBER)]],
    *[Case("run_td0", "gamma", kind, s, lambda b: run_td0(gamma=b))
      for kind, s in [("negative", st.floats(-10, -1e-9)), ("above-one", ABOVE_ONE),
                      ("nan", NAN)]],
    Case("run_td0", "rng", "seed", st.integers(0, 10), lambda b: run_td0(rng=b)),
    *[Case("run_td0", "max_steps", kind, s, lambda b: run_td0(max_steps=b))
      for kind, s in [("zero", ZERO), ("not-int", NOT_INT)]],
    Case("run_td0", "TD(0)", "diverges", st.floats(1e3, 1e6),
         lambda b: run_td0(features=b * tabular.block_features(MAZE, 3), alpha=1.0,
                           gamma=1.0, episodes=5, max_steps=10_000)),
    # the page's experiment config
    *[Case("SpreadConfig", arg, kind, s, lambda b, arg=arg: spread(**{arg: b}))
      for arg in ("n_runs", "episodes", "block")
      for kind, s in [("zero", ZERO), ("negative", NEG), ("not-int", NOT_INT)]],
    *[Case("SpreadConfig", arg, "huge", HUGE, lambda b, arg=arg: spread(**{arg: b}))
      for arg in ("n_runs", "episodes")],
    *[Case("SpreadConfig", "seed", kind, s, lambda b: spread(seed=b))
      for kind, s in [("negative", NEG), ("not-int", NOT_INT)]],
    *[Case("SpreadConfig", arg, kind, s, lambda b, arg=arg: spread(**{arg: b}))
      for arg in ("gamma", "epsilon")
      for kind, s in [("above-one", ABOVE_ONE), ("nan", NAN)]],
    *[Case("SpreadConfig", arg, kind, s, lambda b, arg=arg: spread(**{arg: b}))
      for arg in ("alpha_table", "alpha_features")
      for kind, s in [("zero", ZERO), ("nan", NAN), ("inf", INF)]],
    Case("spread_runs", "config", "type", st.sampled_from([None, {"n_runs": 2}]),
         tabular.spread_runs),
    *[Case("check_policy", "pi", kind, s, lambda b: tabular.check_policy(b, S, 4))
      for kind, s in [("shape", st.just(np.ones((2, 4)) / 4)), ("nan", st.just(PI * np.nan))]],
    # the maze environment
    *[Case("GridMaze", "layout", kind, s, lambda b: GridMaze(b))
      for kind, s in [
          ("type", st.sampled_from(["S.G", None, 3, [1, 2], ("S.G", 3)])),
          ("empty", st.sampled_from([[], [""]])),
          ("ragged", st.just(["S..", ".G"])),
          ("characters", st.sampled_from([["SxG"], ["S.g"], ["S G"]])),
          ("start-goal", st.sampled_from([["S.S", "..G"], ["...", ".G."], ["SGG"]])),
          ("unreachable", st.just(["S#G"])),
          ("huge", st.just(rows(1001, 1000)))]],
    *[Case("GridMaze", "max_episode_steps", kind, s,
           lambda b: GridMaze(max_episode_steps=b))
      for kind, s in [("zero", ZERO), ("negative", NEG),
                      ("not-int", st.sampled_from([1.5, "3", True]))]],
    *[Case("GridMaze.next_state", "s", kind, s, lambda b: MAZE.next_state(b, 0))
      for kind, s in [("negative", NEG), ("huge", st.integers(S, 10**9)),
                      ("not-int", NOT_INT)]],
    *[Case("GridMaze.next_state", "a", kind, s, lambda b: MAZE.next_state(0, b))
      for kind, s in [("negative", NEG), ("huge", st.integers(4, 10**9)),
                      ("not-int", NOT_INT)]],
    *[Case("GridMaze.to_finite_mdp", "gamma", kind, s, lambda b: MAZE.to_finite_mdp(b))
      for kind, s in [("above-one", ABOVE_ONE), ("nan", NAN), ("not-number", NOT_NUMBER)]],
    Case("GridMaze.to_finite_mdp", "cells", "huge", st.just(rows(200, 100)),
         lambda b: GridMaze(b).to_finite_mdp(0.9)),
]

KERNELS = [tabular.td0_update, tabular.linear_td0_update]
"""One-line kernels shown on the page: they document what they do not check."""


@settings(max_examples=3, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("c", CASES, ids=case_id)
def test_bad_input_is_refused_with_its_name(c, data):
    check_case(c, data)


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda f: f.__name__)
def test_kernels_document_what_they_do_not_check(kernel):
    assert "does not check" in kernel.__doc__ and "run_td0" in kernel.__doc__


def test_case_counts():
    """The counts the report quotes: distinct (callable, argument, kind) combinations."""
    assert len({case_id(c) for c in CASES}) == len(CASES)
