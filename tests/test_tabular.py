"""Chapter 1: the maze environment, tabular TD(0), and what a table update touches."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st

import fa_book  # noqa: F401  (registers the environments)
from fa_book.envs import GridMaze
from fa_book.oracles import on_policy_distribution, v_pi
from fa_book.tabular import (
    block_features,
    epsilon_greedy_optimal_policy,
    go_positions_log10,
    grid_table_size,
    linear_td0_update,
    run_td0,
    table_bytes,
    td0_update,
)

MAZE = GridMaze()
S = MAZE.rows * MAZE.cols


def test_registered_env_passes_check_env():
    env = gym.make("fa_book/GridMaze-v0")
    check_env(env.unwrapped)
    obs, info = env.reset(seed=0)
    assert obs == MAZE.start and info == {}


def test_env_matches_its_exact_mdp_step_for_step():
    mdp = MAZE.to_finite_mdp(0.9)
    env = GridMaze()
    for s in MAZE.free_cells:
        if s == MAZE.goal:
            continue
        for a in range(4):
            env.reset(options={"start": int(s)})
            s2, r, terminated, truncated, _ = env.step(a)
            assert mdp.P[s, a, s2] == 1.0
            assert r == mdp.R[s, a]
            assert terminated == (s2 == MAZE.goal) and not truncated


# --8<-- [start:one_entry]
@given(V=st.lists(st.floats(-10, 10), min_size=S, max_size=S).map(np.array),
       s=st.sampled_from(list(MAZE.free_cells)), a=st.integers(0, 3),
       alpha=st.floats(0.01, 1.0), gamma=st.floats(0.0, 1.0))
def test_a_tabular_update_changes_exactly_one_entry(V, s, a, alpha, gamma):
    s_next = MAZE.next_state(s, a)
    r = float(s_next == MAZE.goal)
    before = V.copy()
    delta = td0_update(V, s, r, s_next, s_next == MAZE.goal, alpha, gamma)
    changed = np.flatnonzero(V != before)
    assert set(changed) <= {s}                      # nothing but V(s) moves ...
    assert V[s] == pytest.approx(before[s] + alpha * delta)  # ... and by alpha * delta
# --8<-- [end:one_entry]


# --8<-- [start:blocks_spread]
@given(s=st.sampled_from(list(MAZE.free_cells)), a=st.integers(0, 3))
def test_block_features_move_the_whole_block(s, a):
    X = block_features(MAZE, 3)
    theta = np.zeros(X.shape[1])
    s_next = MAZE.next_state(s, a)
    delta = linear_td0_update(theta, X[s], 1.0, X[s_next], False, 0.1, 0.9)
    changed = set(np.flatnonzero(X @ theta))
    same_block = set(np.flatnonzero(X[:, X[s, :-S].argmax()]))
    assert delta == 1.0 and changed == same_block   # every cell of s's block moves
# --8<-- [end:blocks_spread]


def test_tabular_run_equals_one_hot_linear_run():
    pi = epsilon_greedy_optimal_policy(MAZE, 0.9, 0.3)
    env = gym.make("fa_book/GridMaze-v0")
    h1 = run_td0(env, pi, np.eye(S), 5, 0.5, 0.9, np.random.default_rng(3))
    # the same episodes by the table update, driven by the same random numbers
    rng = np.random.default_rng(3)
    V = np.zeros(S)
    cum = np.cumsum(pi, 1)
    for ep in range(5):
        s, _ = env.reset(seed=int(rng.integers(2**31)))
        while True:
            a = int(np.searchsorted(cum[s], rng.random() * cum[s, -1], side="right"))
            s2, r, term, trunc, _ = env.step(a)
            td0_update(V, s, r, s2, term, 0.5, 0.9)
            s = s2
            if term or trunc:
                break
        np.testing.assert_allclose(h1[ep], V)


# --8<-- [start:td_converges]
def test_tabular_td_ends_close_to_v_pi():
    """With a small constant step size TD(0) gets close to v_pi where the policy goes."""
    gamma, episodes = 0.9, 3000
    pi = epsilon_greedy_optimal_policy(MAZE, gamma, 0.5)
    mdp = MAZE.to_finite_mdp(gamma)
    v, mu = v_pi(mdp, pi), on_policy_distribution(mdp, pi)
    env = gym.make("fa_book/GridMaze-v0")
    early = run_td0(env, pi, np.eye(S), 20, 0.1, gamma, np.random.default_rng(0))[-1]
    late = run_td0(env, pi, np.eye(S), episodes, 0.02, gamma, np.random.default_rng(0))[-1]
    rms = lambda V: np.sqrt((mu * (V - v) ** 2).sum())  # noqa: E731
    assert rms(late) < 0.02 < rms(early)
# --8<-- [end:td_converges]


def test_table_arithmetic():
    assert grid_table_size(10, 3) == 1000
    assert table_bytes(10, 4, 8) == 320
    # against exact integer arithmetic: 3^361 has floor(log10) + 1 decimal digits
    exact = 3 ** (19 * 19)
    assert int(go_positions_log10(19)) == len(str(exact)) - 1 == 172
    assert go_positions_log10(19) == pytest.approx(np.log10(float(exact)))
    assert grid_table_size(7, 5) == len([c for c in np.ndindex(*(7,) * 5)])
    assert go_positions_log10(19) > 170  # the notes' 10^170 is below the 3^361 bound


@pytest.mark.parametrize("bad", [
    dict(layout=["S.", ".#"]), dict(layout=["S.G", "."]), dict(layout=["SxG"])])
def test_bad_layouts(bad):
    with pytest.raises(ValueError, match="layout"):
        GridMaze(**bad)


def test_bad_arguments_name_themselves():
    env = gym.make("fa_book/GridMaze-v0")
    pi = np.full((S, 4), 0.25)
    with pytest.raises(ValueError, match="alpha"):
        run_td0(env, pi, np.eye(S), 1, -0.1, 0.9, np.random.default_rng(0))
    with pytest.raises(ValueError, match="gamma"):
        run_td0(env, pi, np.eye(S), 1, 0.1, 1.5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="features"):
        run_td0(env, pi, np.eye(S - 1), 1, 0.1, 0.9, np.random.default_rng(0))
    maze = GridMaze()
    maze.reset(seed=0)
    with pytest.raises(ValueError, match="action"):
        maze.step(7)
    with pytest.raises(ValueError, match="k"):
        grid_table_size(0, 3)


def test_figures_run(tmp_path):
    from fa_book.figures import figure_functions
    for f in figure_functions("tabular"):
        for p in f(tmp_path / "figures", quick=True):
            assert p.exists() and p.stat().st_size > 0


# ------------------------------------------------------------------ randomness streams

def test_run_td0_env_seeds_and_policy_draws_are_different_streams(monkeypatch):
    """The environment is reset with draws of `rng`, never with the integer that seeded
    `rng`, and the environment's own generator is not the policy's stream."""
    env = gym.make("fa_book/GridMaze-v0")
    seen = []
    reset = type(env).reset

    def spy(self, *, seed=None, options=None):
        seen.append((seed, None if seed is None else np.random.default_rng(seed).random(4)))
        return reset(self, seed=seed, options=options)

    monkeypatch.setattr(type(env), "reset", spy)
    pi = np.full((S, 4), 0.25)
    run_td0(env, pi, np.eye(S), 3, 0.1, 0.9, np.random.default_rng(11))
    policy = np.random.default_rng(11)
    first = policy.integers(2**31)                 # run_td0's first draw is the env seed
    assert seen[0][0] == first and all(seed != 11 for seed, _ in seen)
    policy_draws = policy.random(4)                # then the policy's draws
    assert not np.allclose(seen[0][1], policy_draws)
    assert len({seed for seed, _ in seen}) == 3    # a new env seed every episode


def test_spread_runs_gives_run_k_the_stream_seed_k(monkeypatch):
    import fa_book.tabular as tabular
    states = []

    def spy(env, pi, features, episodes, alpha, gamma, rng, max_steps=10_000):
        states.append(rng.bit_generator.state["state"]["state"])
        return np.zeros((episodes, S))

    monkeypatch.setattr(tabular, "run_td0", spy)
    tabular.spread_runs(tabular.SpreadConfig(n_runs=3, episodes=2, seed=7))
    want = [np.random.default_rng([7, k]).bit_generator.state["state"]["state"]
            for k in range(3)]
    assert states == want + want                  # both learners see the same streams
    assert len(set(want)) == 3


@given(k=st.integers(1, 10**9), n=st.integers(1, 10**9))
def test_grid_sizes_are_exact_or_refused_before_computing(k, n):
    """k^n is computed exactly up to 10^300 and refused above, from its logarithm, so that
    `grid_table_size(10, 10**9)` answers at once instead of building a 10^9-digit int."""
    if n * np.log10(k) > 300:
        with pytest.raises(ValueError, match=r"10\^300"):
            grid_table_size(k, n)
    else:
        assert grid_table_size(k, n) == k**n
