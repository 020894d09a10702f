r"""Chapter 5's programming exercises (action values and control).

5.1 *ε-greedy probabilities* (EPSG), ties shared; 5.3 *one expected-SARSA step* (ESARSA)
with an ε-greedy target policy; 5.5 *one SARSA step with tile features* and the weight
step $\alpha/n$ (UPDATE). The exact answers are the package's own
`fa_book.control.epsilon_greedy_probs`, `expected_sarsa_step` and `sarsa_step`.
"""

from __future__ import annotations

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register
from fa_book.exercises._strategies import bits, small_ints


def _r(a) -> list | float:
    """An array (or a number) rounded, for a label."""
    return np.round(np.asarray(a, dtype=float), 3).tolist()


# ============================================================================================
# 5.1 epsilon-greedy probabilities (EPSG)
# ============================================================================================


def _eps_case(q, epsilon, what=""):
    return Case({"q": np.asarray(q, dtype=float), "epsilon": epsilon},
                f"{what}q = {_r(q)}, epsilon = {epsilon}")


def _eps_cases() -> list[Case]:
    cases = [
        _eps_case([1.0, 3.0, 0.0], 0.1, "one greedy action: "),
        _eps_case([1.0, 3.0, 3.0, 0.0], 0.1, "two tied greedy actions (the page's example): "),
        _eps_case([2.0, 2.0, 2.0], 0.3, "all actions tied: "),
        _eps_case([0.0, -1.0], 0.0, "epsilon = 0 (greedy): "),
        _eps_case([0.0, -1.0, 5.0], 1.0, "epsilon = 1 (uniform): "),
        _eps_case([4.0], 0.5, "a single action: "),
    ]
    rng = np.random.default_rng(5_1)
    for k in range(3):
        A = int(rng.integers(2, 7))
        cases.append(_eps_case(rng.integers(-2, 3, A).astype(float),  # integers: ties
                               float(rng.choice([0.05, 0.1, 0.2, 0.5])),
                               f"random case {k + 1} (seed 51): "))
    # the book's setting: Mountain Car's three actions, zero (optimistic) initial weights
    cases.append(_eps_case([0.0, 0.0, 0.0], 0.1,
                           "Mountain Car before learning (q_hat = 0 for all 3 actions): "))
    return cases


def _eps_generated():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        q = draw(st.lists(small_ints(), min_size=1, max_size=5))
        epsilon = draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]))
        return _eps_case(q, epsilon, "(found by hypothesis) ")
    return case()


def _eps_expected(q, epsilon):
    from fa_book.control import epsilon_greedy_probs

    return epsilon_greedy_probs(q, epsilon)


def _eps_first_max(q, epsilon):
    p = np.full(q.size, epsilon / q.size)
    p[np.argmax(q)] += 1 - epsilon
    return p


def _eps_random_excludes_greedy(q, epsilon):
    greedy = q == q.max()
    k, others = greedy.sum(), (~greedy).sum()
    if others == 0:
        return np.full(q.size, 1.0 / q.size)
    return np.where(greedy, (1 - epsilon) / k, epsilon / others)


def _eps_no_share(q, epsilon):
    greedy = q == q.max()
    return np.where(greedy, (1 - epsilon) / greedy.sum(), epsilon / q.size)


def _eps_swapped(q, epsilon):
    return _eps_expected(q, 1 - epsilon)


EX_5_1 = register(Exercise(
    id="5.1",
    module="ch05.py",
    function="epsilon_greedy",
    params=("q", "epsilon"),
    cases=_eps_cases,
    generated=_eps_generated,
    expected=_eps_expected,
    mistakes=(
        ("ties not shared: the greedy mass 1 - epsilon goes to the first maximum only "
         "(np.argmax); each of k tied actions gets (1 - epsilon)/k", _eps_first_max),
        ("the random branch leaves out the greedy action: the random action is uniform over "
         "all |A| actions, greedy ones included, epsilon/|A| each", _eps_random_excludes_greedy),
        ("the greedy action gets only 1 - epsilon: it also gets its share epsilon/|A| of the "
         "random branch (the probabilities must sum to one)", _eps_no_share),
        ("epsilon and 1 - epsilon swapped: epsilon is the probability of the random action",
         _eps_swapped),
    ),
))


# ============================================================================================
# 5.3 one expected-SARSA step with an epsilon-greedy target policy (ESARSA), (UPDATE)
# ============================================================================================


def esarsa_variants(theta, x_sa, r, X_next, terminated, epsilon, alpha, gamma, *,
                    target="epsilon", boot_terminal=False, residual=False) -> np.ndarray:
    """One expected-SARSA step and its typical mistakes (keywords)."""
    from fa_book.control import epsilon_greedy_probs

    q_next = X_next @ theta
    pi = {"epsilon": epsilon_greedy_probs(q_next, epsilon),
          "greedy": epsilon_greedy_probs(q_next, 0.0),
          "uniform": np.full(q_next.size, 1 / q_next.size)}[target]
    end = terminated and not boot_terminal
    delta = r + (0.0 if end else gamma * pi @ q_next) - x_sa @ theta  # (ESARSA)
    grad = x_sa - (0.0 if end else gamma * pi @ X_next) if residual else x_sa
    return theta + alpha * delta * grad  # (UPDATE)


def _esarsa_expected(theta, x_sa, r, X_next, terminated, epsilon, alpha, gamma):
    from fa_book.control import epsilon_greedy_probs, expected_sarsa_step, q_hat

    pi_next = epsilon_greedy_probs(q_hat(theta, X_next), epsilon)
    return expected_sarsa_step(theta, x_sa, r, X_next, pi_next, terminated, alpha,
                               gamma)[0]


def _esarsa_case(theta, x_sa, r, X_next, terminated, epsilon, alpha, gamma, what=""):
    end = ", S' terminal" if terminated else ""
    return Case({"theta": np.asarray(theta, dtype=float), "x_sa": np.asarray(x_sa, float),
                 "r": float(r), "X_next": np.asarray(X_next, dtype=float),
                 "terminated": bool(terminated), "epsilon": epsilon, "alpha": alpha,
                 "gamma": gamma},
                f"{what}theta = {_r(theta)}, x(S, A) = {_r(x_sa)}, R = {r}, "
                f"x(S', .) = {_r(X_next)}{end}, epsilon = {epsilon}, alpha = {alpha}, "
                f"gamma = {gamma}")


def _esarsa_cases() -> list[Case]:
    from fa_book.control import stacked_features

    # the page's step by hand: two actions, stacked features, q(s', 0) = 1, q(s', 1) = 4
    x = stacked_features(np.array([1.0, 0.0]), 2)
    x_next = stacked_features(np.array([0.0, 1.0]), 2)
    theta = np.array([0.0, 1.0, 2.0, 4.0])
    cases = [
        _esarsa_case(theta, x[1], -1.0, x_next, False, 0.2, 0.5, 0.9,
                     "the page's step by hand: "),
        _esarsa_case(theta, x[1], -1.0, x_next, True, 0.2, 0.5, 0.9,
                     "the same step into a terminal state: "),
        _esarsa_case([1.0, 0.0, -1.0], [1.0, 1.0, 0.0], 0.5,
                     [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], False, 0.3, 0.25,
                     0.8, "three actions, shared features: "),
    ]
    rng = np.random.default_rng(5_3)
    for k in range(3):
        A, d = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        cases.append(_esarsa_case(rng.integers(-2, 3, d).astype(float),
                                  rng.integers(0, 2, d).astype(float),
                                  float(rng.integers(-2, 3)),
                                  rng.integers(0, 2, (A, d)).astype(float), False,
                                  0.1, 0.5, 0.9, f"random case {k + 1} (seed 53): "))
    return cases


def _esarsa_generated():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        A, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        small, bit = small_ints(), bits()
        theta = draw(st.lists(small, min_size=d, max_size=d))
        x_sa = draw(st.lists(bit, min_size=d, max_size=d))
        X_next = [draw(st.lists(bit, min_size=d, max_size=d)) for _ in range(A)]
        return _esarsa_case(theta, x_sa, draw(small), X_next, draw(st.booleans()),
                            draw(st.sampled_from([0.0, 0.1, 0.5, 1.0])), 0.5,
                            draw(st.sampled_from([0.5, 0.9, 1.0])), "(found by hypothesis) ")
    return case()


EX_5_3 = register(Exercise(
    id="5.3",
    module="ch05.py",
    function="expected_sarsa_epsilon",
    params=("theta", "x_sa", "r", "X_next", "terminated", "epsilon", "alpha", "gamma"),
    cases=_esarsa_cases,
    generated=_esarsa_generated,
    expected=_esarsa_expected,
    mistakes=(
        ("the max over the next actions (Q-learning's target): expected SARSA averages "
         "q_hat(S', .) over the epsilon-greedy pi(. | S')",
         lambda **k: esarsa_variants(**k, target="greedy")),
        ("the plain mean over the next actions: the average is weighted by the "
         "epsilon-greedy pi(. | S')", lambda **k: esarsa_variants(**k, target="uniform")),
        ("bootstrapping from a terminal state: q_hat(S', .) = 0 when S' is terminal",
         lambda **k: esarsa_variants(**k, boot_terminal=True)),
        ("the gradient flows through the TD target (residual gradient instead of "
         "semi-gradient): the step is alpha delta x(S, A)",
         lambda **k: esarsa_variants(**k, residual=True)),
    ),
))


# ============================================================================================
# 5.5 one SARSA step with binary tile features, weight step alpha / n (UPDATE), (TILE)
# ============================================================================================


def tile_variants(w, active, r, active_next, terminated, alpha, gamma, *, divide=True,
                  boot_terminal=False, average=False, sign=1.0,
                  residual=False) -> np.ndarray:
    """One tile-coded SARSA step and its typical mistakes (keywords)."""
    n = len(active)
    value = np.mean if average else np.sum
    end = terminated and not boot_terminal
    delta = r + (0.0 if end else gamma * value(w[active_next])) - value(w[active])
    step = (alpha / n if divide else alpha) * delta
    w = np.array(w, dtype=float)
    np.add.at(w, active, sign * step)
    if residual and not end:
        np.add.at(w, active_next, -gamma * step)
    return w


def _tile_expected(w, active, r, active_next, terminated, alpha, gamma):
    from fa_book.control import sarsa_step

    x, x_next = np.zeros(w.size), np.zeros(w.size)
    x[active], x_next[active_next] = 1.0, 1.0
    return sarsa_step(w, x, r, x_next, terminated, alpha / len(active), gamma)[0]


def _tile_case(w, active, r, active_next, terminated, alpha, gamma, what="", shown=None):
    end = ", S' terminal" if terminated else ""
    return Case({"w": np.asarray(w, dtype=float), "active": np.asarray(active),
                 "r": float(r), "active_next": np.asarray(active_next),
                 "terminated": bool(terminated), "alpha": alpha, "gamma": gamma},
                f"{what}w = {shown or _r(w)}, active tiles of (S, A) = {list(map(int, active))}, "
                f"R = {r}, active tiles of (S', A') = {list(map(int, active_next))}{end}, "
                f"alpha = {alpha}, gamma = {gamma}")


def _tile_cases() -> list[Case]:
    from fa_book.tiles import TileCoder

    w6 = np.array([0.0, 1.0, -1.0, 2.0, 0.5, 0.0])
    cases = [
        _tile_case(w6, [0, 3], 1.0, [1, 4], False, 0.5, 0.9, "2 tilings: "),
        _tile_case(w6, [0, 3], 1.0, [1, 4], True, 0.5, 0.9, "2 tilings, S' terminal: "),
        _tile_case(w6, [0, 3], -1.0, [3, 5], False, 1.0, 1.0,
                   "2 tilings, alpha = 1, a tile shared by (S, A) and (S', A'): "),
    ]
    rng = np.random.default_rng(5_5)
    for k in range(3):
        n, m = int(rng.integers(2, 5)), int(rng.integers(2, 4))  # n tilings of m tiles
        w = rng.integers(-3, 1, n * m).astype(float)
        active = np.arange(n) * m + rng.integers(0, m, n)  # one tile per tiling
        active_next = np.arange(n) * m + rng.integers(0, m, n)
        cases.append(_tile_case(w, active, -1.0, active_next, bool(k == 2), 0.5, 1.0,
                                f"random case {k + 1} (seed 55): "))
    # the book's setting: Mountain Car, 8 tilings of 8 x 8 tiles, action "right" (block 2)
    coder = TileCoder(low=[-1.2, -0.07], high=[0.5, 0.07], n_tiles=8, n_tilings=8)
    f = coder.n_features
    idx = coder.indices(np.array([[-0.5, 0.0], [-0.49, 0.001]]))
    w = -(np.arange(3 * f) % 7) / 7.0  # some weights, all <= 0
    cases.append(_tile_case(w, 2 * f + idx[0], -1.0, 2 * f + idx[1], False, 0.5, 1.0,
                            "Mountain Car, 8 tilings, push right from (-0.5, 0) to "
                            "(-0.49, 0.001): ", f"-(i % 7) / 7 for i = 0 .. {3 * f - 1}"))
    return cases


def _tile_generated():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        n, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        w = draw(st.lists(small_ints(), min_size=n * m, max_size=n * m))
        tiles = st.lists(st.integers(0, m - 1), min_size=n, max_size=n)
        active = [i * m + j for i, j in enumerate(draw(tiles))]
        active_next = [i * m + j for i, j in enumerate(draw(tiles))]
        return _tile_case(w, active, draw(st.integers(-1, 1).map(float)), active_next,
                          draw(st.booleans()), draw(st.sampled_from([0.5, 1.0])),
                          draw(st.sampled_from([0.9, 1.0])), "(found by hypothesis) ")
    return case()


EX_5_5 = register(Exercise(
    id="5.5",
    module="ch05.py",
    function="tile_sarsa_step",
    params=("w", "active", "r", "active_next", "terminated", "alpha", "gamma"),
    cases=_tile_cases,
    generated=_tile_generated,
    expected=_tile_expected,
    mistakes=(
        ("the step size not divided by the number of tilings: each active weight moves by "
         "(alpha / n) delta", lambda **k: tile_variants(**k, divide=False)),
        ("bootstrapping from a terminal state: q_hat(S', A') = 0 when S' is terminal",
         lambda **k: tile_variants(**k, boot_terminal=True)),
        ("q_hat averaged over the active tiles: it is their sum, theta^T x(s, a)",
         lambda **k: tile_variants(**k, average=True)),
        ("a wrong sign: the step moves q_hat(S, A) towards the target, +(alpha / n) delta",
         lambda **k: tile_variants(**k, sign=-1.0)),
        ("the gradient flows through the TD target (residual gradient instead of "
         "semi-gradient): only the tiles of (S, A) move",
         lambda **k: tile_variants(**k, residual=True)),
    ),
))
