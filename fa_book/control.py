r"""Action values and control with linear features (chapter 5).

Notes: 状态-动作值函数近似 — 线性状态-动作值函数近似, 时序差分状态-动作值函数近似,
近似策略评估 + ε-贪心策略提升.

In page order:

* A linear action value $\hat q(s, a, \boldsymbol\theta) = \boldsymbol\theta^\top
  \mathbf x(s, a)$ with state-action features, and the common special case of
  *per-action weights* (stacked features)
  [`stacked_features`][fa_book.control.stacked_features].
* Policies from action values: [`epsilon_greedy_probs`][fa_book.control.epsilon_greedy_probs],
  [`softmax_probs`][fa_book.control.softmax_probs],
  and a sampler that uses explicit uniforms, [`select_action`][fa_book.control.select_action].
* One semi-gradient step of SARSA, Q-learning and expected SARSA, written as on the page:
  [`sarsa_step`][fa_book.control.sarsa_step],
  [`q_learning_step`][fa_book.control.q_learning_step],
  [`expected_sarsa_step`][fa_book.control.expected_sarsa_step].
* Exact answers on finite MDPs: the expected semi-gradient SARSA update
  [`expected_update`][fa_book.control.expected_update], its fixed point
  [`sarsa_fixed_point`][fa_book.control.sarsa_fixed_point], and the notes' loop of
  approximate policy evaluation and $\varepsilon$-greedy improvement
  [`approximate_policy_iteration`][fa_book.control.approximate_policy_iteration].

Each function calls one named check (`check_*` below, or one from
[`fa_book.validate`][fa_book.validate]) and then does its math.  The Mountain Car runs
with tile coding (Sutton & Barto 2018, Example 10.1), their fast engines and full-size
configuration are in [`fa_book.control_runs`][fa_book.control_runs].
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from fa_book.oracles import FiniteMDP, check_policy, on_policy_distribution, v_pi
from fa_book.validate import (
    check_discount,
    check_diverged,
    check_finite,
    check_positive,
    check_positive_int,
    check_probability,
    check_size,
    check_step_size,
    check_weighting,
)

__all__ = [
    "APIResult",
    "apply_update",
    "approximate_policy_iteration",
    "check_action_features",
    "check_action_values",
    "check_api_args",
    "check_sa_problem",
    "check_state_features",
    "check_step_args",
    "choose_action",
    "epsilon_greedy_probs",
    "expected_sarsa_step",
    "expected_update",
    "q_hat",
    "q_learning_step",
    "sarsa_fixed_point",
    "sarsa_step",
    "select_action",
    "softmax_probs",
    "stacked_feature",
    "stacked_features",
]


# ----------------------------------------------------------------------------------------
# Linear action values
# ----------------------------------------------------------------------------------------

def check_action_features(theta, x_sa, name: str = "x_sa") -> tuple[np.ndarray, np.ndarray]:
    r"""Check weights $\boldsymbol\theta$, shape `(d,)`, against features $\mathbf x(s,
    a)$ called `name`, shape `(..., d)`: both finite, with the same last axis.

    Returns:
        `(theta, x_sa)` as float arrays.
    """
    theta = check_finite("theta", np.asarray(theta, dtype=float))
    x = check_finite(name, np.asarray(x_sa, dtype=float))
    if theta.ndim != 1 or theta.size < 1:
        raise ValueError(f"theta must have shape (d,) with d >= 1, got {theta.shape}")
    if x.ndim < 1 or x.shape[-1] != theta.shape[0]:
        raise ValueError(f"{name} must have shape (..., {theta.shape[0]}) to match theta, "
                         f"got {x.shape}")
    return theta, x


def check_state_features(x_s, n_actions: int) -> tuple[np.ndarray, int]:
    r"""Check state features $\mathbf x(s)$, shape `(..., d)` with $d \ge 1$, finite, and
    $|\mathcal A|$ `n_actions`, refusing stacked features larger than `MAX_SIZE`.

    Returns:
        `(x_s, n_actions)`.
    """
    A = check_size("n_actions", n_actions)
    x_s = check_finite("x_s", np.asarray(x_s, dtype=float))
    if x_s.ndim < 1 or x_s.shape[-1] < 1:
        raise ValueError(f"x_s must have shape (..., d) with d >= 1, got {x_s.shape}")
    check_size("the size of the stacked features, n_actions**2 * x_s.size",
               A * A * x_s.size)
    return x_s, A


# --8<-- [start:q_hat]
def q_hat(theta: np.ndarray, x_sa: np.ndarray) -> np.ndarray:
    r"""Linear action values $\hat q(s, a, \boldsymbol\theta) = \boldsymbol\theta^\top
    \mathbf x(s, a)$; the gradient with respect to $\boldsymbol\theta$ is $\mathbf x(s, a)$.

    Args:
        theta: weights $\boldsymbol\theta$, shape `(d,)`.
        x_sa: features $\mathbf x(s, a)$, shape `(..., d)` (e.g. `(A, d)` for every
            action of one state).

    Returns:
        $\hat q$, shape `(...)`.
    """
    theta, x_sa = check_action_features(theta, x_sa)
    return x_sa @ theta  # (QHAT)


def stacked_features(x_s: np.ndarray, n_actions: int) -> np.ndarray:
    r"""State-action features from state features by stacking, one block per action.

    $\mathbf x(s, a) = \mathbf e_a \otimes \mathbf x(s)$: the vector of length $|\mathcal
    A| d$ that holds $\mathbf x(s)$ in block $a$ and zeros elsewhere, so that
    $\boldsymbol\theta^\top \mathbf x(s, a) = \boldsymbol\theta_a^\top \mathbf x(s)$ with
    $\boldsymbol\theta_a$ block $a$ of $\boldsymbol\theta$: one weight vector per action.

    Args:
        x_s: state features $\mathbf x(s)$, shape `(..., d)`.
        n_actions: $|\mathcal A|$.

    Returns:
        $\mathbf x(s, a)$ for every action, shape `(..., A, A * d)`.
    """
    x_s, A = check_state_features(x_s, n_actions)
    eye = np.eye(A)
    return (eye[:, :, None] * x_s[..., None, None, :]).reshape(*x_s.shape[:-1], A, -1)  # (STACK)


def stacked_feature(x_s: np.ndarray, a: int, n_actions: int) -> np.ndarray:
    r"""$\mathbf x(s, a)$ for one action $a$ of
    [`stacked_features`][fa_book.control.stacked_features], shape `(A * d,)`.

    Raises:
        ValueError: if `a` is not an action in $\{0, \dots, |\mathcal A| - 1\}$.
    """
    x_s, A = check_state_features(np.asarray(x_s, dtype=float).reshape(-1), n_actions)
    if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not 0 <= a < A:
        raise ValueError(f"a must be an action in {{0, ..., {A - 1}}}, got {a!r}")
    return stacked_features(x_s, A)[a]
# --8<-- [end:q_hat]


# ----------------------------------------------------------------------------------------
# Policies from action values
# ----------------------------------------------------------------------------------------

def check_action_values(q, epsilon=0.0, u=None) -> tuple[np.ndarray, object, object]:
    r"""Check action values `q`, shape `(..., A)` with $A \ge 1$, finite; `epsilon`
    $\varepsilon \in [0, 1]$ (a scalar; with `u` also one per row, shape `(n,)`); with
    `u`, uniforms in $[0, 1)$ of shape `(n, 2)` for a `q` of shape `(n, A)`.

    Returns:
        `(q, epsilon, u)`, `q` as a float array.
    """
    q = check_finite("q", np.asarray(q, dtype=float))
    if q.ndim < 1 or q.shape[-1] < 1:
        raise ValueError(f"q must have shape (..., A) with A >= 1, got {q.shape}")
    if np.ndim(epsilon) == 0 or u is None:
        epsilon = check_probability("epsilon", epsilon)
    else:
        e = check_finite("epsilon", np.asarray(epsilon, dtype=float))
        if e.shape != q.shape[:1] or q.ndim != 2 or (e < 0).any() or (e > 1).any():
            raise ValueError(f"epsilon must be in [0, 1], a scalar or shape "
                             f"({q.shape[0]},), got shape {e.shape}")
    if u is not None:
        u = np.asarray(u, dtype=float)
        if q.ndim != 2 or u.shape != (q.shape[0], 2):
            raise ValueError(f"q must have shape (n, A) and u shape (n, 2); got q {q.shape}"
                             f", u {u.shape}")
        if not (u >= 0).all() or not (u < 1).all():
            raise ValueError("u must hold uniforms in [0, 1) (found values outside or NaN)")
    return q, epsilon, u


# --8<-- [start:policies]
# --8<-- [start:policies_probs]
def epsilon_greedy_probs(q: np.ndarray, epsilon: float) -> np.ndarray:
    r"""$\varepsilon$-greedy probabilities over actions, ties shared equally.

    $\pi(a \mid s) = \varepsilon / |\mathcal A| + (1 - \varepsilon)\,
    \mathbb 1[a \in \mathcal G] / |\mathcal G|$, where $\mathcal G = \arg\max_b
    \hat q(s, b)$.  With a unique greedy action it gets $1 - \varepsilon +
    \varepsilon/|\mathcal A|$; with $k$ tied greedy actions each gets
    $(1-\varepsilon)/k + \varepsilon/|\mathcal A|$ (the distribution of
    "pick a greedy action uniformly at random").

    Args:
        q: action values $\hat q(s, \cdot)$, shape `(..., A)`.
        epsilon: exploration rate $\varepsilon \in [0, 1]$.

    Returns:
        probabilities, shape `(..., A)`, rows summing to one.
    """
    q, epsilon, _ = check_action_values(q, epsilon)
    A = q.shape[-1]
    greedy = q == q.max(axis=-1, keepdims=True)
    return epsilon / A + (1 - epsilon) * greedy / greedy.sum(-1, keepdims=True)  # (EPSG)


def softmax_probs(q: np.ndarray, temperature: float) -> np.ndarray:
    r"""Softmax (Boltzmann) probabilities $\pi(a \mid s) \propto \exp(\hat q(s, a)/\tau)$.

    Args:
        q: action values, shape `(..., A)`.
        temperature: $\tau > 0$; $\tau \to 0$ approaches greedy, $\tau \to \infty$ uniform.

    Returns:
        probabilities, shape `(..., A)`.
    """
    q, tau = check_action_values(q)[0], check_positive("temperature", temperature)
    with np.errstate(over="ignore"):  # a span beyond float range gives -inf: weight 0
        z = (q - q.max(axis=-1, keepdims=True)) / tau  # shift first: z <= 0, no overflow
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)  # (SOFTMAX)
# --8<-- [end:policies_probs]


def select_action(q: np.ndarray, epsilon: float | np.ndarray, u: np.ndarray) -> np.ndarray:
    r"""Sample from [`epsilon_greedy_probs`][fa_book.control.epsilon_greedy_probs] using two
    given uniforms per row, so that a batched and a one-at-a-time learner that are handed
    the same numbers choose the same actions.

    With $u_0 < \varepsilon$ the action is $\lfloor u_1 |\mathcal A| \rfloor$ (uniform);
    otherwise it is the $\lfloor u_1 k \rfloor$-th of the $k$ tied greedy actions.

    Args:
        q: action values, shape `(n, A)`.
        epsilon: $\varepsilon$, scalar or shape `(n,)`.
        u: uniforms in $[0, 1)$, shape `(n, 2)`.

    Returns:
        actions, int64 shape `(n,)`.
    """
    return choose_action(*check_action_values(q, epsilon, u))


def choose_action(q: np.ndarray, epsilon: float | np.ndarray, u: np.ndarray) -> np.ndarray:
    r"""The sampler of [`select_action`][fa_book.control.select_action] without its
    checks, for inner loops whose inputs are valid by construction (the Mountain Car
    runners: finite values, a checked $\varepsilon$, uniforms from a generator).

    It does not check that `q` is finite with shape `(n, A)`, that $\varepsilon \in
    [0, 1]$, or that `u` holds uniforms in $[0, 1)$ of shape `(n, 2)`; a NaN in `q` gives
    action 0 silently.
    """
    n, A = q.shape
    greedy = q == q.max(axis=1, keepdims=True)
    k = greedy.sum(1)
    j = np.minimum((u[:, 1] * k).astype(np.int64), k - 1)            # which tied action
    greedy_a = (np.cumsum(greedy, axis=1) == (j + 1)[:, None]).argmax(1)
    random_a = np.minimum((u[:, 1] * A).astype(np.int64), A - 1)
    return np.where(u[:, 0] < epsilon, random_a, greedy_a)
# --8<-- [end:policies]


# ----------------------------------------------------------------------------------------
# One semi-gradient step
# ----------------------------------------------------------------------------------------

def check_step_args(theta, x_sa, r, x_next, terminated, alpha, gamma, pi_next=None, *,
                    next_name: str = "x_next") -> tuple:
    r"""Check the arguments of one semi-gradient step: $\boldsymbol\theta$ shape `(d,)`,
    $\mathbf x(S, A)$ shape `(d,)`, a finite reward $R$, the next features (`next_name`
    `"x_next"`: $\mathbf x(S', A')$ shape `(d,)`; `"X_next"`: $\mathbf x(S', \cdot)$
    shape `(A, d)`), a boolean `terminated`, $\alpha > 0$, $\gamma \in [0, 1]$, and for
    expected SARSA a probability vector $\pi(\cdot \mid S')$ of shape `(A,)`.

    Returns:
        `(theta, x_sa, r, x_next, alpha, gamma, pi_next)` as floats and float arrays.
    """
    theta, x_sa = check_action_features(theta, x_sa)
    if x_sa.ndim != 1:
        raise ValueError(f"x_sa must have shape ({theta.shape[0]},), got {x_sa.shape}")
    _, x_next = check_action_features(theta, x_next, next_name)
    if x_next.ndim != (1 if next_name == "x_next" else 2):
        want = "(d,)" if next_name == "x_next" else "(A, d)"
        raise ValueError(f"{next_name} must have shape {want}, got {x_next.shape}")
    if not isinstance(terminated, (bool, np.bool_)):
        raise TypeError(f"terminated must be a bool, got {type(terminated).__name__}")
    if np.ndim(r) != 0:
        raise ValueError(f"r must be a scalar reward, got shape {np.shape(r)}")
    r = float(check_finite("r", np.asarray(r, dtype=float)))
    if pi_next is not None:
        pi_next = check_finite("pi_next", np.asarray(pi_next, dtype=float))
        if (pi_next.shape != x_next.shape[:1] or (pi_next < 0).any()
                or abs(pi_next.sum() - 1) > 1e-8):
            raise ValueError(f"pi_next must be a probability vector of shape "
                             f"({x_next.shape[0]},), got {pi_next!r}")
    return (theta, x_sa, r, x_next, check_step_size("alpha", alpha),
            check_discount("gamma", gamma), pi_next)


def apply_update(theta: np.ndarray, x_sa: np.ndarray, delta: float, alpha: float,
                 what: str, step: int) -> tuple[np.ndarray, float]:
    r"""The update (UPDATE) $\boldsymbol\theta + \alpha\delta\,\mathbf x(S, A)$, then
    [`check_diverged`][fa_book.validate.check_diverged] on $\delta$ and the new
    $\boldsymbol\theta$ (`what` and `step` name the run in its error).

    It does not check its arguments: the step functions that call it have.

    Returns:
        `(theta_new, delta)`.
    """
    theta = theta + alpha * delta * x_sa  # (UPDATE)
    check_diverged(what, np.append(theta, delta), step, alpha)
    return theta, float(delta)


# --8<-- [start:sarsa_step]
def sarsa_step(theta: np.ndarray, x_sa: np.ndarray, r: float, x_next: np.ndarray,
               terminated: bool, alpha: float, gamma: float, *,
               step: int = 0) -> tuple[np.ndarray, float]:
    r"""One semi-gradient SARSA step on the transition $(S, A, R, S', A')$.

    Bootstraps from the action $A'$ that the policy actually takes next:
    $\delta = R + \gamma \hat q(S', A') - \hat q(S, A)$ (with $\hat q(S', \cdot) = 0$ if
    $S'$ is terminal), then $\boldsymbol\theta \leftarrow \boldsymbol\theta + \alpha
    \delta \mathbf x(S, A)$.

    Args:
        theta: $\boldsymbol\theta$, shape `(d,)`.
        x_sa: $\mathbf x(S, A)$, shape `(d,)`.
        r: reward $R$.
        x_next: $\mathbf x(S', A')$, shape `(d,)` (ignored if `terminated`).
        terminated: whether $S'$ is terminal (a time-limit truncation is *not*).
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        step: index of this step, reported if the run diverges.

    Returns:
        `(theta_new, delta)`.

    Raises:
        ValueError: on mismatched shapes, non-finite inputs or out-of-range `alpha`,
            `gamma` (see [`check_step_args`][fa_book.control.check_step_args]).
        DivergenceError: if $\delta$ or $\boldsymbol\theta$ blows up.
    """
    theta, x_sa, r, x_next, alpha, gamma, _ = check_step_args(
        theta, x_sa, r, x_next, terminated, alpha, gamma)
    q_next = 0.0 if terminated else q_hat(theta, x_next)
    delta = r + gamma * q_next - q_hat(theta, x_sa)  # (SARSA)
    return apply_update(theta, x_sa, delta, alpha, "semi-gradient SARSA", step)
# --8<-- [end:sarsa_step]


# --8<-- [start:q_learning_step]
def q_learning_step(theta: np.ndarray, x_sa: np.ndarray, r: float, X_next: np.ndarray,
                    terminated: bool, alpha: float, gamma: float, *,
                    step: int = 0) -> tuple[np.ndarray, float]:
    r"""One semi-gradient Q-learning step on the transition $(S, A, R, S')$.

    Bootstraps from the greedy value $\max_{a'} \hat q(S', a')$, whatever action the
    behaviour policy takes next: $\delta = R + \gamma \max_{a'} \hat q(S', a') - \hat
    q(S, A)$.

    The arguments, result and errors are those of
    [`sarsa_step`][fa_book.control.sarsa_step], except

    Args:
        X_next: $\mathbf x(S', a')$ for every action $a'$, shape `(A, d)`.
    """
    theta, x_sa, r, X_next, alpha, gamma, _ = check_step_args(
        theta, x_sa, r, X_next, terminated, alpha, gamma, next_name="X_next")
    q_next = 0.0 if terminated else q_hat(theta, X_next).max()
    delta = r + gamma * q_next - q_hat(theta, x_sa)  # (QL)
    return apply_update(theta, x_sa, delta, alpha, "semi-gradient Q-learning", step)
# --8<-- [end:q_learning_step]


# --8<-- [start:expected_sarsa_step]
def expected_sarsa_step(theta: np.ndarray, x_sa: np.ndarray, r: float, X_next: np.ndarray,
                        pi_next: np.ndarray, terminated: bool, alpha: float, gamma: float,
                        *, step: int = 0) -> tuple[np.ndarray, float]:
    r"""One semi-gradient expected-SARSA step on the transition $(S, A, R, S')$.

    Bootstraps from the mean over the target policy $\pi$ at $S'$:
    $\delta = R + \gamma \sum_{a'} \pi(a' \mid S') \hat q(S', a') - \hat q(S, A)$.
    With $\pi$ greedy this is Q-learning; with $\pi$ the behaviour policy it is the
    expectation of SARSA's target over $A'$.

    The arguments, result and errors are those of
    [`sarsa_step`][fa_book.control.sarsa_step], except

    Args:
        X_next: $\mathbf x(S', a')$ for every action, shape `(A, d)`.
        pi_next: target-policy probabilities $\pi(\cdot \mid S')$, shape `(A,)`.
    """
    theta, x_sa, r, X_next, alpha, gamma, pi_next = check_step_args(
        theta, x_sa, r, X_next, terminated, alpha, gamma, pi_next, next_name="X_next")
    q_next = 0.0 if terminated else pi_next @ q_hat(theta, X_next)
    delta = r + gamma * q_next - q_hat(theta, x_sa)  # (ESARSA)
    return apply_update(theta, x_sa, delta, alpha, "semi-gradient expected SARSA", step)
# --8<-- [end:expected_sarsa_step]


# ----------------------------------------------------------------------------------------
# Exact answers on finite MDPs
# ----------------------------------------------------------------------------------------

def check_sa_problem(mdp: FiniteMDP, X, pi=None, mu=None, theta=None, *,
                     theta_name: str = "theta") -> tuple:
    r"""Check a finite MDP `mdp` and state-action features `X` of shape `(S, A, d)`
    (finite); optionally a policy $\pi$ of shape `(S, A)` with a state weighting $\mu$ of
    shape `(S,)` (default: the on-policy distribution of $\pi$), and weights
    $\boldsymbol\theta$ of shape `(d,)` (called `theta_name` in errors).

    Returns:
        `(X, pi, mu, theta)` as float arrays (`None` for what was not given).
    """
    if not isinstance(mdp, FiniteMDP):
        raise TypeError(f"mdp must be a FiniteMDP, got {type(mdp).__name__}")
    X = check_finite("X", np.asarray(X, dtype=float))
    if X.ndim != 3 or X.shape[:2] != (mdp.n_states, mdp.n_actions) or X.shape[2] < 1:
        raise ValueError(f"X must have shape (S, A, d) = ({mdp.n_states}, {mdp.n_actions}, "
                         f"d), got {X.shape}")
    if theta is not None:
        theta = check_finite(theta_name, np.asarray(theta, dtype=float))
        if theta.shape != (X.shape[2],):
            raise ValueError(f"{theta_name} must have shape (d,) = ({X.shape[2]},) to match "
                             f"X, got {theta.shape}")
    if pi is not None:
        pi = check_policy(mdp, pi)
        mu = on_policy_distribution(mdp, pi) if mu is None else check_weighting(
            "mu", mu, mdp.n_states)
    return X, pi, mu, theta


# --8<-- [start:expected_update]
def expected_update(mdp: FiniteMDP, pi: np.ndarray, X: np.ndarray, theta: np.ndarray,
                    mu: np.ndarray | None = None) -> np.ndarray:
    r"""The expected semi-gradient SARSA update direction, in closed form.

    With $(S, A) \sim \mu(s)\pi(a \mid s)$, $S' \sim P(\cdot \mid S, A)$,
    $A' \sim \pi(\cdot \mid S')$, and $\Phi$ the $(|\mathcal S||\mathcal A|) \times d$
    matrix of rows $\mathbf x(s, a)^\top$,

    $$
    \mathbb E[\delta\,\mathbf x(S, A)] = \Phi^\top D\,(\mathbf r + \gamma P \Pi \Phi
    \boldsymbol\theta - \Phi\boldsymbol\theta),
    $$

    with $D = \operatorname{diag}(\mu(s)\pi(a \mid s))$, $P$ the $(s,a) \to s'$ transition
    matrix and $\Pi$ the $s' \to (s', a')$ policy matrix.  A missing row mass of $P$ is
    termination, where the bootstrap is zero.  Expected SARSA has the same expected update.

    Args:
        mdp: the finite MDP.
        pi: policy $\pi$, shape `(S, A)`.
        X: features $\mathbf x(s, a)$, shape `(S, A, d)`.
        theta: $\boldsymbol\theta$, shape `(d,)`.
        mu: state weighting $\mu$, shape `(S,)`; default the on-policy distribution.

    Returns:
        $\mathbb E[\delta\,\mathbf x(S, A)]$, shape `(d,)` (multiply by $\alpha$ for the
        mean step).
    """
    # --8<-- [start:expected_update_body]
    X, pi, mu, theta = check_sa_problem(mdp, X, pi, mu, theta)
    S, A, d = X.shape
    Phi = X.reshape(S * A, d)
    D = (mu[:, None] * pi).reshape(-1)                         # weight of each (s, a)
    P = mdp.P.reshape(S * A, S)                                # (s, a) -> s'
    Pi = (np.eye(S)[:, :, None] * pi[:, None, :]).reshape(S, S * A)   # s' -> (s', a')
    q = Phi @ theta
    return Phi.T @ (D * (mdp.R.reshape(-1) + mdp.gamma * P @ Pi @ q - q))  # (EXPUPD)
    # --8<-- [end:expected_update_body]


def sarsa_fixed_point(mdp: FiniteMDP, pi: np.ndarray, X: np.ndarray,
                      mu: np.ndarray | None = None) -> np.ndarray:
    r"""The $\boldsymbol\theta$ where the expected update vanishes (the TD fixed point of
    action values): $\Phi^\top D (\Phi - \gamma P\Pi\Phi)\boldsymbol\theta = \Phi^\top D
    \mathbf r$.

    Raises:
        ValueError: if the system is singular (features not independent on the support).
    """
    X, pi, mu, _ = check_sa_problem(mdp, X, pi, mu)
    S, A, d = X.shape
    Phi = X.reshape(S * A, d)
    D = (mu[:, None] * pi).reshape(-1)
    P = mdp.P.reshape(S * A, S)
    Pi = (np.eye(S)[:, :, None] * pi[:, None, :]).reshape(S, S * A)
    M = Phi.T @ (D[:, None] * (Phi - mdp.gamma * P @ Pi @ Phi))
    if np.linalg.cond(M) > 1e12:
        raise ValueError("the fixed-point system is singular: features must be linearly "
                         "independent on the state-action pairs that pi visits")
    return np.linalg.solve(M, Phi.T @ (D * mdp.R.reshape(-1)))
# --8<-- [end:expected_update]


class APIResult(NamedTuple):
    """Output of [`approximate_policy_iteration`][fa_book.control.approximate_policy_iteration]."""

    J: np.ndarray
    r"""True value $J(\pi_k) = d_0^\top v_{\pi_k}$ of each policy, shape `(K + 1,)`."""
    policies: np.ndarray
    """The policies $\\pi_0, \\dots, \\pi_K$, shape `(K + 1, S, A)`."""
    thetas: np.ndarray
    r"""$\boldsymbol\theta$ after each evaluation, shape `(K, d)`."""


def check_api_args(mdp: FiniteMDP, X, epsilon, n_iterations, eval_steps, alpha,
                   theta0) -> tuple:
    r"""Check the arguments of
    [`approximate_policy_iteration`][fa_book.control.approximate_policy_iteration]:
    `X` of shape `(S, A, d)`, $\varepsilon \in [0, 1]$, `n_iterations` $\ge 1$,
    `eval_steps` $\ge 1$ or `None`, $\alpha > 0$, `theta0` of shape `(d,)` or `None`
    (zeros); the number of expected updates is refused above `MAX_SIZE`.

    Returns:
        `(X, epsilon, n_iterations, eval_steps, alpha, theta0)`.
    """
    X, _, _, theta0 = check_sa_problem(mdp, X, theta=theta0, theta_name="theta0")
    K = check_size("n_iterations", n_iterations)
    if eval_steps is not None:
        check_size("n_iterations * eval_steps", K * check_positive_int("eval_steps",
                                                                        eval_steps))
    theta0 = np.zeros(X.shape[2]) if theta0 is None else theta0
    return (X, check_probability("epsilon", epsilon), K, eval_steps,
            check_step_size("alpha", alpha), theta0)


# --8<-- [start:api]
def approximate_policy_iteration(mdp: FiniteMDP, X: np.ndarray, *, epsilon: float,
                                 n_iterations: int, eval_steps: int | None,
                                 alpha: float = 0.5,
                                 theta0: np.ndarray | None = None) -> APIResult:
    r"""The notes' loop: approximate policy evaluation, then $\varepsilon$-greedy improvement.

    Start from $\boldsymbol\theta_0$ and $\pi_0$ = $\varepsilon$-greedy in
    $\hat q(\cdot, \cdot, \boldsymbol\theta_0)$.  Each iteration

    1. **evaluates** $\pi_k$ approximately: `eval_steps` expected semi-gradient SARSA steps
       $\boldsymbol\theta \leftarrow \boldsymbol\theta + \alpha\,\mathbb E_{\pi_k}[\delta
       \mathbf x]$ from the current $\boldsymbol\theta$ (no sampling noise, so only the
       number of steps matters), or with `eval_steps=None` jumps to the fixed point
       [`sarsa_fixed_point`][fa_book.control.sarsa_fixed_point];
    2. **improves**: $\pi_{k+1}$ = $\varepsilon$-greedy in $\hat q(\cdot, \cdot,
       \boldsymbol\theta)$.

    Args:
        mdp: the finite MDP (continuing, $\gamma < 1$, or episodic).
        X: features $\mathbf x(s, a)$, shape `(S, A, d)`.
        epsilon: $\varepsilon \in [0, 1]$ of the improvement step.
        n_iterations: number $K \ge 1$ of evaluate-improve rounds.
        eval_steps: expected-update steps per evaluation ($\ge 1$), or `None` for exact.
        alpha: step size of the expected updates.
        theta0: initial weights, shape `(d,)` (default zeros).

    Returns:
        the true value $J(\pi_k)$ of every policy, the policies and the weights.

    Raises:
        ValueError: on bad arguments (see [`check_api_args`][fa_book.control.check_api_args]).
        DivergenceError: if the weights blow up.
    """
    X, epsilon, K, eval_steps, alpha, theta = check_api_args(
        mdp, X, epsilon, n_iterations, eval_steps, alpha, theta0)
    # --8<-- [start:api_loop]
    pi = epsilon_greedy_probs(X @ theta, epsilon)
    J, policies, thetas = [mdp.d0 @ v_pi(mdp, pi)], [pi], []
    for k in range(K):
        if eval_steps is None:                                        # exact evaluation
            theta = sarsa_fixed_point(mdp, pi, X)
        else:                                                         # a few steps only
            for _ in range(eval_steps):
                theta = theta + alpha * expected_update(mdp, pi, X, theta)
                check_diverged("approximate policy evaluation", theta, k, alpha)
        pi = epsilon_greedy_probs(X @ theta, epsilon)                 # improvement
        J.append(mdp.d0 @ v_pi(mdp, pi))
        policies.append(pi)
        thetas.append(theta)
    return APIResult(np.array(J), np.array(policies), np.array(thetas))
    # --8<-- [end:api_loop]
# --8<-- [end:api]
