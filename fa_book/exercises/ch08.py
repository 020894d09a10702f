r"""Chapter 8's programming exercises (policy gradients and the likelihood ratio).

8.3 *The Gaussian score.* (GSCOREMU) and (GSCORESIGMA) for $\mu(s) = \theta_\mu^\top
\mathbf x(s)$, $\sigma = e^{\theta_\sigma}$; the exact answer is the package's
`GaussianLinearPolicy.grad_log_pi`.

8.6 *The softmax score.* (SCORE) for linear preferences in one state; the exact answer is
`SoftmaxLinearPolicy.grad_log_pi`.

8.7 *The likelihood-ratio estimate.* The mean of (LR) over a batch of sampled pairs
$(s_i, a_i)$ with a baseline $b(s)$; the exact answer takes, for each pair, the value
$\hat g(s_i, a_i)$ that the package's `estimator_distribution` enumerates.
"""

from __future__ import annotations

import math

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register
from fa_book.exercises._strategies import small_ints


def _fmt(x) -> str:
    """A short, readable list for a label: integers without '.0', others to 3 digits."""
    arr = np.asarray(x, dtype=float)
    if np.all(arr == np.round(arr)):
        return str(arr.astype(int).tolist())
    return str(np.round(arr, 3).tolist())


# --- 8.3: the Gaussian policy's score -----------------------------------------------------

def gaussian_exact(theta, x, a) -> np.ndarray:
    """The exact answer: `GaussianLinearPolicy(d).grad_log_pi(theta, x, a)`."""
    from fa_book.policies import GaussianLinearPolicy

    x = np.asarray(x, float)
    return GaussianLinearPolicy(x.shape[-1]).grad_log_pi(theta, x, np.asarray(a, float))


def _gauss(theta, x, a, *, sigma_power=2, wrt_sigma=False, minus_one=True, sign=1.0):
    theta, x = np.asarray(theta, float), np.asarray(x, float)
    mu, sigma = x @ theta[:-1], math.exp(theta[-1])
    e = sign * (a - mu)
    g_mu = e / sigma**sigma_power * x
    if wrt_sigma:  # d/d sigma of -(a - mu)^2 / (2 sigma^2) - log sigma
        g_s = (a - mu) ** 2 / sigma**3 - 1.0 / sigma
    else:
        g_s = (a - mu) ** 2 / sigma**2 - (1.0 if minus_one else 0.0)
    return np.append(g_mu, g_s)


def _gauss_mistake(**switch):
    return lambda theta, x, a: _gauss(theta, x, a, **switch)


def _gauss_label(theta, x, a, extra=""):
    theta = np.asarray(theta, float)
    sigma = math.exp(theta[-1])
    shown_s = (f"theta_sigma = log {sigma:g} (sigma = {sigma:g})"
               if abs(round(sigma, 6) - sigma) < 1e-12 and sigma != 1 else
               f"theta_sigma = {theta[-1]:.3g}")
    return (f"theta_mu = {_fmt(theta[:-1])}, {shown_s}, x(s) = {_fmt(x)}, a = {a:g}{extra}")


def _cases_8_3() -> list[Case]:
    hand = [
        (np.array([0.5, math.log(2.0)]), np.array([1.0]), 2.5),
        (np.array([1.0, -0.5, math.log(0.5)]), np.array([2.0, 1.0]), 0.0),
        (np.array([0.0, 1.0, 0.0, math.log(4.0)]), np.array([1.0, -1.0, 3.0]), -3.0),
    ]
    cases = [Case({"theta": t, "x": x, "a": a}, _gauss_label(t, x, a)) for t, x, a in hand]
    rng = np.random.default_rng(8_3)
    for k in range(3):
        d = int(rng.integers(1, 6))
        theta = np.append(rng.normal(0, 1, d), rng.uniform(-1.5, 1.5))
        cases.append(Case({"theta": theta, "x": rng.normal(0, 1, d),
                           "a": float(rng.normal(0, 2))},
                          f"random case {k + 1} (seed 83): d = {d} features"))
    return cases


def _generated_8_3():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        d = draw(st.integers(1, 3))
        ints = st.lists(small_ints(), min_size=d, max_size=d)
        sigma = draw(st.sampled_from([0.5, 1.0, 2.0, 4.0]))
        theta = np.append(np.array(draw(ints)), math.log(sigma))
        x = np.array(draw(ints))
        a = float(draw(st.integers(-4, 4)))
        return Case({"theta": theta, "x": x, "a": a},
                    _gauss_label(theta, x, a, " (found by hypothesis)"))
    return case()


EX_8_3 = register(Exercise(
    id="8.3",
    module="ch08.py",
    function="gaussian_score",
    params=("theta", "x", "a"),
    cases=_cases_8_3,
    generated=_generated_8_3,
    expected=gaussian_exact,
    mistakes=(
        ("sigma in place of sigma^2 in (GSCOREMU): the theta_mu part is "
         "(a - mu) / sigma^2 x(s)", _gauss_mistake(sigma_power=1)),
        ("the derivative with respect to sigma, not theta_sigma = log sigma: "
         "d/d theta_sigma = sigma d/d sigma gives (a - mu)^2 / sigma^2 - 1",
         _gauss_mistake(wrt_sigma=True)),
        ("the -1 of (GSCORESIGMA) is missing: it is the derivative of -log sigma = "
         "-theta_sigma", _gauss_mistake(minus_one=False)),
        ("a wrong sign in (GSCOREMU): the score moves mu towards a, (a - mu), not (mu - a)",
         _gauss_mistake(sign=-1.0)),
    ),
))


# --- 8.6: the softmax policy's score ------------------------------------------------------

def softmax_exact(theta, X, a) -> np.ndarray:
    """The exact answer: `SoftmaxLinearPolicy(d, A).grad_log_pi(theta, X, a)`."""
    from fa_book.policies import SoftmaxLinearPolicy

    X = np.asarray(X, float)
    A, d = X.shape
    return SoftmaxLinearPolicy(d, A).grad_log_pi(theta, X, np.asarray(a))


def _pi(theta, X):
    h = np.asarray(X, float) @ np.asarray(theta, float)
    e = np.exp(h - h.max())
    return e / e.sum()


def _no_mean(theta, X, a):
    return np.asarray(X, float)[a]


def _flipped(theta, X, a):
    return -softmax_exact(theta, X, a)


def _unweighted(theta, X, a):
    X = np.asarray(X, float)
    return X[a] - X.mean(axis=0)


def _grad_pi(theta, X, a):
    return _pi(theta, X)[a] * softmax_exact(theta, X, a)


def _softmax_label(theta, X, a, extra=""):
    return f"theta = {_fmt(theta)}, x(s, b) for b = 0..{len(X) - 1} = {_fmt(X)}, a = {a}{extra}"


def _cases_8_6() -> list[Case]:
    hand = [
        (np.array([0.0, 0.0]), np.array([[1.0, 0.0], [0.0, 1.0]]), 0),
        (np.array([1.0, -1.0]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), 2),
        (np.array([np.log(3.0)]), np.array([[1.0], [0.0]]), 1),
    ]
    cases = [Case({"theta": t, "X": X, "a": a}, _softmax_label(t, X, a)) for t, X, a in hand]
    cases[2] = Case(cases[2].kwargs, "theta = [log 3], x(s, b) for b = 0..1 = [[1], [0]], a = 1 "
                                     "(pi = [3/4, 1/4])")
    rng = np.random.default_rng(8_6)
    for k in range(3):
        A, d = int(rng.integers(2, 6)), int(rng.integers(1, 5))
        cases.append(Case({"theta": rng.normal(0, 1, d), "X": rng.uniform(-1, 1, (A, d)),
                           "a": int(rng.integers(A))},
                          f"random case {k + 1} (seed 86): {A} actions, d = {d}"))
    # preferences h = theta^T x(s, b) = 1000, 0, 200: exp(1000) overflows
    cases.append(Case({"theta": np.array([1000.0, 200.0]),
                       "X": np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]), "a": 1},
                      "theta = [1000, 200], x(s, b) = [[1, 0], [0, 0], [0, 1]], a = 1: "
                      "preferences 1000, 0, 200, where exp(h) overflows (subtract the "
                      "largest first, (LOGSOFTMAX))"))
    # the book's setting: the page's one-step MDP (example_one_step: seed 0, 3 states,
    # 4 actions, 2 features), the features of state 1, theta as after some ascent
    from fa_book.policy_gradient import random_one_step_mdp

    rng = np.random.default_rng(0)
    random_one_step_mdp(rng, 3, 4)  # the MDP's d and R come first from the stream
    X = rng.uniform(-1, 1, (3, 4, 2))
    cases.append(Case({"theta": np.array([1.5, -2.0]), "X": X[1], "a": 3},
                      "the action features x(1, b) of state 1 of the page's one-step MDP "
                      "(example_one_step, seed 0), theta = [1.5, -2], a = 3"))
    return cases


def _generated_8_6():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        A, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        small = small_ints()
        theta = np.array(draw(st.lists(small, min_size=d, max_size=d)))
        X = np.array(draw(st.lists(st.lists(small, min_size=d, max_size=d), min_size=A,
                                   max_size=A)))
        a = draw(st.integers(0, A - 1))
        return Case({"theta": theta, "X": X, "a": a},
                    _softmax_label(theta, X, a, " (found by hypothesis)"))
    return case()


EX_8_6 = register(Exercise(
    id="8.6",
    module="ch08.py",
    function="softmax_score",
    params=("theta", "X", "a"),
    cases=_cases_8_6,
    generated=_generated_8_6,
    expected=softmax_exact,
    mistakes=(
        ("the policy's average feature sum_b pi(b|s) x(s, b) is not subtracted: that is "
         "the gradient of the preference h, not of log pi", _no_mean),
        ("a wrong sign: the score is x(s, a) minus the average, not the average minus "
         "x(s, a)", _flipped),
        ("the unweighted average (1/|A|) sum_b x(s, b): the average must be weighted by "
         "pi_theta(b|s)", _unweighted),
        ("the gradient of pi, not of log pi: an extra factor pi(a|s)", _grad_pi),
    ),
))


# --- 8.7: the likelihood-ratio estimate ---------------------------------------------------

def _g_table(theta, X, R, baseline):
    """The value of the one-sample estimate at every (s, a): `estimator_distribution`."""
    from fa_book.policies import SoftmaxLinearPolicy
    from fa_book.policy_gradient import OneStepMDP, estimator_distribution

    X, R = np.asarray(X, float), np.asarray(R, float)
    S, A, d = X.shape
    mdp = OneStepMDP(np.full(S, 1.0 / S), R)  # d(s) does not enter g-hat's values
    _, g = estimator_distribution(mdp, SoftmaxLinearPolicy(d, A), theta, X, baseline)
    return g


def lr_exact(theta, X, R, s, a, baseline) -> np.ndarray:
    r"""The exact answer: the mean over $i$ of $\hat g(s_i, a_i)$, each taken from the
    package's enumeration of the estimator's values."""
    return _g_table(theta, X, R, baseline)[np.asarray(s), np.asarray(a)].mean(axis=0)


def _scores(theta, X, s, a):
    from fa_book.policies import SoftmaxLinearPolicy

    X = np.asarray(X, float)
    _, A, d = X.shape
    return SoftmaxLinearPolicy(d, A).grad_log_pi(theta, X[s], np.asarray(a))


def _lr(theta, X, R, s, a, baseline, *, weight=lambda R, b: R - b, score=_scores,
        reduce=np.mean, times_pi=False):
    s, a, R, b = np.asarray(s), np.asarray(a), np.asarray(R, float), np.asarray(baseline, float)
    g = score(theta, X, s, a) * weight(R[s, a], b[s])[:, None]
    if times_pi:
        from fa_book.policies import SoftmaxLinearPolicy

        X = np.asarray(X, float)
        pi = SoftmaxLinearPolicy(X.shape[2], X.shape[1]).pi(theta, X[s])
        g = g * pi[np.arange(len(s)), a][:, None]
    return reduce(g, axis=0)


def _lr_mistake(**switch):
    return lambda theta, X, R, s, a, baseline: _lr(theta, X, R, s, a, baseline, **switch)


def _lr_label(theta, X, R, s, a, baseline, extra=""):
    return (f"theta = {_fmt(theta)}, x(s, a) = {_fmt(X)}, r_sa = {_fmt(R)}, samples "
            f"s = {_fmt(s)}, a = {_fmt(a)}, b(s) = {_fmt(baseline)}{extra}")


def _draw(rng, d_s, theta, X, n):
    """n pairs drawn as `lr_samples` draws them: S ~ d, then A ~ pi(.|S)."""
    from fa_book.policies import SoftmaxLinearPolicy

    _, A, d = X.shape
    s = rng.choice(len(d_s), size=n, p=d_s)
    return s, SoftmaxLinearPolicy(d, A).sample(theta, X[s], rng)


def _cases_8_7() -> list[Case]:
    X1 = np.array([[[1.0, 0.0], [0.0, 1.0]]])  # one state, two actions, tabular features
    X2 = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [0.0, 0.0]]])
    hand = [
        (np.zeros(2), X1, np.array([[1.0, 0.0]]), np.array([0]), np.array([0]),
         np.array([0.0])),
        (np.zeros(2), X1, np.array([[1.0, 0.0]]), np.array([0, 0]), np.array([0, 0]),
         np.array([3.0])),
        (np.array([1.0, 0.0]), X2, np.array([[3.0, 1.0], [0.0, 2.0]]), np.array([0, 1, 1]),
         np.array([1, 0, 1]), np.array([1.0, 0.5])),
    ]
    cases = [Case({"theta": t, "X": X, "R": R, "s": s, "a": a, "baseline": b},
                  _lr_label(t, X, R, s, a, b)) for t, X, R, s, a, b in hand]
    rng = np.random.default_rng(8_7)
    for k in range(3):
        S, A, d, n = (int(rng.integers(1, 4)), int(rng.integers(2, 5)),
                      int(rng.integers(1, 4)), int(rng.integers(3, 12)))
        theta, X = rng.normal(0, 1, d), rng.uniform(-1, 1, (S, A, d))
        s, a = _draw(rng, np.full(S, 1.0 / S), theta, X, n)
        cases.append(Case({"theta": theta, "X": X, "R": rng.uniform(-1, 1, (S, A)) + 5,
                           "s": s, "a": a, "baseline": rng.uniform(4, 6, S)},
                          f"random case {k + 1} (seed 87): {S} state{'s' * (S > 1)}, "
                          f"{A} actions, d = {d}, {n} samples, rewards near 5"))
    # the book's setting: the page's one-step MDP (example_one_step, seed 0) with 5 added to
    # every reward, theta = 0, a batch of 4 samples drawn as lr_samples draws them, and
    # the baseline b(s) = V(s) of the learning-curve figure
    from fa_book.policies import SoftmaxLinearPolicy
    from fa_book.policy_gradient import random_one_step_mdp

    rng = np.random.default_rng(0)
    mdp = random_one_step_mdp(rng, 3, 4, offset=5.0)
    X = rng.uniform(-1, 1, (3, 4, 2))
    theta = np.zeros(2)
    s, a = _draw(np.random.default_rng(1), mdp.d, theta, X, 4)
    V = (SoftmaxLinearPolicy(2, 4).pi(theta, X) * mdp.R).sum(1)
    cases.append(Case({"theta": theta, "X": X, "R": mdp.R, "s": s, "a": a, "baseline": V},
                      f"the page's one-step MDP (example_one_step(offset=5), seed 0), "
                      f"theta = 0, 4 samples s = {_fmt(s)}, a = {_fmt(a)} (seed 1), "
                      "b(s) = V(s)"))
    return cases


def _generated_8_7():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        S, A, d, n = (draw(st.integers(1, 2)), draw(st.integers(2, 3)), draw(st.integers(1, 2)),
                      draw(st.integers(1, 4)))
        small = small_ints()
        theta = np.array(draw(st.lists(small, min_size=d, max_size=d)))
        X = np.array(draw(st.lists(st.lists(st.lists(small, min_size=d, max_size=d),
                                            min_size=A, max_size=A), min_size=S, max_size=S)))
        R = np.array(draw(st.lists(st.lists(small, min_size=A, max_size=A), min_size=S,
                                   max_size=S)))
        s = np.array(draw(st.lists(st.integers(0, S - 1), min_size=n, max_size=n)))
        a = np.array(draw(st.lists(st.integers(0, A - 1), min_size=n, max_size=n)))
        b = np.array(draw(st.lists(small, min_size=S, max_size=S)))
        return Case({"theta": theta, "X": X, "R": R, "s": s, "a": a, "baseline": b},
                    _lr_label(theta, X, R, s, a, b, " (found by hypothesis)"))
    return case()


EX_8_7 = register(Exercise(
    id="8.7",
    module="ch08.py",
    function="lr_estimate",
    params=("theta", "X", "R", "s", "a", "baseline"),
    cases=_cases_8_7,
    generated=_generated_8_7,
    expected=lr_exact,
    mistakes=(
        ("the score without its mean: the gradient of log pi is x(s, a) minus "
         "sum_b pi(b|s) x(s, b) (SCORE)",
         _lr_mistake(score=lambda theta, X, s, a: np.asarray(X, float)[s, a])),
        ("the sum over the samples, not the mean (1/n)", _lr_mistake(reduce=np.sum)),
        ("an extra factor pi(a_i|s_i): the sampling already weights by pi, the estimate is "
         "grad log pi (r - b)", _lr_mistake(times_pi=True)),
        ("no baseline: the reward must be replaced by r_{s_i a_i} - b(s_i)",
         _lr_mistake(weight=lambda R, b: R)),
        ("the baseline is added, not subtracted: r - b(s), not r + b(s)",
         _lr_mistake(weight=lambda R, b: R + b)),
        ("a wrong sign: the estimate is grad log pi (r - b), not grad log pi (b - r)",
         _lr_mistake(weight=lambda R, b: b - R)),
    ),
))
