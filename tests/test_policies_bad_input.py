"""Bad input for chapters 8-9 (fa_book.policies, fa_book.policy_gradient): every public
function, class and config refuses NaN, inf, negative, zero, wrong-type, wrong-shape and
huge values with a ValueError/TypeError (or DivergenceError) whose message names the
argument.  Each case is one (callable, argument, kind of bad value); hypothesis draws the
bad values.  `bad_input_report` counts the cases (tried / clear error / documented
kernel) for the issue."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book.oracles import FiniteMDP
from fa_book.policies import (
    CategoricalMLP,
    DeterministicLinearPolicy,
    GaussianLinearPolicy,
    SoftmaxLinearPolicy,
    check_actions,
    check_logits,
    check_probabilities,
    check_theta,
    log_softmax,
    softmax,
    tabular_features,
)
from fa_book.policy_gradient import (
    AscentConfig,
    OneStepMDP,
    differential_values,
    dropped_discount_direction,
    estimator_distribution,
    estimator_variance,
    exact_gradient,
    j_average_reward,
    j_average_value,
    j_start,
    lr_samples,
    one_step_ascent,
    one_step_gradient,
    one_step_j,
    optimal_baseline,
    pg_average_reward,
    pg_average_value,
    pg_average_value_discounted_q,
    pg_start,
    policy_and_scores,
    random_one_step_mdp,
    stationary_distribution_torch,
    supervised_gradient,
    torch_mrp,
    torch_softmax_policy,
    weighted_nll,
)
from fa_book.validate import DivergenceError, check_generator

# ---------------------------------------------------------------------------------------
# bad values, by kind
# ---------------------------------------------------------------------------------------

NONFINITE = st.sampled_from([math.nan, math.inf, -math.inf])
NOT_A_NUMBER = st.sampled_from(["0.5", None, b"1", object()])
WRONG_OBJECT = st.sampled_from([None, 1.0, "x", (1, 2), object()])


def bad_positive():
    """Step sizes and scales: NaN, inf, <= 0, not a number."""
    return st.one_of(NONFINITE, st.floats(-1e6, 0.0), NOT_A_NUMBER)


def bad_discount():
    return st.one_of(NONFINITE, st.floats(-1e6, -1e-9), st.floats(1 + 1e-9, 1e6),
                     NOT_A_NUMBER)


def bad_size():
    """Counts and sizes: <= 0, astronomically large, float, bool, text."""
    return st.one_of(st.integers(-10**6, 0), st.integers(10**13, 10**18),
                     st.floats(0.5, 10.0), st.booleans(), st.text(max_size=3))


def bad_seed():
    return st.one_of(st.integers(-10**6, -1), st.integers(2**63, 2**70),
                     st.floats(0.5, 10.0), st.booleans(), st.text(max_size=3))


def bad_bool():
    return st.sampled_from([0, 1, "yes", None, 2.0])


def bad_rng():
    return st.sampled_from([None, 0, "rng", np.random.RandomState(0), torch.Generator()])


def bad_torch_generator():
    return st.sampled_from([None, 0, np.random.default_rng(0), "g"])


def bad_choice(choices):
    return st.one_of(st.text(max_size=6).filter(lambda t: t not in choices),
                     st.sampled_from([None, 1, 2.5]))


@st.composite
def bad_arrays(draw, good, kinds=("nan", "inf", "shape", "text")):
    """`good` with a NaN or an inf in a random entry, one entry too many along the last
    axis (always a wrong shape where it is used), or text."""
    good = np.asarray(good, dtype=float)
    kind = draw(st.sampled_from(kinds))
    if kind in ("nan", "inf"):
        a = good.copy()
        a.flat[draw(st.integers(0, a.size - 1))] = math.nan if kind == "nan" else draw(
            st.sampled_from([math.inf, -math.inf]))
        return a
    if kind == "shape":
        pad = np.zeros((*good.shape[:-1], 1)) if good.ndim else np.zeros(1)
        return np.concatenate([np.atleast_1d(good), pad], axis=-1)
    if kind == "negative":
        a = good.copy()
        a.flat[draw(st.integers(0, a.size - 1))] = -draw(st.floats(0.1, 10.0))
        return a
    if kind == "unnormalized":
        return good * draw(st.sampled_from([0.5, 2.0]))
    return np.full(good.shape, "x") if good.ndim else "x"


def bad_tensors(good):
    """A tensor with NaN/inf, a wrong shape, the wrong dtype, or a numpy array."""
    good = torch.as_tensor(good)
    return st.one_of(
        bad_arrays(good.numpy()).filter(lambda a: a.dtype.kind == "f").map(
            lambda a: torch.as_tensor(a, dtype=good.dtype)),
        st.just(good.to(torch.float32) if good.dtype == torch.float64 else good.double()),
        st.just(good.numpy()),
    )


def bad_actions(n_actions, shape):
    return st.one_of(
        st.just(np.zeros(shape)),                                    # floats
        st.just(np.zeros(shape, dtype=bool)),                        # booleans
        st.integers(n_actions, 10**6).map(lambda k: np.full(shape, k)),
        st.integers(-10**6, -1).map(lambda k: np.full(shape, k)),
        st.just(np.zeros((*shape, 2), dtype=int)),                   # wrong shape
        st.just(np.full(shape, "a")),
    )


# ---------------------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    callable: str
    arg: str
    values: st.SearchStrategy
    call: Callable
    names: str | None = None

    @property
    def id(self):
        return f"{self.callable}-{self.arg}"


ERRORS = (ValueError, TypeError, DivergenceError)


def names_argument(message: str, arg: str) -> bool:
    """Does `message` name `arg`?  Short names (`d`, `X`, `a`) must open a phrase such as
    "X must ...", "X (action features ...)", "pi[s, :]" or "g shape"; longer ones must
    appear as a whole word."""
    if len(arg) <= 2:
        return re.search(rf"(^|[\s`'])({re.escape(arg)})( must| \(|\[| shape)", message) is not None
    return re.search(rf"(?<![\w.]){re.escape(arg)}(?!\w)", message) is not None


def run_case(case: Case, data) -> None:
    bad = data.draw(case.values, label=case.id)
    with pytest.raises(ERRORS) as info:
        case.call(bad)
    message = str(info.value)
    ok = case.names in message if case.names else names_argument(message, case.arg)
    assert ok, (case.id, bad, message)


# fixtures
SOFT = SoftmaxLinearPolicy(2, 3)
TH2, X_BATCH, A_BATCH = np.zeros(2), np.zeros((4, 3, 2)), np.zeros(4, dtype=int)
GAUSS, THG, XG, AG = GaussianLinearPolicy(2), np.zeros(3), np.zeros((4, 2)), np.zeros(4)
DET, THD = DeterministicLinearPolicy(2, 2), np.zeros(4)
MLP = CategoricalMLP(4, 2, (8,))
RNG = np.random.default_rng(0)

ONE = random_one_step_mdp(np.random.default_rng(0), 3, 3)
X1 = np.random.default_rng(1).uniform(-1, 1, (3, 3, 2))
_P = np.random.default_rng(2).dirichlet(np.ones(3), size=(3, 3))
MDP = FiniteMDP(_P, np.random.default_rng(3).uniform(-1, 1, (3, 3)), 0.9, np.ones(3) / 3)
EPISODIC = FiniteMDP(0.8 * _P, MDP.R, 0.9, np.ones(3) / 3)
UNDISCOUNTED = FiniteMDP(_P, MDP.R, 1.0, np.ones(3) / 3)
PI = np.full((3, 3), 1 / 3)
TH_T, X_T = torch.zeros(2, dtype=torch.float64), torch.as_tensor(X1)
P_PI = torch.full((3, 3), 1 / 3, dtype=torch.float64)
LOGP, W8 = torch.zeros(8), torch.ones(8)
NOT_AN_MDP = st.sampled_from([None, "mdp", 1.0, PI])
NOT_A_POLICY = st.sampled_from([None, "pi", GAUSS, SoftmaxLinearPolicy(2, 4)])

CASES = [
    # ---- fa_book.policies
    Case("check_probabilities", "p", bad_arrays(np.full(3, 1 / 3), ("nan", "inf", "text",
         "negative", "unnormalized")), lambda v: check_probabilities("p", v)),
    Case("check_probabilities", "axis", st.one_of(st.integers(1, 50), st.integers(-50, -2),
         st.sampled_from([0.5, "0"])), lambda v: check_probabilities("p", [0.5, 0.5], v)),
    Case("check_logits", "h (logits)", bad_arrays(np.zeros(3), ("nan", "inf", "text")),
         lambda v: check_logits(v)),
    Case("check_theta", "theta", bad_arrays(TH2), lambda v: check_theta(v, 2)),
    Case("check_actions", "a", bad_actions(3, (4,)), lambda v: check_actions(v, (4,), 3)),
    Case("check_generator", "rng", bad_rng(), lambda v: check_generator("rng", v)),
    Case("log_softmax", "h (logits)", st.one_of(bad_arrays(np.zeros((2, 3)), ("nan", "inf",
         "text")), st.sampled_from([np.zeros((2, 0)), 1.0])), lambda v: log_softmax(v)),
    Case("log_softmax", "axis", st.one_of(st.integers(2, 50), st.integers(-50, -3),
         st.sampled_from([1.0, "1", None])), lambda v: log_softmax(np.zeros((2, 3)), v)),
    Case("softmax", "h (logits)", st.one_of(bad_arrays(np.zeros(3), ("nan", "inf", "text")),
         st.floats(1.01e307, 1.7e308).map(lambda b: np.array([b, 0.0, -b]))),
         lambda v: softmax(v)),
    Case("tabular_features", "n_states", bad_size(), lambda v: tabular_features(v, 2)),
    Case("tabular_features", "n_actions", bad_size(), lambda v: tabular_features(3, v)),
    Case("tabular_features", "n_states * n_actions", st.integers(10**5, 10**8),
         lambda v: tabular_features(v, 2), names="n_states * n_actions"),
    Case("SoftmaxLinearPolicy", "n_features", bad_size(), lambda v: SoftmaxLinearPolicy(v, 2)),
    Case("SoftmaxLinearPolicy", "n_actions", bad_size(), lambda v: SoftmaxLinearPolicy(2, v)),
    Case("SoftmaxLinearPolicy.preferences", "theta", bad_arrays(TH2),
         lambda v: SOFT.preferences(v, X_BATCH)),
    Case("SoftmaxLinearPolicy.pi", "x", bad_arrays(X_BATCH), lambda v: SOFT.pi(TH2, v)),
    Case("SoftmaxLinearPolicy.log_pi_all", "theta", bad_arrays(TH2),
         lambda v: SOFT.log_pi_all(v, X_BATCH)),
    Case("SoftmaxLinearPolicy.log_pi", "a", bad_actions(3, (4,)),
         lambda v: SOFT.log_pi(TH2, X_BATCH, v)),
    Case("SoftmaxLinearPolicy.grad_log_pi_all", "x", bad_arrays(X_BATCH),
         lambda v: SOFT.grad_log_pi_all(TH2, v)),
    Case("SoftmaxLinearPolicy.grad_log_pi", "a", bad_actions(3, (4,)),
         lambda v: SOFT.grad_log_pi(TH2, X_BATCH, v)),
    Case("SoftmaxLinearPolicy.grad_log_pi", "theta", bad_arrays(TH2),
         lambda v: SOFT.grad_log_pi(v, X_BATCH, A_BATCH)),
    Case("SoftmaxLinearPolicy.sample", "rng", bad_rng(), lambda v: SOFT.sample(TH2, X_BATCH, v)),
    Case("GaussianLinearPolicy", "n_features", bad_size(), lambda v: GaussianLinearPolicy(v)),
    Case("GaussianLinearPolicy.mean_std", "theta", st.one_of(bad_arrays(THG), st.floats(
         50.5, 1e6).map(lambda s: np.array([0.0, 0.0, s]))), lambda v: GAUSS.mean_std(v, XG)),
    Case("GaussianLinearPolicy.mean_std", "x", bad_arrays(XG), lambda v: GAUSS.mean_std(THG, v)),
    Case("GaussianLinearPolicy.log_pi", "a", bad_arrays(AG), lambda v: GAUSS.log_pi(THG, XG, v)),
    Case("GaussianLinearPolicy.grad_log_pi", "a", bad_arrays(AG),
         lambda v: GAUSS.grad_log_pi(THG, XG, v)),
    Case("GaussianLinearPolicy.grad_log_pi", "x", bad_arrays(XG),
         lambda v: GAUSS.grad_log_pi(THG, v, AG)),
    Case("GaussianLinearPolicy.sample", "rng", bad_rng(), lambda v: GAUSS.sample(THG, XG, v)),
    Case("DeterministicLinearPolicy", "n_features", bad_size(),
         lambda v: DeterministicLinearPolicy(v)),
    Case("DeterministicLinearPolicy", "action_dim", bad_size(),
         lambda v: DeterministicLinearPolicy(2, v)),
    Case("DeterministicLinearPolicy.mu", "theta", bad_arrays(THD), lambda v: DET.mu(v, XG)),
    Case("DeterministicLinearPolicy.mu", "x", bad_arrays(XG), lambda v: DET.mu(THD, v)),
    Case("DeterministicLinearPolicy.grad_mu", "x", bad_arrays(XG), lambda v: DET.grad_mu(THD, v)),
    Case("DeterministicLinearPolicy.sample", "theta", bad_arrays(THD),
         lambda v: DET.sample(v, XG)),
    Case("CategoricalMLP", "obs_dim", bad_size(), lambda v: CategoricalMLP(v, 2)),
    Case("CategoricalMLP", "n_actions", bad_size(), lambda v: CategoricalMLP(4, v)),
    Case("CategoricalMLP", "hidden", st.one_of(bad_size().map(lambda w: (w,)),
         st.sampled_from([8, "8"])), lambda v: CategoricalMLP(4, 2, v), names="hidden"),
    Case("CategoricalMLP", "layer size", st.integers(10**5, 10**6).map(lambda w: (w, w)),
         lambda v: CategoricalMLP(4, 2, v), names="layer size"),
    Case("CategoricalMLP", "seed", bad_seed(), lambda v: CategoricalMLP(4, 2, seed=v)),
    Case("CategoricalMLP", "out_scale", bad_positive(),
         lambda v: CategoricalMLP(4, 2, out_scale=v)),
    Case("CategoricalMLP", "dtype", st.sampled_from([torch.int64, torch.float16, "float", None]),
         lambda v: CategoricalMLP(4, 2, dtype=v)),
    Case("CategoricalMLP.forward", "obs", st.one_of(bad_arrays(np.zeros((3, 4)), ("nan",
         "inf", "shape")), st.just("obs")), lambda v: MLP(v)),
    Case("CategoricalMLP.log_pi", "a", st.sampled_from([torch.zeros(3), torch.full((3,), 2),
         torch.full((3,), -1), torch.zeros(2, dtype=torch.long), torch.zeros(3, dtype=bool)]),
         lambda v: MLP.log_pi(torch.zeros(3, 4), v)),
    Case("CategoricalMLP.sample", "generator", bad_torch_generator(),
         lambda v: MLP.sample(torch.zeros(3, 4), v)),
    # ---- fa_book.policy_gradient, chapter 8
    Case("OneStepMDP", "d", bad_arrays(np.full(3, 1 / 3), ("nan", "inf", "text", "negative",
         "unnormalized", "shape")), lambda v: OneStepMDP(v, np.zeros((3, 2)))),
    Case("OneStepMDP", "R", bad_arrays(np.zeros((3, 2)), ("nan", "inf", "text")),
         lambda v: OneStepMDP(np.full(3, 1 / 3), v)),
    Case("random_one_step_mdp", "rng", bad_rng(), lambda v: random_one_step_mdp(v, 3, 2)),
    Case("random_one_step_mdp", "n_states", bad_size(),
         lambda v: random_one_step_mdp(RNG, v, 2)),
    Case("random_one_step_mdp", "n_actions", bad_size(),
         lambda v: random_one_step_mdp(RNG, 2, v)),
    Case("random_one_step_mdp", "offset", NONFINITE,
         lambda v: random_one_step_mdp(RNG, 2, 2, offset=v)),
    Case("one_step_j", "mdp", NOT_AN_MDP, lambda v: one_step_j(v, SOFT, TH2, X1)),
    Case("one_step_j", "policy", NOT_A_POLICY, lambda v: one_step_j(ONE, v, TH2, X1),
         names="policy"),
    Case("one_step_j", "theta", bad_arrays(TH2), lambda v: one_step_j(ONE, SOFT, v, X1)),
    Case("one_step_j", "X", bad_arrays(X1), lambda v: one_step_j(ONE, SOFT, TH2, v)),
    Case("one_step_gradient", "theta", bad_arrays(TH2),
         lambda v: one_step_gradient(ONE, SOFT, v, X1)),
    Case("one_step_gradient", "X", bad_arrays(X1),
         lambda v: one_step_gradient(ONE, SOFT, TH2, v)),
    Case("lr_samples", "n", bad_size(), lambda v: lr_samples(ONE, SOFT, TH2, X1, v, RNG)),
    Case("lr_samples", "rng", bad_rng(), lambda v: lr_samples(ONE, SOFT, TH2, X1, 5, v)),
    Case("lr_samples", "baseline", bad_arrays(np.zeros(3)),
         lambda v: lr_samples(ONE, SOFT, TH2, X1, 5, RNG, v)),
    Case("estimator_distribution", "baseline", bad_arrays(np.zeros(3)),
         lambda v: estimator_distribution(ONE, SOFT, TH2, X1, v)),
    Case("estimator_distribution", "X", bad_arrays(X1),
         lambda v: estimator_distribution(ONE, SOFT, TH2, v)),
    Case("estimator_variance", "prob", bad_arrays(np.full((3, 3), 1 / 9), ("nan", "inf",
         "text", "negative", "unnormalized")),
         lambda v: estimator_variance(v, np.zeros((3, 3, 2)))),
    Case("estimator_variance", "g", bad_arrays(np.zeros((3, 3, 2)), ("nan", "inf", "text")),
         lambda v: estimator_variance(np.full((3, 3), 1 / 9), v)),
    Case("estimator_variance", "g shape", st.sampled_from([np.zeros((3, 2, 2)),
         np.zeros((3, 3))]), lambda v: estimator_variance(np.full((3, 3), 1 / 9), v),
         names="g shape"),
    Case("optimal_baseline", "theta", bad_arrays(TH2),
         lambda v: optimal_baseline(ONE, SOFT, v, X1)),
    Case("AscentConfig", "steps", bad_size(), lambda v: AscentConfig(steps=v)),
    Case("AscentConfig", "batch", bad_size(), lambda v: AscentConfig(batch=v)),
    Case("AscentConfig", "alpha", bad_positive(), lambda v: AscentConfig(alpha=v)),
    Case("AscentConfig", "gradient", bad_choice(("exact", "lr", "lr_baseline")),
         lambda v: AscentConfig(gradient=v)),
    Case("one_step_ascent", "config", WRONG_OBJECT,
         lambda v: one_step_ascent(ONE, SOFT, X1, v, RNG)),
    Case("one_step_ascent", "rng", bad_rng(),
         lambda v: one_step_ascent(ONE, SOFT, X1, AscentConfig(steps=2), v)),
    Case("one_step_ascent", "theta", bad_arrays(TH2),
         lambda v: one_step_ascent(ONE, SOFT, X1, AscentConfig(steps=2), RNG, v)),
    Case("one_step_ascent", "diverged", st.floats(1e13, 1e300), lambda v: one_step_ascent(
         ONE, SOFT, X1, AscentConfig(steps=3, alpha=v, gradient="exact"), RNG, np.ones(2)),
         names="diverged at step"),
    Case("weighted_nll", "log_pi", st.sampled_from([np.zeros(8), None, [0.0] * 8]),
         lambda v: weighted_nll(v, W8)),
    Case("weighted_nll", "weight", st.sampled_from([torch.ones(1), torch.ones(8, 1),
         torch.ones(4), np.ones(8), torch.tensor(1.0)]), lambda v: weighted_nll(LOGP, v)),
    Case("supervised_gradient", "d", bad_arrays(np.full(3, 1 / 3), ("nan", "inf", "text",
         "negative", "unnormalized", "shape")),
         lambda v: supervised_gradient(SOFT, TH2, X1, v, PI)),
    Case("supervised_gradient", "p_label", bad_arrays(PI, ("nan", "inf", "text",
         "negative", "unnormalized")),
         lambda v: supervised_gradient(SOFT, TH2, X1, np.full(3, 1 / 3), v)),
    Case("supervised_gradient", "theta", bad_arrays(TH2),
         lambda v: supervised_gradient(SOFT, v, X1, np.full(3, 1 / 3), PI)),
    # ---- fa_book.policy_gradient, chapter 9
    Case("j_start", "mdp", NOT_AN_MDP, lambda v: j_start(v, TH_T, X_T)),
    Case("j_start", "theta", bad_tensors(TH_T), lambda v: j_start(MDP, v, X_T)),
    Case("j_start", "X", bad_tensors(X_T), lambda v: j_start(MDP, TH_T, v)),
    Case("j_average_reward", "continuing", st.just(EPISODIC),
         lambda v: j_average_reward(v, TH_T, X_T), names="continuing task"),
    Case("j_average_reward", "theta", bad_tensors(TH_T),
         lambda v: j_average_reward(MDP, v, X_T)),
    Case("j_average_value", "gamma", st.just(UNDISCOUNTED),
         lambda v: j_average_value(v, TH_T, X_T), names="gamma < 1"),
    Case("torch_mrp", "X", bad_tensors(X_T), lambda v: torch_mrp(MDP, TH_T, v)),
    Case("stationary_distribution_torch", "P_pi", st.one_of(bad_arrays(
         P_PI.numpy(), ("nan", "inf", "shape")).map(torch.as_tensor), st.just(P_PI.numpy()),
         st.just(
         0.5 * P_PI), st.just(torch.zeros(0, 0, dtype=torch.float64))),
         lambda v: stationary_distribution_torch(v)),
    Case("exact_gradient", "objective", WRONG_OBJECT,
         lambda v: exact_gradient(v, MDP, TH2, X1)),
    Case("exact_gradient", "mdp", NOT_AN_MDP, lambda v: exact_gradient(j_start, v, TH2, X1)),
    Case("exact_gradient", "theta", bad_arrays(TH2, ("nan", "inf", "text")),
         lambda v: exact_gradient(j_start, MDP, v, X1)),
    Case("exact_gradient", "X", bad_arrays(X1),
         lambda v: exact_gradient(j_start, MDP, TH2, v)),
    Case("pg_start", "theta", bad_arrays(TH2), lambda v: pg_start(MDP, SOFT, v, X1)),
    Case("pg_start", "X", bad_arrays(X1), lambda v: pg_start(MDP, SOFT, TH2, v)),
    Case("pg_start", "policy", NOT_A_POLICY, lambda v: pg_start(MDP, v, TH2, X1),
         names="policy"),
    Case("pg_start", "mdp", NOT_AN_MDP, lambda v: pg_start(v, SOFT, TH2, X1)),
    Case("pg_average_reward", "continuing", st.just(EPISODIC),
         lambda v: pg_average_reward(v, SOFT, TH2, X1), names="continuing task"),
    Case("pg_average_reward", "theta", bad_arrays(TH2),
         lambda v: pg_average_reward(MDP, SOFT, v, X1)),
    Case("pg_average_value", "gamma", st.just(UNDISCOUNTED),
         lambda v: pg_average_value(v, SOFT, TH2, X1), names="gamma < 1"),
    Case("pg_average_value_discounted_q", "X", bad_arrays(X1),
         lambda v: pg_average_value_discounted_q(MDP, SOFT, TH2, v)),
    Case("pg_average_value_discounted_q", "gamma", st.just(UNDISCOUNTED),
         lambda v: pg_average_value_discounted_q(v, SOFT, TH2, X1), names="gamma < 1"),
    Case("dropped_discount_direction", "theta", bad_arrays(TH2),
         lambda v: dropped_discount_direction(EPISODIC, SOFT, v, X1)),
    Case("dropped_discount_direction", "episodic", st.just(MDP),
         lambda v: dropped_discount_direction(v, SOFT, TH2, X1), names="episodic task"),
    Case("differential_values", "pi", bad_arrays(PI, ("nan", "inf", "text", "negative",
         "unnormalized", "shape")), lambda v: differential_values(MDP, v)),
    Case("differential_values", "mdp", NOT_AN_MDP, lambda v: differential_values(v, PI)),
    Case("policy_and_scores", "X", bad_arrays(X1),
         lambda v: policy_and_scores(MDP, SOFT, TH2, v)),
]

DOCUMENTED_KERNELS = {
    "torch_softmax_policy": torch_softmax_policy,
}
"""One-line kernels shown on a page that check nothing; their docstrings say so and name
the function that checks their inputs."""


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@settings(max_examples=8)
@given(data=st.data())
def test_bad_input_is_refused_with_a_clear_message(case, data):
    run_case(case, data)


@pytest.mark.parametrize("name", sorted(DOCUMENTED_KERNELS))
def test_documented_kernels_say_what_they_do_not_check(name):
    doc = " ".join(DOCUMENTED_KERNELS[name].__doc__.split())
    assert "checks nothing" in doc or "not checked" in doc, name


def test_dropped_discount_direction_names_the_task():
    """The one message that names the task rather than an argument, stated in full."""
    with pytest.raises(ValueError, match="needs an episodic task"):
        dropped_discount_direction(MDP, SOFT, TH2, X1)


def bad_input_report(cases=CASES, kernels=DOCUMENTED_KERNELS) -> str:
    """`tried / clear / documented kernels`, for the report (run this module's tests)."""
    return f"{len(cases) + len(kernels)} tried, {len(cases)} clear, {len(kernels)} documented"
