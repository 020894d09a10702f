r"""Chapter 10's programming exercises (REINFORCE).

10.1 *The update of one episode.* (RETURN) computed backwards, then (REINFORCE) with the
baseline (BASELINE): the exact answer is the closed form that
[`reinforce_update`][fa_book.reinforce.reinforce_update] computes.

10.2 *The whole episode's return.* $\alpha\, G_0 \sum_t \nabla\ln\pi(A_t \mid S_t)$, the
likelihood ratio of the whole trajectory.

10.3 *The best constant baseline.* $b^* = \operatorname{tr}\operatorname{Cov}(u, z) /
\operatorname{tr}\operatorname{Var}(z)$ from samples, in closed form (the sample
covariances).

Only numpy and the corridor's transition table are imported (no torch), so that a
grading starts quickly.
"""

from __future__ import annotations

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register


def _r(x, n: int = 2) -> list:
    """Rounded values for a label."""
    return np.round(np.asarray(x, float), n).tolist()


def corridor_episode(seed: int, p_right: float = 0.4) -> tuple[np.ndarray, np.ndarray]:
    r"""One short-corridor episode (Example 13.1) played with $\pi(\text{right}) = p$: the
    scores $\nabla\ln\pi(A_t \mid S_t, \theta)$ of its steps, shape `(T, 2)`, and its
    rewards, shape `(T,)` (all $-1$)."""
    from fa_book.envs.short_corridor import GOAL, NEXT, RIGHT

    rng = np.random.default_rng(seed)
    s, actions = 0, []
    while s != GOAL:
        a = int(rng.random() < p_right)
        actions.append(a)
        s = NEXT[s, a]
    # x(s, right) = (1, 0), x(s, left) = (0, 1), as on the page: the softmax score is
    # x(a) - p x(right) - (1 - p) x(left)
    right = np.array(actions) == RIGHT
    scores = np.stack([right - p_right, (1 - right) - (1 - p_right)], axis=1)
    return scores, -np.ones(len(actions))


def _episode_cases(seed: int, with_baseline: bool) -> list[Case]:
    hand = [
        ({"grad_log_pi": np.eye(2), "rewards": np.array([1.0, 1.0]), "alpha": 1.0,
          "gamma": 0.5}, "T = 2, grad_log_pi = [[1, 0], [0, 1]], rewards = [1, 1], "
                         "alpha = 1, gamma = 0.5", [0.0, 0.0]),
        ({"grad_log_pi": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
          "rewards": np.array([0.0, 0.0, 1.0]), "alpha": 0.5, "gamma": 0.9},
         "T = 3, grad_log_pi = [[1, 0], [0, 1], [1, 1]], rewards = [0, 0, 1], "
         "alpha = 0.5, gamma = 0.9", [0.5, 0.5, 0.5]),
        ({"grad_log_pi": np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 1.0]]),
          "rewards": np.array([1.0, -1.0, 2.0]), "alpha": 0.1, "gamma": 0.8},
         "T = 3, grad_log_pi = [[1, -1], [2, 0], [0, 1]], rewards = [1, -1, 2], "
         "alpha = 0.1, gamma = 0.8", [1.0, 0.0, -1.0]),
    ]
    cases = []
    for kwargs, label, b in hand:
        if with_baseline:
            kwargs, label = {**kwargs, "baseline": np.array(b)}, f"{label}, baseline = {b}"
        cases.append(Case(kwargs, label))
    rng = np.random.default_rng(seed)
    for k in range(3):
        T, d = int(rng.integers(2, 12)), int(rng.integers(1, 5))
        kwargs = {"grad_log_pi": np.round(rng.normal(size=(T, d)), 2),
                  "rewards": np.round(rng.uniform(-2, 2, T), 2),
                  "alpha": float(rng.choice([0.01, 0.1, 1.0])),
                  "gamma": float(rng.choice([0.9, 0.99]))}
        if with_baseline:
            kwargs["baseline"] = np.round(rng.uniform(-1, 1, T), 2)
        cases.append(Case(kwargs, f"random case {k + 1} (seed {seed}): T = {T}, d = {d}, "
                                  f"alpha = {kwargs['alpha']}, gamma = {kwargs['gamma']}"))
    scores, rewards = corridor_episode(10)
    kwargs = {"grad_log_pi": scores, "rewards": rewards, "alpha": 2.0**-9, "gamma": 0.9}
    label = (f"a short-corridor episode (corridor_episode(10): p(right) = 0.4, T = "
             f"{len(rewards)}), alpha = 2^-9, gamma = 0.9")
    if with_baseline:
        kwargs["baseline"] = np.full(len(rewards), -5.0)
        label += ", baseline = -5 at every step"
    cases.append(Case(kwargs, label))
    return cases


def _generated(with_baseline: bool):
    """Short random episodes for hypothesis, values rounded to 0.5."""
    from hypothesis import strategies as st

    halves = st.integers(-4, 4).map(lambda k: k / 2)

    @st.composite
    def case(draw):
        T, d = draw(st.integers(1, 4)), draw(st.integers(1, 2))
        g = draw(st.lists(st.lists(halves, min_size=d, max_size=d), min_size=T, max_size=T))
        r = draw(st.lists(halves, min_size=T, max_size=T))
        alpha = draw(st.sampled_from([1.0, 0.5]))
        gamma = draw(st.sampled_from([1.0, 0.5, 0.9]))
        kwargs = {"grad_log_pi": np.array(g), "rewards": np.array(r), "alpha": alpha,
                  "gamma": gamma}
        label = f"grad_log_pi = {g}, rewards = {r}, alpha = {alpha}, gamma = {gamma}"
        if with_baseline:
            b = draw(st.lists(halves, min_size=T, max_size=T))
            kwargs["baseline"] = np.array(b)
            label += f", baseline = {b}"
        return Case(kwargs, label + " (found by hypothesis)")
    return case()


def _G(rewards, gamma) -> np.ndarray:
    r"""$G_t = R_{t+1} + \gamma G_{t+1}$, $G_T = 0$ (RETURN), as chapter 4's
    [`returns`][fa_book.prediction.returns] computes them."""
    rewards = np.asarray(rewards, float)
    G = np.zeros(len(rewards) + 1)
    for t in reversed(range(len(rewards))):
        G[t] = rewards[t] + gamma * G[t + 1]
    return G[:-1]


def _weights(T: int, gamma: float, power: float = 1.0) -> np.ndarray:
    return gamma ** (power * np.arange(T))


# ---------------------------------------------------------------------------------------
# 10.1 the update of one episode
# ---------------------------------------------------------------------------------------

def _update(grad_log_pi, weight, delta, alpha):
    return alpha * (weight * delta) @ np.asarray(grad_log_pi, float)


def reinforce_answer(grad_log_pi, rewards, alpha, gamma, baseline) -> np.ndarray:
    r"""The exact answer: $\alpha \sum_t \gamma^t (G_t - b_t) \nabla\ln\pi(A_t \mid S_t)$,
    what [`reinforce_update`][fa_book.reinforce.reinforce_update] computes."""
    T = len(rewards)
    return _update(grad_log_pi, _weights(T, gamma), _G(rewards, gamma) - baseline, alpha)


def _no_gamma_t(grad_log_pi, rewards, alpha, gamma, baseline):
    b = 0.0 if baseline is None else baseline
    return _update(grad_log_pi, np.ones(len(rewards)), _G(rewards, gamma) - b, alpha)


def _gamma_t_twice(grad_log_pi, rewards, alpha, gamma, baseline):
    T = len(rewards)
    G_from_0 = _weights(T, gamma) * _G(rewards, gamma)  # sum_k>=t gamma^k R_{k+1}
    return _update(grad_log_pi, _weights(T, gamma), G_from_0 - baseline, alpha)


def _whole_return(grad_log_pi, rewards, alpha, gamma, baseline):
    T = len(rewards)
    G0 = np.full(T, _G(rewards, gamma)[0])
    return _update(grad_log_pi, _weights(T, gamma), G0 - baseline, alpha)


def _undiscounted_return(grad_log_pi, rewards, alpha, gamma, baseline):
    T = len(rewards)
    return _update(grad_log_pi, _weights(T, gamma), _G(rewards, 1.0) - baseline, alpha)


def _shifted_return(grad_log_pi, rewards, alpha, gamma, baseline):
    T = len(rewards)
    G_next = np.r_[_G(rewards, gamma)[1:], 0.0]  # R_{t+1} left out
    return _update(grad_log_pi, _weights(T, gamma), G_next - baseline, alpha)


def _forward_return(grad_log_pi, rewards, alpha, gamma, baseline):
    T = len(rewards)
    G_fwd = _G(np.asarray(rewards, float)[::-1], gamma)[::-1]  # rewards up to t
    return _update(grad_log_pi, _weights(T, gamma), G_fwd - baseline, alpha)


def _wrong_sign(grad_log_pi, rewards, alpha, gamma, baseline):
    return -reinforce_answer(grad_log_pi, rewards, alpha, gamma, baseline)


def _baseline_added(grad_log_pi, rewards, alpha, gamma, baseline):
    return reinforce_answer(grad_log_pi, rewards, alpha, gamma, -np.asarray(baseline))


def _gamma_t_on_G_only(grad_log_pi, rewards, alpha, gamma, baseline):
    T = len(rewards)
    psi = _weights(T, gamma) * _G(rewards, gamma) - baseline
    return _update(grad_log_pi, np.ones(T), psi, alpha)


def _no_alpha(grad_log_pi, rewards, alpha, gamma, baseline):
    return reinforce_answer(grad_log_pi, rewards, 1.0, gamma, baseline)


def _gamma_t_plus_1(grad_log_pi, rewards, alpha, gamma, baseline):
    return gamma * reinforce_answer(grad_log_pi, rewards, alpha, gamma, baseline)


EX_10_1 = register(Exercise(
    id="10.1",
    module="ch10.py",
    function="reinforce_episode",
    params=("grad_log_pi", "rewards", "alpha", "gamma", "baseline"),
    cases=lambda: _episode_cases(10_1, with_baseline=True),
    generated=lambda: _generated(with_baseline=True),
    expected=reinforce_answer,
    mistakes=(
        ("the gamma^t factor is missing: step t's term is alpha gamma^t (G_t - b_t) "
         "grad ln pi(A_t|S_t) (the notes' update, and most deep-RL code, drop it)",
         _no_gamma_t),
        ("gamma^t counted twice: G_t is discounted from time t, "
         "G_t = R_{t+1} + gamma R_{t+2} + ..., not from time 0", _gamma_t_twice),
        ("the whole episode's return G_0 at every step in place of the return G_t that "
         "follows A_t", _whole_return),
        ("the returns are not discounted: G_t = R_{t+1} + gamma G_{t+1}", _undiscounted_return),
        ("the return is shifted by one step: G_t starts with R_{t+1}, the reward right "
         "after A_t (rewards[t] in the code)", _shifted_return),
        ("the returns were accumulated forwards (rewards up to t): compute them backwards, "
         "G_t = R_{t+1} + gamma G_{t+1} from G_T = 0", _forward_return),
        ("a wrong sign: REINFORCE ascends, theta moves by +alpha gamma^t (G_t - b_t) "
         "grad ln pi", _wrong_sign),
        ("the baseline is added: the update uses G_t - b_t", _baseline_added),
        ("gamma^t multiplies G_t but not the baseline: it multiplies G_t - b_t",
         _gamma_t_on_G_only),
        ("the step size alpha is missing", _no_alpha),
        ("the weight gamma^(t+1): the first step has weight gamma^0 = 1", _gamma_t_plus_1),
    ),
))


# ---------------------------------------------------------------------------------------
# 10.2 the whole episode's return
# ---------------------------------------------------------------------------------------

def whole_return_answer(grad_log_pi, rewards, alpha, gamma) -> np.ndarray:
    r"""The exact answer: $\alpha\, G_0 \sum_t \nabla\ln\pi(A_t \mid S_t)$."""
    return alpha * _G(rewards, gamma)[0] * np.asarray(grad_log_pi, float).sum(0)


def _reward_to_go(grad_log_pi, rewards, alpha, gamma):
    return reinforce_answer(grad_log_pi, rewards, alpha, gamma, np.zeros(len(rewards)))


def _reward_to_go_no_gamma_t(grad_log_pi, rewards, alpha, gamma):
    return _no_gamma_t(grad_log_pi, rewards, alpha, gamma, None)


def _whole_with_gamma_t(grad_log_pi, rewards, alpha, gamma):
    return _whole_return(grad_log_pi, rewards, alpha, gamma, 0.0)


def _whole_undiscounted(grad_log_pi, rewards, alpha, gamma):
    return whole_return_answer(grad_log_pi, rewards, alpha, 1.0)


def _first_score_only(grad_log_pi, rewards, alpha, gamma):
    return alpha * _G(rewards, gamma)[0] * np.asarray(grad_log_pi, float)[0]


def _mean_over_steps(grad_log_pi, rewards, alpha, gamma):
    return whole_return_answer(grad_log_pi, rewards, alpha, gamma) / len(rewards)


def _whole_wrong_sign(grad_log_pi, rewards, alpha, gamma):
    return -whole_return_answer(grad_log_pi, rewards, alpha, gamma)


def _whole_no_alpha(grad_log_pi, rewards, alpha, gamma):
    return whole_return_answer(grad_log_pi, rewards, 1.0, gamma)


EX_10_2 = register(Exercise(
    id="10.2",
    module="ch10.py",
    function="whole_return_update",
    params=("grad_log_pi", "rewards", "alpha", "gamma"),
    cases=lambda: _episode_cases(10_2, with_baseline=False),
    generated=lambda: _generated(with_baseline=False),
    expected=whole_return_answer,
    mistakes=(
        ("that is the reward-to-go update gamma^t G_t of (REINFORCE); this exercise puts "
         "G_0, the whole episode's return, at every step", _reward_to_go),
        ("gamma^t in front of G_0: the likelihood ratio of the whole trajectory, "
         "G_0 sum_t grad ln pi(A_t|S_t), has no gamma^t (with it the expectation is not "
         "grad J_1 when gamma < 1)", _whole_with_gamma_t),
        ("the reward-to-go G_t without gamma^t in place of G_0", _reward_to_go_no_gamma_t),
        ("G_0 is not discounted: G_0 = R_1 + gamma R_2 + gamma^2 R_3 + ...",
         _whole_undiscounted),
        ("only the first step's score: G_0 multiplies the sum of the scores of every step",
         _first_score_only),
        ("the scores are averaged over the steps: they are summed (the log-probability of "
         "a trajectory is the sum of its steps' log-probabilities)", _mean_over_steps),
        ("a wrong sign: the update is +alpha G_0 sum_t grad ln pi", _whole_wrong_sign),
        ("the step size alpha is missing", _whole_no_alpha),
    ),
))


# ---------------------------------------------------------------------------------------
# 10.3 the best constant baseline
# ---------------------------------------------------------------------------------------

def best_baseline_answer(u, z) -> float:
    r"""The exact answer: the sample $\operatorname{tr}\operatorname{Cov}(u, z) /
    \operatorname{tr}\operatorname{Var}(z)$ (sample means subtracted; the $1/(n-1)$ of the
    two cancels)."""
    u, z = np.asarray(u, float), np.asarray(z, float)
    du, dz = u - u.mean(0), z - z.mean(0)
    return float((du * dz).sum() / (dz * dz).sum())


def _uncentred(u, z):
    return float((u * z).sum() / (z * z).sum())


def _inverted(u, z):
    return 1.0 / best_baseline_answer(u, z)


def _per_component(u, z):
    du, dz = u - u.mean(0), z - z.mean(0)
    return float(np.mean((du * dz).sum(0) / (dz * dz).sum(0)))


def _var_u(u, z):
    du, dz = u - u.mean(0), z - z.mean(0)
    return float((du * dz).sum() / (du * du).sum())


def _b_sign(u, z):
    return -best_baseline_answer(u, z)


def _mean_ratio(u, z):
    return float(u.mean(0).sum() / z.mean(0).sum())


def _cases_10_3() -> list[Case]:
    cases = [
        Case({"u": np.array([[1.0], [2.0], [6.0]]), "z": np.array([[1.0], [0.0], [2.0]])},
             "n = 3 samples, d = 1: u = [[1], [2], [6]], z = [[1], [0], [2]]"),
        Case({"u": np.array([[2.0, 0.0], [0.0, 4.0], [1.0, 2.0], [1.0, 2.0]]),
              "z": np.array([[1.0, 0.0], [0.0, 3.0], [2.0, 1.0], [1.0, 0.0]])},
             "n = 4 samples, d = 2: u = [[2, 0], [0, 4], [1, 2], [1, 2]], "
             "z = [[1, 0], [0, 3], [2, 1], [1, 0]]"),
    ]
    rng = np.random.default_rng(10_3)
    for k in range(3):
        n, d = int(rng.integers(3, 30)), int(rng.integers(1, 4))
        z = np.round(rng.normal(size=(n, d)), 2)
        u = np.round(rng.uniform(-3, 0) * z + rng.normal(size=(n, d)), 2)
        cases.append(Case({"u": u, "z": z}, f"random case {k + 1} (seed 103): n = {n}, "
                                            f"d = {d}"))
    u, z = [], []
    for seed in range(300):
        scores, rewards = corridor_episode(seed)
        u.append(_G(rewards, 1.0) @ scores)
        z.append(scores.sum(0))
    cases.append(Case({"u": np.array(u), "z": np.array(z)},
                      "300 short-corridor episodes at p(right) = 0.4 (corridor_episode(seed) "
                      "for seeds 0-299, gamma = 1)"))
    return cases


def _generated_10_3():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        n, d = draw(st.integers(2, 4)), draw(st.integers(1, 2))
        rows = st.lists(st.integers(-3, 3), min_size=d, max_size=d)
        u = draw(st.lists(rows, min_size=n, max_size=n))
        z = draw(st.lists(rows, min_size=n, max_size=n).filter(
            lambda z: np.ptp(np.array(z, float), axis=0).max() > 0))  # Var(z) > 0
        return Case({"u": np.array(u, float), "z": np.array(z, float)},
                    f"n = {n}, d = {d}: u = {u}, z = {z} (found by hypothesis)")
    return case()


def _safe(fn):
    def answer(**kwargs):
        with np.errstate(all="ignore"):
            try:
                return fn(**kwargs)
            except ZeroDivisionError:
                return np.nan
    return answer


EX_10_3 = register(Exercise(
    id="10.3",
    module="ch10.py",
    function="best_constant_baseline",
    params=("u", "z"),
    cases=_cases_10_3,
    generated=_generated_10_3,
    expected=best_baseline_answer,
    mistakes=(
        ("the moments are not centred: Cov and Var subtract the sample means "
         "(the sample mean of z is not exactly 0)", _safe(_uncentred)),
        ("the ratio is upside down: b* = tr Cov(u, z) / tr Var(z)", _safe(_inverted)),
        ("a ratio per component, then averaged: the traces are summed over the components "
         "first, then divided", _safe(_per_component)),
        ("tr Var(u) in the denominator: b* = tr Cov(u, z) / tr Var(z)", _safe(_var_u)),
        ("a wrong sign: tr Var(u - b z) = tr Var(u) - 2 b tr Cov(u, z) + b^2 tr Var(z) is "
         "smallest at b = +tr Cov(u, z) / tr Var(z)", _safe(_b_sign)),
        ("a ratio of means: b* is a ratio of (co)variances", _safe(_mean_ratio)),
    ),
))
