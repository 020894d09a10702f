"""The contract all four book environments share (fa_book.envs): registered ids, the
`start` option, truncation after `max_episode_steps`, and a clear error on stepping an
episode that has ended."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st

import fa_book  # noqa: F401  (registers the environments)
from fa_book.envs import (
    BairdCounterexample,
    EpisodeEnded,
    GridMaze,
    RandomWalk,
    ShortCorridor,
)

# (factory, a legal start, an action, the registered id, its max_episode_steps)
ENVS = {
    "grid": (lambda **k: GridMaze(**k), "fa_book/GridMaze-v0", 10_000),
    "walk": (lambda **k: RandomWalk(n_states=20, max_jump=3, **k),
             "fa_book/RandomWalk1000-v0", None),
    "baird": (lambda **k: BairdCounterexample(**k), "fa_book/Baird-v0", 1000),
    "corridor": (lambda **k: ShortCorridor(**k), "fa_book/ShortCorridor-v0", 1000),
}


@pytest.mark.parametrize("name", ENVS)
def test_passes_gymnasiums_checker_and_registered_limit(name):
    make, env_id, limit = ENVS[name]
    check_env(make(), skip_render_check=True)
    assert gym.make(env_id).unwrapped.max_episode_steps == limit


@pytest.mark.parametrize("name", ENVS)
def test_step_before_reset_is_refused(name):
    env = ENVS[name][0]()
    with pytest.raises(EpisodeEnded, match="reset"):
        env.step(0)


@pytest.mark.parametrize("name", ENVS)
def test_truncates_at_its_limit_and_then_refuses_to_step(name):
    env = ENVS[name][0](max_episode_steps=3)
    env.reset(seed=0)
    rng = np.random.default_rng([0, 1])
    for t in range(3):
        _, _, terminated, truncated, _ = env.step(env.action_space.sample()
                                                  if t else int(rng.integers(2)))
        if terminated:
            break
    assert terminated or truncated
    with pytest.raises(EpisodeEnded, match="ended"):
        env.step(0)
    env.reset()  # a new episode may start
    env.step(0)


@pytest.mark.parametrize("name", ENVS)
@given(start=st.one_of(st.integers(-5, -1), st.integers(10**6, 10**7), st.floats(),
                       st.text(max_size=3), st.booleans()))
def test_bad_start_is_refused(name, start):
    env = ENVS[name][0]()
    with pytest.raises(ValueError, match="start"):
        env.reset(seed=0, options={"start": start})


@pytest.mark.parametrize("name", ENVS)
def test_unknown_reset_option_is_refused(name):
    with pytest.raises(ValueError, match="start"):
        ENVS[name][0]().reset(seed=0, options={"strat": 0})


@pytest.mark.parametrize("name", ENVS)
@given(action=st.one_of(st.integers(-3, -1), st.integers(4, 100), st.floats(),
                        st.booleans(), st.none()))
def test_bad_action_is_refused(name, action):
    env = ENVS[name][0]()
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action"):
        env.step(action)


@pytest.mark.parametrize("name", ENVS)
def test_same_seed_same_trajectory(name):
    def run():
        env = ENVS[name][0](max_episode_steps=50)
        obs, _ = env.reset(seed=3)
        env.action_space.seed(4)
        out = [int(obs)]
        for _ in range(50):
            obs, r, term, trunc, _ = env.step(env.action_space.sample())
            out += [int(obs), r]
            if term or trunc:
                break
        return out
    assert run() == run()


@pytest.mark.parametrize("max_episode_steps", [0, -1, 2.5, True])
def test_bad_limit_is_refused(max_episode_steps):
    with pytest.raises(ValueError, match="max_episode_steps"):
        ShortCorridor(max_episode_steps=max_episode_steps)


def test_unreachable_goal_is_refused():
    with pytest.raises(ValueError, match="reach"):
        GridMaze(["S#G"])
