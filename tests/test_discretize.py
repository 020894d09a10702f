"""Chapter 2: grid discretization, bucketing, and tabular Q-learning on a discretized task."""

from __future__ import annotations

import math
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import example, given
from hypothesis import strategies as st

from fa_book.discretize import (
    DiscretizeObservation,
    Grid,
    StateAggregation,
    aggregate_by_clustering,
    aggregate_by_key,
    aggregated_values,
    bucket_fit,
    cells_visited_fraction,
    n_cells,
    push_with_velocity,
    q_learning_update,
    staircase_rms,
)
from fa_book.discretize_runs import (
    DiscreteQConfig,
    MountainCarBatch,
    cell_transition_counts,
    q_learning_discretized,
)
from tests.strategies import finite_mdps, seeds


@st.composite
def grids(draw, max_dims: int = 3, max_bins: int = 6):
    """A grid with random, strictly increasing edges (not only uniform ones)."""
    rng = np.random.default_rng(draw(seeds))
    n = draw(st.integers(1, max_dims))
    edges = []
    for _ in range(n):
        k = draw(st.integers(1, max_bins))
        lo = rng.uniform(-5, 5)
        e = lo + np.concatenate([[0.0], np.cumsum(rng.uniform(0.01, 3, size=k))])
        # representable in float32 too (as a float32 gymnasium Box's bounds are)
        edges.append(e.astype(np.float32).astype(np.float64))
    return Grid(edges)


def brute_force_cell(grid: Grid, x: np.ndarray) -> list[int]:
    """Every cell whose bounds contain x under the half-open rule (closed at the top)."""
    hits = []
    for i in range(grid.d):
        lo, hi = grid.bounds(i)
        last = grid.unravel(i) == np.array(grid.bins) - 1
        inside = (lo <= x) & ((x < hi) | (last & (x == hi)))
        if inside.all():
            hits.append(i)
    return hits


# --8<-- [start:one_cell]
@given(grids(), seeds, st.sampled_from([np.float64, np.float32]))
def test_every_point_in_the_box_is_in_exactly_one_cell(grid, seed, dtype):
    rng = np.random.default_rng(seed)
    # points drawn inside the box, plus points whose j-th coordinates run through every
    # edge value of dimension j (the box's upper edges too), in shuffled combinations
    x = rng.uniform(grid.low, grid.high, size=(20, grid.n_dims))
    m = max(e.size for e in grid.edges)
    corners = np.stack([np.resize(rng.permutation(e), m) for e in grid.edges], axis=1)
    assert all(np.isin(e, corners[:, j]).all() for j, e in enumerate(grid.edges))
    x = np.concatenate([x, corners]).astype(dtype)   # rounding keeps x in the box
    assert x.dtype == dtype
    idx = grid.index(x)
    assert np.array_equal(grid(x).sum(-1), np.ones(len(x)))
    for xi, i in zip(x.astype(np.float64), idx, strict=True):
        assert brute_force_cell(grid, xi) == [i]
        lo, hi = grid.bounds(i)
        assert np.all(lo <= xi) and np.all(xi <= hi)
# --8<-- [end:one_cell]


@given(grids())
def test_cell_centres_map_back_to_their_cell(grid):
    cells = np.arange(grid.d)
    assert np.array_equal(grid.index(grid.centre(cells)), cells)


@given(st.integers(1, 60), st.integers(1, 60))
def test_float32_box_upper_edge_and_centres(k1, k2):
    space = MountainCarBatch.observation_space          # float32 bounds
    grid = Grid.for_space(space, (k1, k2))
    assert grid.index(space.high) == grid.d - 1         # the box's corner is in the grid
    assert grid.index(space.low) == 0
    c = grid.centre(np.arange(grid.d)).astype(np.float32)
    assert np.array_equal(grid.index(c), np.arange(grid.d))


@given(grids(), seeds)
def test_outside_points_go_to_the_nearest_outer_cell(grid, seed):
    rng = np.random.default_rng(seed)
    width = grid.high - grid.low
    x = rng.uniform(grid.low - 3 * width, grid.high + 3 * width, size=(30, grid.n_dims))
    assert np.array_equal(grid.index(x), grid.index(np.clip(x, grid.low, grid.high)))


@given(st.integers(1, 10**9), st.integers(1, 10**9))
def test_n_cells_is_exact_or_refused_before_computing(bins, n_dims):
    """`n_cells(10, 10**9)` is refused at once (from its logarithm), not computed."""
    if n_dims * math.log10(bins) > 300:
        with pytest.raises(ValueError, match=r"bins\^n_dims"):
            n_cells(bins, n_dims)
    else:
        assert n_cells(bins, n_dims) == bins**n_dims


@given(st.integers(1, 12), st.integers(1, 4))
def test_uniform_grid_has_k_to_the_n_cells(k, n):
    grid = Grid.uniform(k, np.zeros(n), np.ones(n))
    assert grid.d == n_cells(k, n) == k**n


# --8<-- [start:wrapper_check]
def test_wrapper_is_a_valid_gymnasium_env():
    for env, kw in [("MountainCar-v0", {}),
                    ("CartPole-v1", dict(low=[-2.4, -3, -0.21, -3.5], high=[2.4, 3, 0.21, 3.5]))]:
        wrapped = DiscretizeObservation(gym.make(env), 7, **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")    # "env is wrapped" is a warning, not a failure
            check_env(wrapped, skip_render_check=True)
        s, _ = wrapped.reset(seed=0)
        assert wrapped.observation_space.contains(s)
        s, r, terminated, truncated, _ = wrapped.step(0)
        assert wrapped.observation_space.contains(s)
# --8<-- [end:wrapper_check]


def test_wrapper_observation_is_the_cell_of_the_raw_observation():
    env = gym.make("MountainCar-v0")
    wrapped = DiscretizeObservation(gym.make("MountainCar-v0"), (9, 5))
    obs, _ = env.reset(seed=3)
    s, _ = wrapped.reset(seed=3)
    for a in [2, 2, 0, 1, 0, 2] * 10:
        assert s == wrapped.grid.index(obs)
        obs = env.step(a)[0]
        s = wrapped.step(a)[0]


# --------------------------------------------------------------------------- bucketing

@given(seeds, st.integers(2, 60), st.integers(1, 3), st.integers(1, 8))
def test_aggregations_are_partitions(seed, S, m, k):
    rng = np.random.default_rng(seed)
    phi = rng.normal(size=(S, m))
    k = min(k, S)
    for agg in [aggregate_by_key(np.floor(phi).astype(int)),
                aggregate_by_clustering(phi, k, rng)]:
        members = [agg.members(g) for g in range(agg.d)]
        assert all(len(m) > 0 for m in members)                      # no empty bucket
        assert np.array_equal(np.sort(np.concatenate(members)), np.arange(S))  # disjoint cover
        x = agg(np.arange(S))
        assert x.shape == (S, agg.d) and np.array_equal(x.sum(1), np.ones(S))
    assert aggregate_by_clustering(phi, k, rng).d <= k


def test_aggregate_by_key_groups_equal_keys():
    keys = np.array([[0, 1], [1, 0], [0, 1], [2, 2], [1, 0]])
    agg = aggregate_by_key(keys)
    same = (keys[:, None, :] == keys[None, :, :]).all(-1)
    assert np.array_equal(agg.groups[:, None] == agg.groups[None, :], same)


def test_clustering_finds_separated_clusters():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    label = rng.integers(3, size=90)
    phi = centres[label] + rng.uniform(-1, 1, size=(90, 2))
    agg = aggregate_by_clustering(phi, 3, np.random.default_rng(1))
    assert np.array_equal(agg.groups[:, None] == agg.groups[None, :],
                          label[:, None] == label[None, :])


# --8<-- [start:aggregated_projection]
@given(finite_mdps(episodic=True, n_states=st.integers(2, 8)), seeds)
def test_aggregated_values_are_the_mu_weighted_projection(mdp, seed):
    from fa_book.oracles import on_policy_distribution, random_policy, v_pi
    rng = np.random.default_rng(seed)
    pi = random_policy(rng, mdp.n_states, mdp.n_actions)
    v, mu = v_pi(mdp, pi), on_policy_distribution(mdp, pi)
    agg = StateAggregation(rng.integers(0, 3, size=mdp.n_states))
    X = agg(np.arange(mdp.n_states))
    # weighted least squares: argmin_w sum_s mu(s) (v(s) - x(s)^T w)^2
    w_ls = np.linalg.lstsq(np.sqrt(mu)[:, None] * X, np.sqrt(mu) * v, rcond=None)[0]
    np.testing.assert_allclose(aggregated_values(agg, v, mu), w_ls, atol=1e-9)
# --8<-- [end:aggregated_projection]


# --------------------------------------------------------------------- pros and cons

# --8<-- [start:staircase]
@given(st.floats(-10, 10), st.floats(0.1, 10), st.integers(1, 40), st.integers(1, 50))
@example(slope=1.0, length=1.0, k=1, n=1)
def test_staircase_error_of_a_line(slope, length, k, n):
    """k equal buckets fitted to a line sampled at n midpoints per bucket: the RMS error
    is |b| w sqrt((1 - 1/n^2) / 12), which tends to staircase_rms = |b| w / sqrt(12)."""
    w = length / k
    s = (np.arange(k * n) + 0.5) * (w / n)
    v = slope * s + 3.0
    _, v_hat = bucket_fit(s, v, np.linspace(0, length, k + 1))
    rms = np.sqrt(np.mean((v - v_hat) ** 2))
    exact = abs(slope) * w * math.sqrt((1 - 1 / n**2) / 12)
    assert rms == pytest.approx(exact, rel=1e-6, abs=1e-9)
    assert exact <= staircase_rms(slope, w) + 1e-12
    # a two-parameter line fits it exactly
    X = np.stack([s, np.ones_like(s)], axis=1)
    coef = np.linalg.lstsq(X, v, rcond=None)[0]
    assert np.allclose(X @ coef, v, atol=1e-8)
# --8<-- [end:staircase]


def test_cells_visited_fraction_matches_simulation():
    rng = np.random.default_rng(0)
    for K, N in [(10, 5), (100, 100), (1000, 300)]:
        trials = 2000
        hit = np.array([np.unique(rng.integers(K, size=N)).size / K for _ in range(trials)])
        se = hit.std(ddof=1) / math.sqrt(trials)
        assert abs(hit.mean() - cells_visited_fraction(K, N)) < 5 * se + 1e-12


# --------------------------------------------------------------------- Q-learning

# --8<-- [start:q_update_expectation]
@given(finite_mdps(episodic=True), st.floats(0.01, 1.0), seeds)
def test_expected_q_update_is_a_bellman_optimality_step(mdp, alpha, seed):
    """Averaging the update over s' ~ P(.|s,a) (and over termination, the missing mass)
    gives Q + alpha (T*Q - Q), with (T*Q)(s,a) = r(s,a) + gamma sum_s' P max_a' Q(s',a')."""
    rng = np.random.default_rng(seed)
    S, A = mdp.n_states, mdp.n_actions
    Q0 = rng.uniform(-5, 5, size=(S, A))
    TQ = mdp.R + mdp.gamma * mdp.P @ Q0.max(axis=1)
    for s in range(S):
        for a in range(A):
            # one run per possible outcome: each next state, then "terminated"
            Q = np.broadcast_to(Q0, (S + 1, S, A)).copy()
            outcomes = np.arange(S + 1)
            q_learning_update(Q, np.full(S + 1, s), np.full(S + 1, a), np.full(S + 1, mdp.R[s, a]),
                              np.minimum(outcomes, S - 1), outcomes == S, alpha, mdp.gamma)
            p = np.append(mdp.P[s, a], 1 - mdp.P[s, a].sum())
            expected = p @ Q[:, s, a]
            assert expected == pytest.approx(Q0[s, a] + alpha * (TQ[s, a] - Q0[s, a]),
                                             abs=1e-9)
# --8<-- [end:q_update_expectation]


# --8<-- [start:numpy_matches_gymnasium]
def test_numpy_mountain_car_matches_gymnasium_step_for_step():
    rng = np.random.default_rng(0)
    env = gym.make("MountainCar-v0", max_episode_steps=None).unwrapped
    for seed in [1, 2, 3]:
        obs, _ = env.reset(seed=seed)
        car = MountainCarBatch(1)
        car.reset([0], [np.random.default_rng(seed)])       # same start as reset(seed=)
        assert np.array_equal(car.obs()[0], obs)
        for t in range(3000):
            a = int(rng.integers(3)) if t > 50 else 0        # also hit the left wall
            obs, r, terminated, _, _ = env.step(a)
            assert bool(car.step(np.array([a]))[0]) == terminated
            assert np.array_equal(car.obs()[0], obs)
            assert (car.position[0], car.velocity[0]) == tuple(env.state)
            if terminated:
                break


def test_backends_agree_exactly_for_one_run():
    config = DiscreteQConfig(bins=(6, 7), episodes=4, epsilon=0.1, gamma=0.99,
                             max_episode_steps=400)
    a = q_learning_discretized(config, np.random.default_rng(5), backend="numpy")
    b = q_learning_discretized(config, np.random.default_rng(5), backend="gymnasium")
    assert np.array_equal(a.steps, b.steps) and np.array_equal(a.Q, b.Q)
# --8<-- [end:numpy_matches_gymnasium]


def test_same_seed_same_numbers_and_runs_are_independent():
    config = DiscreteQConfig(bins=(5, 5), episodes=3, max_episode_steps=300)
    a = q_learning_discretized(config, np.random.default_rng(9), runs=3)
    b = q_learning_discretized(config, np.random.default_rng(9), runs=3)
    assert np.array_equal(a.steps, b.steps) and np.array_equal(a.Q, b.Q)
    assert np.array_equal(a.returns, -a.steps)
    assert a.Q.shape == (3, 25, 3) and a.steps.shape == (3, 3)


# --8<-- [start:learns]
def test_q_learning_on_the_discretized_car_learns():
    """Episodes get shorter: over 8 runs, the mean length of the last 10 of 40 episodes is
    below that of the first 10 by more than 5 standard errors."""
    config = DiscreteQConfig(bins=(6, 6), episodes=40, alpha=0.25, max_episode_steps=1000)
    steps = q_learning_discretized(config, np.random.default_rng(0), runs=8).steps
    first, last = steps[:, :10].mean(1), steps[:, -10:].mean(1)     # one number per run
    se = math.sqrt(first.var(ddof=1) / 8 + last.var(ddof=1) / 8)
    assert last.mean() < first.mean() - 5 * se
# --8<-- [end:learns]


# --------------------------------------------------------------------- not an MDP

def test_transition_counts_match_a_gymnasium_loop():
    """The counts N[p, s, a, s'] are those of the real environment, episode by episode:
    same starts as env.reset(seed=...), a new episode after the flag, no predecessor at
    an episode's first step."""
    grid = Grid.for_space(MountainCarBatch.observation_space, (5, 4))
    pi = push_with_velocity(grid)
    cars, steps = 3, 400
    N = cell_transition_counts(grid, pi, np.random.default_rng(7), cars=cars, steps=steps)
    seeds = np.random.default_rng(7).integers(0, 2**31 - 1, size=cars)
    ref = np.zeros_like(N)
    env = gym.make("MountainCar-v0", max_episode_steps=None).unwrapped
    episodes = 0
    for seed in seeds:
        obs, _ = env.reset(seed=int(seed))
        p, s = None, int(grid.index(obs))
        for _ in range(steps):
            a = int(pi[s].argmax())
            obs, _, terminated, _, _ = env.step(a)
            s_next = int(grid.index(obs))
            if p is not None:
                ref[p, s, a, s_next] += 1
            p, s = s, s_next
            if terminated:
                episodes += 1
                obs, _ = env.reset()
                p, s = None, int(grid.index(obs))
    assert episodes >= cars                 # every car reached the flag at least once
    assert np.array_equal(N, ref)


def test_transition_counts_draw_actions_from_pi():
    """With a stochastic cell policy, the action frequencies in each often-visited cell
    match pi(a | s) within 5 standard errors; actions with pi = 0 never occur."""
    grid = Grid.for_space(MountainCarBatch.observation_space, 4)
    pi = np.tile([0.5, 0.0, 0.5], (grid.d, 1))
    pi[::2] = [0.2, 0.3, 0.5]
    N = cell_transition_counts(grid, pi, np.random.default_rng(3), cars=200, steps=100)
    n_sa = N.sum(axis=(0, 3))                             # (s, a)
    n_s = n_sa.sum(1)
    checked = 0
    for s in np.flatnonzero(n_s >= 200):
        freq = n_sa[s] / n_s[s]
        se = np.sqrt(pi[s] * (1 - pi[s]) / n_s[s])
        assert np.all(np.abs(freq - pi[s]) <= 5 * se + 1e-12)
        checked += 1
    assert checked >= 3


def stay_rate(N, s, a, p):
    """Estimate of P(s' = s | s, a, previous cell p), and its number of samples."""
    n = int(N[p, s, a].sum())
    return N[p, s, a, s] / n, n


def z_two_rates(p1, n1, p2, n2):
    """Difference of two estimated rates in standard errors (pooled, as under the
    hypothesis that they are equal)."""
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    return (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))


# --8<-- [start:not_markov]
def test_discretized_mountain_car_is_not_markov():
    """4 x 4 grid, policy "push with the velocity". In the corner cell (x < -0.75,
    v < -0.035), pushing left, the chance of still being in that cell next step depends on
    the cell the car came from: more than 5 standard errors apart. A control: the same
    estimate from two independent data sets agrees within 5 standard errors."""
    grid = Grid.for_space(MountainCarBatch.observation_space, 4)
    pi = push_with_velocity(grid)
    corner, right = 0, int(grid.index([-0.5, -0.05]))  # cells (0, 0) and (1, 0)
    a = int(pi[corner].argmax())                        # 0: push left
    N = cell_transition_counts(grid, pi, np.random.default_rng(0), cars=1000, steps=300)
    (p_stayed, n_stayed), (p_came, n_came) = (stay_rate(N, corner, a, corner),
                                              stay_rate(N, corner, a, right))
    assert min(n_stayed, n_came) >= 100
    assert abs(z_two_rates(p_stayed, n_stayed, p_came, n_came)) > 5
    N2 = cell_transition_counts(grid, pi, np.random.default_rng(1), cars=1000, steps=300)
    assert abs(z_two_rates(p_stayed, n_stayed, *stay_rate(N2, corner, a, corner))) < 5
# --8<-- [end:not_markov]


# --------------------------------------------------------------------- bad input

def test_bad_input_names_the_problem():
    box = MountainCarBatch.observation_space
    with pytest.raises(ValueError, match="bins"):
        Grid.for_space(box, 0)
    with pytest.raises(ValueError, match="bins"):
        Grid.for_space(box, (3, -1))
    with pytest.raises(ValueError, match="bins"):
        Grid.for_space(box, (3, 3, 3))
    with pytest.raises(ValueError, match="strictly increasing"):
        Grid([[0.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match="strictly increasing"):
        Grid([[0.0, 2.0, 1.0]])
    with pytest.raises(ValueError, match="unbounded"):
        Grid.for_space(gym.make("CartPole-v1").observation_space, 5)
    with pytest.raises(ValueError, match="unbounded"):
        DiscretizeObservation(gym.make("CartPole-v1"), 5)
    with pytest.raises(ValueError, match=r"obs must have shape \(\.\.\., 2\)"):
        Grid.for_space(box, 4).index(np.zeros(3))
    with pytest.raises(ValueError, match="obs"):
        Grid.for_space(box, 4).index(np.array([np.nan, 0.0]))
    with pytest.raises(ValueError, match="index"):
        Grid.for_space(box, 4).bounds(16)
    with pytest.raises(ValueError, match="groups"):
        StateAggregation(np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="k must be"):
        aggregate_by_clustering(np.zeros((3, 1)), 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="alpha"):
        q_learning_discretized(DiscreteQConfig(alpha=0.0), np.random.default_rng(0))
    with pytest.raises(ValueError, match="epsilon"):
        q_learning_discretized(DiscreteQConfig(epsilon=1.5), np.random.default_rng(0))
    grid = Grid.for_space(box, 4)
    with pytest.raises(ValueError, match="pi must have rows"):
        cell_transition_counts(grid, np.ones((16, 3)), np.random.default_rng(0))
    with pytest.raises(ValueError, match="steps"):
        cell_transition_counts(grid, push_with_velocity(grid), np.random.default_rng(0),
                               steps=1)
    with pytest.raises(ValueError, match="backend"):
        q_learning_discretized(DiscreteQConfig(env_id="CartPole-v1"),
                               np.random.default_rng(0), backend="numpy")


def test_no_config_limit_means_the_registered_limit():
    """`max_episode_steps=None` keeps `MountainCar-v0`'s registered 200 steps (read from
    `gym.spec`), in both backends; the first, optimistic episode runs into it."""
    assert gym.spec("MountainCar-v0").max_episode_steps == 200
    config = DiscreteQConfig(bins=(4, 4), episodes=2, max_episode_steps=None)
    a, b = (q_learning_discretized(config, np.random.default_rng(0), backend=backend).steps
            for backend in ("numpy", "gymnasium"))
    assert np.array_equal(a, b) and a.max() == 200
