r"""Chapter 6's programming exercises (why the TD target carries no gradient).

6.7 *The gradient autograd gives* for the half squared TD error with the target detached
(TARGET), (DELTA): $-\delta\,\mathbf x(S_t)$, minus the semi-gradient update (SEMI), where
the undetached loss gives the residual gradient (RG). 6.8 *The double-sample residual
gradient step*. 6.9 *One off-policy semi-gradient TD step* with the importance ratio (RHO).
The exact answers are the package's `fa_book.semi_gradient.semi_gradient_update` and
`residual_gradient_update`.
"""

from __future__ import annotations

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register
from fa_book.exercises._strategies import bits, small_ints


def _r(a) -> list | float:
    """An array (or a number) rounded, for a label."""
    return np.round(np.asarray(a, dtype=float), 3).tolist()


# ============================================================================================
# 6.7 the gradient of the detached loss (TARGET), (DELTA): minus the semi-gradient step
# ============================================================================================


def loss_grad_variants(w, x, r, x_next, terminated, gamma, *, residual=False,
                       boot_terminal=False, sign=1.0, reduce="mean") -> np.ndarray:
    """The gradient of mean(delta^2 / 2), target detached, and its typical mistakes."""
    x_boot = x_next if boot_terminal else np.where(terminated[:, None], 0.0, x_next)
    delta = r + gamma * x_boot @ w - x @ w  # (TDERR)
    grad_delta = x - gamma * x_boot if residual else x  # what autograd differentiates
    per_sample = -delta[:, None] * grad_delta
    return sign * getattr(per_sample, reduce)(axis=0)


def _loss_grad_expected(w, x, r, x_next, terminated, gamma):
    from fa_book.semi_gradient import semi_gradient_update

    x_next = np.where(terminated[:, None], 0.0, x_next)  # v_hat(terminal) = 0
    # one semi-gradient step per transition with alpha = 1 is w + delta x: minus the
    # gradient of that transition's detached loss
    steps = semi_gradient_update(w, x, r, x_next, gamma, alpha=1.0) - w
    return 0.0 - steps.mean(axis=0)  # 0.0 - x: no "-0." in the messages


def _grad_case(w, x, r, x_next, terminated, gamma, what=""):
    x, x_next = np.asarray(x, dtype=float), np.asarray(x_next, dtype=float)
    term = np.asarray(terminated, dtype=bool)
    return Case({"w": np.asarray(w, dtype=float), "x": x, "r": np.asarray(r, dtype=float),
                 "x_next": x_next, "terminated": term, "gamma": gamma},
                f"{what}w = {_r(w)}, x(S_t) = {_r(x)}, R = {_r(r)}, x(S_t+1) = {_r(x_next)}, "
                f"terminated = {term.tolist()}, gamma = {gamma}")


def _grad_cases() -> list[Case]:
    from fa_book.semi_gradient import random_walk_chain

    w = [0.5, -1.0, 2.0]
    cases = [
        _grad_case(w, [[1.0, 0.0, 1.0]], [1.0], [[0.0, 1.0, 1.0]], [False], 0.9,
                   "the page's transition: "),
        _grad_case(w, [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], [1.0, -1.0],
                   [[0.0, 1.0, 1.0], [1.0, 1.0, 0.0]], [False, True], 0.9,
                   "a batch of 2, the second terminates: "),
    ]
    rng = np.random.default_rng(6_7)
    for k in range(3):
        B, d = int(rng.integers(2, 5)), int(rng.integers(1, 4))
        cases.append(_grad_case(rng.integers(-2, 3, d), rng.integers(0, 2, (B, d)),
                                rng.integers(-1, 2, B), rng.integers(0, 2, (B, d)),
                                rng.random(B) < 0.3, 0.8, f"random case {k + 1} (seed 67): "))
    # the book's setting: the 7-state chain (3 groups, gamma = 0.95), its 4 transitions
    # out of states 0 and 6: into the neighbour, or off the end (terminated)
    mdp, _, phi = random_walk_chain()
    x = phi[[0, 0, 6, 6]]
    x_next = np.vstack([phi[1], np.zeros(3), phi[5], np.zeros(3)])
    cases.append(_grad_case([-0.5, 0.0, 0.5], x, [0.0, -1.0, 0.0, 1.0], x_next,
                            [False, True, False, True], mdp.gamma,
                            "the 7-state chain, both ends: "))
    return cases


def _grad_generated():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        B, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        n = d + B + 2 * B * d + B  # w, r, x, x_next, terminated: one flat draw (fast)
        v = np.array(draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n)), float)
        w, r = v[:d], v[d:d + B]
        x = np.abs(v[d + B:d + B + B * d].reshape(B, d)) % 2  # features 0 or 1
        x_next = np.abs(v[d + B + B * d:n - B].reshape(B, d)) % 2
        return _grad_case(w, x, r, x_next, v[n - B:] > 0,
                          draw(st.sampled_from([0.5, 0.9, 1.0])), "(found by hypothesis) ")
    return case()


EX_6_7 = register(Exercise(
    id="6.7",
    module="ch06.py",
    function="semi_gradient_loss_grad",
    params=("w", "x", "r", "x_next", "terminated", "gamma"),
    cases=_grad_cases,
    generated=_grad_generated,
    expected=_loss_grad_expected,
    mistakes=(
        ("the gradient flows through the TD target (residual gradient instead of "
         "semi-gradient): detach v_hat(S_t+1); the gradient is -delta x(S_t), not "
         "-delta (x(S_t) - gamma x(S_t+1))",
         lambda **k: loss_grad_variants(**k, residual=True)),
        ("bootstrapping from a terminal state: v_hat(S_t+1) = 0 where terminated",
         lambda **k: loss_grad_variants(**k, boot_terminal=True)),
        ("a wrong sign: the update direction delta x(S_t) is minus the loss's gradient",
         lambda **k: loss_grad_variants(**k, sign=-1.0)),
        ("summed over the batch: the loss is the mean of delta^2 / 2",
         lambda **k: loss_grad_variants(**k, reduce="sum")),
    ),
))


# ============================================================================================
# 6.8 the double-sample residual-gradient step (RG) with an independent S'_2
# ============================================================================================


def _ds_case(w, x, r, x_next, x_next2, gamma, alpha, what=""):
    return Case({"w": np.asarray(w, dtype=float), "x": np.asarray(x, dtype=float),
                 "r": float(r), "x_next": np.asarray(x_next, dtype=float),
                 "x_next2": np.asarray(x_next2, dtype=float), "gamma": gamma,
                 "alpha": alpha},
                f"{what}w = {_r(w)}, x(S) = {_r(x)}, R = {r}, x(S') = {_r(x_next)}, "
                f"x(S'_2) = {_r(x_next2)}, gamma = {gamma}, alpha = {alpha}")


def _ds_expected(w, x, r, x_next, x_next2, gamma, alpha):
    from fa_book.semi_gradient import residual_gradient_update

    return residual_gradient_update(w, x, r, x_next, gamma, alpha, x_next2=x_next2)


def _ds_one_sample(w, x, r, x_next, x_next2, gamma, alpha):
    from fa_book.semi_gradient import residual_gradient_update

    return residual_gradient_update(w, x, r, x_next, gamma, alpha)


def _ds_semi(w, x, r, x_next, x_next2, gamma, alpha):
    from fa_book.semi_gradient import semi_gradient_update

    return semi_gradient_update(w, x, r, x_next, gamma, alpha)


def _ds_direction(w, x, r, x_next, x_next2, gamma, alpha, *, g):
    delta = r + gamma * x_next @ w - x @ w
    return w + alpha * delta * (x - g * x_next2)


def _ds_cases() -> list[Case]:
    from fa_book.semi_gradient import random_walk_chain

    cases = [
        _ds_case([1.0, 0.0], [1.0, 0.0], 0.0, [0.0, 1.0], [1.0, 1.0], 0.5, 0.5,
                 "two different next states: "),
        _ds_case([1.0, -1.0, 2.0], [1.0, 0.0, 1.0], 1.0, [0.0, 1.0, 1.0], [0.0, 0.0, 0.0],
                 0.9, 0.1, "the second sample terminates (x(S'_2) = 0): "),
    ]
    rng = np.random.default_rng(6_8)
    for k in range(3):
        d = int(rng.integers(2, 5))
        cases.append(_ds_case(rng.integers(-2, 3, d), rng.integers(0, 2, d),
                              float(rng.integers(-1, 2)), rng.integers(0, 2, d),
                              rng.integers(0, 2, d), 0.8, 0.25,
                              f"random case {k + 1} (seed 68): "))
    # the book's setting: the 7-state chain, from the middle state 3 to 2 and to 4
    mdp, _, phi = random_walk_chain()
    cases.append(_ds_case([-0.5, 0.0, 0.5], phi[3], 0.0, phi[2], phi[4], mdp.gamma, 0.1,
                          "the 7-state chain, S = 3, S' = 2, S'_2 = 4: "))
    return cases


def _weights_features_reward(draw):
    """A generated step's start, drawn in this order: the size d, the weights w, the
    binary features x(S), the reward r; and the strategy of further feature vectors."""
    from hypothesis import strategies as st

    d = draw(st.integers(1, 3))
    features = st.lists(bits(), min_size=d, max_size=d)
    w = draw(st.lists(small_ints(), min_size=d, max_size=d))
    return w, draw(features), draw(small_ints()), features


def _ds_generated():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        w, x, r, features = _weights_features_reward(draw)
        return _ds_case(w, x, r, draw(features), draw(features),
                        draw(st.sampled_from([0.5, 0.9, 1.0])), 0.5, "(found by hypothesis) ")
    return case()


EX_6_8 = register(Exercise(
    id="6.8",
    module="ch06.py",
    function="double_sample_step",
    params=("w", "x", "r", "x_next", "x_next2", "gamma", "alpha"),
    cases=_ds_cases,
    generated=_ds_generated,
    expected=_ds_expected,
    mistakes=(
        ("the same next state in delta and in the gradient: with x(S') in the bracket this "
         "is the one-sample residual gradient (SGD on the TD error), not the Bellman error's "
         "gradient; use x(S'_2)", _ds_one_sample),
        ("the target carries no gradient here: that is the semi-gradient step; the residual "
         "gradient moves along x(S) - gamma x(S'_2)", _ds_semi),
        ("a wrong sign of gamma in the bracket: the gradient of delta is -(x(S) - gamma "
         "x(S'_2))", lambda **k: _ds_direction(**k, g=-k["gamma"])),
        ("a missing gamma in the bracket: x(S) - gamma x(S'_2)",
         lambda **k: _ds_direction(**k, g=1.0)),
        ("the two next states swapped: delta uses S' (with its reward R), the bracket "
         "x(S) - gamma x(S'_2) the second sample",
         lambda **k: _ds_direction(**{**k, "x_next": k["x_next2"], "x_next2": k["x_next"]},
                                   g=k["gamma"])),
    ),
))


# ============================================================================================
# 6.9 one off-policy semi-gradient TD step with the importance ratio (RHO)
# ============================================================================================


def _rho_case(w, x, r, x_next, pi_a, b_a, gamma, alpha, what="", shown=None):
    return Case({"w": np.asarray(w, dtype=float), "x": np.asarray(x, dtype=float),
                 "r": float(r), "x_next": np.asarray(x_next, dtype=float), "pi_a": pi_a,
                 "b_a": b_a, "gamma": gamma, "alpha": alpha},
                f"{what}w = {shown or _r(w)}, x(S) = {_r(x)}, R = {r}, x(S') = {_r(x_next)}, "
                f"pi(A|S) = {_r(pi_a)}, b(A|S) = {_r(b_a)}, gamma = {gamma}, alpha = {alpha}")


def _rho_expected(w, x, r, x_next, pi_a, b_a, gamma, alpha):
    from fa_book.semi_gradient import semi_gradient_update

    return semi_gradient_update(w, x, r, x_next, gamma, alpha, rho=pi_a / b_a)


def rho_variants(w, x, r, x_next, pi_a, b_a, gamma, alpha, *, rho="pi/b", target_only=False,
                 residual=False) -> np.ndarray:
    """One off-policy TD step and its typical mistakes (keywords)."""
    ratio = {"pi/b": pi_a / b_a, "none": 1.0,
             "b/pi": b_a / pi_a if pi_a > 0 else np.inf}[rho]
    if target_only:
        delta = ratio * (r + gamma * x_next @ w) - x @ w
        return w + alpha * delta * x
    delta = r + gamma * x_next @ w - x @ w  # (TDERR)
    grad = x - gamma * x_next if residual else x
    return w + alpha * ratio * delta * grad  # (RHO)


def _rho_cases() -> list[Case]:
    from fa_book.envs import BAIRD_BEHAVIOUR, BAIRD_FEATURES, BAIRD_TARGET, BAIRD_W0

    cases = [
        _rho_case([1.0, 0.0], [1.0, 0.0], 1.0, [0.0, 1.0], 0.5, 0.25, 0.9, 0.5,
                  "rho = 2: "),
        _rho_case([1.0, -1.0, 0.5], [0.0, 1.0, 1.0], -1.0, [1.0, 1.0, 0.0], 0.2, 0.8, 0.5,
                  0.5, "rho = 1/4: "),
        _rho_case([1.0, 2.0], [1.0, 1.0], 0.0, [0.0, 1.0], 0.0, 0.5, 0.9, 0.5,
                  "an action the target policy never takes (rho = 0): "),
    ]
    rng = np.random.default_rng(6_9)
    for k in range(3):
        d = int(rng.integers(2, 5))
        pi_a, b_a = float(rng.choice([0.25, 0.5, 1.0])), float(rng.choice([0.2, 0.5, 0.8]))
        cases.append(_rho_case(rng.integers(-2, 3, d), rng.integers(0, 2, d),
                               float(rng.integers(-1, 2)), rng.integers(0, 2, d), pi_a, b_a,
                               0.9, 0.25, f"random case {k + 1} (seed 69): "))
    # the book's setting: Baird's counterexample from w0, solid from upper state 1 to 7
    solid = 1
    cases.append(_rho_case(BAIRD_W0, BAIRD_FEATURES[0], 0.0, BAIRD_FEATURES[6],
                           float(BAIRD_TARGET[0, solid]), float(BAIRD_BEHAVIOUR[0, solid]),
                           0.99, 0.01, "Baird's counterexample, solid action from state 1: "))
    return cases


def _rho_generated():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        w, x, r, features = _weights_features_reward(draw)
        return _rho_case(w, x, r, draw(features), draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
                         draw(st.sampled_from([0.25, 0.5, 1.0])),
                         draw(st.sampled_from([0.5, 0.9])), 0.5, "(found by hypothesis) ")
    return case()


EX_6_9 = register(Exercise(
    id="6.9",
    module="ch06.py",
    function="off_policy_td_step",
    params=("w", "x", "r", "x_next", "pi_a", "b_a", "gamma", "alpha"),
    cases=_rho_cases,
    generated=_rho_generated,
    expected=_rho_expected,
    mistakes=(
        ("no importance ratio: off-policy the step is weighted by rho = pi(A|S) / b(A|S)",
         lambda **k: rho_variants(**k, rho="none")),
        ("the ratio inverted: rho = pi(A|S) / b(A|S), target over behaviour",
         lambda **k: rho_variants(**k, rho="b/pi")),
        ("rho multiplies only the target: the whole step alpha rho delta x(S) is weighted",
         lambda **k: rho_variants(**k, target_only=True)),
        ("the gradient flows through the TD target (residual gradient instead of "
         "semi-gradient): the step is alpha rho delta x(S)",
         lambda **k: rho_variants(**k, residual=True)),
    ),
))
