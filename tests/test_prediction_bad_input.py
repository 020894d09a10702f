"""Bad input to chapter 4 (`fa_book.prediction`, `fa_book.prediction_runs`,
`fa_book.envs.random_walk`): every public function, class and config refuses it with a
`ValueError`/`TypeError` that names the argument, and every learning loop raises
`DivergenceError` when its weights run away.

Each case is one (callable, argument, kind of bad value); hypothesis draws the bad value
of that kind.  `test_case_counts` prints the counts quoted in the report.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book import prediction as P
from fa_book import prediction_engine as EN
from fa_book import prediction_runs as R
from fa_book.envs.random_walk import RandomWalk, random_walk_mdp, walk_start
from fa_book.features import OneHot, StateAggregation
from fa_book.validate import DivergenceError, check_float_array

S, J = 12, 3  # a small random walk


# ------------------------------------------------------------------ kinds of bad value


def _wrong_shape(valid):
    """An extra axis, and a last axis that matches none of the other arguments."""
    a = np.asarray(valid, dtype=float)
    shape = a.shape[:-1] + (a.shape[-1] + 2, 3) if a.ndim else (3, 5)
    return st.just(np.zeros(shape))


def _with(value):
    def make(valid):
        a = np.array(valid, dtype=float)
        return st.integers(0, max(a.size - 1, 0)).map(
            lambda i: _put(a, i, value))
    return make


def _put(a, i, value):
    a = a.copy()
    a.reshape(-1)[i] = value
    return a


KINDS = {
    # scalars
    "negative": lambda v: st.floats(-1e6, -1e-3),
    "zero": lambda v: st.just(0.0),
    "nan": lambda v: st.just(math.nan),
    "inf": lambda v: st.sampled_from([math.inf, -math.inf]),
    "above_one": lambda v: st.floats(1.001, 1e6),
    "type": lambda v: st.sampled_from(["a", None, object(), [1, 2]]),
    "type_not_none": lambda v: st.sampled_from(["a", object(), [1, 2]]),  # None is valid
    # integer sizes and counts
    "int_zero": lambda v: st.just(0),
    "int_negative": lambda v: st.integers(-10**6, -1),
    "huge": lambda v: st.integers(10**10, 10**15),
    "float": lambda v: st.floats(0.5, 100.0).filter(lambda f: f != int(f)),
    # arrays
    "array_nan": _with(math.nan),
    "array_inf": _with(math.inf),
    "shape": _wrong_shape,
    "array_type": lambda v: st.sampled_from(["abc", {"a": 1}, object()]),
    # indices
    "index_range": lambda v: st.integers(10**3, 10**6).map(
        lambda k: np.full(np.shape(v), k)),
    "index_float": lambda v: st.just(np.full(np.shape(v), 0.5)),
    # flags and objects
    "not_bool": lambda v: st.sampled_from([1, "yes", 0.0]),
    "object": lambda v: st.sampled_from([None, "env", 3, object()]),
}

STEP_SIZE = ("negative", "zero", "nan", "inf", "type")
DISCOUNT = ("negative", "above_one", "nan", "inf", "type")
SIZE = ("int_zero", "int_negative", "huge", "float", "type")
NONNEG = ("int_negative", "float", "type")
ARRAY = ("array_nan", "array_inf", "shape", "array_type")


# ---------------------------------------------------------------- valid arguments


def _episodes(n=4):
    return EN.sample_episodes(np.random.default_rng(0), n, S, J)


def _td_stream():
    ep = _episodes()
    g = StateAggregation.uniform(S, 4).groups[ep.states]
    last = np.cumsum(ep.lengths) - 1
    g_next = np.append(g[1:], -1)
    g_next[last] = -1
    r = np.zeros(g.size)
    r[last] = ep.final_reward
    return dict(theta=np.zeros(4), g=g, r=r, g_next=g_next, gamma=1.0, alpha=0.1)


def _lanes():
    ep = _episodes()
    X = np.vstack([np.random.default_rng(1).uniform(-1, 1, (S, 3)), np.zeros(3)])
    sched = EN.lane_schedule(ep, 2, 1, 1.0, np.zeros(2, int), S)
    return dict(X=X, schedule=sched, theta=np.zeros((2, 3)), alpha=np.full(2, 0.1),
                gamma_n=1.0, step=0, check_every=256)


def _env_run():
    return dict(env=RandomWalk(S, J), x=OneHot(S), theta=np.zeros(S), n_episodes=2,
                alpha=0.1, gamma=1.0, rng=np.random.default_rng([0, 1]), seed=0)


def _reset(seed=None, options=None):
    return RandomWalk(S, J).reset(seed=seed, options=options)


def _step(action):
    env = RandomWalk(S, J)
    env.reset(seed=0)
    return env.step(action)


def _episode_of(e):
    return _episodes().episode(e)


def _small(cls, **changes):
    """A config with its defaults (the drivers' cases use small ones)."""
    return dataclasses.replace(cls(), **changes)


def _defaults(cls):
    return lambda: dataclasses.asdict(cls())


SMALL_CFG = {
    R.run_gradient_mc: _small(R.GradientMCConfig, n_groups=4, n_episodes=5, alpha=0.1),
    R.run_semi_gradient_td: _small(R.SemiGradientTDConfig, n_groups=4, n_episodes=5,
                                   alpha=0.1),
    R.run_n_step_sweep: _small(R.NStepSweepConfig, n_groups=4, ns=(1,), alphas=(0.1,),
                               n_episodes=2, n_runs=2),
    R.run_basis_sweep: _small(R.BasisSweepConfig, orders=(2,), n_episodes=2, n_runs=2),
}

# callable -> (valid keyword arguments, {argument: kinds of bad value})
SPECS = {
    P.returns: (lambda: dict(rewards=np.array([0.0, 0.0, 1.0]), gamma=0.9),
                {"rewards": ARRAY, "gamma": DISCOUNT}),
    P.gradient_mc_update: (lambda: dict(theta=np.zeros(2), x=np.ones(2), G=1.0, alpha=0.1),
                           {"theta": ARRAY, "x": ARRAY, "G": ARRAY, "alpha": STEP_SIZE}),
    P.gradient_mc_episode: (
        lambda: dict(theta=np.zeros(2), x=np.ones((3, 2)), rewards=np.array([0, 0, 1.0]),
                     alpha=0.1, gamma=1.0, step=0),
        {"theta": ARRAY, "x": ARRAY, "rewards": ARRAY, "alpha": STEP_SIZE,
         "gamma": DISCOUNT, "step": NONNEG}),
    P.gradient_mc_env: (_env_run, {
        "env": ("object",), "x": ("object",), "theta": ARRAY, "n_episodes": SIZE,
        "alpha": STEP_SIZE, "gamma": DISCOUNT, "rng": ("object",), "seed": NONNEG}),
    P.semi_gradient_td_update: (
        lambda: dict(theta=np.zeros(2), x=np.ones(2), r=0.0, x_next=np.ones(2),
                     terminated=False, gamma=0.9, alpha=0.1),
        {"theta": ARRAY, "x": ARRAY, "r": ARRAY, "x_next": ARRAY,
         "terminated": ("not_bool",), "gamma": DISCOUNT, "alpha": STEP_SIZE}),
    P.semi_gradient_td_episode: (
        lambda: dict(theta=np.zeros(2), x=np.ones((4, 2)), rewards=np.array([0, 0, 1.0]),
                     terminated=True, alpha=0.1, gamma=1.0, step=0),
        {"theta": ARRAY, "x": ARRAY, "rewards": ARRAY, "terminated": ("not_bool",),
         "alpha": STEP_SIZE, "gamma": DISCOUNT, "step": NONNEG}),
    P.semi_gradient_td_env: (_env_run, {
        "env": ("object",), "x": ("object",), "theta": ARRAY, "n_episodes": SIZE,
        "alpha": STEP_SIZE, "gamma": DISCOUNT, "rng": ("object",), "seed": NONNEG}),
    P.n_step_return: (lambda: dict(rewards=np.array([0.0, 1.0]), gamma=0.9, v_boot=0.5),
                      {"rewards": ARRAY, "gamma": DISCOUNT,
                       "v_boot": ("nan", "inf", "type_not_none")}),
    P.n_step_td_episode: (
        lambda: dict(theta=np.zeros(2), x=np.ones((4, 2)), rewards=np.array([0, 0, 1.0]),
                     terminated=True, n=2, alpha=0.1, gamma=1.0, step=0),
        {"theta": ARRAY, "x": ARRAY, "rewards": ARRAY, "terminated": ("not_bool",),
         "n": SIZE[:2] + ("float", "type"), "alpha": STEP_SIZE, "gamma": DISCOUNT,
         "step": NONNEG}),
    P.lstd: (
        lambda: dict(x=np.eye(4)[:, :2] + 1, r=np.ones(4), x_next=np.zeros((4, 2)),
                     terminated=np.ones(4, bool), gamma=0.5, epsilon=0.0,
                     weights=np.ones(4)),
        {"x": ARRAY, "r": ARRAY, "x_next": ARRAY, "terminated": ("shape", "not_bool"),
         "gamma": DISCOUNT, "epsilon": ("negative", "nan", "inf", "type"),
         "weights": ARRAY + ("negative",)}),
    # ---- prediction_runs
    EN.sample_episodes: (
        lambda: dict(rng=np.random.default_rng(0), n_episodes=3, n_states=S, max_jump=J,
                     start=None),
        {"rng": ("object",), "n_episodes": SIZE, "n_states": SIZE, "max_jump": SIZE,
         "start": ("int_negative", "huge", "float", "index_float")}),
    _episode_of: (lambda: dict(e=0), {"e": ("int_negative", "huge", "float", "type")}),
    EN.gradient_mc_aggregation: (
        lambda: dict(theta=np.zeros(4), groups=StateAggregation.uniform(S, 4).groups,
                     episodes=_episodes(), alpha=0.1, step=0),
        {"theta": ARRAY, "groups": ("index_range", "index_float", "array_type"),
         "episodes": ("object",), "alpha": STEP_SIZE + ("above_one",), "step": NONNEG}),
    EN.semi_gradient_td0_onehot: (_td_stream, {
        "theta": ARRAY, "g": ("index_range", "index_float", "array_type"),
        "r": ARRAY, "g_next": ("index_range", "index_float", "array_type"),
        "gamma": DISCOUNT, "alpha": STEP_SIZE}),
    EN.lane_schedule: (
        lambda: dict(episodes=_episodes(), n_lanes=2, n=1, gamma=1.0,
                     row_offset=np.zeros(2, int), zero_row=S),
        {"episodes": ("object",), "n_lanes": SIZE, "n": ("int_zero", "int_negative",
                                                         "float", "type_not_none"),
         "gamma": DISCOUNT, "row_offset": ("shape", "index_float", "array_type"),
         "zero_row": NONNEG}),
    EN.run_lanes: (_lanes, {
        "X": ARRAY, "schedule": ("object",), "theta": ARRAY, "alpha": ARRAY + ("negative",),
        "gamma_n": DISCOUNT, "step": NONNEG, "check_every": SIZE[:2] + ("float", "type")}),
    EN.check_lanes: (lambda: dict(theta=np.zeros((2, 3)), step=0, alpha=np.ones(2)),
                    {"theta": ("shape",), "alpha": ("shape",)}),
    EN.value_errors: (
        lambda: dict(theta=np.zeros((2, 3)), X=np.ones((S, 3)), v=np.zeros(S),
                     weights=np.ones(S)),
        {"theta": ARRAY, "X": ARRAY, "v": ARRAY, "weights": ARRAY + ("negative",)}),
    R.walk_truth: (lambda: dict(n_states=S, max_jump=J),
                   {"n_states": SIZE, "max_jump": SIZE}),
    R.aggregation_features: (lambda: dict(n_groups=4, n_states=S),
                             {"n_groups": SIZE, "n_states": SIZE}),
    R.exact_limits: (lambda: dict(n_groups=4, n_states=S, max_jump=J),
                     {"n_groups": SIZE, "n_states": SIZE, "max_jump": SIZE}),
    R.basis_features: (lambda: dict(kind="fourier", order=3, n_states=S),
                       {"kind": ("object",), "order": SIZE, "n_states": SIZE}),
    **{run: (lambda cfg=cfg: dict(cfg=cfg, n_states=S, max_jump=J),
             {"cfg": ("object",), "n_states": SIZE, "max_jump": SIZE})
       for run, cfg in SMALL_CFG.items()},
    R.GradientMCConfig: (_defaults(R.GradientMCConfig), {
        "n_groups": SIZE, "alpha": STEP_SIZE + ("above_one",), "n_episodes": SIZE,
        "seed": NONNEG}),
    R.SemiGradientTDConfig: (_defaults(R.SemiGradientTDConfig), {
        "n_groups": SIZE, "alpha": STEP_SIZE + ("above_one",), "n_episodes": SIZE,
        "seed": NONNEG}),
    R.NStepSweepConfig: (_defaults(R.NStepSweepConfig), {
        "n_groups": SIZE, "ns": ("object",), "alphas": ("object",), "n_episodes": SIZE,
        "n_runs": SIZE, "seed": NONNEG}),
    R.BasisSweepConfig: (_defaults(R.BasisSweepConfig), {
        "orders": ("object",), "alpha_polynomial": STEP_SIZE, "alpha_fourier": STEP_SIZE,
        "n_episodes": SIZE, "n_runs": SIZE, "seed": NONNEG}),
    # ---- envs/random_walk
    RandomWalk: (lambda: dict(n_states=S, max_jump=J, start=None, max_episode_steps=None),
                 {"n_states": SIZE, "max_jump": SIZE,
                  "start": ("int_negative", "huge", "float", "type_not_none"),
                  "max_episode_steps": ("int_zero", "int_negative", "float", "type_not_none")}),
    _reset: (lambda: dict(seed=None, options=None), {"seed": NONNEG[:2] + ("type_not_none",),
                                                     "options": ("options",)}),
    _step: (lambda: dict(action=0), {"action": ("int_negative", "huge", "float", "type")}),
    random_walk_mdp: (lambda: dict(n_states=S, max_jump=J, start=None),
                      {"n_states": SIZE, "max_jump": SIZE,
                       "start": ("int_negative", "huge", "float", "type_not_none")}),
    walk_start: (lambda: dict(start=None, n_states=S),
                 {"start": ("int_negative", "huge", "float", "type_not_none"), "n_states": SIZE}),
}

# The named checks themselves (public: the page's functions call them): the same cases
# as the function each one serves, restricted to the check's own arguments.
CHECKS = {
    P.check_rewards: (P.returns, {}),
    P.check_mc_step: (P.gradient_mc_update, {}),
    P.check_td_step: (P.semi_gradient_td_update, {}),
    P.check_n_step_return: (P.n_step_return, {}),
    P.check_episode_run: (P.semi_gradient_td_episode, {"n_rows_extra": 1}),
    P.check_n_step_episode: (P.n_step_td_episode, {}),
    P.check_env_run: (P.gradient_mc_env, {}),
    P.check_transitions: (P.lstd, {}),
    EN.check_walk_batch: (EN.sample_episodes, {}),
    EN.check_aggregation_run: (EN.gradient_mc_aggregation, {}),
    EN.check_onehot_transitions: (EN.semi_gradient_td0_onehot, {}),
    EN.check_lane_layout: (EN.lane_schedule, {}),
    EN.check_lane_run: (EN.run_lanes, {}),
    EN.check_value_errors: (EN.value_errors, {}),
}


def _restricted(check, served, extra):
    params = inspect.signature(check).parameters
    valid, kinds = SPECS[served]
    return (lambda: {**{k: v for k, v in valid().items() if k in params}, **extra},
            {k: v for k, v in kinds.items() if k in params})


SPECS.update({check: _restricted(check, served, extra)
              for check, (served, extra) in CHECKS.items()})
SPECS[EN.check_episodes] = (lambda: dict(episodes=_episodes()),
                           {"episodes": ("object", "episodes")})
SPECS[P.check_lstd_matrix] = (lambda: dict(A=np.eye(2)), {"A": ("singular",)})
SPECS[check_float_array] = (lambda: dict(name="value", value=np.zeros(3)),
                              {"value": ARRAY[:2] + ("array_type",)})
KINDS["episodes"] = lambda v: st.sampled_from([
    EN.Episodes(v.states.astype(float), v.lengths, v.final_reward),
    EN.Episodes(v.states, v.lengths + 1, v.final_reward),
    EN.Episodes(v.states, v.lengths, np.full(v.lengths.shape, np.nan)),
    EN.Episodes(-1 - v.states, v.lengths, v.final_reward)])
KINDS["singular"] = lambda v: st.floats(0.0, 1e-14).map(
    lambda e: np.array([[1.0, 1.0], [1.0, 1.0 + e]]))
KINDS["options"] = lambda v: st.sampled_from([{"start": -1}, {"start": 10**6},
                                              {"start": 1.5}, {"begin": 0}])
# the sweep configs' tuples: not a tuple, empty, or holding a bad entry
_TUPLES = {"ns": [5, (), (0,), (1.5,), ("a",)],
           "alphas": [0.1, (), (math.nan,), (-0.1,), (1.5,)],
           "orders": [5, (), (0,), (10**6,), (2.5,)]}


def _name(func) -> str:
    return getattr(func, "__name__", repr(func)).lstrip("_")


CASES = [(func, arg, kind) for func, (_, args) in SPECS.items()
         for arg, kinds in args.items() for kind in kinds]


@pytest.mark.parametrize("func, arg, kind", CASES,
                         ids=[f"{_name(f)}-{a}-{k}" for f, a, k in CASES])
@settings(max_examples=2, deadline=None)
@given(data=st.data())
def test_bad_input_is_refused_naming_the_argument(func, arg, kind, data):
    valid, _ = SPECS[func]
    kwargs = valid()
    if kind == "object" and arg in _TUPLES:
        kwargs[arg] = data.draw(st.sampled_from(_TUPLES[arg]))
    else:
        kwargs[arg] = data.draw(KINDS[kind](kwargs[arg]))
    with pytest.raises((ValueError, TypeError)) as err:
        func(**kwargs)
    name = "start" if arg == "options" else arg
    assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", str(err.value)), (
        f"{_name(func)}({arg}=...) raised without naming {name!r}: {err.value}")


def test_the_valid_arguments_are_accepted():
    """The cases above differ from a valid call in one argument only."""
    for func, (valid, _) in SPECS.items():
        func(**valid())


def test_case_counts():
    documented_kernels = 0  # every public callable here checks its arguments itself
    print(f"\nchapter 4 bad-input cases: {len(CASES)} tried, {len(CASES)} clear errors, "
          f"{documented_kernels} documented kernels, over {len(SPECS)} callables")
    assert len({(f, a, k) for f, a, k in CASES}) == len(CASES)


# ---------------------------------------------------------- runaway weights: divergence


RUNAWAY = {
    "gradient_mc_episode": lambda: P.gradient_mc_episode(
        np.zeros(3), np.full((6, 3), 10.0), np.ones(6), alpha=1.0),
    "semi_gradient_td_episode": lambda: P.semi_gradient_td_episode(
        np.zeros(3), np.full((7, 3), 10.0), np.ones(6), True, alpha=1.0, gamma=0.0),
    "n_step_td_episode": lambda: P.n_step_td_episode(
        np.zeros(3), np.full((7, 3), 10.0), np.ones(6), True, 2, alpha=1.0, gamma=0.0),
    "gradient_mc_env": lambda: P.gradient_mc_env(
        RandomWalk(S, J), lambda s: np.full(3, 10.0), np.zeros(3), 50, 1.0, 1.0,
        np.random.default_rng([0, 1]), 0),
    "semi_gradient_td_env": lambda: P.semi_gradient_td_env(
        RandomWalk(S, J), lambda s: np.full(3, 10.0), np.zeros(3), 50, 1.0, 0.0,
        np.random.default_rng([0, 1]), 0),
    "semi_gradient_td0_onehot": lambda: EN.semi_gradient_td0_onehot(
        np.array([1.0, 0.0]), np.tile([0, 1], 2000), np.zeros(4000),
        1 - np.tile([0, 1], 2000), 0.9, 3.0),
    "run_lanes": lambda: EN.run_lanes(**{**_lanes(), "X": np.vstack(
        [np.full((S, 3), 10.0), np.zeros(3)]), "alpha": np.array([0.01, 1.0]),
        "gamma_n": 0.0, "check_every": 1}),
}


@pytest.mark.parametrize("name", RUNAWAY)
def test_every_learning_loop_raises_divergence_error(name):
    with pytest.raises(DivergenceError, match=r"diverged at step \d+ with step size alpha="):
        RUNAWAY[name]()
