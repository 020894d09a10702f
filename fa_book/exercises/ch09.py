r"""Chapter 9's programming exercises (the policy gradient theorem, exactly).

9.1 *The discounted visitation.* $\eta_\gamma^\top = d_0^\top (I - \gamma P_\pi)^{-1}$,
checked against [`discounted_visitation`][fa_book.oracles.discounted_visitation].

9.4 *The theorem with a baseline.* (PGT1) with $Q^\pi(s, a) - b(s)$ in place of
$Q^\pi(s, a)$: the exact answer is (PGT1) itself, from the oracles' $\eta_\gamma$ and
$Q^\pi$, whatever $b$ is.

9.6 *The average value's gradient.* (PGTV): $\frac{1}{1-\gamma}\sum_s d^\pi(s) \sum_a
\pi\nabla\log\pi\,\tilde q^\pi$, from the oracle's stationary distribution and the
differential values (DIFFQ), as
[`differential_values`][fa_book.policy_gradient.differential_values] computes them.

Every input is an MDP and a softmax policy given by its matrix $\pi(a \mid s)$ and its
scores $\nabla\log\pi(a \mid s)$; [`problem`][fa_book.exercises.ch09.problem] rebuilds
the random ones from the seed a message names.  Only numpy and the oracles are imported
(no torch), so that a grading starts quickly.
"""

from __future__ import annotations

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register


def problem(seed: int, S: int, A: int, d: int, gamma: float, terminate: float = 0.0
            ) -> dict:
    r"""The random problem a case names: `{"mdp", "pi", "score"}` of a dense MDP (Dirichlet
    rows scaled by $1 - $ `terminate`, rewards uniform in $[-1, 1]$, Dirichlet $d_0$) and
    a softmax policy on random action features (the recipe of the chapter's check)."""
    from fa_book.oracles import FiniteMDP

    rng = np.random.default_rng(seed)
    mdp = FiniteMDP(rng.dirichlet(np.ones(S), size=(S, A)) * (1 - terminate),
                    rng.uniform(-1, 1, (S, A)), gamma, rng.dirichlet(np.ones(S)))
    X, theta = rng.uniform(-1, 1, (S, A, d)), rng.uniform(-2, 2, d)
    return {"mdp": mdp, **softmax_policy(theta, X)}


def softmax_policy(theta: np.ndarray, X: np.ndarray) -> dict:
    r"""`{"pi", "score"}` of the softmax policy $\pi(a \mid s) \propto
    e^{\theta^\top \mathbf x(s, a)}$: $\pi$ shape `(S, A)` and the scores
    $\mathbf x(s, a) - \sum_b \pi(b \mid s)\,\mathbf x(s, b)$, shape `(S, A, d)` (the
    closed form of [`SoftmaxLinearPolicy`][fa_book.policies.SoftmaxLinearPolicy])."""
    h = X @ theta
    pi = np.exp(h - h.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)
    return {"pi": pi, "score": X - np.einsum("sb,sbd->sd", pi, X)[:, None, :]}


def _tabular(P, R, gamma, d0, theta=None) -> dict:
    """A hand-made MDP with a tabular softmax policy (theta = 0: uniform)."""
    from fa_book.oracles import FiniteMDP

    mdp = FiniteMDP(np.array(P, float), np.array(R, float), gamma, np.array(d0, float))
    S, A = mdp.n_states, mdp.n_actions
    X = np.eye(S * A).reshape(S, A, S * A)  # one-hot x(s, a): the tabular softmax
    theta = np.zeros(S * A) if theta is None else np.asarray(theta, float)
    return {"mdp": mdp, **softmax_policy(theta, X)}


def _chain() -> dict:
    # state 0 -> state 1 -> end, whatever the action; d0 = (3/4, 1/4)
    P = [[[0, 1], [0, 1]], [[0, 0], [0, 0]]]
    return _tabular(P, [[1, 0], [0, 1]], 0.5, [0.75, 0.25])


CHAIN = ("2-state chain: state 0 -> state 1 -> end (any action), d0 = (3/4, 1/4), gamma = 0.5, "
         "rewards r(0, .) = (1, 0), r(1, .) = (0, 1), uniform tabular softmax")


def _loop() -> dict:
    # two states; action 0 stays, action 1 switches; continuing
    P = [[[1, 0], [0, 1]], [[0, 1], [1, 0]]]
    return _tabular(P, [[1, 0], [0, 0]], 0.5, [1, 0], theta=[0.0, np.log(3), 0.0, 0.0])


LOOP = ("2-state continuing task: action 0 stays, action 1 switches, d0 = (1, 0), "
        "gamma = 0.5, r(0, 0) = 1 and 0 elsewhere, tabular softmax with "
        "pi(. | 0) = (1/4, 3/4), pi(. | 1) = (1/2, 1/2)")


def _named(args: tuple, extra: str = "") -> str:
    seed, S, A, d, gamma, terminate = args
    task = f"episodic, terminate = {terminate}" if terminate else "continuing"
    return (f"problem(seed={seed}, S={S}, A={A}, d={d}, gamma={gamma}, "
            f"terminate={terminate}) ({task}{extra})")


def _check_mdp() -> dict:
    """The chapter's check: seed 0, 5 states, 3 actions, 4 features, gamma = 0.9."""
    from fa_book.oracles import FiniteMDP

    rng = np.random.default_rng(0)
    S, A, d = 5, 3, 4
    mdp = FiniteMDP(rng.dirichlet(np.ones(S), size=(S, A)), rng.uniform(-1, 1, (S, A)),
                    gamma=0.9, d0=rng.dirichlet(np.ones(S)))
    X, theta = rng.uniform(-1, 1, (S, A, d)), rng.uniform(-2, 2, d)
    return {"mdp": mdp, **softmax_policy(theta, X)}


CHECK_LABEL = ("the MDP of the chapter's check (seed 0: 5 states, 3 actions, 4 features, "
               "gamma = 0.9, continuing)")


def _generated(*, episodic: bool, continuing: bool, with_b: bool = False,
               with_score: bool = True):
    """Small random problems for hypothesis: seeds, sizes 1-3, gamma in {0, 0.5, 0.9, 1}."""
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        S, A, d = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
        kinds = ([0.0] if continuing else []) + ([0.2, 0.5] if episodic else [])
        terminate = draw(st.sampled_from(kinds))
        gamma = draw(st.sampled_from([0.0, 0.5, 0.9] + ([1.0] if terminate else [])))
        seed = draw(st.integers(0, 999))
        args = (seed, S, A, d, gamma, terminate)
        kwargs = problem(*args)
        if not with_score:
            del kwargs["score"]
        extra = ""
        if with_b:
            b = draw(st.lists(st.integers(-3, 3), min_size=S, max_size=S))
            kwargs["b"] = np.array(b, float)
            extra = f", b = {b}"
        return Case(kwargs, _named(args, extra) + " (found by hypothesis)")
    return case()


def _safe(fn):
    """A mistake's answer, or NaN where the mistake cannot even be computed (e.g. the
    undiscounted visit counts of a continuing task): NaN matches nothing."""
    def answer(**kwargs):
        try:
            with np.errstate(all="ignore"):
                return fn(**kwargs)
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
            return np.nan
    return answer


def _P_pi(mdp, pi):
    return np.einsum("sa,sat->st", pi, mdp.P)


# ---------------------------------------------------------------------------------------
# 9.1 the discounted visitation
# ---------------------------------------------------------------------------------------

def visitation_answer(mdp, pi) -> np.ndarray:
    r"""The exact answer: the oracle's $\eta_\gamma$."""
    from fa_book.oracles import discounted_visitation
    return discounted_visitation(mdp, pi)


def _eta_transposed(mdp, pi):
    return np.linalg.solve(np.eye(mdp.n_states) - mdp.gamma * _P_pi(mdp, pi), mdp.d0)


def _eta_normalised(mdp, pi):
    eta = visitation_answer(mdp, pi)
    return eta / eta.sum()


def _eta_undiscounted(mdp, pi):
    M = np.eye(mdp.n_states) - _P_pi(mdp, pi)
    if np.linalg.cond(M) > 1e12:
        raise ValueError("continuing task: infinite visit counts")
    return np.linalg.solve(M.T, mdp.d0)


def _eta_from_t1(mdp, pi):
    return visitation_answer(mdp, pi) - mdp.d0


def _on_policy(mdp, pi):
    from fa_book.oracles import on_policy_distribution
    return on_policy_distribution(mdp, pi)


def _cases_9_1() -> list[Case]:
    cases = [Case(_chain(), CHAIN), Case(_loop(), LOOP)]
    for k, args in enumerate([(1, 3, 2, 2, 0.9, 0.2), (2, 4, 3, 2, 0.8, 0.0),
                              (3, 3, 2, 3, 1.0, 0.3)]):
        cases.append(Case(problem(*args), f"random case {k + 1}: " + _named(args)))
    cases.append(Case(_check_mdp(), CHECK_LABEL))
    return [Case({"mdp": c.kwargs["mdp"], "pi": c.kwargs["pi"]}, c.label) for c in cases]


EX_9_1 = register(Exercise(
    id="9.1",
    module="ch09.py",
    function="eta_gamma",
    params=("mdp", "pi"),
    cases=_cases_9_1,
    generated=lambda: _generated(episodic=True, continuing=True, with_score=False),
    expected=visitation_answer,
    mistakes=(
        ("the transpose is missing: eta_gamma is the row vector d0^T (I - gamma P_pi)^{-1} "
         "(solve with (I - gamma P_pi)^T), not (I - gamma P_pi)^{-1} d0",
         _safe(_eta_transposed)),
        ("the undiscounted visit counts d0^T (I - P_pi)^{-1}: the gamma^t weight is missing",
         _safe(_eta_undiscounted)),
        ("the sum starts at t = 1: the t = 0 term d0 is missing", _safe(_eta_from_t1)),
        ("normalised to a distribution: eta_gamma is unnormalised, it sums to the expected "
         "discounted episode length (1/(1 - gamma) on a continuing task)",
         _safe(_eta_normalised)),
        ("the on-policy distribution mu (stationary, or the fraction of time per state) in "
         "place of the discounted visitation", _safe(_on_policy)),
    ),
))


# ---------------------------------------------------------------------------------------
# 9.4 the start-state theorem with a baseline
# ---------------------------------------------------------------------------------------

def pg_start_answer(mdp, pi, score, b=None) -> np.ndarray:
    r"""The exact answer: (PGT1) from the oracles' $\eta_\gamma$ and $Q^\pi$ (the body of
    [`pg_start`][fa_book.policy_gradient.pg_start]); `b` changes nothing."""
    from fa_book.oracles import discounted_visitation, q_pi
    eta, Q = discounted_visitation(mdp, pi), q_pi(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", eta, pi, score, Q)  # (PGT1)


def _with_weights(weights, mdp, pi, score, b):
    from fa_book.oracles import q_pi
    return np.einsum("s,sa,sak,sa->k", weights, pi, score, q_pi(mdp, pi) - b[:, None])


def _pg_undiscounted(mdp, pi, score, b):
    return _with_weights(_eta_undiscounted(mdp, pi), mdp, pi, score, b)


def _pg_normalised(mdp, pi, score, b):
    return _with_weights(_eta_normalised(mdp, pi), mdp, pi, score, b)


def _pg_on_policy(mdp, pi, score, b):
    return _with_weights(_on_policy(mdp, pi), mdp, pi, score, b)


def _pg_d0(mdp, pi, score, b):
    return _with_weights(mdp.d0, mdp, pi, score, b)


def _pg_transposed(mdp, pi, score, b):
    return _with_weights(_eta_transposed(mdp, pi), mdp, pi, score, b)


def _pg_reward(mdp, pi, score, b):
    from fa_book.oracles import discounted_visitation
    return np.einsum("s,sa,sak,sa->k", discounted_visitation(mdp, pi), pi, score,
                     mdp.R - b[:, None])


def _pg_q_without_gamma(mdp, pi, score, b):
    from fa_book.oracles import discounted_visitation, v_pi
    Q = mdp.R + mdp.P @ v_pi(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", discounted_visitation(mdp, pi), pi, score,
                     Q - b[:, None])


def _pg_b_outside(mdp, pi, score, b):
    from fa_book.oracles import discounted_visitation, q_pi
    inner = np.einsum("sa,sak,sa->sk", pi, score, q_pi(mdp, pi)) - b[:, None]
    return discounted_visitation(mdp, pi) @ inner


def _pg_value(mdp, pi, score, b):
    from fa_book.oracles import discounted_visitation, v_pi
    V = v_pi(mdp, pi)
    return np.einsum("s,sa,sak,s->k", discounted_visitation(mdp, pi), pi, score, V - b)


def _cases_9_4() -> list[Case]:
    from fa_book.oracles import v_pi

    chain, loop = _chain(), _loop()
    cases = [Case({**chain, "b": np.zeros(2)}, CHAIN + ", b = (0, 0)"),
             Case({**chain, "b": np.array([1.0, -2.0])}, CHAIN + ", b = (1, -2)"),
             Case({**loop, "b": np.array([0.5, 0.0])}, LOOP + ", b = (0.5, 0)")]
    rng = np.random.default_rng(9_4)
    for k, args in enumerate([(1, 3, 2, 2, 0.9, 0.2), (2, 4, 3, 2, 0.8, 0.0),
                              (3, 3, 2, 3, 1.0, 0.3)]):
        kw = problem(*args)
        kw["b"] = np.round(rng.uniform(-2, 2, args[1]), 1)
        cases.append(Case(kw, f"random case {k + 1}: " + _named(
            args, f", b = {kw['b'].tolist()}")))
    kw = _check_mdp()
    cases.append(Case({**kw, "b": v_pi(kw["mdp"], kw["pi"])},
                      CHECK_LABEL + ", b = v_pi (the state values)"))
    return cases


EX_9_4 = register(Exercise(
    id="9.4",
    module="ch09.py",
    function="grad_j_start",
    params=("mdp", "pi", "score", "b"),
    cases=_cases_9_4,
    generated=lambda: _generated(episodic=True, continuing=True, with_b=True),
    expected=pg_start_answer,
    mistakes=(
        ("V(s) - b(s) in place of Q(s, a) - b(s): a value that does not depend on the "
         "action gives sum_a grad pi(a|s) V(s) = 0", _safe(_pg_value)),
        ("the undiscounted visit counts d0^T (I - P_pi)^{-1} in place of eta_gamma: the "
         "gamma^t weight is missing (NOGAMMA)", _safe(_pg_undiscounted)),
        ("the transpose is missing: eta_gamma is d0^T (I - gamma P_pi)^{-1}, not "
         "(I - gamma P_pi)^{-1} d0", _safe(_pg_transposed)),
        ("the start distribution d0 in place of eta_gamma: the visits after t = 0 are "
         "missing", _safe(_pg_d0)),
        ("eta_gamma normalised to a distribution: the theorem's weights are unnormalised "
         "(the constant ||eta_gamma||_1, 1/(1 - gamma) on a continuing task, is missing)",
         _safe(_pg_normalised)),
        ("the on-policy distribution mu in place of the discounted visitation eta_gamma",
         _safe(_pg_on_policy)),
        ("the immediate reward r(s, a) in place of Q(s, a): that is the one-step formula "
         "of chapter 8", _safe(_pg_reward)),
        ("Q(s, a) = r(s, a) + sum_s' P(s'|s, a) V(s'): the gamma in front of the next "
         "value is missing", _safe(_pg_q_without_gamma)),
        ("b(s) subtracted after the sum over actions; it belongs inside, "
         "sum_a pi grad log pi (Q(s, a) - b(s)), where it cancels", _safe(_pg_b_outside)),
    ),
))


# ---------------------------------------------------------------------------------------
# 9.6 the average value's gradient
# ---------------------------------------------------------------------------------------

def differential_q(mdp, pi) -> np.ndarray:
    r"""$\tilde q^\pi = r - \rho + P\tilde v$ (DIFFQ), with $\tilde v$ solving
    $(I - P_\pi + \mathbf 1 d^{\pi\top})\tilde v = r_\pi - \rho\mathbf 1$: the
    computation of [`differential_values`][fa_book.policy_gradient.differential_values],
    from the oracle's stationary $d^\pi$."""
    from fa_book.oracles import on_policy_distribution, policy_matrices
    d = on_policy_distribution(mdp, pi)
    P_pi, r_pi = policy_matrices(mdp, pi)
    rho = d @ r_pi
    v = np.linalg.solve(np.eye(mdp.n_states) - P_pi + np.outer(np.ones(mdp.n_states), d),
                        r_pi - rho)
    return mdp.R - rho + mdp.P @ v  # (DIFFQ)


def pg_average_value_answer(mdp, pi, score) -> np.ndarray:
    r"""The exact answer: (PGTV) from the stationary $d^\pi$ and the differential
    $\tilde q^\pi$ (the body of
    [`pg_average_value`][fa_book.policy_gradient.pg_average_value])."""
    from fa_book.oracles import on_policy_distribution
    d = on_policy_distribution(mdp, pi)
    q = differential_q(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", d, pi, score, q) / (1 - mdp.gamma)  # (PGTV)


def _avv_discounted_q(mdp, pi, score):
    from fa_book.oracles import q_pi
    return np.einsum("s,sa,sak,sa->k", _on_policy(mdp, pi), pi, score,
                     q_pi(mdp, pi)) / (1 - mdp.gamma)


def _avv_notes_literal(mdp, pi, score):
    return _avv_discounted_q(mdp, pi, score) * (1 - mdp.gamma)


def _avv_no_constant(mdp, pi, score):
    return pg_average_value_answer(mdp, pi, score) * (1 - mdp.gamma)


def _avv_eta(mdp, pi, score):
    q = differential_q(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", visitation_answer(mdp, pi), pi, score, q) / (
        1 - mdp.gamma)


def _avv_uniform(mdp, pi, score):
    q = differential_q(mdp, pi)
    uniform = np.full(mdp.n_states, 1 / mdp.n_states)
    return np.einsum("s,sa,sak,sa->k", uniform, pi, score, q) / (1 - mdp.gamma)


def _avv_squared(mdp, pi, score):
    return pg_average_value_answer(mdp, pi, score) / (1 - mdp.gamma)


def _cases_9_6() -> list[Case]:
    cases = [Case(_loop(), LOOP)]
    P = [[[0.5, 0.5], [0, 1]], [[1, 0], [0.5, 0.5]]]
    cases.append(Case(_tabular(P, [[0, 1], [2, 0]], 0.9, [0.5, 0.5], [1.0, 0, 0, 1.0]),
                      "2-state continuing task P(.|0, .) = ((1/2, 1/2), (0, 1)), "
                      "P(.|1, .) = ((1, 0), (1/2, 1/2)), r = ((0, 1), (2, 0)), "
                      "gamma = 0.9, tabular softmax with theta = (1, 0, 0, 1)"))
    for k, args in enumerate([(1, 3, 2, 2, 0.9, 0.0), (2, 4, 3, 2, 0.5, 0.0),
                              (3, 3, 3, 3, 0.95, 0.0)]):
        cases.append(Case(problem(*args), f"random case {k + 1}: " + _named(args)))
    cases.append(Case(_check_mdp(), CHECK_LABEL))
    return cases


EX_9_6 = register(Exercise(
    id="9.6",
    module="ch09.py",
    function="grad_j_average_value",
    params=("mdp", "pi", "score"),
    cases=_cases_9_6,
    generated=lambda: _generated(episodic=False, continuing=True),
    expected=pg_average_value_answer,
    mistakes=(
        ("the discounted Q^pi_gamma in place of the differential q~ (AVVQ): that is the "
         "gradient of sum_s d(s) V(s) with d held fixed, it misses sum_s grad d(s) V(s)",
         _safe(_avv_discounted_q)),
        ("the notes' literal formula: stationary states, the discounted Q and no constant",
         _safe(_avv_notes_literal)),
        ("the constant 1/(1 - gamma) is missing: that is grad J_avR, and "
         "J_avV = J_avR / (1 - gamma)", _safe(_avv_no_constant)),
        ("1/(1 - gamma) twice", _safe(_avv_squared)),
        ("the discounted visitation eta_gamma from d0 in place of the stationary d^pi",
         _safe(_avv_eta)),
        ("states weighted uniformly in place of the stationary d^pi", _safe(_avv_uniform)),
    ),
))
