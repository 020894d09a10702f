r"""Chapter 1's programming exercises (why lookup tables stop working).

1.3 *Tic-tac-toe.* The number of boards that can occur in play on a rows × cols board
where $k$ in a row wins (5478 for the 3 × 3 game), against the bound $3^{\text{cells}}$:
the exact answer is a search over the game that stops at a win.

1.4 *Data for a grid.* Visits per cell for a standard error $\epsilon$ when returns have
standard deviation $\sigma$, $N = \sigma^2/\epsilon^2$, and the least number of steps,
$k^n N$ (eq. grid).

1.5 *TD(0) with features.* One episode of linear TD(0), (TD-error) and (TD0-linear),
step by step; the exact answer applies `fa_book.tabular.linear_td0_update` in order.
"""

from __future__ import annotations

import functools

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register
from fa_book.exercises._strategies import rounded

# ------------------------------------------------------------------ 1.3 tic-tac-toe


def _lines(rows: int, cols: int, k: int, diagonals: bool = True,
           anti: bool = True) -> list[tuple[int, ...]]:
    """Every line of k consecutive cells: rows, columns and (optionally) the diagonals,
    down-right and (optionally) down-left."""
    steps = [(0, 1), (1, 0)] + ([(1, 1)] if diagonals else []) + (
        [(1, -1)] if diagonals and anti else [])
    out = []
    for r in range(rows):
        for c in range(cols):
            for dr, dc in steps:
                cells = [(r + i * dr, c + i * dc) for i in range(k)]
                if all(0 <= a < rows and 0 <= b < cols for a, b in cells):
                    out.append(tuple(a * cols + b for a, b in cells))
    return out


@functools.cache
def _game(rows: int, cols: int, k: int, stop: bool = True,
          diagonals: bool = True, anti: bool = True) -> tuple[int, int]:
    """(distinct boards, game-tree nodes) of the m,n,k-game: X first, players alternate,
    play stops at a board with k in a row (if `stop`) or at a full board."""
    n = rows * cols
    lines = _lines(rows, cols, k, diagonals, anti)
    layer = {(0,) * n: 1}  # board -> number of move sequences that reach it
    boards = nodes = 0
    for t in range(n + 1):
        boards += len(layer)
        nodes += sum(layer.values())
        nxt: dict[tuple[int, ...], int] = {}
        for board, paths in layer.items():
            if stop and any(board[line[0]] and all(board[i] == board[line[0]] for i in line)
                            for line in lines):
                continue  # someone has k in a row: the game is over
            for cell in range(n):
                if board[cell] == 0:
                    child = board[:cell] + (1 + t % 2,) + board[cell + 1:]
                    nxt[child] = nxt.get(child, 0) + paths
        layer = nxt
    return boards, nodes


def reachable_positions(rows, cols, k) -> float:
    """The exact answer: distinct boards that occur in play, the empty one included."""
    return float(_game(rows, cols, k)[0])


def _cases_1_3() -> list[Case]:
    shapes = [(1, 1, 1), (1, 2, 2), (2, 2, 2), (1, 3, 2), (2, 3, 3), (2, 3, 2), (3, 3, 2)]
    cases = [Case({"rows": r, "cols": c, "k": k},
                  f"a {r} x {c} board, {k} in a row wins") for r, c, k in shapes]
    cases.append(Case({"rows": 3, "cols": 3, "k": 3},
                      "tic-tac-toe: a 3 x 3 board, 3 in a row wins"))
    return cases


def _generated_1_3():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        rows = draw(st.integers(1, 3))
        cols = draw(st.integers(1, 9 // rows))
        k = draw(st.integers(1, 3))
        return Case({"rows": rows, "cols": cols, "k": k},
                    f"a {rows} x {cols} board, {k} in a row wins (found by hypothesis)")
    return case()


EX_1_3 = register(Exercise(
    id="1.3",
    module="ch01.py",
    function="count_positions",
    params=("rows", "cols", "k"),
    cases=_cases_1_3,
    generated=_generated_1_3,
    max_examples=40,
    expected=reachable_positions,
    mistakes=(
        ("play continues after a win: a board with k in a row ends the game, no move is "
         "made from it", lambda rows, cols, k: _game(rows, cols, k, stop=False)[0]),
        ("move sequences counted, not positions: a board reached by different move orders "
         "is one state", lambda rows, cols, k: _game(rows, cols, k)[1]),
        ("diagonal lines are not checked: k in a row counts along both diagonals too",
         lambda rows, cols, k: _game(rows, cols, k, diagonals=False)[0]),
        ("one diagonal direction is not checked: the lines going down-left (step (1, -1)) "
         "count as well as those going down-right",
         lambda rows, cols, k: _game(rows, cols, k, anti=False)[0]),
        ("every colouring counted, the bound 3^(rows*cols): most colourings cannot occur "
         "in play", lambda rows, cols, k: 3.0 ** (rows * cols)),
        ("the empty board is not counted: the start position is a state too",
         lambda rows, cols, k: _game(rows, cols, k)[0] - 1),
    ),
))

# ------------------------------------------------------------------ 1.4 data for a grid


def data_needed(k, n, sigma, se) -> np.ndarray:
    r"""The exact answer: $N = \sigma^2/\epsilon^2$ visits per cell and $k^n N$ steps."""
    from fa_book.tabular import grid_table_size

    N = sigma**2 / se**2  # the standard error of a mean of N returns is sigma / sqrt(N)
    return np.array([N, grid_table_size(k, n) * N])


def _cases_1_4() -> list[Case]:
    rows = [(2, 3, 3.0, 0.5), (3, 2, 2.0, 1.0), (10, 2, 1.0, 0.25), (5, 3, 3.0, 0.5)]
    rng = np.random.default_rng(1_4)
    for _ in range(3):
        rows.append((int(rng.integers(2, 30)), int(rng.integers(2, 7)),
                     round(float(rng.uniform(0.5, 20)), 2), round(float(rng.uniform(0.05, 1)), 2)))
    cases = [Case({"k": k, "n": n, "sigma": s, "se": e},
                  f"k = {k} bins, n = {n} dimensions, sigma = {s}, se = {e}")
             for k, n, s, e in rows]
    cases.append(Case({"k": 100, "n": 4, "sigma": 10.0, "se": 0.1},
                      "the page's CartPole grid: k = 100 bins, n = 4 dimensions, "
                      "sigma = 10, se = 0.1"))
    return cases


def _generated_1_4():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        k, n = draw(st.integers(1, 20)), draw(st.integers(1, 6))
        sigma = draw(rounded(0.1, 20, 2))
        se = draw(rounded(0.01, 2, 2))
        return Case({"k": k, "n": n, "sigma": sigma, "se": se},
                    f"k = {k} bins, n = {n} dimensions, sigma = {sigma}, se = {se} "
                    "(found by hypothesis)")
    return case()


EX_1_4 = register(Exercise(
    id="1.4",
    module="ch01.py",
    function="data_for_a_grid",
    params=("k", "n", "sigma", "se"),
    cases=_cases_1_4,
    generated=_generated_1_4,
    expected=data_needed,
    mistakes=(
        ("N = sigma / se: the standard error of a mean of N returns is sigma / sqrt(N), so "
         "N = (sigma / se)^2",
         lambda k, n, sigma, se: np.array([sigma / se, k**n * sigma / se])),
        ("the grid has k*n cells: it has k^n (eq. grid), one per combination of bins",
         lambda k, n, sigma, se: np.array([sigma**2 / se**2, k * n * sigma**2 / se**2])),
        ("the grid has n^k cells: it has k^n (eq. grid), k bins in each of n dimensions",
         lambda k, n, sigma, se: np.array([sigma**2 / se**2, n**k * sigma**2 / se**2])),
        ("N = sigma^2 / se: both the standard deviation and the standard error are squared",
         lambda k, n, sigma, se: np.array([sigma**2 / se, k**n * sigma**2 / se])),
        ("the steps are the visits of one cell: every one of the k^n cells needs its own N",
         lambda k, n, sigma, se: np.array([sigma**2 / se**2, sigma**2 / se**2])),
        ("N rounded up to a whole number of visits: return the real N = (sigma / se)^2, "
         "and k^n N steps from it",
         lambda k, n, sigma, se: np.array([np.ceil(sigma**2 / se**2),
                                           k**n * np.ceil(sigma**2 / se**2)])),
    ),
))

# ------------------------------------------------------------------ 1.5 TD(0) with features


def td0_episode(theta, x, r, terminated, alpha, gamma) -> np.ndarray:
    """The exact answer: `fa_book.tabular.linear_td0_update` on each step, in order."""
    from fa_book.tabular import linear_td0_update

    theta = np.array(theta, dtype=float)
    T = len(r)
    for t in range(T):
        end = terminated and t == T - 1
        linear_td0_update(theta, x[t], r[t], x[t + 1], end, alpha, gamma)
    return theta


def _td_variant(theta, x, r, terminated, alpha, gamma, *, end_bootstraps=False,
                truncation_ends=False, residual=False, no_gamma=False, sign=1.0,
                frozen=False, next_features=False):
    theta = np.array(theta, dtype=float)
    start = theta.copy()
    g = 1.0 if no_gamma else gamma
    T = len(r)
    for t in range(T):
        last = t == T - 1
        zero_next = last and ((terminated and not end_bootstraps) or truncation_ends)
        w = start if frozen else theta
        v_next = 0.0 if zero_next else w @ x[t + 1]
        delta = r[t] + g * v_next - w @ x[t]
        grad = x[t + 1] if next_features else x[t]
        if residual and not zero_next:
            grad = x[t] - g * x[t + 1]
        theta = theta + sign * alpha * delta * grad
    return theta


def _cases_1_5() -> list[Case]:
    def c(theta, x, r, terminated, alpha, gamma, label):
        return Case({"theta": np.array(theta, float), "x": np.array(x, float),
                     "r": np.array(r, float), "terminated": terminated, "alpha": alpha,
                     "gamma": gamma}, label)

    cases = [
        c([0, 0], [[1, 0], [0, 1], [1, 1]], [0, 1], True, 0.5, 0.9,
          "2 steps, x = [[1, 0], [0, 1], [1, 1]], r = [0, 1], terminated, alpha = 0.5, "
          "gamma = 0.9, theta = [0, 0]"),
        c([1, 2], [[1, 0], [0, 1], [1, 1]], [0, 1], True, 0.5, 0.9,
          "2 steps, x = [[1, 0], [0, 1], [1, 1]], r = [0, 1], terminated, alpha = 0.5, "
          "gamma = 0.9, theta = [1, 2]"),
        c([1, 2], [[1, 0], [0, 1], [1, 1]], [0, 1], False, 0.5, 0.9,
          "2 steps, x = [[1, 0], [0, 1], [1, 1]], r = [0, 1], cut off by a time limit "
          "(not terminated), alpha = 0.5, gamma = 0.9, theta = [1, 2]"),
        c([0.5, -1, 2], [[1, 1, 0], [0, 1, 1], [1, 1, 0], [0, 0, 1]], [1, -1, 0.5], True,
          0.25, 0.8, "3 steps, x = [[1, 1, 0], [0, 1, 1], [1, 1, 0], [0, 0, 1]], "
          "r = [1, -1, 0.5], terminated, alpha = 0.25, gamma = 0.8, theta = [0.5, -1, 2]"),
    ]
    rng = np.random.default_rng(1_5)
    for k in range(3):
        T, d = int(rng.integers(3, 12)), int(rng.integers(2, 6))
        x = (rng.random((T + 1, d)) < 0.5).astype(float)
        cases.append(c(rng.normal(size=d).round(2), x, rng.normal(size=T).round(2),
                       bool(k % 2 == 0), 0.1, 0.9,
                       f"random case {k + 1} (seed 15): {T} steps, d = {d} binary "
                       f"features, {'terminated' if k % 2 == 0 else 'not terminated'}"))
    cases.append(_maze_case())
    return cases


def _maze_case() -> Case:
    """Episode 5 of the chapter's maze runs: block features, theta after episodes 1-4."""
    from fa_book.envs import GridMaze
    from fa_book.tabular import block_features, epsilon_greedy_optimal_policy

    maze = GridMaze()
    pi = epsilon_greedy_optimal_policy(maze, 0.95, 0.2)
    X = block_features(maze, 3)
    rng = np.random.default_rng(5)
    theta = np.zeros(X.shape[1])
    for episode in range(5):
        s, states = maze.start, [maze.start]
        while s != maze.goal:
            s = maze.next_state(s, int(rng.choice(4, p=pi[s])))
            states.append(s)
        r = (np.array(states[1:]) == maze.goal).astype(float)
        if episode < 4:
            theta = td0_episode(theta, X[states], r, True, 0.25, 0.95)
    return Case({"theta": theta, "x": X[states], "r": r, "terminated": True,
                 "alpha": 0.25, "gamma": 0.95},
                f"the Dyna maze with one-hot + 3 x 3 block features: episode 5 "
                f"({len(r)} steps, seed 5), theta after episodes 1-4, alpha = 0.25, "
                "gamma = 0.95")


def _generated_1_5():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        T, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        x = draw(st.lists(st.lists(st.sampled_from([0.0, 1.0]), min_size=d, max_size=d),
                          min_size=T + 1, max_size=T + 1))
        small = rounded(-2, 2, 1)
        r = draw(st.lists(small, min_size=T, max_size=T))
        theta = draw(st.lists(small, min_size=d, max_size=d))
        terminated = draw(st.booleans())
        alpha = draw(st.sampled_from([0.1, 0.5, 1.0]))
        gamma = draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]))
        return Case({"theta": np.array(theta), "x": np.array(x), "r": np.array(r),
                     "terminated": terminated, "alpha": alpha, "gamma": gamma},
                    f"{T} step(s), x = {x}, r = {r}, "
                    f"{'terminated' if terminated else 'not terminated'}, alpha = {alpha}, "
                    f"gamma = {gamma}, theta = {theta} (found by hypothesis)")
    return case()


EX_1_5 = register(Exercise(
    id="1.5",
    module="ch01.py",
    function="td0_features_episode",
    params=("theta", "x", "r", "terminated", "alpha", "gamma"),
    cases=_cases_1_5,
    generated=_generated_1_5,
    expected=td0_episode,
    mistakes=(
        ("bootstrapping from the terminal state: when the episode terminated, the last "
         "target is R_T alone (v(S_T) = 0 whatever x(S_T) is)",
         functools.partial(_td_variant, end_bootstraps=True)),
        ("a time-limit cut-off treated as termination: when terminated is False the last "
         "step still bootstraps from theta . x(S_T)",
         functools.partial(_td_variant, truncation_ends=True)),
        ("the gradient through the TD target (residual gradient): the semi-gradient step "
         "is alpha delta x(S_t), not alpha delta (x(S_t) - gamma x(S_t+1))",
         functools.partial(_td_variant, residual=True)),
        ("a missing gamma: the target is R_t+1 + gamma theta . x(S_t+1)",
         functools.partial(_td_variant, no_gamma=True)),
        ("a wrong sign: theta moves by + alpha delta x(S_t), with delta = target - "
         "theta . x(S_t)", functools.partial(_td_variant, sign=-1.0)),
        ("every TD error computed with the initial theta (a batch update): TD(0) updates "
         "theta after each step, and the next delta uses the new theta",
         functools.partial(_td_variant, frozen=True)),
        ("the step along x(S_t+1): the update moves the value of the state S_t that was "
         "left, along x(S_t)", functools.partial(_td_variant, next_features=True)),
    ),
))
