"""Bad input for chapter 6 (fa_book.semi_gradient, fa_book.semi_gradient_runs,
fa_book.envs.baird): every public function refuses bad values with a
ValueError/TypeError that names the argument.

Each case is one (callable, argument, kind of bad value); hypothesis draws the value.
`KERNELS` are the helpers whose docstrings state what they do not check.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import fa_book  # noqa: F401  (registers fa_book/Baird-v0)
from fa_book import semi_gradient_runs
from fa_book.envs import BairdCounterexample, baird_mdp
from fa_book.envs.episode import EpisodeEnded
from fa_book.figures.semi_gradient import BairdExperiment, ChainExperiment
from fa_book.semi_gradient import (
    bellman_error_minimizer,
    double_sample_residual_loss,
    expected_matrices,
    expected_update,
    mean_squared_errors,
    observed_transitions,
    random_walk_chain,
    reduce_loss,
    residual_gradient_update,
    residual_td_loss,
    semi_gradient_td_loss,
    semi_gradient_update,
    td_error_minimizer,
)
from fa_book.semi_gradient_runs import baird_off_policy_td, expected_run, sampled_linear_td
from fa_book.validate import DivergenceError
from tests.test_control_bad_input import (
    ABOVE_ONE,
    FRACTION,
    HUGE_INT,
    INF,
    NAN,
    NEGATIVE,
    NON_POSITIVE_INT,
    WRONG_TYPE,
    ZERO,
    assert_names,
    one_of_shapes,
    with_nan,
)

T = torch.float64
MDP, PI, PHI = random_walk_chain()
W = np.zeros(3)
V_HAT = torch.nn.Linear(2, 1, bias=False, dtype=T)
XB, RB = torch.zeros(3, 2, dtype=T), torch.zeros(3, dtype=T)
TB = torch.zeros(3, dtype=torch.bool)


def tensor_with_nan(shape):
    return st.integers(0, int(np.prod(shape)) - 1).map(
        lambda i: torch.where(torch.arange(int(np.prod(shape))).reshape(shape) == i,
                              torch.tensor(float("nan"), dtype=T), torch.zeros(shape, dtype=T)))


def tensors(*shapes, dtype=T):
    return st.sampled_from(shapes).map(lambda s: torch.zeros(s, dtype=dtype))


def loss(fn=semi_gradient_td_loss, **kw):
    args = {"v_hat": V_HAT, "x": XB, "r": RB, "x_next": XB, "terminated": TB, "gamma": 0.9,
            "weight": None} | kw
    return fn(**args)


def double(**kw):
    args = {"v_hat": V_HAT, "x": XB, "r": RB, "x_next": XB, "terminated": TB, "r2": RB,
            "x_next2": XB, "terminated2": TB, "gamma": 0.9, "weight": None} | kw
    return double_sample_residual_loss(**args)


def semi(**kw):
    args = {"w": W, "x": np.ones(3), "r": 1.0, "x_next": np.ones(3), "gamma": 0.9,
            "alpha": 0.1, "rho": 1.0} | kw
    return semi_gradient_update(**args)


def resid(**kw):
    args = {"w": W, "x": np.ones(3), "r": 1.0, "x_next": np.ones(3), "gamma": 0.9,
            "alpha": 0.1, "x_next2": None} | kw
    return residual_gradient_update(**args)


def matrices(**kw):
    args = {"mdp": MDP, "pi": PI, "phi": PHI, "method": "semi-gradient", "mu": None} | kw
    return expected_matrices(**args)


def exp_run(**kw):
    args = {"A": np.eye(3), "b": np.zeros(3), "w0": W, "alpha": 0.1, "n_steps": 5,
            "max_norm": None, "on_divergence": "raise"} | kw
    return expected_run(**args)


def sampled(**kw):
    args = {"mdp": MDP, "pi": PI, "phi": PHI, "method": "semi-gradient", "alpha": 0.1,
            "n_steps": 5, "n_runs": 2, "rng": np.random.default_rng(0)} | kw
    return sampled_linear_td(**args)


def baird(**kw):
    args = {"alpha": 0.01, "n_steps": 5, "seed": 0} | kw
    return baird_off_policy_td(**args)


def baird_env_step(action):
    env = BairdCounterexample()
    env.reset(seed=0)
    return env.step(action)


class ScalarModel(torch.nn.Module):
    def forward(self, x):
        return x.sum()


CASES = [
    # losses (torch)
    ("semi_gradient_td_loss", lambda v: loss(x=v), "x", "nan", tensor_with_nan((3, 2))),
    ("semi_gradient_td_loss", lambda v: loss(x=v), "x", "type",
     st.sampled_from([np.zeros((3, 2)), [[0.0, 0.0]]])),
    ("semi_gradient_td_loss", lambda v: loss(r=v), "r", "nan", tensor_with_nan((3,))),
    ("semi_gradient_td_loss", lambda v: loss(r=v), "r", "shape", tensors((2,), (3, 1))),
    ("semi_gradient_td_loss", lambda v: loss(x_next=v), "x_next", "shape",
     tensors((3, 3), (2, 2))),
    ("semi_gradient_td_loss", lambda v: loss(terminated=v), "terminated", "dtype",
     tensors((3,), dtype=T)),
    ("semi_gradient_td_loss", lambda v: loss(gamma=v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN, INF)),
    ("semi_gradient_td_loss", lambda v: loss(weight=v), "weight", "shape",
     tensors((2,), (3, 3))),
    ("semi_gradient_td_loss", lambda v: loss(weight=v), "weight", "nan",
     tensor_with_nan((3,))),
    ("semi_gradient_td_loss", lambda v: loss(v_hat=v), "v_hat", "wrong output",
     st.sampled_from([ScalarModel(), torch.nn.Linear(2, 2, dtype=T)])),
    ("residual_td_loss", lambda v: loss(residual_td_loss, gamma=v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    ("residual_td_loss", lambda v: loss(residual_td_loss, r=v), "r", "nan",
     tensor_with_nan((3,))),
    ("double_sample_residual_loss", lambda v: double(r2=v), "r2", "shape/nan",
     st.one_of(tensors((2,)), tensor_with_nan((3,)))),
    ("double_sample_residual_loss", lambda v: double(x_next2=v), "x_next2", "shape",
     tensors((3, 3))),
    ("double_sample_residual_loss", lambda v: double(terminated2=v), "terminated2", "dtype",
     tensors((3,), dtype=torch.int64)),
    # linear updates
    ("semi_gradient_update", lambda v: semi(w=v), "w", "nan", with_nan(W)),
    ("semi_gradient_update", lambda v: semi(w=v), "w", "shape", one_of_shapes((), (2, 0))),
    ("semi_gradient_update", lambda v: semi(x=v), "x", "nan", with_nan(np.ones(3))),
    ("semi_gradient_update", lambda v: semi(x=v), "x", "shape", one_of_shapes((4,), (2, 2))),
    ("semi_gradient_update", lambda v: semi(r=v), "r", "nan", st.one_of(NAN, INF)),
    ("semi_gradient_update", lambda v: semi(x=np.ones((2, 3)), r=v), "r", "shape",
     one_of_shapes((4,), (3,), (5, 3))),
    ("semi_gradient_update", lambda v: semi(x_next=v), "x_next", "shape",
     one_of_shapes((2,), (3, 2))),
    ("semi_gradient_update", lambda v: semi(gamma=v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN, INF)),
    ("semi_gradient_update", lambda v: semi(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO)),
    ("semi_gradient_update", lambda v: semi(alpha=v), "alpha", "nan", st.one_of(NAN, INF)),
    ("semi_gradient_update", lambda v: semi(alpha=v), "alpha", "type", WRONG_TYPE),
    ("semi_gradient_update", lambda v: semi(rho=v), "rho", "negative/nan",
     st.one_of(NEGATIVE, NAN, INF)),
    ("residual_gradient_update", lambda v: resid(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN, INF)),
    ("residual_gradient_update", lambda v: resid(gamma=v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    ("residual_gradient_update", lambda v: resid(x_next2=v), "x_next2", "shape/nan",
     st.one_of(one_of_shapes((2,)), with_nan(np.ones(3)))),
    # expected updates and exact solutions
    ("expected_matrices", lambda v: matrices(mdp=v), "mdp", "type",
     st.sampled_from([None, "chain", PI])),
    ("expected_matrices", lambda v: matrices(pi=v), "pi", "shape/nan",
     st.one_of(one_of_shapes((7, 2), (7,)), with_nan(PI))),
    ("expected_matrices", lambda v: matrices(phi=v), "phi", "nan", with_nan(PHI)),
    ("expected_matrices", lambda v: matrices(phi=v), "phi", "shape",
     one_of_shapes((6, 3), (7,), (7, 0))),
    ("expected_matrices", lambda v: matrices(method=v), "method", "unknown",
     st.text(max_size=12).filter(lambda m: m not in ("semi-gradient", "residual",
                                                        "double-sample"))),
    ("expected_matrices", lambda v: matrices(mu=v), "mu", "negative",
     NEGATIVE.map(lambda m: np.r_[m, np.ones(6)])),
    ("expected_matrices", lambda v: matrices(mu=v), "mu", "shape/nan",
     st.one_of(one_of_shapes((6,), (7, 1)), with_nan(np.ones(7)))),
    ("expected_update", lambda v: expected_update(v, MDP, PI, PHI, "residual"), "w",
     "shape/nan", st.one_of(one_of_shapes((2,), (3, 3)), with_nan(W))),
    ("bellman_error_minimizer", lambda v: bellman_error_minimizer(MDP, PI, v), "phi",
     "shape", one_of_shapes((6, 3))),
    ("bellman_error_minimizer", lambda v: bellman_error_minimizer(MDP, PI, PHI, v), "mu",
     "zero mass", st.just(np.zeros(7))),
    ("td_error_minimizer", lambda v: td_error_minimizer(MDP, PI, PHI, v), "mu", "negative",
     NEGATIVE.map(lambda m: np.r_[np.ones(6), m])),
    ("mean_squared_errors", lambda v: mean_squared_errors(v, MDP, PI, PHI), "w",
     "shape/nan", st.one_of(one_of_shapes((4,)), with_nan(W))),
    ("observed_transitions", lambda v: observed_transitions(MDP, PI, v), "phi",
     "shape/nan", st.one_of(one_of_shapes((6, 3), (7,)), with_nan(PHI))),
    ("observed_transitions", lambda v: observed_transitions(MDP, PI, PHI, v), "mu",
     "negative", NEGATIVE.map(lambda m: np.r_[m, np.ones(6)])),
    ("random_walk_chain", lambda v: random_walk_chain(n_states=v), "n_states",
     "non-positive/huge", st.one_of(NON_POSITIVE_INT, HUGE_INT)),
    ("random_walk_chain", lambda v: random_walk_chain(n_states=v), "n_states", "fraction",
     FRACTION),
    ("random_walk_chain", lambda v: random_walk_chain(gamma=v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    ("random_walk_chain", lambda v: random_walk_chain(n_groups=v), "n_groups",
     "out of range", st.one_of(NON_POSITIVE_INT, st.integers(8, 10**6))),
    # runs
    ("expected_run", lambda v: exp_run(A=v), "A", "shape/nan",
     st.one_of(one_of_shapes((3,), (2, 2)), with_nan(np.eye(3)))),
    ("expected_run", lambda v: exp_run(b=v), "b", "shape/nan",
     st.one_of(one_of_shapes((), (3, 1)), with_nan(np.zeros(3)))),
    ("expected_run", lambda v: exp_run(w0=v), "w0", "shape/nan",
     st.one_of(one_of_shapes((2,)), with_nan(W))),
    ("expected_run", lambda v: exp_run(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN, INF)),
    ("expected_run", lambda v: exp_run(n_steps=v), "n_steps", "non-positive/huge",
     st.one_of(NON_POSITIVE_INT, HUGE_INT, FRACTION)),
    ("expected_run", lambda v: exp_run(max_norm=v), "max_norm", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN)),
    ("expected_run", lambda v: exp_run(on_divergence=v), "on_divergence", "unknown",
     st.sampled_from(["nan", "warn", None])),
    ("sampled_linear_td", lambda v: sampled(method=v), "method", "unknown",
     st.sampled_from(["full", "", None])),
    ("sampled_linear_td", lambda v: sampled(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN, INF)),
    ("sampled_linear_td", lambda v: sampled(n_steps=v), "n_steps", "non-positive/huge",
     st.one_of(NON_POSITIVE_INT, HUGE_INT)),
    ("sampled_linear_td", lambda v: sampled(n_runs=v), "n_runs", "non-positive/huge",
     st.one_of(NON_POSITIVE_INT, HUGE_INT)),
    ("sampled_linear_td", lambda v: sampled(sampling=v), "sampling", "unknown",
     st.sampled_from(["random", None])),
    ("sampled_linear_td", lambda v: sampled(w0=v), "w0", "shape/nan",
     st.one_of(one_of_shapes((2,)), with_nan(W))),
    ("sampled_linear_td", lambda v: sampled(record_every=v), "record_every",
     "non-positive", NON_POSITIVE_INT),
    ("sampled_linear_td", lambda v: sampled(average_from=v), "average_from",
     "out of range", st.one_of(st.integers(-100, -1), st.integers(5, 100))),
    ("sampled_linear_td", lambda v: sampled(rng=v), "rng", "type",
     st.sampled_from([0, None, np.random.RandomState(0)])),
    ("baird_off_policy_td", lambda v: baird(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN, INF)),
    ("baird_off_policy_td", lambda v: baird(n_steps=v), "n_steps", "non-positive/huge",
     st.one_of(NON_POSITIVE_INT, HUGE_INT)),
    ("baird_off_policy_td", lambda v: baird(seed=v), "seed", "negative/type",
     st.one_of(st.integers(-10**6, -1), st.sampled_from([1.5, "0", None]))),
    ("baird_off_policy_td", lambda v: baird(w0=v), "w0", "shape/nan",
     st.one_of(one_of_shapes((7,), (8, 1)), with_nan(np.ones(8)))),
    ("baird_off_policy_td", lambda v: baird(max_norm=v), "max_norm", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN)),
    ("baird_off_policy_td", lambda v: baird(on_divergence=v), "on_divergence", "unknown",
     st.sampled_from(["ignore", None])),
    # envs/baird
    ("BairdCounterexample", lambda v: BairdCounterexample(max_episode_steps=v),
     "max_episode_steps", "non-positive", st.one_of(NON_POSITIVE_INT, FRACTION)),
    ("BairdCounterexample.reset", lambda v: BairdCounterexample().reset(options={"start": v}),
     "start", "out of range", st.one_of(st.integers(7, 100), st.integers(-100, -1),
                                        st.sampled_from([1.0, "0", True]))),
    ("BairdCounterexample.step", baird_env_step, "action", "out of range",
     st.one_of(st.integers(2, 100), st.integers(-100, -1), st.sampled_from([0.5, True]))),
    ("baird_mdp", lambda v: baird_mdp(v), "gamma", "out of range",
     st.one_of(NEGATIVE, ABOVE_ONE, NAN)),
    # the figures' configs
    ("ChainExperiment", lambda v: ChainExperiment(alpha_sampled=v), "alpha_sampled",
     "non-positive", st.one_of(NEGATIVE, ZERO, NAN)),
    ("ChainExperiment", lambda v: ChainExperiment(n_runs=v), "n_runs", "non-positive/huge",
     st.one_of(NON_POSITIVE_INT, HUGE_INT)),
    ("BairdExperiment", lambda v: BairdExperiment(alpha=v), "alpha", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN, INF)),
    ("BairdExperiment", lambda v: BairdExperiment(seed=v), "seed", "negative/type",
     st.one_of(st.integers(-10**6, -1), st.sampled_from([1.5, None]))),
    ("BairdExperiment", lambda v: BairdExperiment(max_norm=v), "max_norm", "non-positive",
     st.one_of(NEGATIVE, ZERO, NAN)),
]

KERNELS = [reduce_loss, semi_gradient_runs.cumulative_probs,
           semi_gradient_runs.draw_from_cdf]
"""Documented helpers: their docstrings say their input is checked by the caller."""


@pytest.mark.parametrize(("func", "call", "name", "kind", "values"), CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES])
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_bad_input_names_the_argument(func, call, name, kind, values, data):
    assert_names(call, name, data.draw(values))


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda f: f.__name__)
def test_kernels_say_who_checks_their_input(kernel):
    assert "checked by" in " ".join(kernel.__doc__.split())


def test_stepping_an_ended_episode_raises():
    env = BairdCounterexample(max_episode_steps=1)
    with pytest.raises(EpisodeEnded):
        env.step(0)                                   # before reset
    env.reset(seed=0)
    env.step(0)
    with pytest.raises(EpisodeEnded):
        env.step(0)                                   # after truncation


def test_runs_that_diverge_raise_at_the_books_bound():
    mdp, mu_b = baird_mdp(), np.full(7, 1 / 7)
    from fa_book.envs import BAIRD_FEATURES, BAIRD_TARGET, BAIRD_W0
    A, b = expected_matrices(mdp, BAIRD_TARGET, BAIRD_FEATURES, "semi-gradient", mu_b)
    with pytest.raises(DivergenceError) as err:
        expected_run(A, b, BAIRD_W0, 0.5, 10**5)
    run = expected_run(A, b, BAIRD_W0, 0.5, 10**5, on_divergence="stop")
    assert run.diverged_at == err.value.step
    assert np.abs(run.w[-1]).max() <= 1e10            # the last recorded weights are in
    with pytest.raises(DivergenceError, match="sampled residual TD"):
        sampled_linear_td(*random_walk_chain(), "residual", alpha=1e3, n_steps=2000,
                          n_runs=1, rng=np.random.default_rng(0))
    env = gym.make("fa_book/Baird-v0")
    with pytest.raises(DivergenceError, match="Baird"):
        baird_off_policy_td(0.5, 10**5, seed=0, env=env)
