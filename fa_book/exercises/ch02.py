r"""Chapter 2's programming exercises (discretization and bucketing).

2.2 *Unequal buckets.* The RMS error of the best staircase fit of a line over buckets of
any widths, $|b|\sqrt{\sum_i w_i^3/(12L)}$; the exact answer weights each bucket's
(STAIR) error, `fa_book.discretize.staircase_rms`, by its share $w_i/L$ of the interval.

2.5 *Bucket values.* The best value of each bucket, (AGG); the exact answer is
`fa_book.discretize.aggregated_values`.

2.8 *The cell of a state.* (CELL) and (INDEX) for a batch of states; the exact answer is
`fa_book.discretize.Grid.index`.

2.9 *Q-learning on the cells.* (QL) along a sequence of transitions; the exact answer
applies `fa_book.discretize.q_learning_update` to each, in order.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register
from fa_book.exercises._strategies import rounded


def _show(a) -> str:
    return np.array2string(np.asarray(a), separator=", ", precision=4)


# ------------------------------------------------------------------ 2.2 unequal buckets


def staircase_error(slope, edges) -> float:
    r"""The exact answer: $\sqrt{\sum_i (w_i/L)\,\mathrm{STAIR}(b, w_i)^2}$."""
    from fa_book.discretize import staircase_rms

    w = np.diff(edges)
    share = w / w.sum()  # the uniform measure of each bucket
    return math.sqrt(sum(p * staircase_rms(slope, wi) ** 2 for p, wi in zip(share, w, strict=True)))


def _stair(slope, edges, *, equal_weights=False, mean_width=False, mean_rms=False,
           squared=False, signed=False, no_length=False):
    w = np.diff(np.asarray(edges, float))
    L, k = w.sum(), w.size
    if equal_weights:
        return abs(slope) * math.sqrt(np.mean(w**2) / 12)
    if mean_width:
        return abs(slope) * (L / k) / math.sqrt(12)
    if mean_rms:
        return float(np.sum(w / L * abs(slope) * w / math.sqrt(12)))
    if squared:
        return slope**2 * float(np.sum(w**3)) / (12 * L)
    if no_length:
        return abs(slope) * math.sqrt(float(np.sum(w**3)) / 12)
    return (slope if signed else abs(slope)) * math.sqrt(float(np.sum(w**3)) / (12 * L))


def _cases_2_2() -> list[Case]:
    def c(slope, edges, label=None):
        edges = np.asarray(edges, float)
        return Case({"slope": slope, "edges": edges},
                    label or f"slope b = {slope}, edges = {_show(edges)}")

    cases = [c(1.0, [0, 1]), c(2.0, [0, 1, 3]), c(-1.0, [0, 0.5, 2]),
             c(1.0, [0, 0.25, 0.5, 0.75, 1],
               "the page's 4 equal buckets of v(s) = s on [0, 1]: slope b = 1.0, "
               "edges = [0, 0.25, 0.5, 0.75, 1]"),
             c(0.5, [-1, 0, 0.1, 0.3, 4])]
    rng = np.random.default_rng(2_2)
    for k in range(3):
        n = int(rng.integers(2, 9))
        edges = np.cumsum(np.r_[rng.uniform(-2, 2), rng.uniform(0.05, 2, n)]).round(3)
        slope = round(float(rng.uniform(-3, 3)), 2)
        cases.append(c(slope, edges, f"random case {k + 1} (seed 22): slope b = {slope}, "
                                     f"{n} buckets, edges = {_show(edges)}"))
    cases.append(c(1.0, np.linspace(0, 1, 17),
                   "the page's 16 equal buckets of v(s) = s on [0, 1]"))
    fine_in_the_middle = np.r_[-1.2, np.linspace(-0.7, -0.35, 8), 0.6]
    cases.append(c(1.0, fine_in_the_middle, "Mountain Car positions, fine only near the "
                                            f"bottom of the valley: edges = "
                                            f"{_show(fine_in_the_middle)}, slope b = 1.0"))
    return cases


def _generated_2_2():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        widths = draw(st.lists(rounded(0.1, 3, 1),
                               min_size=1, max_size=5))
        start = draw(rounded(-3, 3, 1))
        edges = np.round(start + np.r_[0.0, np.cumsum(widths)], 1)
        slope = draw(rounded(-3, 3, 1))
        return Case({"slope": slope, "edges": edges},
                    f"slope b = {slope}, edges = {_show(edges)} (found by hypothesis)")
    return case().filter(lambda c: bool(np.all(np.diff(c.kwargs["edges"]) > 0)))


EX_2_2 = register(Exercise(
    id="2.2",
    module="ch02.py",
    function="staircase_error",
    params=("slope", "edges"),
    cases=_cases_2_2,
    generated=_generated_2_2,
    expected=staircase_error,
    mistakes=(
        ("each bucket weighted equally: under the uniform measure bucket i has weight "
         "w_i / L", functools.partial(_stair, equal_weights=True)),
        ("the mean width put into (STAIR), |b| (L/k) / sqrt(12): that is the error of "
         "equal widths, the smallest", functools.partial(_stair, mean_width=True)),
        ("the buckets' RMS errors averaged: average their squared errors, then take the "
         "root", functools.partial(_stair, mean_rms=True)),
        ("no square root: that is the mean squared error, the RMS error is its root",
         functools.partial(_stair, squared=True)),
        ("the sum is not divided by L: the uniform measure on an interval of length L has "
         "density 1/L", functools.partial(_stair, no_length=True)),
        ("a negative error for a negative slope: the error is |b| sqrt(...)",
         functools.partial(_stair, signed=True)),
    ),
))

# ------------------------------------------------------------------ 2.5 bucket values


def bucket_values(groups, v, mu) -> np.ndarray:
    """The exact answer: `fa_book.discretize.aggregated_values` (every label 0..d-1 used)."""
    from fa_book.discretize import StateAggregation, aggregated_values

    return aggregated_values(StateAggregation(groups), v, mu)


def _agg(groups, v, mu, *, plain=False, total=False, unnormalised=False):
    d = int(np.max(groups)) + 1
    num = np.bincount(groups, weights=mu * v, minlength=d)
    den = np.bincount(groups, weights=mu, minlength=d)
    if plain:
        num = np.bincount(groups, weights=v, minlength=d)
        den = np.bincount(groups, minlength=d).astype(float)
    elif total:
        den = np.full(d, float(np.sum(mu)))
    elif unnormalised:
        return num
    return np.divide(num, den, out=np.zeros(d), where=den > 0)


def _cases_2_5() -> list[Case]:
    def c(groups, v, mu, label):
        return Case({"groups": np.array(groups), "v": np.array(v, float),
                     "mu": np.array(mu, float)}, label)

    cases = [
        c([0, 0, 1], [1, 3, 5], [1, 3, 2],
          "groups = [0, 0, 1], v = [1, 3, 5], mu = [1, 3, 2] (not normalised)"),
        c([0, 1, 0, 1], [2, -1, 4, 1], [0.1, 0.2, 0.3, 0.4],
          "groups = [0, 1, 0, 1], v = [2, -1, 4, 1], mu = [0.1, 0.2, 0.3, 0.4]"),
        c([1, 0, 2, 2, 0], [1, 2, 3, 4, 5], [0.25, 0.25, 0, 0, 0.5],
          "groups = [1, 0, 2, 2, 0], v = [1, 2, 3, 4, 5], mu = [0.25, 0.25, 0, 0, 0.5] "
          "(bucket 2 has no weight)"),
    ]
    rng = np.random.default_rng(2_5)
    for k in range(3):
        S, d = int(rng.integers(5, 40)), int(rng.integers(2, 6))
        groups = np.r_[np.arange(d), rng.integers(0, d, S - d)]
        rng.shuffle(groups)
        cases.append(c(groups, rng.normal(size=S).round(2), rng.dirichlet(np.ones(S)),
                       f"random case {k + 1} (seed 25): {S} states, {d} buckets"))
    cases.append(_grid_world_case())
    return cases


@functools.lru_cache(maxsize=1)
def _grid_world_case() -> Case:
    """The page's bucketing example on a 12 x 12 version of its grid world (the 30 x 30
    one takes a second to solve exactly)."""
    from fa_book.discretize import aggregate_by_clustering
    from fa_book.discretize_studies import BucketConfig, grid_world
    from fa_book.oracles import on_policy_distribution, v_pi

    config = BucketConfig(n=12)
    mdp, xy = grid_world(config.n, config.gamma)
    pi = np.tile(np.array(config.drift), (mdp.n_states, 1))
    agg = aggregate_by_clustering(xy.astype(float), config.example_k,
                                  np.random.default_rng(config.example_seed))
    return Case({"groups": agg.groups.copy(), "v": v_pi(mdp, pi),
                 "mu": on_policy_distribution(mdp, pi)},
                f"the page's grid world at 12 x 12, its drifting policy's v_pi and mu, "
                f"{agg.d} k-means buckets on (x, y) (seed 1)")


def _generated_2_5():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        d = draw(st.integers(1, 3))
        extra = draw(st.lists(st.integers(0, d - 1), max_size=4))
        groups = draw(st.permutations(list(range(d)) + extra))
        S = len(groups)
        v = draw(st.lists(st.integers(-5, 5).map(float), min_size=S, max_size=S))
        mu = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=S, max_size=S))
        return Case({"groups": np.array(groups), "v": np.array(v), "mu": np.array(mu)},
                    f"groups = {list(groups)}, v = {v}, mu = {mu} (found by hypothesis)")
    return case()


EX_2_5 = register(Exercise(
    id="2.5",
    module="ch02.py",
    function="bucket_values",
    params=("groups", "v", "mu"),
    cases=_cases_2_5,
    generated=_generated_2_5,
    expected=bucket_values,
    mistakes=(
        ("the plain average of v over the bucket: (AGG) weights each state by mu(s)",
         functools.partial(_agg, plain=True)),
        ("divided by the total weight of all states: divide by the bucket's own "
         "sum of mu(s)", functools.partial(_agg, total=True)),
        ("the mu-weighted sum is not divided at all: divide it by the bucket's own sum of "
         "mu(s)", functools.partial(_agg, unnormalised=True)),
    ),
))

# ------------------------------------------------------------------ 2.8 the cell of a state


def grid_index(edges, s) -> np.ndarray:
    """The exact answer: `fa_book.discretize.Grid(edges).index(s)`."""
    from fa_book.discretize import Grid

    return Grid(edges).index(s)


def _cell(edges, s, *, left=False, column_major=False, outer=False, upper=False,
          uniform=False, boundary_strides=False):
    s = np.asarray(s, float)
    bins = [len(e) - 1 for e in edges]
    cells = []
    for j, e in enumerate(edges):
        e = np.asarray(e, float)
        if left:
            i = np.searchsorted(e[1:-1], s[:, j], side="left")
        elif outer:
            i = np.searchsorted(e, s[:, j], side="right") - 1
        elif upper:
            i = np.searchsorted(e[1:], s[:, j], side="right")
        elif uniform:
            i = np.clip(np.floor((s[:, j] - e[0]) / (e[-1] - e[0]) * bins[j]), 0,
                        bins[j] - 1).astype(int)
        else:
            i = np.searchsorted(e[1:-1], s[:, j], side="right")
        cells.append(i)
    sizes = [b + 1 for b in bins] if boundary_strides else bins
    order = range(len(edges))
    index = np.zeros(len(s), dtype=np.int64)
    if column_major:
        for j in reversed(order):
            index = index * sizes[j] + cells[j]
    else:
        for j in order:
            index = index * sizes[j] + cells[j]
    return index


def _cases_2_8() -> list[Case]:
    def c(edges, s, label):
        return Case({"edges": [np.array(e, float) for e in edges],
                     "s": np.array(s, float)}, label)

    cases = [
        c([[0, 1, 2, 3]], [[0.5], [2.5], [1.0], [2.0]],
          "1-D edges [0, 1, 2, 3], s = [0.5, 2.5, 1.0, 2.0] (the last two on inner "
          "boundaries)"),
        c([[0, 1, 2], [0, 10, 20, 30]], [[0.5, 5], [0.5, 25], [1.5, 15]],
          "2-D edges [0, 1, 2] x [0, 10, 20, 30], s = [[0.5, 5], [0.5, 25], [1.5, 15]]"),
        c([[0, 1, 4, 5]], [[0.5], [3.9], [4.5]],
          "1-D unequal edges [0, 1, 4, 5], s = [0.5, 3.9, 4.5]"),
        c([[0, 1, 2, 3]], [[-1.0], [7.0], [1.5]],
          "1-D edges [0, 1, 2, 3], s = [-1.0, 7.0, 1.5] (two points outside the box)"),
        c([[0, 1, 2, 3]], [[3.0], [0.0]],
          "1-D edges [0, 1, 2, 3], s = [3.0, 0.0] (the box's upper and lower edges)"),
    ]
    rng = np.random.default_rng(2_8)
    for k in range(3):
        n = int(rng.integers(1, 4))
        edges = [np.sort(rng.choice(np.arange(-20, 21) / 4, int(rng.integers(2, 7)),
                                    replace=False)) for _ in range(n)]
        pts = np.stack([rng.choice(np.r_[e, rng.uniform(e[0] - 1, e[-1] + 1, 6)], 12)
                        for e in edges], axis=1)
        cases.append(c(edges, pts, f"random case {k + 1} (seed 28): {n}-D, bins "
                                   f"{[len(e) - 1 for e in edges]}, 12 points, some on "
                                   "boundaries or outside the box"))
    cases.append(_mountain_car_case())
    return cases


def _mountain_car_case() -> Case:
    from fa_book.discretize import Grid, MountainCarBatch

    grid = Grid.for_space(MountainCarBatch.observation_space, 12)
    car = MountainCarBatch(8)
    car.reset(np.arange(8), [np.random.default_rng([2_8, i]) for i in range(8)])
    rng = np.random.default_rng(2_8)
    obs = [car.obs()]
    for _ in range(30):
        car.step(rng.integers(0, 3, 8))
        obs.append(car.obs())
    s = np.concatenate(obs).astype(np.float64)  # the float32 observations, widened
    return Case({"edges": [e.copy() for e in grid.edges], "s": s},
                f"Mountain Car on the page's 12 x 12 grid: {len(s)} observations of 8 cars "
                "pushed at random (seed 28)")


def _generated_2_8():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        n = draw(st.integers(1, 2))
        edges = [sorted(draw(st.sets(st.integers(-4, 4), min_size=2, max_size=4)))
                 for _ in range(n)]
        N = draw(st.integers(1, 4))
        s = [[draw(st.sampled_from([v / 2 for v in range(-10, 11)])) for _ in range(n)]
             for _ in range(N)]
        return Case({"edges": [np.array(e, float) for e in edges], "s": np.array(s)},
                    f"edges = {edges}, s = {s} (found by hypothesis)")
    return case()


EX_2_8 = register(Exercise(
    id="2.8",
    module="ch02.py",
    function="cell_index",
    params=("edges", "s"),
    cases=_cases_2_8,
    generated=_generated_2_8,
    expected=grid_index,
    mistakes=(
        ("a point on an inner boundary e_{j,i} goes to the cell below it: cell i is "
         "e_{j,i} <= s_j < e_{j,i+1}, count the inner boundaries <= s_j (side='right')",
         functools.partial(_cell, left=True)),
        ("column-major numbering: (INDEX) is row-major, the last dimension varies fastest",
         functools.partial(_cell, column_major=True)),
        ("the strides use the number of boundaries k_j + 1: they are products of the "
         "numbers of cells k_m", functools.partial(_cell, boundary_strides=True)),
        ("equal widths assumed: the edges need not be uniform, count the boundaries at or "
         "below s_j", functools.partial(_cell, uniform=True)),
        ("the box's upper edge goes to a cell k_j that does not exist: count only the "
         "inner boundaries, so it belongs to the last cell k_j - 1",
         functools.partial(_cell, upper=True)),
        ("the outer boundaries counted: a point below the box goes to cell 0 and one "
         "above it (or on its upper edge) to the last cell; count only the inner "
         "boundaries", functools.partial(_cell, outer=True)),
    ),
))

# ------------------------------------------------------------------ 2.9 Q-learning


def q_learning_run(Q, s, a, r, s_next, terminated, truncated, alpha, gamma) -> np.ndarray:
    """The exact answer: `fa_book.discretize.q_learning_update` on each transition."""
    from fa_book.discretize import q_learning_update

    Q = np.array(Q, dtype=float)[None]  # one run
    for t in range(len(s)):
        q_learning_update(Q, s[t:t + 1], a[t:t + 1], r[t:t + 1], s_next[t:t + 1],
                          terminated[t:t + 1], alpha, gamma)
    return Q[0]


def _ql(Q, s, a, r, s_next, terminated, truncated, alpha, gamma, *, terminal_bootstraps=False,
        truncation_ends=False, sarsa=False, current_max=False, no_gamma=False, sign=1.0,
        frozen=False):
    Q = np.array(Q, dtype=float)
    start = Q.copy()
    g = 1.0 if no_gamma else gamma
    T = len(s)
    for t in range(T):
        table = start if frozen else Q
        if sarsa and t + 1 < T and not (terminated[t] or truncated[t]):
            boot = table[s_next[t], a[t + 1]]
        elif current_max:
            boot = table[s[t]].max()
        else:
            boot = table[s_next[t]].max()
        if (terminated[t] and not terminal_bootstraps) or (truncation_ends and truncated[t]):
            boot = 0.0
        delta = r[t] + g * boot - table[s[t], a[t]]
        Q[s[t], a[t]] += sign * alpha * delta
    return Q


def _cases_2_9() -> list[Case]:
    def c(Q, steps, alpha, gamma, label):
        s, a, r, s2, term, trunc = (np.array(col) for col in zip(*steps, strict=True))
        return Case({"Q": np.array(Q, float), "s": s.astype(np.int64),
                     "a": a.astype(np.int64), "r": r.astype(float),
                     "s_next": s2.astype(np.int64), "terminated": term.astype(bool),
                     "truncated": trunc.astype(bool), "alpha": alpha, "gamma": gamma},
                    label)

    Q0 = [[1.0, 2.0], [3.0, 0.0], [-2.0, 0.5]]
    cases = [
        c(Q0, [(0, 0, 1.0, 1, False, False)], 0.5, 0.9,
          "1 transition (s, a, r, s') = (0, 0, 1.0, 1), Q = [[1, 2], [3, 0], [-2, 0.5]], "
          "alpha = 0.5, gamma = 0.9"),
        c(Q0, [(0, 1, 1.0, 1, False, False), (1, 0, 0.0, 0, False, False)], 0.5, 0.9,
          "2 transitions (0, 1, 1.0, 1), (1, 0, 0.0, 0), Q = [[1, 2], [3, 0], [-2, 0.5]], "
          "alpha = 0.5, gamma = 0.9"),
        c(Q0, [(0, 1, 1.0, 2, True, False)], 0.5, 0.9,
          "1 transition (0, 1, 1.0, 2) into a terminal state, Q = [[1, 2], [3, 0], "
          "[-2, 0.5]], alpha = 0.5, gamma = 0.9"),
        c(Q0, [(2, 0, -1.0, 1, False, True)], 0.5, 0.9,
          "1 transition (2, 0, -1.0, 1) cut off by the time limit (truncated, not "
          "terminated), Q = [[1, 2], [3, 0], [-2, 0.5]], alpha = 0.5, gamma = 0.9"),
    ]
    rng = np.random.default_rng(2_9)
    for k in range(3):
        S, A, T = int(rng.integers(2, 6)), int(rng.integers(2, 4)), int(rng.integers(4, 15))
        steps, s = [], int(rng.integers(S))
        for _ in range(T):
            a, s2 = int(rng.integers(A)), int(rng.integers(S))
            end = rng.random()
            steps.append((s, a, round(float(rng.normal()), 2), s2, end < 0.15,
                          0.15 <= end < 0.3))
            s = int(rng.integers(S)) if end < 0.3 else s2
        cases.append(c(rng.normal(size=(S, A)).round(2), steps, 0.3, 0.9,
                       f"random case {k + 1} (seed 29): {S} cells, {A} actions, "
                       f"{T} transitions, some terminated or truncated"))
    cases.append(_mountain_car_q_case())
    return cases


def _mountain_car_q_case() -> Case:
    from fa_book.discretize import Grid, MountainCarBatch

    grid = Grid.for_space(MountainCarBatch.observation_space, 6)
    car = MountainCarBatch(1)
    rng = np.random.default_rng(2_9)
    car_rng = [np.random.default_rng([2_9, 1])]
    s, a, r, s2, term, trunc = [], [], [], [], [], []
    for _ in range(2):  # two episodes of 100 steps, cut off by a time limit
        car.reset([0], car_rng)
        cell = int(grid.index(car.obs()[0]))
        for t in range(100):
            action = int(rng.integers(3))
            done = bool(car.step(np.array([action]))[0])
            nxt = int(grid.index(car.obs()[0]))
            s.append(cell), a.append(action), r.append(-1.0), s2.append(nxt)
            term.append(done), trunc.append(t == 99 and not done)
            cell = nxt
            if done:
                break
    Q = -np.random.default_rng([2_9, 2]).uniform(0, 5, (grid.d, 3)).round(2)
    return Case({"Q": Q, "s": np.array(s), "a": np.array(a), "r": np.array(r),
                 "s_next": np.array(s2), "terminated": np.array(term),
                 "truncated": np.array(trunc), "alpha": 0.1, "gamma": 1.0},
                f"Mountain Car on a 6 x 6 grid: {len(s)} transitions of random pushes in "
                "2 episodes cut off at 100 steps (seed 29), alpha = 0.1, gamma = 1")


def _generated_2_9():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        S, A, T = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 4))
        num = st.integers(-3, 3).map(float)
        Q = draw(st.lists(st.lists(num, min_size=A, max_size=A), min_size=S, max_size=S))
        steps = [(draw(st.integers(0, S - 1)), draw(st.integers(0, A - 1)), draw(num),
                  draw(st.integers(0, S - 1)), *draw(st.sampled_from(
                      [(False, False), (True, False), (False, True)])))
                 for _ in range(T)]
        alpha = draw(st.sampled_from([0.5, 1.0]))
        gamma = draw(st.sampled_from([0.5, 0.9, 1.0]))
        s, a, r, s2, term, trunc = (list(col) for col in zip(*steps, strict=True))
        return Case({"Q": np.array(Q), "s": np.array(s), "a": np.array(a),
                     "r": np.array(r), "s_next": np.array(s2),
                     "terminated": np.array(term), "truncated": np.array(trunc),
                     "alpha": alpha, "gamma": gamma},
                    f"Q = {Q}, transitions (s, a, r, s', terminated, truncated) = "
                    f"{steps}, alpha = {alpha}, gamma = {gamma} (found by hypothesis)")
    return case()


EX_2_9 = register(Exercise(
    id="2.9",
    module="ch02.py",
    function="q_learning_steps",
    params=("Q", "s", "a", "r", "s_next", "terminated", "truncated", "alpha", "gamma"),
    cases=_cases_2_9,
    generated=_generated_2_9,
    expected=q_learning_run,
    mistakes=(
        ("the max taken over the actions of the current cell s: Q-learning bootstraps "
         "from max_a' Q(s', a') of the next cell", functools.partial(_ql, current_max=True)),
        ("a missing gamma: the target is r + gamma max_a' Q(s', a')",
         functools.partial(_ql, no_gamma=True)),
        ("a wrong sign: Q(s, a) moves towards the target, Q += alpha (target - Q(s, a))",
         functools.partial(_ql, sign=-1.0)),
        ("bootstrapping from the terminal state: when terminated, the target is r alone",
         functools.partial(_ql, terminal_bootstraps=True)),
        ("a time-limit truncation treated as termination: truncated ends the episode but "
         "the target still bootstraps from max_a' Q(s', a')",
         functools.partial(_ql, truncation_ends=True)),
        ("every update computed from the initial table: each transition's target uses the "
         "table as the updates before it left it", functools.partial(_ql, frozen=True)),
        ("SARSA's target: Q-learning bootstraps from max_a' Q(s', a'), not from the "
         "action taken next", functools.partial(_ql, sarsa=True)),
    ),
))
