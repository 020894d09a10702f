r"""Chapter 3's programming exercises (parametric value functions).

3.1 *Weights matter.* The best linear fit in the $\mu$-weighted error, (proj); the exact
answer is `fa_book.oracles.projection_weights`.

3.3 *SGD with exact targets.* (SGD) with the linear gradient (vlin) along a sequence of
sampled states; the exact answer is the step of `fa_book.approximators.sgd_step` applied
to each, in order.

3.8 *The TD fixed point.* $A^{-1}b$ from a chain's $P_\pi$, $r_\pi$, the features and
$\mu$, (A), (b), (TDfp); the exact answer is `fa_book.oracles.td_fixed_point` of the
chain as a one-action MDP (`fa_book.oracles.mrp`).
"""

from __future__ import annotations

import functools

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register
from fa_book.exercises._strategies import small_ints


def _show(a) -> str:
    return np.array2string(np.asarray(a), separator=", ", precision=4)


@functools.lru_cache(maxsize=1)
def _random_walk():
    """The random walk's (P_pi, r_pi, v_pi, mu) under the uniformly random policy."""
    from fa_book.envs import random_walk_mdp
    from fa_book.oracles import on_policy_distribution, policy_matrices, v_pi

    mdp = random_walk_mdp(n_states=1000, max_jump=100)
    pi = np.full((1000, 2), 0.5)
    P, r = policy_matrices(mdp, pi)
    return P, r, v_pi(mdp, pi), on_policy_distribution(mdp, pi)


def _book_features() -> dict[str, np.ndarray]:
    from fa_book.features import Fourier, StateAggregation

    return {"10-group aggregation": StateAggregation.uniform(1000, 10)(np.arange(1000)),
            "Fourier order 5": Fourier(5, 1.0, 1000.0)(np.arange(1.0, 1001.0))}


def _safe(fn):
    """A mistake's answer, or NaN where that mistake has none (a singular system)."""
    @functools.wraps(fn)
    def answer(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (np.linalg.LinAlgError, ValueError):
            return np.nan
    return answer


def _well_posed(phi, mu) -> bool:
    m = np.sqrt(mu)[:, None] * phi
    return bool(np.linalg.matrix_rank(m) == phi.shape[1] and np.linalg.cond(m) < 1e4)


# ------------------------------------------------------------------ 3.1 the projection


def projection(phi, v, mu) -> np.ndarray:
    r"""The exact answer: $\theta^\star$ of (proj), `fa_book.oracles.projection_weights`."""
    from fa_book.oracles import projection_weights

    return projection_weights(phi, v, mu)


@_safe
def _proj(phi, v, mu, *, unweighted=False, squared=False, left_only=False,
          right_only=False):
    if unweighted:
        return np.linalg.lstsq(phi, v, rcond=None)[0]
    if squared:
        return np.linalg.lstsq(mu[:, None] * phi, mu * v, rcond=None)[0]
    if left_only:
        return np.linalg.solve(phi.T @ phi, phi.T @ (mu * v))
    return np.linalg.solve(phi.T @ (mu[:, None] * phi), phi.T @ v)


def _cases_3_1() -> list[Case]:
    def c(phi, v, mu, label):
        return Case({"phi": np.array(phi, float), "v": np.array(v, float),
                     "mu": np.array(mu, float)}, label)

    cases = [
        c([[1], [1]], [1, 3], [0.25, 0.75],
          "phi = [[1], [1]] (one constant feature), v = [1, 3], mu = [0.25, 0.75]"),
        c([[1, 0], [1, 1], [1, 2]], [0, 2, 1], [0.5, 0.25, 0.25],
          "phi = [[1, 0], [1, 1], [1, 2]], v = [0, 2, 1], mu = [0.5, 0.25, 0.25]"),
        c([[1, 0], [0, 1], [1, 1], [2, 1]], [1, -1, 2, 0], [0.1, 0.2, 0.3, 0.4],
          "phi = [[1, 0], [0, 1], [1, 1], [2, 1]], v = [1, -1, 2, 0], "
          "mu = [0.1, 0.2, 0.3, 0.4]"),
    ]
    rng = np.random.default_rng(3_1)
    for k in range(3):
        S, d = int(rng.integers(4, 30)), int(rng.integers(1, 4))
        cases.append(c(rng.normal(size=(S, d)).round(2), rng.normal(size=S).round(2),
                       rng.dirichlet(np.ones(S)),
                       f"random case {k + 1} (seed 31): {S} states, {d} features"))
    _, _, v, mu = _random_walk()
    for name, phi in _book_features().items():
        cases.append(c(phi, v, mu, f"the random walk's v_pi and mu, {name} features"))
    return cases


def _generated_3_1():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        S, d = draw(st.integers(1, 4)), draw(st.integers(1, 2))
        phi = draw(st.lists(st.lists(small_ints(), min_size=d, max_size=d),
                            min_size=S, max_size=S))
        v = draw(st.lists(st.integers(-3, 3).map(float), min_size=S, max_size=S))
        mu = draw(st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=S, max_size=S))
        return Case({"phi": np.array(phi), "v": np.array(v), "mu": np.array(mu)},
                    f"phi = {phi}, v = {v}, mu = {mu} (found by hypothesis)")
    return case().filter(lambda c: _well_posed(c.kwargs["phi"], c.kwargs["mu"]))


EX_3_1 = register(Exercise(
    id="3.1",
    module="ch03.py",
    function="best_weights",
    params=("phi", "v", "mu"),
    cases=_cases_3_1,
    generated=_generated_3_1,
    expected=projection,
    rtol=1e-7,
    mistakes=(
        ("unweighted least squares: (proj) weights the error of each state by mu(s), "
         "D = diag(mu)", functools.partial(_proj, unweighted=True)),
        ("the rows scaled by mu(s): least squares squares the residuals, so scale the rows "
         "of phi and v by sqrt(mu(s))", functools.partial(_proj, squared=True)),
        ("D only on the right: theta* = (phi^T D phi)^-1 phi^T D v has D in both places",
         functools.partial(_proj, left_only=True)),
        ("D only on the left: theta* = (phi^T D phi)^-1 phi^T D v has D in both places",
         functools.partial(_proj, right_only=True)),
    ),
))

# ------------------------------------------------------------------ 3.3 SGD


def sgd_run(theta, x, U, alpha) -> np.ndarray:
    r"""The exact answer: the step of `fa_book.approximators.sgd_step`,
    $\theta + \alpha\,(U_t - \theta^\top\mathbf x_t)\,\mathbf x_t$, on each sample in
    order (written out here: importing `fa_book.approximators` imports torch, which would
    take longer than the whole grading)."""
    theta = np.array(theta, dtype=float)
    for t in range(len(U)):
        theta = theta + alpha * (U[t] - theta @ x[t]) * x[t]
    return theta


def _sgd(theta, x, U, alpha, *, sign=1.0, factor=1.0, scalar=False, frozen=False,
         normalised=False):
    theta = np.array(theta, dtype=float)
    start = theta.copy()
    for t in range(len(U)):
        w = start if frozen else theta
        error = U[t] - w @ x[t]
        step = np.full_like(theta, error) if scalar else error * x[t]
        if normalised:
            step = step / (x[t] @ x[t])
        theta = theta + sign * factor * alpha * step
    return theta


def _cases_3_3() -> list[Case]:
    def c(theta, x, U, alpha, label):
        return Case({"theta": np.array(theta, float), "x": np.array(x, float),
                     "U": np.array(U, float), "alpha": alpha}, label)

    cases = [
        c([0, 0], [[1, 2]], [1], 0.1,
          "1 sample, x = [[1, 2]], U = [1], alpha = 0.1, theta = [0, 0]"),
        c([1, -1], [[1, 0], [1, 1]], [2, 0.5], 0.5,
          "2 samples, x = [[1, 0], [1, 1]], U = [2, 0.5], alpha = 0.5, theta = [1, -1]"),
        c([0.5, 0, 1], [[1, 1, 0], [0, 1, 1], [1, 0, 1]], [1, 2, 3], 0.25,
          "3 samples, x = [[1, 1, 0], [0, 1, 1], [1, 0, 1]], U = [1, 2, 3], "
          "alpha = 0.25, theta = [0.5, 0, 1]"),
    ]
    rng = np.random.default_rng(3_3)
    for k in range(3):
        T, d = int(rng.integers(3, 15)), int(rng.integers(1, 5))
        cases.append(c(rng.normal(size=d).round(2), rng.normal(size=(T, d)).round(2),
                       rng.normal(size=T).round(2), 0.05,
                       f"random case {k + 1} (seed 33): {T} samples, d = {d}, alpha = 0.05"))
    _, _, v, mu = _random_walk()
    rng = np.random.default_rng(3_3)
    for name, phi in _book_features().items():
        S = rng.choice(1000, size=300, p=mu)  # S_t ~ mu
        alpha = 0.1 / (phi**2).sum(1).max()
        cases.append(c(np.zeros(phi.shape[1]), phi[S], v[S], alpha,
                       f"the random walk, {name}: 300 states S_t ~ mu (seed 33), "
                       f"U_t = v_pi(S_t), alpha = 0.1 / max ||x(s)||^2, theta = 0"))
    return cases


def _generated_3_3():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        T, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        num = small_ints()
        x = draw(st.lists(st.lists(num, min_size=d, max_size=d), min_size=T, max_size=T))
        U = draw(st.lists(num, min_size=T, max_size=T))
        theta = draw(st.lists(num, min_size=d, max_size=d))
        alpha = draw(st.sampled_from([0.05, 0.1, 0.25]))
        return Case({"theta": np.array(theta), "x": np.array(x), "U": np.array(U),
                     "alpha": alpha},
                    f"x = {x}, U = {U}, alpha = {alpha}, theta = {theta} "
                    "(found by hypothesis)")
    return case()


EX_3_3 = register(Exercise(
    id="3.3",
    module="ch03.py",
    function="sgd_exact_targets",
    params=("theta", "x", "U", "alpha"),
    cases=_cases_3_3,
    generated=_generated_3_3,
    expected=sgd_run,
    mistakes=(
        ("a wrong sign: theta moves towards the target, + alpha (U - v_hat) x(S_t)",
         functools.partial(_sgd, sign=-1.0)),
        ("a factor 2: (SGD) descends the halved squared error (U - v_hat)^2 / 2, whose "
         "gradient has no 2", functools.partial(_sgd, factor=2.0)),
        ("the error added to every weight: the gradient of theta . x(S_t) is x(S_t), so "
         "the step is alpha (U - v_hat) x(S_t)", functools.partial(_sgd, scalar=True)),
        ("the step divided by ||x(S_t)||^2 (normalised LMS): (SGD) uses alpha as it is",
         functools.partial(_sgd, normalised=True)),
        ("every error computed with the initial theta (a batch step): SGD updates theta "
         "after each sample, and the next error uses the new theta",
         functools.partial(_sgd, frozen=True)),
    ),
))

# ------------------------------------------------------------------ 3.8 the TD fixed point


def td_limit(P, r, phi, mu, gamma) -> np.ndarray:
    r"""The exact answer: `fa_book.oracles.td_fixed_point` of the chain as an MDP."""
    from fa_book.oracles import mrp, td_fixed_point

    S = len(r)
    chain = mrp(P, r, gamma, np.full(S, 1.0 / S))
    return td_fixed_point(chain, np.ones((S, 1)), phi, mu)


@_safe
def _td(P, r, phi, mu, gamma, *, no_gamma=False, transposed=False, unweighted=False,
        projection=False, plus=False):
    g = 1.0 if no_gamma else gamma
    M = P.T if transposed else P
    D = np.ones_like(mu) if unweighted else mu
    if projection:
        from fa_book.oracles import projection_weights

        v = np.linalg.solve(np.eye(len(r)) - gamma * P, r)
        return projection_weights(phi, v, mu)
    sign = 1.0 if plus else -1.0
    A = (D[:, None] * phi).T @ (phi + sign * g * M @ phi)
    b = (D[:, None] * phi).T @ r
    return np.linalg.solve(A, b)


def _cases_3_8() -> list[Case]:
    def c(P, r, phi, mu, gamma, label):
        return Case({"P": np.array(P, float), "r": np.array(r, float),
                     "phi": np.array(phi, float), "mu": np.array(mu, float),
                     "gamma": gamma}, label)

    cases = [
        c([[0.5, 0.5], [0, 0.5]], [1, 0], [[1], [2]], [0.6, 0.4], 0.9,
          "2 states, P = [[0.5, 0.5], [0, 0.5]] (state 1 ends with probability 0.5), "
          "r = [1, 0], phi = [[1], [2]], mu = [0.6, 0.4], gamma = 0.9"),
        c([[0, 1, 0], [0, 0, 1], [1, 0, 0]], [0, 0, 1], [[1, 0], [1, 1], [0, 1]],
          [1 / 3, 1 / 3, 1 / 3], 0.8,
          "a 3-state cycle 0 -> 1 -> 2 -> 0, r = [0, 0, 1], phi = [[1, 0], [1, 1], "
          "[0, 1]], mu uniform, gamma = 0.8"),
    ]
    rng = np.random.default_rng(3_8)
    for k in range(3):
        S, d = int(rng.integers(3, 12)), int(rng.integers(1, 4))
        P = rng.dirichlet(np.ones(S), size=S) * (0.9 if k == 2 else 1.0)
        gamma = 1.0 if k == 2 else 0.9
        phi, mu = rng.normal(size=(S, d)).round(2), rng.dirichlet(np.ones(S))
        cases.append(c(P, rng.normal(size=S).round(2), phi, mu, gamma,
                       f"random case {k + 1} (seed 38): {S} states, {d} features, "
                       f"gamma = {gamma}" + (", each step ends the episode with "
                                              "probability 0.1" if k == 2 else "")))
    P, r, _, mu = _random_walk()
    phi = _book_features()["10-group aggregation"]
    cases.append(c(P, r, phi, mu, 1.0, "the random walk: its P_pi, r_pi and mu, 10-group "
                                       "aggregation, gamma = 1"))
    return cases


def _generated_3_8():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        S, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        P = draw(st.lists(st.lists(st.sampled_from([0.0, 0.25, 0.5]), min_size=S,
                                   max_size=S), min_size=S, max_size=S))
        P = [[p / max(1.0, sum(row)) for p in row] for row in P]  # rows sum to <= 1
        num = small_ints()
        r = draw(st.lists(num, min_size=S, max_size=S))
        phi = draw(st.lists(st.lists(num, min_size=d, max_size=d), min_size=S, max_size=S))
        mu = draw(st.lists(st.sampled_from([0.25, 0.5, 1.0]), min_size=S, max_size=S))
        gamma = draw(st.sampled_from([0.5, 0.9]))
        return Case({"P": np.array(P), "r": np.array(r), "phi": np.array(phi),
                     "mu": np.array(mu), "gamma": gamma},
                    f"P = {P}, r = {r}, phi = {phi}, mu = {mu}, gamma = {gamma} "
                    "(found by hypothesis)")

    def solvable(c: Case) -> bool:
        P, phi, mu, gamma = (c.kwargs[k] for k in ("P", "phi", "mu", "gamma"))
        if not _well_posed(phi, mu):
            return False
        A = (mu[:, None] * phi).T @ (phi - gamma * P @ phi)
        return bool(np.linalg.cond(A) < 1e4)
    return case().filter(solvable)


EX_3_8 = register(Exercise(
    id="3.8",
    module="ch03.py",
    function="linear_td_fixed_point",
    params=("P", "r", "phi", "mu", "gamma"),
    cases=_cases_3_8,
    generated=_generated_3_8,
    expected=td_limit,
    rtol=1e-7,
    mistakes=(
        ("the projection of v_pi (gradient Monte Carlo's limit): TD's limit solves "
         "A theta = b, the projected Bellman equation", functools.partial(_td, projection=True)),
        ("a missing gamma: A = phi^T D (I - gamma P) phi",
         functools.partial(_td, no_gamma=True)),
        ("P transposed: (P phi)(s) = sum_s' P(s, s') x(s') is the expected next feature "
         "vector", functools.partial(_td, transposed=True)),
        ("D missing: A = phi^T D (I - gamma P) phi and b = phi^T D r weight each state by "
         "mu(s)", functools.partial(_td, unweighted=True)),
        ("a wrong sign: A = phi^T D (I - gamma P) phi, from delta = r + gamma v(s') - v(s)",
         functools.partial(_td, plus=True)),
    ),
))
