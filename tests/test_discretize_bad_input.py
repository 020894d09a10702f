"""Chapter 2 bad input: every public function, class and config of `fa_book.discretize`
and `fa_book.discretize_runs` refuses bad values with an error that names the argument.

Same scheme as `tests/test_tabular_bad_input.py`: one case per (callable, argument, kind
of bad value), the bad value drawn by hypothesis.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book import discretize as dz
from fa_book import discretize_runs as runs
from fa_book import discretize_studies as studies
from tests.test_tabular_bad_input import (
    ABOVE_ONE,
    HUGE,
    INF,
    NAN,
    NEG,
    NOT_INT,
    NOT_NUMBER,
    ZERO,
    Case,
    case_id,
    check_case,
)

BOX = dz.MountainCarBatch.observation_space
GRID = dz.Grid.for_space(BOX, 4)
AGG = dz.StateAggregation(np.array([0, 0, 1, 2, 2]))
RNG = np.random.default_rng(0)
PI = dz.push_with_velocity(GRID)
NEG_FLOAT = st.floats(-10, -1e-9)


def uniform(**kw):
    args = dict(bins=4, low=[0.0, 0.0], high=[1.0, 1.0])
    args.update(kw)
    return dz.Grid.uniform(**args)


def qconfig(**kw):
    return runs.DiscreteQConfig(**kw)


def qrun(**kw):
    args = dict(config=runs.DiscreteQConfig(bins=(4, 4), episodes=1, max_episode_steps=5),
                rng=np.random.default_rng(0), runs=1, backend="auto")
    args.update(kw)
    return runs.q_learning_discretized(**args)


def counts(**kw):
    args = dict(grid=GRID, pi=PI, rng=np.random.default_rng(0), cars=2, steps=3)
    args.update(kw)
    return runs.cell_transition_counts(**args)


def car_step(a):
    car = dz.MountainCarBatch(2)
    car.reset([0, 1], [np.random.default_rng(0), np.random.default_rng(1)])
    return car.step(a)


BAD = {
    "counts": st.sampled_from([-1, 0, math.nan, "x", 1.5, True, 10**12]),
    "tuple": st.sampled_from([(), (0,), (-3, 2), (1.5,), 5, "x", [4, 6]]),
    "seed": st.sampled_from([-1, math.nan, "x", 1.5, True]),
    "positive": st.sampled_from([-1.0, 0.0, math.nan, math.inf, "x"]),
    "probability": st.sampled_from([-0.1, 1.5, math.nan, "x"]),
    "distribution": st.sampled_from([(0.5, 0.5), (1.0, 1.0, 0.0, 0.0), (2, -1, 0, 0), "x"]),
    "seed-pair": st.sampled_from([(0, 0), (1,), (-1, 2), 5]),
}
"""Bad values by the kind of config field."""
CONFIGS = {
    "LearningConfig": (studies.LearningConfig, dict(bins="tuple", runs="counts",
                                                  episodes="counts", seed="seed")),
    "ResolutionConfig": (studies.ResolutionConfig, dict(bins="tuple", runs="counts",
                                                      episodes="counts", last="counts",
                                                      seed="seed")),
    "MarkovConfig": (studies.MarkovConfig, dict(bins="counts", cars="counts", steps="counts",
                                              min_n="counts", seeds="seed-pair")),
    "StaircaseConfig": (studies.StaircaseConfig, dict(
        slope="positive-nan", length="positive", sigma="positive", bins="tuple",
        n_samples="tuple", reps="counts", seed="seed", n_eval="counts")),
    "BucketConfig": (studies.BucketConfig, dict(n="counts", gamma="probability",
                                              drift="distribution", max_kmeans="counts-not-huge",
                                              seed="seed", example_k="counts",
                                              example_seed="seed")),
}
BAD["positive-nan"] = st.sampled_from([math.nan, math.inf, "x"])
BAD["counts-not-huge"] = st.sampled_from([-1, 0, math.nan, "x", 1.5, True])


CASES = [
    # the grid
    *[Case("Grid", "edges", kind, s, dz.Grid)
      for kind, s in [("empty", st.sampled_from([[], ()])),
                      ("type", st.sampled_from(["0123", None, 3])),
                      ("too-few", st.sampled_from([[[0.0]], [[]]])),
                      ("nan", st.just([[0.0, math.nan, 1.0]])),
                      ("inf", st.just([[0.0, math.inf]])),
                      ("not-increasing", st.sampled_from([[[0.0, 1.0, 1.0]], [[2.0, 1.0]]])),
                      ("not-number", st.just([["a", "b"]])),
                      ("huge", st.just([np.arange(10**5 + 1.0), np.arange(10**5 + 1.0)]))]],
    *[Case("Grid.uniform", "bins", kind, s, lambda b: uniform(bins=b))
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT),
                      ("wrong-count", st.sampled_from([(2, 2, 2), (3,)])),
                      ("huge", HUGE)]],
    *[Case("Grid.uniform", "low", kind, s, lambda b: uniform(low=b))
      for kind, s in [("nan", st.just([math.nan, 0.0])), ("inf", st.just([-math.inf, 0.0])),
                      ("not-below-high", st.sampled_from([[1.0, 0.0], [2.0, 2.0]])),
                      ("shape", st.just([0.0, 0.0, 0.0])),
                      ("not-number", st.just(["a", "b"]))]],
    *[Case("Grid.for_space", "space", kind, s, lambda b: dz.Grid.for_space(b, 4))
      for kind, s in [("type", st.sampled_from([None, gym.spaces.Discrete(3), "box"])),
                      ("2-D", st.just(gym.spaces.Box(0, 1, shape=(2, 2)))),
                      ("unbounded", st.just(gym.make("CartPole-v1").observation_space))]],
    *[Case("Grid.index", "obs", kind, s, GRID.index)
      for kind, s in [("shape", st.sampled_from([np.zeros(3), 0.5, np.zeros((4, 1))])),
                      ("nan", st.just(np.array([math.nan, 0.0]))),
                      ("complex", st.just(np.array([1j, 0.0]))),
                      ("not-number", st.just(np.array(["a", "b"])))]],
    *[Case(f"Grid.{m}", "index", kind, s, getattr(GRID, m))
      for m in ("unravel", "bounds", "centre")
      for kind, s in [("negative", NEG), ("huge", st.integers(GRID.d, 10**9)),
                      ("not-int", st.sampled_from([1.5, True, "3"]))]],
    Case("Grid.__call__", "one-hot", "huge", st.just(np.zeros((10**5, 1))),
         dz.Grid([np.arange(10**5 + 1.0)])),
    Case("one_hot", "one-hot", "huge", st.just(np.zeros(10**5, dtype=int)),
         lambda b: dz.one_hot(b, 10**5)),
    *[Case("one_hot", "index", kind, s, lambda b: dz.one_hot(b, 3))
      for kind, s in [("out-of-range", st.sampled_from([np.array([3]), np.array([-1])])),
                      ("not-int", st.just(np.array([0.5])))]],
    Case("one_hot", "d", "zero", ZERO, lambda b: dz.one_hot(np.array([0]), b)),
    # the wrapper
    Case("DiscretizeObservation", "env", "type", st.sampled_from([None, "MountainCar-v0"]),
         dz.DiscretizeObservation),
    Case("DiscretizeObservation", "grid", "type", st.sampled_from(["grid", 3]),
         lambda b: dz.DiscretizeObservation(gym.make("MountainCar-v0"), grid=b)),
    Case("DiscretizeObservation", "observation_space", "grid-dims",
         st.just(dz.Grid.uniform(3, [0.0] * 3, [1.0] * 3)),
         lambda b: dz.DiscretizeObservation(gym.make("MountainCar-v0"), grid=b)),
    Case("DiscretizeObservation", "unbounded", "box", st.just("CartPole-v1"),
         lambda b: dz.DiscretizeObservation(gym.make(b), 5)),
    # Q-learning on the cells, and the numpy car
    *[Case("epsilon_greedy", "q", kind, s, lambda b: dz.epsilon_greedy(b, 0.1, RNG))
      for kind, s in [("shape", st.sampled_from([np.zeros(3), np.zeros((2, 0))])),
                      ("nan", st.just(np.array([[math.nan, 0.0]]))),
                      ("not-number", st.just(np.array([["a", "b"]])))]],
    *[Case("epsilon_greedy", "epsilon", kind, s,
           lambda b: dz.epsilon_greedy(np.zeros((2, 3)), b, RNG))
      for kind, s in [("negative", NEG_FLOAT), ("above-one", ABOVE_ONE), ("nan", NAN),
                      ("not-number", NOT_NUMBER)]],
    Case("epsilon_greedy", "rng", "seed", st.integers(0, 9),
         lambda b: dz.epsilon_greedy(np.zeros((2, 3)), 0.1, b)),
    *[Case("MountainCarBatch", "n", kind, s, dz.MountainCarBatch)
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT),
                      ("huge", HUGE)]],
    *[Case("MountainCarBatch.reset", "which", kind, s,
           lambda b: dz.MountainCarBatch(2).reset(b, [RNG, RNG]))
      for kind, s in [("negative", NEG), ("huge", st.integers(2, 10**6)),
                      ("not-int", st.sampled_from([0.5, "0"]))]],
    Case("MountainCarBatch.reset", "rngs", "wrong", st.sampled_from([[RNG], [0, 1], []]),
         lambda b: dz.MountainCarBatch(2).reset([0], b)),
    *[Case("MountainCarBatch.step", "a", kind, s, car_step)
      for kind, s in [("out-of-range", st.sampled_from([np.array([3, 0]), np.array([-1, 0])])),
                      ("shape", st.sampled_from([np.array([0]), np.array([0, 1, 2])])),
                      ("not-int", st.just(np.array([0.5, 1.0])))]],
    Case("push_with_velocity", "grid", "type-or-dims",
         st.sampled_from([None, dz.Grid.uniform(3, [0.0] * 3, [1.0] * 3)]),
         dz.push_with_velocity),
    # bucketing
    *[Case("StateAggregation", "groups", kind, s, dz.StateAggregation)
      for kind, s in [("not-int", st.just(np.array([0.5, 1.0]))),
                      ("negative", st.just(np.array([0, -1]))),
                      ("empty", st.just(np.array([], dtype=int))),
                      ("shape", st.just(np.zeros((2, 2), dtype=int)))]],
    *[Case("StateAggregation.index", "states", kind, s, AGG.index)
      for kind, s in [("negative", NEG), ("huge", st.integers(5, 10**9)),
                      ("not-int", st.sampled_from([0.5, "1"]))]],
    *[Case("StateAggregation.members", "bucket", kind, s, AGG.members)
      for kind, s in [("negative", NEG), ("huge", st.integers(3, 10**9)),
                      ("not-int", st.sampled_from([0.5, True, "1"]))]],
    *[Case("aggregate_by_key", "keys", kind, s, dz.aggregate_by_key)
      for kind, s in [("empty", st.sampled_from([np.zeros(0), np.zeros((3, 0))])),
                      ("shape", st.just(np.zeros((2, 2, 2)))),
                      ("nan", st.just(np.array([0.0, math.nan]))),
                      ("not-number", st.just(np.array(["a", "b"])))]],
    *[Case("aggregate_by_clustering", "features", kind, s,
           lambda b: dz.aggregate_by_clustering(b, 1, RNG))
      for kind, s in [("nan", st.just(np.array([[0.0], [math.nan]]))),
                      ("shape", st.sampled_from([np.zeros(3), np.zeros((0, 2))]))]],
    *[Case("aggregate_by_clustering", "k", kind, s,
           lambda b: dz.aggregate_by_clustering(np.zeros((3, 1)), b, RNG))
      for kind, s in [("zero", ZERO), ("above-S", st.integers(4, 10**6)),
                      ("not-int", NOT_INT)]],
    Case("aggregate_by_clustering", "iters", "zero", ZERO,
         lambda b: dz.aggregate_by_clustering(np.zeros((3, 1)), 1, RNG, iters=b)),
    Case("aggregate_by_clustering", "rng", "seed", st.integers(0, 9),
         lambda b: dz.aggregate_by_clustering(np.zeros((3, 1)), 1, b)),
    Case("aggregate_by_clustering", "S * k * m", "huge", st.just(10**5),
         lambda b: dz.aggregate_by_clustering(np.zeros((b, 1)), b, RNG)),
    Case("aggregated_values", "agg", "type", st.sampled_from([None, np.zeros(5)]),
         lambda b: dz.aggregated_values(b, np.zeros(5), np.ones(5))),
    *[Case("aggregated_values", "v", kind, s,
           lambda b: dz.aggregated_values(AGG, b, np.ones(5)))
      for kind, s in [("shape", st.just(np.zeros(4))), ("nan", st.just(np.full(5, math.nan)))]],
    *[Case("aggregated_values", "mu", kind, s,
           lambda b: dz.aggregated_values(AGG, np.zeros(5), b))
      for kind, s in [("shape", st.just(np.ones(6))), ("nan", st.just(np.full(5, math.nan))),
                      ("negative", st.just(-np.ones(5)))]],
    # the staircase
    *[Case("staircase_rms", "slope", kind, s, lambda b: dz.staircase_rms(b, 1.0))
      for kind, s in [("nan", NAN), ("inf", INF), ("not-number", NOT_NUMBER)]],
    *[Case("staircase_rms", "width", kind, s, lambda b: dz.staircase_rms(1.0, b))
      for kind, s in [("negative", NEG_FLOAT), ("nan", NAN), ("inf", INF)]],
    *[Case("bucket_fit", "s", kind, s,
           lambda b: dz.bucket_fit(b, np.zeros(3), [0.0, 1.0]))
      for kind, s in [("nan", st.just(np.array([0.1, math.nan, 0.3]))),
                      ("shape", st.sampled_from([np.zeros(2), np.zeros((3, 1))]))]],
    Case("bucket_fit", "v", "nan", st.just(np.array([0.0, math.nan, 0.0])),
         lambda b: dz.bucket_fit(np.zeros(3), b, [0.0, 1.0])),
    Case("bucket_fit", "edges", "not-increasing", st.sampled_from([[1.0, 0.0], [0.0]]),
         lambda b: dz.bucket_fit(np.zeros(3), np.zeros(3), b)),
    # the curse of dimensionality (the hang of the issue: n_cells(10, 10**9))
    *[Case("n_cells", "bins", kind, s, lambda b: dz.n_cells(b, 2))
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT), ("huge", HUGE)]],
    *[Case("n_cells", "n_dims", kind, s, lambda b: dz.n_cells(10, b))
      for kind, s in [("negative", NEG), ("zero", ZERO), ("not-int", NOT_INT),
                      ("huge-result", st.integers(301, 10**9)), ("huge", HUGE)]],
    *[Case("cells_visited_fraction", "n_cells", kind, s,
           lambda b: dz.cells_visited_fraction(b, 10))
      for kind, s in [("zero", ZERO), ("negative", NEG), ("not-int", NOT_INT),
                      ("huge", st.just(10**301))]],
    *[Case("cells_visited_fraction", "n_samples", kind, s,
           lambda b: dz.cells_visited_fraction(10, b))
      for kind, s in [("negative", NEG), ("not-int", NOT_INT), ("huge", st.just(10**301))]],
    # runs: the learner and its config
    *[Case("DiscreteQConfig", "env_id", kind, s, lambda b: qconfig(env_id=b))
      for kind, s in [("unregistered", st.sampled_from(["NoSuchEnv-v0", "MountainCar"])),
                      ("type", st.sampled_from([None, 3]))]],
    *[Case("DiscreteQConfig", "bins", kind, s, lambda b: qconfig(bins=b))
      for kind, s in [("type", st.sampled_from([12, [12, 12], None])),
                      ("empty", st.just(())), ("zero", st.just((0, 12))),
                      ("negative", st.just((12, -1))), ("huge", st.just((10**5, 10**5)))]],
    *[Case("DiscreteQConfig", "episodes", kind, s, lambda b: qconfig(episodes=b))
      for kind, s in [("zero", ZERO), ("negative", NEG), ("not-int", NOT_INT), ("huge", HUGE)]],
    *[Case("DiscreteQConfig", "alpha", kind, s, lambda b: qconfig(alpha=b))
      for kind, s in [("zero", ZERO), ("negative", NEG_FLOAT), ("above-one", ABOVE_ONE),
                      ("nan", NAN), ("not-number", NOT_NUMBER)]],
    *[Case("DiscreteQConfig", arg, kind, s, lambda b, arg=arg: qconfig(**{arg: b}))
      for arg in ("epsilon", "gamma")
      for kind, s in [("negative", NEG_FLOAT), ("above-one", ABOVE_ONE), ("nan", NAN)]],
    *[Case("DiscreteQConfig", "q_init", kind, s, lambda b: qconfig(q_init=b))
      for kind, s in [("nan", NAN), ("inf", INF), ("not-number", NOT_NUMBER)]],
    *[Case("DiscreteQConfig", "max_episode_steps", kind, s,
           lambda b: qconfig(max_episode_steps=b))
      for kind, s in [("zero", ZERO), ("negative", NEG), ("not-int", st.sampled_from([1.5, "9"]))]],
    *[Case("DiscreteQConfig", arg, kind, s, lambda b, arg=arg: qconfig(**{arg: b}))
      for arg in ("low", "high")
      for kind, s in [("nan", st.just((math.nan, 0.0))), ("length", st.just((0.0,))),
                      ("type", st.just([0.0, 0.0]))]],
    Case("q_learning_discretized", "config", "type", st.sampled_from([None, {"bins": (4, 4)}]),
         lambda b: qrun(config=b)),
    Case("q_learning_discretized", "rng", "seed", st.integers(0, 9), lambda b: qrun(rng=b)),
    *[Case("q_learning_discretized", "runs", kind, s, lambda b: qrun(runs=b))
      for kind, s in [("zero", ZERO), ("negative", NEG), ("not-int", NOT_INT), ("huge", HUGE)]],
    Case("q_learning_discretized", "backend", "unknown", st.sampled_from(["torch", None, ""]),
         lambda b: qrun(backend=b)),
    Case("q_learning_discretized", "backend", "numpy-other-env", st.just("numpy"),
         lambda b: qrun(config=qconfig(env_id="CartPole-v1", low=(-1,) * 4, high=(1,) * 4,
                                       bins=(2,) * 4), backend=b)),
    Case("q_learning_discretized", "env_id", "discrete-actions", st.just("Pendulum-v1"),
         lambda b: qrun(config=qconfig(env_id=b, bins=(2, 2, 2)))),
    *[Case("q_learning_discretized", "tabular Q-learning", f"diverges-{backend}",
           st.floats(2e10, 1e15).map(lambda x: -x), lambda b, backend=backend: qrun(
               config=qconfig(bins=(4, 4), episodes=2, max_episode_steps=5, q_init=b),
               backend=backend))
      for backend in ("numpy", "gymnasium")],
    # runs: the Markov check
    Case("cell_transition_counts", "grid", "type", st.sampled_from([None, "grid"]),
         lambda b: counts(grid=b)),
    *[Case("cell_transition_counts", "pi", kind, s, lambda b: counts(pi=b))
      for kind, s in [("shape", st.sampled_from([np.ones((16, 2)) / 2, np.ones(16)])),
                      ("nan", st.just(PI * math.nan)),
                      ("not-distribution", st.just(np.ones((16, 3))))]],
    Case("cell_transition_counts", "rng", "seed", st.integers(0, 9), lambda b: counts(rng=b)),
    *[Case("cell_transition_counts", "cars", kind, s, lambda b: counts(cars=b))
      for kind, s in [("zero", ZERO), ("not-int", NOT_INT), ("huge", HUGE)]],
    *[Case("cell_transition_counts", "steps", kind, s, lambda b: counts(steps=b))
      for kind, s in [("one", st.just(1)), ("not-int", NOT_INT), ("huge", HUGE)]],
    Case("cell_transition_counts", "count array", "huge",
         st.just(dz.Grid.for_space(BOX, (40, 25))),
         lambda b: counts(grid=b, pi=np.full((b.d, 3), 1 / 3))),
    # runs: the page's experiments
    *[Case(name, field, kind, BAD[kind], lambda b, cls=cls, field=field: cls(**{field: b}))
      for name, (cls, fields) in CONFIGS.items() for field, kind in fields.items()],
    *[Case(study.__name__, "config", "type", st.sampled_from([None, {}]), study)
      for study in (studies.learning_study, studies.resolution_study, studies.markov_study,
                    studies.staircase_study, studies.bucket_study)],
    *[Case("greedy_episode", "Q", kind, s, lambda b: studies.greedy_episode(b, GRID))
      for kind, s in [("shape", st.sampled_from([np.zeros((15, 3)), np.zeros(16)])),
                      ("nan", st.just(np.full((16, 3), math.nan)))]],
    Case("greedy_episode", "grid", "type", st.sampled_from([None, dz.Grid.uniform(3, [0], [1])]),
         lambda b: studies.greedy_episode(np.zeros((3, 3)), b)),
    Case("greedy_episode", "seed", "negative", NEG,
         lambda b: studies.greedy_episode(np.zeros((16, 3)), GRID, seed=b)),
    Case("greedy_episode", "max_steps", "zero", ZERO,
         lambda b: studies.greedy_episode(np.zeros((16, 3)), GRID, max_steps=b)),
    Case("cell_kinds", "Q", "shape", st.just(np.zeros(3)), lambda b: studies.cell_kinds(b, 0.0)),
    *[Case("moving_average", "w", kind, s, lambda b: studies.moving_average(np.zeros((2, 5)), b))
      for kind, s in [("zero", ZERO), ("above-length", st.integers(6, 100)),
                      ("not-int", NOT_INT)]],
    Case("z_two_rates", "n1", "zero", ZERO, lambda b: studies.z_two_rates(0.5, b, 0.5, 10)),
    *[Case("grid_world", "n", kind, s, studies.grid_world)
      for kind, s in [("one", st.just(1)), ("huge", st.integers(101, 10**9)),
                      ("not-int", NOT_INT)]],
    Case("grid_world", "gamma", "above-one", ABOVE_ONE, lambda b: studies.grid_world(3, b)),
    Case("check_env_id", "env_id", "unregistered", st.just("Nope-v9"), runs.check_env_id),
]

KERNELS = [dz.q_learning_update]
"""The one-line kernel shown on the page: it documents what it does not check."""


@settings(max_examples=3, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("c", CASES, ids=case_id)
def test_bad_input_is_refused_with_its_name(c, data):
    check_case(c, data)


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda f: f.__name__)
def test_kernels_document_what_they_do_not_check(kernel):
    assert "does not check" in kernel.__doc__ and "q_learning_discretized" in kernel.__doc__


def test_case_counts():
    assert len({case_id(c) for c in CASES}) == len(CASES)
