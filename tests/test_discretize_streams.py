"""Chapter 2 randomness: the environment seeds and the policy generator are different
streams, and every driver gives each of its runs the stream its config names."""

from __future__ import annotations

import numpy as np

from fa_book import discretize_runs as runs
from fa_book import discretize_studies as studies
from fa_book.discretize import DiscretizeObservation, Grid, MountainCarBatch, push_with_velocity


def _state(rng: np.random.Generator):
    return rng.bit_generator.state["state"]["state"]


def test_q_learning_env_seeds_are_not_the_policy_stream(monkeypatch):
    """gymnasium backend: each run's env is reset once with a draw of `rng` (the first
    `runs` draws), never with the integer that seeded `rng`; the env's generator then
    differs from the stream the actions come from."""
    seeds = []
    reset = DiscretizeObservation.reset

    def spy(self, *, seed=None, options=None):
        if seed is not None:
            seeds.append(seed)
        return reset(self, seed=seed, options=options)

    monkeypatch.setattr(DiscretizeObservation, "reset", spy)
    config = runs.DiscreteQConfig(bins=(4, 4), episodes=2, max_episode_steps=20)
    runs.q_learning_discretized(config, np.random.default_rng(5), runs=3, backend="gymnasium")
    policy = np.random.default_rng(5)
    assert seeds == policy.integers(0, 2**31 - 1, size=3).tolist() and 5 not in seeds
    after = policy.random(8)                     # the actions' stream starts here
    assert all(not np.allclose(np.random.default_rng(s).random(8), after) for s in seeds)


def test_numpy_backend_cars_use_the_env_seeds(monkeypatch):
    """numpy backend: car i's generator is `default_rng(seed_i)`, as `env.reset(seed_i)`."""
    got = []
    reset = MountainCarBatch.reset

    def spy(self, which, rngs):
        if not got:
            got.extend(_state(g) for g in rngs)
        return reset(self, which, rngs)

    monkeypatch.setattr(MountainCarBatch, "reset", spy)
    config = runs.DiscreteQConfig(bins=(4, 4), episodes=1, max_episode_steps=5)
    runs.q_learning_discretized(config, np.random.default_rng(5), runs=2, backend="numpy")
    seeds = np.random.default_rng(5).integers(0, 2**31 - 1, size=2)
    assert got == [_state(np.random.default_rng(int(s))) for s in seeds]
    assert _state(np.random.default_rng(5)) not in got


def test_cell_transition_counts_car_starts_are_not_the_action_stream(monkeypatch):
    got = []
    reset = MountainCarBatch.reset

    def spy(self, which, rngs):
        if not got:
            got.extend(_state(g) for g in rngs)
        return reset(self, which, rngs)

    monkeypatch.setattr(MountainCarBatch, "reset", spy)
    grid = Grid.for_space(MountainCarBatch.observation_space, 4)
    runs.cell_transition_counts(grid, push_with_velocity(grid),
                                np.random.default_rng(3), cars=4, steps=2)
    seeds = np.random.default_rng(3).integers(0, 2**31 - 1, size=4)
    assert got == [_state(np.random.default_rng(int(s))) for s in seeds]
    assert 3 not in seeds.tolist()


def _spy_learner(monkeypatch):
    calls = []

    def spy(config, rng, *, runs=1, backend="auto"):
        calls.append((config.bins, _state(rng)))
        steps = np.full((runs, config.episodes), 10)
        return runs_result(steps)

    def runs_result(steps):
        return runs.QLearningResult(steps, -steps, None, None)

    monkeypatch.setattr(studies, "q_learning_discretized", spy)
    return calls


def test_learning_and_resolution_studies_seed_each_grid(monkeypatch):
    calls = _spy_learner(monkeypatch)
    studies.learning_study(studies.LearningConfig(bins=(3, 5), runs=2, episodes=2, seed=10))
    studies.resolution_study(studies.ResolutionConfig(bins=(3, 5), runs=2, episodes=2, last=1,
                                                seed=100))
    assert calls == [((k, k), _state(np.random.default_rng(s + k)))
                     for s in (10, 100) for k in (3, 5)]


def test_markov_study_data_sets_are_independent_streams(monkeypatch):
    states = []

    def spy(grid, pi, rng, *, cars, steps):
        states.append(_state(rng))
        return np.zeros((grid.d, grid.d, 3, grid.d), dtype=np.int64)

    monkeypatch.setattr(studies, "cell_transition_counts", spy)
    studies.markov_study(studies.MarkovConfig(cars=2, steps=2, seeds=(4, 9)))
    assert states == [_state(np.random.default_rng(4)), _state(np.random.default_rng(9))]
