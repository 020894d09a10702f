"""Bad input for chapter 5 (fa_book.control, fa_book.control_runs): every public function
and config refuses bad values with a ValueError/TypeError that names the argument.

Each case is one (callable, argument, kind of bad value); hypothesis draws the value.
`CASES` is counted in the report of issue 10; `KERNELS` are the functions whose
docstrings state what they do not check (their callers check).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book import control
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
    cost_to_go_run,
    mountain_car_coder,
    mountain_car_sarsa,
    mountain_car_sarsa_single,
    step_size_runs,
)
from fa_book.oracles import random_mdp
from fa_book.validate import DivergenceError

# ------------------------------------------------------------------- kinds of bad values

NAN = st.just(math.nan)
INF = st.sampled_from([math.inf, -math.inf])
NEGATIVE = st.floats(-1e9, -1e-9)
ZERO = st.just(0.0)
ABOVE_ONE = st.floats(1.0, 1e9, exclude_min=True)
NON_POSITIVE_INT = st.integers(-10**6, 0)
HUGE_INT = st.integers(10**10, 10**15)
FRACTION = st.floats(0.1, 50.0).filter(lambda v: v != int(v))
WRONG_TYPE = st.sampled_from(["0.5", None, [0.5, 0.5], b"1"])


def with_nan(array):
    """Strategy: a copy of `array` with NaN or inf at one drawn position."""
    a = np.asarray(array, dtype=float)
    return st.tuples(st.integers(0, a.size - 1), st.sampled_from([math.nan, math.inf])).map(
        lambda iv: np.where(np.arange(a.size).reshape(a.shape) == iv[0], iv[1], a))


def one_of_shapes(*shapes, fill=0.5):
    """Strategy: an array of one of the given (wrong) shapes."""
    return st.sampled_from(shapes).map(lambda s: np.full(s, fill))


def assert_names(call, name: str, value, errors=(ValueError, TypeError)):
    """`call(value)` raises one of `errors` whose message names the argument `name`."""
    with pytest.raises(errors) as err:
        call(value)
    msg = str(err.value)
    assert re.search(rf"(^|[^\w]){re.escape(name)}($|[^\w])", msg), (name, msg)


# ---------------------------------------------------------------------- valid defaults

MDP = random_mdp(np.random.default_rng(0), 3, 2, gamma=0.9)
PI = np.full((3, 2), 0.5)
X = np.random.default_rng(1).standard_normal((3, 2, 2))
THETA, XSA = np.zeros(3), np.ones(3)
XN, XNA = np.ones(3), np.ones((2, 3))
SMALL_MC = {"episodes": 1, "max_episode_steps": 5}


def sarsa(**kw):
    args = {"theta": THETA, "x_sa": XSA, "r": -1.0, "x_next": XN, "terminated": False,
            "alpha": 0.1, "gamma": 0.9} | kw
    return sarsa_step(**args)


def qlearn(**kw):
    args = {"theta": THETA, "x_sa": XSA, "r": -1.0, "X_next": XNA, "terminated": False,
            "alpha": 0.1, "gamma": 0.9} | kw
    return q_learning_step(**args)


def esarsa(**kw):
    args = {"theta": THETA, "x_sa": XSA, "r": -1.0, "X_next": XNA,
            "pi_next": np.array([0.5, 0.5]), "terminated": False, "alpha": 0.1,
            "gamma": 0.9} | kw
    return expected_sarsa_step(**args)


def api(**kw):
    args = {"mdp": MDP, "X": X, "epsilon": 0.1, "n_iterations": 2, "eval_steps": 2,
            "alpha": 0.5, "theta0": None} | kw
    mdp, X_ = args.pop("mdp"), args.pop("X")
    return approximate_policy_iteration(mdp, X_, **args)


def exp_update(**kw):
    args = {"mdp": MDP, "pi": PI, "X": X, "theta": np.zeros(2), "mu": None} | kw
    return expected_update(**args)


def fixed_point(**kw):
    args = {"mdp": MDP, "pi": PI, "X": X, "mu": None} | kw
    return sarsa_fixed_point(**args)


def mc_config(**kw):
    return MountainCarConfig(**(SMALL_MC | kw))


def mc_sarsa(**kw):
    args = {"config": mc_config(), "rng": np.random.default_rng(0), "runs": 2,
            "alphas": None, "snapshot_episodes": ()} | kw
    config, rng = args.pop("config"), args.pop("rng")
    return mountain_car_sarsa(config, rng, **args)


def mc_single(**kw):
    args = {"config": mc_config(), "rng": np.random.default_rng(0),
            "snapshot_episodes": ()} | kw
    config, rng = args.pop("config"), args.pop("rng")
    return mountain_car_sarsa_single(config, rng, **args)


def select(**kw):
    args = {"q": np.zeros((2, 3)), "epsilon": 0.1, "u": np.full((2, 2), 0.5)} | kw
    return select_action(**args)


# (callable name, function of one keyword, argument, kind, strategy)
CASES = [
    ("q_hat", lambda v: q_hat(v, XNA), "theta", "nan", with_nan(THETA)),
    ("q_hat", lambda v: q_hat(v, XNA), "theta", "shape", one_of_shapes((3, 3), (), (0,))),
    ("q_hat", lambda v: q_hat(THETA, v), "x_sa", "nan", with_nan(XNA)),
    ("q_hat", lambda v: q_hat(THETA, v), "x_sa", "shape", one_of_shapes((2, 4), (), (5,))),
    ("stacked_features", lambda v: stacked_features(v, 3), "x_s", "nan", with_nan(XN)),
    ("stacked_features", lambda v: stacked_features(v, 3), "x_s", "shape",
     one_of_shapes((), (2, 0))),
    ("stacked_features", lambda v: stacked_features(XN, v), "n_actions", "non-positive",
     NON_POSITIVE_INT),
    ("stacked_features", lambda v: stacked_features(XN, v), "n_actions", "huge", HUGE_INT),
    ("stacked_features", lambda v: stacked_features(XN, v), "n_actions", "fraction",
     FRACTION),
    ("stacked_features", lambda v: stacked_features(XN, v), "n_actions", "type",
     WRONG_TYPE),
    ("stacked_feature", lambda v: stacked_feature(XN, v, 3), "a", "out of range",
     st.one_of(st.integers(3, 10**6), st.integers(-10**6, -1))),
    ("stacked_feature", lambda v: stacked_feature(XN, v, 3), "a", "type",
     st.sampled_from([1.0, "0", None, True])),
    ("epsilon_greedy_probs", lambda v: epsilon_greedy_probs(v, 0.1), "q", "nan",
     with_nan(np.zeros(4))),
    ("epsilon_greedy_probs", lambda v: epsilon_greedy_probs(v, 0.1), "q", "shape",
     one_of_shapes((), (3, 0))),
    ("epsilon_greedy_probs", lambda v: epsilon_greedy_probs(np.zeros(3), v), "epsilon",
     "out of range", st.one_of(NEGATIVE, ABOVE_ONE)),
    ("epsilon_greedy_probs", lambda v: epsilon_greedy_probs(np.zeros(3), v), "epsilon",
     "nan", st.one_of(NAN, INF)),
    ("epsilon_greedy_probs", lambda v: epsilon_greedy_probs(np.zeros(3), v), "epsilon",
     "type", st.sampled_from(["0.1", None, np.array([0.1, 0.2, 0.3])])),
    ("softmax_probs", lambda v: softmax_probs(v, 1.0), "q", "nan", with_nan(np.zeros(3))),
    ("softmax_probs", lambda v: softmax_probs(np.zeros(3), v), "temperature",
     "non-positive", st.one_of(NEGATIVE, ZERO)),
    ("softmax_probs", lambda v: softmax_probs(np.zeros(3), v), "temperature", "nan",
     st.one_of(NAN, INF)),
    ("select_action", lambda v: select(q=v), "q", "nan", with_nan(np.zeros((2, 3)))),
    ("select_action", lambda v: select(q=v), "q", "shape", one_of_shapes((3,), (2, 3, 1))),
    ("select_action", lambda v: select(epsilon=v), "epsilon", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    ("select_action", lambda v: select(epsilon=v), "epsilon", "shape",
     one_of_shapes((3,), (2, 2), fill=0.1)),
    ("select_action", lambda v: select(u=v), "u", "out of range",
     st.one_of(st.floats(1.0, 10.0), NEGATIVE, NAN).map(lambda x: np.full((2, 2), x))),
    ("select_action", lambda v: select(u=v), "u", "shape", one_of_shapes((2,), (3, 2))),
    ("sarsa_step", lambda v: sarsa(theta=v), "theta", "nan", with_nan(THETA)),
    ("sarsa_step", lambda v: sarsa(theta=v), "theta", "shape", one_of_shapes((3, 3), ())),
    ("sarsa_step", lambda v: sarsa(x_sa=v), "x_sa", "nan", with_nan(XSA)),
    ("sarsa_step", lambda v: sarsa(x_sa=v), "x_sa", "shape", one_of_shapes((4,), (2, 3))),
    ("sarsa_step", lambda v: sarsa(r=v), "r", "nan", st.one_of(NAN, INF)),
    ("sarsa_step", lambda v: sarsa(r=v), "r", "shape", one_of_shapes((2,))),
    ("sarsa_step", lambda v: sarsa(x_next=v), "x_next", "nan", with_nan(XN)),
    ("sarsa_step", lambda v: sarsa(x_next=v), "x_next", "shape",
     one_of_shapes((4,), (2, 3))),
    ("sarsa_step", lambda v: sarsa(terminated=v), "terminated", "type",
     st.sampled_from([1, 0.0, "yes", None])),
    ("sarsa_step", lambda v: sarsa(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO)),
    ("sarsa_step", lambda v: sarsa(alpha=v), "alpha", "nan", st.one_of(NAN, INF)),
    ("sarsa_step", lambda v: sarsa(alpha=v), "alpha", "type", WRONG_TYPE),
    ("sarsa_step", lambda v: sarsa(gamma=v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE)),
    ("sarsa_step", lambda v: sarsa(gamma=v), "gamma", "nan", st.one_of(NAN, INF)),
    ("q_learning_step", lambda v: qlearn(X_next=v), "X_next", "shape",
     one_of_shapes((3,), (2, 4))),
    ("q_learning_step", lambda v: qlearn(X_next=v), "X_next", "nan", with_nan(XNA)),
    ("q_learning_step", lambda v: qlearn(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO)),
    ("q_learning_step", lambda v: qlearn(alpha=v), "alpha", "nan", st.one_of(NAN, INF)),
    ("q_learning_step", lambda v: qlearn(gamma=v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    ("expected_sarsa_step", lambda v: esarsa(pi_next=v), "pi_next", "not a distribution",
     st.sampled_from([np.array([0.7, 0.7]), np.array([-0.5, 1.5]), np.array([1.0])])),
    ("expected_sarsa_step", lambda v: esarsa(pi_next=v), "pi_next", "nan",
     with_nan(np.array([0.5, 0.5]))),
    ("expected_sarsa_step", lambda v: esarsa(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO)),
    ("expected_sarsa_step", lambda v: esarsa(alpha=v), "alpha", "nan", st.one_of(NAN, INF)),
    ("expected_update", lambda v: exp_update(mdp=v), "mdp", "type",
     st.sampled_from([None, "mdp", np.zeros((3, 2, 3))])),
    ("expected_update", lambda v: exp_update(pi=v), "pi", "nan", with_nan(PI)),
    ("expected_update", lambda v: exp_update(pi=v), "pi", "shape", one_of_shapes((3,), (2, 3))),
    ("expected_update", lambda v: exp_update(pi=v), "pi", "not a policy",
     st.floats(0.6, 5.0).map(lambda p: np.full((3, 2), p))),
    ("expected_update", lambda v: exp_update(X=v), "X", "nan", with_nan(X)),
    ("expected_update", lambda v: exp_update(X=v), "X", "shape",
     one_of_shapes((3, 2), (2, 2, 2), (3, 2, 0))),
    ("expected_update", lambda v: exp_update(theta=v), "theta", "nan", with_nan(np.zeros(2))),
    ("expected_update", lambda v: exp_update(theta=v), "theta", "shape",
     one_of_shapes((3,), (2, 2))),
    ("expected_update", lambda v: exp_update(mu=v), "mu", "negative",
     NEGATIVE.map(lambda m: np.array([m, 0.5, 0.5]))),
    ("expected_update", lambda v: exp_update(mu=v), "mu", "shape", one_of_shapes((2,), (3, 1))),
    ("expected_update", lambda v: exp_update(mu=v), "mu", "nan", with_nan(np.ones(3))),
    ("sarsa_fixed_point", lambda v: fixed_point(X=v), "X", "shape", one_of_shapes((3, 2))),
    ("sarsa_fixed_point", lambda v: fixed_point(mu=v), "mu", "zero mass",
     st.just(np.zeros(3))),
    ("approximate_policy_iteration", lambda v: api(X=v), "X", "shape",
     one_of_shapes((3, 2), (3, 3, 2))),
    ("approximate_policy_iteration", lambda v: api(epsilon=v), "epsilon", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    ("approximate_policy_iteration", lambda v: api(n_iterations=v), "n_iterations",
     "non-positive", NON_POSITIVE_INT),
    ("approximate_policy_iteration", lambda v: api(n_iterations=v), "n_iterations", "huge",
     HUGE_INT),
    ("approximate_policy_iteration", lambda v: api(eval_steps=v), "eval_steps",
     "non-positive", NON_POSITIVE_INT),
    ("approximate_policy_iteration", lambda v: api(eval_steps=v), "eval_steps", "huge",
     HUGE_INT),
    ("approximate_policy_iteration", lambda v: api(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN, INF)),
    ("approximate_policy_iteration", lambda v: api(theta0=v), "theta0", "shape/nan",
     st.one_of(one_of_shapes((3,)), with_nan(np.zeros(2)))),
    # fa_book.control_runs
    ("MountainCarConfig", lambda v: mc_config(n_tilings=v), "n_tilings", "non-positive",
     NON_POSITIVE_INT),
    ("MountainCarConfig", lambda v: mc_config(n_tilings=v), "n_tilings", "fraction",
     FRACTION),
    ("MountainCarConfig", lambda v: mc_config(n_tiles=v), "n_tiles", "non-positive",
     NON_POSITIVE_INT),
    ("MountainCarConfig", lambda v: mc_config(n_tiles=v), "n_tiles", "huge", HUGE_INT),
    ("MountainCarConfig", lambda v: mc_config(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO)),
    ("MountainCarConfig", lambda v: mc_config(alpha=v), "alpha", "nan", st.one_of(NAN, INF)),
    ("MountainCarConfig", lambda v: mc_config(alpha=v), "alpha", "type", WRONG_TYPE),
    ("MountainCarConfig", lambda v: mc_config(epsilon=v), "epsilon", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    ("MountainCarConfig", lambda v: mc_config(gamma=v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    ("MountainCarConfig", lambda v: mc_config(episodes=v), "episodes", "non-positive",
     NON_POSITIVE_INT),
    ("MountainCarConfig", lambda v: mc_config(episodes=v), "episodes", "huge", HUGE_INT),
    ("MountainCarConfig", lambda v: mc_config(max_episode_steps=v), "max_episode_steps",
     "non-positive", st.one_of(NON_POSITIVE_INT, FRACTION)),
    ("mountain_car_coder", lambda v: mountain_car_coder(v), "config", "type",
     st.sampled_from([None, {"n_tilings": 8}, "config"])),
    ("mountain_car_sarsa", lambda v: mc_sarsa(config=v), "config", "type",
     st.sampled_from([None, {"n_tilings": 8}])),
    ("mountain_car_sarsa", lambda v: mc_sarsa(rng=v), "rng", "type",
     st.sampled_from([0, None, np.random.RandomState(0)])),
    ("mountain_car_sarsa", lambda v: mc_sarsa(runs=v), "runs", "non-positive",
     NON_POSITIVE_INT),
    ("mountain_car_sarsa", lambda v: mc_sarsa(runs=v), "runs", "huge", HUGE_INT),
    ("mountain_car_sarsa", lambda v: mc_sarsa(alphas=v), "alphas", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN, INF).map(lambda a: [0.5, a])),
    ("mountain_car_sarsa", lambda v: mc_sarsa(alphas=v), "alphas", "count",
     st.sampled_from([[0.1, 0.2, 0.3], [[0.1], [0.2]], "0.1"])),
    ("mountain_car_sarsa", lambda v: mc_sarsa(snapshot_episodes=v), "snapshot_episodes",
     "out of range", st.one_of(NON_POSITIVE_INT, st.integers(2, 10**6)).map(lambda e: [e])),
    ("mountain_car_sarsa", lambda v: mc_sarsa(snapshot_episodes=v), "snapshot_episodes",
     "type", st.sampled_from([["1"], [1.5], "12", 3])),
    ("mountain_car_sarsa_single", lambda v: mc_single(config=v), "config", "type",
     st.sampled_from([None, "config"])),
    ("mountain_car_sarsa_single", lambda v: mc_single(rng=v), "rng", "type",
     st.sampled_from([0, None])),
    ("mountain_car_sarsa_single", lambda v: mc_single(snapshot_episodes=v),
     "snapshot_episodes", "out of range", st.integers(2, 100).map(lambda e: [e])),
    ("cost_to_go_run", lambda v: cost_to_go_run(v), "episodes", "empty/type",
     st.sampled_from([(), "12", 12, [[1, 2]]])),
    ("cost_to_go_run", lambda v: cost_to_go_run(v), "episodes", "non-positive",
     NON_POSITIVE_INT.map(lambda e: (e,))),
    ("cost_to_go_run", lambda v: cost_to_go_run((1,), seed=v), "seed", "negative/type",
     st.one_of(st.integers(-10**6, -1), st.sampled_from([1.5, "0", None]))),
    ("step_size_runs", lambda v: step_size_runs(v, 1), "runs", "non-positive/huge",
     st.one_of(NON_POSITIVE_INT, HUGE_INT, st.integers(10**8, 10**9))),
    ("step_size_runs", lambda v: step_size_runs(1, v), "episodes", "non-positive/huge",
     st.one_of(NON_POSITIVE_INT, HUGE_INT)),
    ("step_size_runs", lambda v: step_size_runs(1, 1, v), "seed", "negative/type",
     st.one_of(st.integers(-10**6, -1), st.sampled_from([1.5, "0", None]))),
]

KERNELS = [control.choose_action, control.apply_update]
"""Documented kernels: their docstrings say what they do not check; their callers check."""


@pytest.mark.parametrize(("func", "call", "name", "kind", "values"), CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES])
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_bad_input_names_the_argument(func, call, name, kind, values, data):
    assert_names(call, name, data.draw(values))


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda f: f.__name__)
def test_kernels_state_what_they_do_not_check(kernel):
    assert "does not check" in " ".join(kernel.__doc__.split())


def test_diverging_runs_raise_divergence_error():
    with pytest.raises(DivergenceError, match="Mountain Car"):
        mountain_car_sarsa_single(MountainCarConfig(alpha=1e3, episodes=3),
                                  np.random.default_rng(0))
    with pytest.raises(DivergenceError, match="approximate policy evaluation"):
        approximate_policy_iteration(MDP, 1e3 * X, epsilon=0.1, n_iterations=3,
                                     eval_steps=50, alpha=1e3)
