r"""Chapter 4's programming exercises (linear prediction with MC and TD targets).

4.2 *Step sizes.* Gradient Monte Carlo with state aggregation and $\alpha_k = 1/k$ for the
$k$-th update of each group: the weight of group $g$ is then exactly the every-visit
Monte Carlo average of the returns seen in $g$ (the exact answer the checker uses).
"""

from __future__ import annotations

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register
from fa_book.exercises._strategies import bits, rounded, small_ints


def _cases() -> list[Case]:
    from fa_book.features import StateAggregation
    from fa_book.prediction_engine import sample_episodes

    cases = [
        Case({"visits": [np.array([0, 0, 1])], "G": np.array([1.0]), "n_groups": 2},
             "1 episode, groups visited [0, 0, 1], G = [1.0], n_groups = 2"),
        Case({"visits": [np.array([0, 0, 1]), np.array([1, 1])], "G": np.array([1.0, -1.0]),
              "n_groups": 3},
             "2 episodes, groups visited [0, 0, 1] then [1, 1], G = [1.0, -1.0], "
             "n_groups = 3 (group 2 never visited)"),
        Case({"visits": [np.array([2]), np.array([0, 2, 2, 1]), np.array([2, 0])],
              "G": np.array([-1.0, 1.0, 0.5]), "n_groups": 3},
             "3 episodes, groups visited [2], [0, 2, 2, 1], [2, 0], G = [-1.0, 1.0, 0.5], "
             "n_groups = 3"),
    ]
    rng = np.random.default_rng(4_2)
    for k in range(3):
        E, n = int(rng.integers(5, 20)), int(rng.integers(2, 8))
        visits = [rng.integers(0, n, int(rng.integers(1, 12))) for _ in range(E)]
        cases.append(Case({"visits": visits, "G": rng.uniform(-2, 2, E), "n_groups": n},
                          f"random case {k + 1} (seed 42): {E} episodes, {n} groups"))
    # the book's setting: 20 episodes of the 1000-state random walk, 10 groups
    ep = sample_episodes(np.random.default_rng(7), 20)
    agg = StateAggregation.uniform(1000, 10)
    groups = np.argmax(agg(np.arange(1000)), axis=1)
    visits = [groups[ep.episode(e)] for e in range(ep.lengths.size)]
    cases.append(Case({"visits": visits, "G": ep.final_reward.astype(float), "n_groups": 10},
                      "20 episodes of the 1000-state random walk (seed 7), 10 groups"))
    return cases


def _generated():
    """Small random inputs for hypothesis to search and shrink."""
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        n = draw(st.integers(1, 4))
        visits = draw(st.lists(st.lists(st.integers(0, n - 1), min_size=1, max_size=5),
                               min_size=1, max_size=4))
        G = draw(st.lists(rounded(-2, 2, 2),
                          min_size=len(visits), max_size=len(visits)))
        shown = ", ".join(str(v) for v in visits)
        return Case({"visits": [np.array(v) for v in visits], "G": np.array(G),
                     "n_groups": n},
                    f"{len(visits)} episode(s), groups visited {shown}, G = {G}, "
                    f"n_groups = {n} (found by hypothesis)")
    return case()


def every_visit_average(visits, G, n_groups) -> np.ndarray:
    r"""The exact answer: $\theta_g$ = the mean of $G$ over every visit to group $g$
    (0 for a group never visited)."""
    total, count = np.zeros(n_groups), np.zeros(n_groups)
    for groups, g_return in zip(visits, G, strict=True):
        np.add.at(total, groups, g_return)
        np.add.at(count, groups, 1)
    return np.divide(total, count, out=np.zeros(n_groups), where=count > 0)


def _one_global_counter(visits, G, n_groups):
    theta, k = np.zeros(n_groups), 0
    for groups, g_return in zip(visits, G, strict=True):
        for g in groups:
            k += 1
            theta[g] += (g_return - theta[g]) / k
    return theta


def _first_visit(visits, G, n_groups):
    return every_visit_average([np.unique(v) for v in visits], G, n_groups)


def _counts_the_prior(visits, G, n_groups):
    theta, k = np.zeros(n_groups), np.zeros(n_groups)
    for groups, g_return in zip(visits, G, strict=True):
        for g in groups:
            k[g] += 1
            theta[g] += (g_return - theta[g]) / (k[g] + 1)
    return theta


def _counts_episodes(visits, G, n_groups):
    theta = np.zeros(n_groups)
    for e, (groups, g_return) in enumerate(zip(visits, G, strict=True), 1):
        for g in groups:
            theta[g] += (g_return - theta[g]) / e
    return theta


def _wrong_sign(visits, G, n_groups):
    theta, k = np.zeros(n_groups), np.zeros(n_groups)
    for groups, g_return in zip(visits, G, strict=True):
        for g in groups:
            k[g] += 1
            theta[g] -= (g_return - theta[g]) / k[g]
    return theta


EX_4_2 = register(Exercise(
    id="4.2",
    module="ch04.py",
    function="gradient_mc_one_over_k",
    params=("visits", "G", "n_groups"),
    cases=_cases,
    generated=_generated,
    expected=every_visit_average,
    mistakes=(
        ("one step-size counter shared by all groups: alpha_k must count the updates of "
         "*this* group", _one_global_counter),
        ("each group is updated once per episode (first-visit MC); the update runs at "
         "every visit", _first_visit),
        ("alpha = 1/(k+1): the initial theta = 0 is averaged in as if it were a return",
         _counts_the_prior),
        ("k counts episodes, not the updates of the group", _counts_episodes),
        ("a wrong sign: the step must move theta_g towards G, theta_g += alpha (G - theta_g)",
         _wrong_sign),
    ),
))


# ============================================================================================
# 4.6 n-step returns (NSTEP)
# ============================================================================================


def _r(a) -> list:
    """An array as a short list for a label."""
    return np.round(np.asarray(a, dtype=float), 3).tolist()


def _nstep_label(rewards, v, terminated, n, gamma, what=""):
    end = "terminated" if terminated else "truncated"
    return (f"{what}rewards R_1..R_T = {_r(rewards)}, v_hat(S_0..S_T) = {_r(v)}, {end}, "
            f"n = {n}, gamma = {gamma}")


def _nstep_case(rewards, v, terminated, n, gamma, what=""):
    return Case({"rewards": np.asarray(rewards, dtype=float), "v": np.asarray(v, dtype=float),
                 "terminated": terminated, "n": n, "gamma": gamma},
                _nstep_label(rewards, v, terminated, n, gamma, what))


def _nstep_cases() -> list[Case]:
    from fa_book.prediction_engine import sample_episodes

    cases = [
        _nstep_case([1.0, 2.0, 3.0], [0.5, 1.0, 2.0, 4.0], True, 2, 0.5),
        _nstep_case([1.0, -1.0, 2.0], [0.5, 1.0, 2.0, 4.0], False, 2, 0.5),
        _nstep_case([1.0, 0.0, 2.0, -1.0], [1.0, -1.0, 0.5, 2.0, 3.0], False, 1, 0.9,
                    "n = 1 (TD(0) targets): "),
        _nstep_case([1.0, 0.0, 2.0, -1.0], [1.0, -1.0, 0.5, 2.0, 3.0], True, 10, 0.9,
                    "n >= T (Monte Carlo returns): "),
    ]
    rng = np.random.default_rng(4_6)
    for k in range(3):
        T, n = int(rng.integers(3, 9)), int(rng.integers(1, 6))
        rewards, v = rng.integers(-2, 3, T).astype(float), rng.uniform(-1, 1, T + 1).round(2)
        cases.append(_nstep_case(rewards, v, bool(k % 2), n, 0.8,
                                 f"random case {k + 1} (seed 46): "))
    # the book's setting: one episode of the 1000-state random walk, gamma = 1, with the
    # straight-line estimate v_hat(s) = (s - 499.5) / 500
    ep = sample_episodes(np.random.default_rng(5), 1)
    s = ep.episode(0)
    v = np.append((s - 499.5) / 500, 0.0)  # v_hat(S_T): the terminal state, not used
    rewards = np.zeros(s.size)
    rewards[-1] = ep.final_reward[0]
    cases.append(Case({"rewards": rewards, "v": v, "terminated": True, "n": 4, "gamma": 1.0},
                      f"one episode of the 1000-state random walk (seed 5, T = {s.size}), "
                      "v_hat(s) = (s - 499.5) / 500, terminated, n = 4, gamma = 1"))
    return cases


def _nstep_generated():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        T = draw(st.integers(1, 5))
        small = small_ints()
        rewards = draw(st.lists(small, min_size=T, max_size=T))
        v = draw(st.lists(small, min_size=T + 1, max_size=T + 1))
        terminated, n = draw(st.booleans()), draw(st.integers(1, 6))
        gamma = draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]))
        return _nstep_case(rewards, v, terminated, n, gamma, "(found by hypothesis) ")
    return case()


def n_step_targets(rewards, v, terminated, n, gamma, *, boot_terminal=False,
                   full_power=False, reward_power=0, bootstrap_power=True,
                   truncated_as_end=False) -> np.ndarray:
    r"""The exact answer, $G_{t:t+n}$ for $t = 0, \dots, T-1$, from the package's
    [`n_step_return`][fa_book.prediction.n_step_return]; the keyword arguments give
    the typical mistakes."""
    from fa_book.prediction import n_step_return

    T = len(rewards)
    G = np.zeros(T)
    for t in range(T):
        end = min(t + n, T)
        ends = terminated or truncated_as_end
        boot = None if (end == T and ends and not boot_terminal) else float(v[end])
        if not (full_power or reward_power or not bootstrap_power or truncated_as_end):
            G[t] = n_step_return(rewards[t:end], gamma, boot)
            continue
        k = np.arange(end - t)
        if reward_power == 1:
            G[t] = float((gamma ** (k + 1)) @ rewards[t:end])
        elif reward_power == -1:  # no discount on the rewards
            G[t] = float(rewards[t:end].sum())
        else:
            G[t] = float((gamma ** k) @ rewards[t:end])
        if boot is not None:
            power = n if full_power else end - t
            G[t] += (gamma**power if bootstrap_power else 1.0) * boot
    return G


def _nstep_expected(rewards, v, terminated, n, gamma):
    return n_step_targets(rewards, v, terminated, n, gamma)


EX_4_6 = register(Exercise(
    id="4.6",
    module="ch04.py",
    function="n_step_returns",
    params=("rewards", "v", "terminated", "n", "gamma"),
    cases=_nstep_cases,
    generated=_nstep_generated,
    expected=_nstep_expected,
    mistakes=(
        ("bootstrapping from the terminal state: when the episode terminates within the n "
         "steps, G_{t:t+n} is the discounted sum of the rewards alone",
         lambda **k: n_step_targets(**k, boot_terminal=True)),
        ("a missing gamma^n on the bootstrap: G_{t:t+n} adds gamma^n v_hat(S_{t+n})",
         lambda **k: n_step_targets(**k, bootstrap_power=False)),
        ("the rewards discounted by gamma^k instead of gamma^(k-1): R_{t+1} is not "
         "discounted", lambda **k: n_step_targets(**k, reward_power=1)),
        ("a missing gamma^(k-1): R_{t+k} inside the window is discounted by gamma^(k-1)",
         lambda **k: n_step_targets(**k, reward_power=-1)),
        ("gamma^n on a window cut short by the end of a truncated episode: the bootstrap "
         "S_h, h = min(t + n, T), is h - t steps away, so its weight is gamma^(h - t)",
         lambda **k: n_step_targets(**k, full_power=True)),
        ("a truncated episode treated as terminated: a time-limit cut still bootstraps "
         "from v_hat(S_T), with the weight gamma^(T - t)",
         lambda **k: n_step_targets(**k, truncated_as_end=True)),
    ),
))


# ============================================================================================
# 4.7 n-step semi-gradient TD along an episode (NSTEP), (NSTEPTD)
# ============================================================================================


def n_step_td_variants(theta, x, rewards, terminated, n, alpha, gamma, *, residual=False,
                       boot_terminal=False, truncated_as_end=False, returns_first=False,
                       full_power=False, sign=1.0) -> np.ndarray:
    """n-step semi-gradient TD along one episode, and its typical mistakes (keywords)."""
    theta = np.array(theta, dtype=float)
    start = theta.copy()
    T = len(rewards)
    for tau in range(T):
        end = min(tau + n, T)
        w = start if returns_first else theta  # the weights the bootstrap is read with
        cut = end == T and (terminated or truncated_as_end) and not boot_terminal
        m = end - tau
        G = float((gamma ** np.arange(m)) @ rewards[tau:end])  # (NSTEP)
        if not cut:
            G += gamma ** (n if full_power else m) * (w @ x[end])
        grad = x[tau] - (0.0 if cut else gamma ** m * x[end]) if residual else x[tau]
        theta = theta + sign * alpha * (G - theta @ x[tau]) * grad  # (NSTEPTD)
    return theta


def _n_step_td_expected(theta, x, rewards, terminated, n, alpha, gamma):
    from fa_book.prediction import n_step_td_episode

    return n_step_td_episode(theta, x, rewards, terminated, n, alpha, gamma)


def _n_step_td_case(theta, x, rewards, terminated, n, alpha, gamma, what=""):
    end = "terminated" if terminated else "truncated"
    x = np.asarray(x, dtype=float)
    return Case({"theta": np.asarray(theta, dtype=float), "x": x,
                 "rewards": np.asarray(rewards, dtype=float), "terminated": terminated,
                 "n": n, "alpha": alpha, "gamma": gamma},
                f"{what}theta = {_r(theta)}, x(S_0..S_T) = {_r(x)}, rewards = {_r(rewards)}"
                f", {end}, n = {n}, alpha = {alpha}, gamma = {gamma}")


def _n_step_td_cases() -> list[Case]:
    from fa_book.features import StateAggregation
    from fa_book.prediction_engine import sample_episodes

    x3 = [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    cases = [
        _n_step_td_case([0.0, 1.0], [[1.0, 0.0], [0.0, 1.0]], [1.0], True, 1, 0.5, 0.9,
                        "one step that terminates: "),
        _n_step_td_case([1.0, -0.5], x3, [0.0, 1.0, 2.0], True, 2, 0.5, 0.9,
                        "three steps, n = 2: "),
        _n_step_td_case([1.0, -0.5], x3, [0.0, 1.0, 2.0], False, 2, 0.5, 0.9,
                        "three steps, n = 2, cut by a time limit: "),
        _n_step_td_case([1.0, -0.5], x3, [0.0, 1.0, 2.0], False, 5, 0.5, 0.9,
                        "three steps, n = 5 > T, cut by a time limit: "),
    ]
    rng = np.random.default_rng(4_7)
    for k in range(3):
        T, d = int(rng.integers(3, 8)), int(rng.integers(1, 4))
        cases.append(_n_step_td_case(rng.uniform(-1, 1, d).round(2),
                                     rng.integers(0, 2, (T + 1, d)).astype(float),
                                     rng.integers(-1, 2, T).astype(float), bool(k % 2),
                                     int(rng.integers(2, 5)), 0.25, 0.8,
                                     f"random case {k + 1} (seed 47): "))
    # the book's setting: an episode of the 1000-state random walk, 10 groups, gamma = 1
    ep = sample_episodes(np.random.default_rng(3), 1)
    agg = StateAggregation.uniform(1000, 10)
    s = ep.episode(0)
    x = np.vstack([agg(s), np.zeros((1, 10))])  # row T (terminal) is not used
    rewards = np.zeros(s.size)
    rewards[-1] = ep.final_reward[0]
    theta = np.linspace(-0.9, 0.9, 10)
    cases.append(Case({"theta": theta, "x": x, "rewards": rewards, "terminated": True,
                       "n": 4, "alpha": 0.1, "gamma": 1.0},
                      f"one episode of the 1000-state random walk (seed 3, T = {s.size}), "
                      "10 groups, theta = linspace(-0.9, 0.9, 10), n = 4, alpha = 0.1, "
                      "gamma = 1"))
    return cases


def _n_step_td_generated():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        T, d = draw(st.integers(1, 5)), draw(st.integers(1, 3))
        small = small_ints()
        theta = draw(st.lists(small, min_size=d, max_size=d))
        x = [draw(st.lists(bits(), min_size=d, max_size=d))
             for _ in range(T + 1)]
        rewards = draw(st.lists(small, min_size=T, max_size=T))
        return _n_step_td_case(theta, x, rewards, draw(st.booleans()),
                               draw(st.integers(1, 4)), 0.5,
                               draw(st.sampled_from([0.5, 0.9, 1.0])),
                               "(found by hypothesis) ")
    return case()


EX_4_7 = register(Exercise(
    id="4.7",
    module="ch04.py",
    function="n_step_td",
    params=("theta", "x", "rewards", "terminated", "n", "alpha", "gamma"),
    cases=_n_step_td_cases,
    generated=_n_step_td_generated,
    expected=_n_step_td_expected,
    mistakes=(
        ("every return computed up front, with the weights from the start of the episode: "
         "G_{tau:tau+n} bootstraps from v_hat(S_{tau+n}) with theta as the updates for "
         "0 .. tau-1 left it", lambda **k: n_step_td_variants(**k, returns_first=True)),
        ("the gradient flows through the bootstrap (residual gradient instead of "
         "semi-gradient): the step is alpha (G - v_hat(S_tau)) x(S_tau)",
         lambda **k: n_step_td_variants(**k, residual=True)),
        ("bootstrapping from the terminal state: a return that reaches S_T of a terminated "
         "episode is the discounted sum of its rewards alone",
         lambda **k: n_step_td_variants(**k, boot_terminal=True)),
        ("a truncated episode treated as terminated: a time-limit cut still bootstraps "
         "from v_hat(S_T)", lambda **k: n_step_td_variants(**k, truncated_as_end=True)),
        ("gamma^n on a window cut short by the end of a truncated episode: the bootstrap "
         "S_h, h = min(tau + n, T), is h - tau steps away, so its weight is gamma^(h - tau)",
         lambda **k: n_step_td_variants(**k, full_power=True)),
        ("a wrong sign: theta += alpha (G - v_hat(S_tau)) x(S_tau) moves v_hat(S_tau) "
         "towards the target", lambda **k: n_step_td_variants(**k, sign=-1.0)),
    ),
))
