r"""Chapter 4's programming exercises (linear prediction with MC and TD targets).

4.2 *Step sizes.* Gradient Monte Carlo with state aggregation and $\alpha_k = 1/k$ for the
$k$-th update of each group: the weight of group $g$ is then exactly the every-visit
Monte Carlo average of the returns seen in $g$ (the exact answer the checker uses).
"""

from __future__ import annotations

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register


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
        G = draw(st.lists(st.floats(-2, 2, allow_nan=False).map(lambda x: round(x, 2)),
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
