r"""Action values and control with linear features (chapter 5).

Notes: 状态-动作值函数近似 — 线性状态-动作值函数近似, 时序差分状态-动作值函数近似,
近似策略评估 + ε-贪心策略提升.

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
* Mountain Car with tile coding (Sutton & Barto 2018, Example 10.1):
  [`mountain_car_sarsa`][fa_book.control.mountain_car_sarsa] runs many independent runs
  at once on a numpy copy of gymnasium's dynamics, and
  [`mountain_car_sarsa_single`][fa_book.control.mountain_car_sarsa_single] runs one
  long run in plain Python; both draw the same random numbers and give the same numbers.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from fa_book.discretize import MountainCarBatch
from fa_book.oracles import FiniteMDP, check_policy, on_policy_distribution, v_pi
from fa_book.tiles import TileCoder
from fa_book.validate import (
    DivergenceError,
    check_discount,
    check_positive,
    check_positive_int,
    check_probability,
    check_step_size,
)

__all__ = [
    "APIResult",
    "MountainCarConfig",
    "MountainCarResult",
    "approximate_policy_iteration",
    "epsilon_greedy_probs",
    "expected_sarsa_step",
    "expected_update",
    "mountain_car_coder",
    "mountain_car_sarsa",
    "mountain_car_sarsa_single",
    "q_hat",
    "q_learning_step",
    "sarsa_fixed_point",
    "sarsa_step",
    "select_action",
    "softmax_probs",
    "stacked_feature",
    "stacked_features",
]

_BLOW_UP = 1e12
"""|theta| beyond this counts as divergence (the values of these tasks are O(1e3))."""


# ----------------------------------------------------------------------------------------
# Linear action values
# ----------------------------------------------------------------------------------------

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
    theta, x_sa = _check_features(theta, x_sa, "x_sa")
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
    A = check_positive_int("n_actions", n_actions)
    x_s = np.asarray(x_s, dtype=float)
    eye = np.eye(A)
    return (eye[:, :, None] * x_s[..., None, None, :]).reshape(*x_s.shape[:-1], A, -1)  # (STACK)


def stacked_feature(x_s: np.ndarray, a: int, n_actions: int) -> np.ndarray:
    r"""$\mathbf x(s, a)$ for one action $a$ of
    [`stacked_features`][fa_book.control.stacked_features], shape `(A * d,)`.

    Raises:
        ValueError: if `a` is not an action in $\{0, \dots, |\mathcal A| - 1\}$.
    """
    A = check_positive_int("n_actions", n_actions)
    if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not 0 <= a < A:
        raise ValueError(f"a must be an action in {{0, ..., {A - 1}}}, got {a!r}")
    return stacked_features(np.asarray(x_s, dtype=float).reshape(-1), A)[a]
# --8<-- [end:q_hat]


def _check_features(theta, x, name):
    theta = np.asarray(theta, dtype=float)
    x = np.asarray(x, dtype=float)
    if theta.ndim != 1:
        raise ValueError(f"theta must have shape (d,), got {theta.shape}")
    if x.ndim < 1 or x.shape[-1] != theta.shape[0]:
        raise ValueError(f"{name} must have shape (..., {theta.shape[0]}) to match theta, "
                         f"got {x.shape}")
    return theta, x


# ----------------------------------------------------------------------------------------
# Policies from action values
# ----------------------------------------------------------------------------------------

# --8<-- [start:policies]
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
    epsilon = check_probability("epsilon", epsilon)
    q = np.asarray(q, dtype=float)
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
    tau = check_positive("temperature", temperature)
    z = np.asarray(q, dtype=float) / tau
    z = z - z.max(axis=-1, keepdims=True)         # shift: same probabilities, no overflow
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)  # (SOFTMAX)


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

def _check_step(theta, x_sa, alpha, gamma):
    theta, x_sa = _check_features(theta, x_sa, "x_sa")
    if x_sa.ndim != 1:
        raise ValueError(f"x_sa must have shape ({theta.shape[0]},), got {x_sa.shape}")
    return theta, x_sa, check_step_size("alpha", alpha), check_discount("gamma", gamma)


def _update(theta, x_sa, delta, alpha, what, step):
    theta = theta + alpha * delta * x_sa  # (UPDATE)
    if not (np.isfinite(delta) and np.abs(theta).max(initial=0.0) < _BLOW_UP):
        raise DivergenceError(what, step, alpha)
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
        ValueError: on mismatched shapes or out-of-range `alpha`, `gamma`.
        DivergenceError: if $\delta$ or $\boldsymbol\theta$ blows up.
    """
    theta, x_sa, alpha, gamma = _check_step(theta, x_sa, alpha, gamma)
    q_next = 0.0 if terminated else q_hat(theta, x_next)
    delta = r + gamma * q_next - q_hat(theta, x_sa)  # (SARSA)
    return _update(theta, x_sa, delta, alpha, "semi-gradient SARSA", step)
# --8<-- [end:sarsa_step]


# --8<-- [start:q_learning_step]
def q_learning_step(theta: np.ndarray, x_sa: np.ndarray, r: float, X_next: np.ndarray,
                    terminated: bool, alpha: float, gamma: float, *,
                    step: int = 0) -> tuple[np.ndarray, float]:
    r"""One semi-gradient Q-learning step on the transition $(S, A, R, S')$.

    Bootstraps from the greedy value $\max_{a'} \hat q(S', a')$, whatever action the
    behaviour policy takes next: $\delta = R + \gamma \max_{a'} \hat q(S', a') - \hat
    q(S, A)$.

    Args:
        theta: $\boldsymbol\theta$, shape `(d,)`.
        x_sa: $\mathbf x(S, A)$, shape `(d,)`.
        r: reward $R$.
        X_next: $\mathbf x(S', a')$ for every action $a'$, shape `(A, d)`.
        terminated: whether $S'$ is terminal.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        step: index of this step, reported if the run diverges.

    Returns:
        `(theta_new, delta)`.
    """
    theta, x_sa, alpha, gamma = _check_step(theta, x_sa, alpha, gamma)
    q_next = 0.0 if terminated else q_hat(theta, X_next).max()
    delta = r + gamma * q_next - q_hat(theta, x_sa)  # (QL)
    return _update(theta, x_sa, delta, alpha, "semi-gradient Q-learning", step)
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

    Args:
        theta: $\boldsymbol\theta$, shape `(d,)`.
        x_sa: $\mathbf x(S, A)$, shape `(d,)`.
        r: reward $R$.
        X_next: $\mathbf x(S', a')$ for every action, shape `(A, d)`.
        pi_next: target-policy probabilities $\pi(\cdot \mid S')$, shape `(A,)`.
        terminated: whether $S'$ is terminal.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        step: index of this step, reported if the run diverges.

    Returns:
        `(theta_new, delta)`.
    """
    theta, x_sa, alpha, gamma = _check_step(theta, x_sa, alpha, gamma)
    pi_next = np.asarray(pi_next, dtype=float)
    q_next = 0.0 if terminated else pi_next @ q_hat(theta, X_next)
    delta = r + gamma * q_next - q_hat(theta, x_sa)  # (ESARSA)
    return _update(theta, x_sa, delta, alpha, "semi-gradient expected SARSA", step)
# --8<-- [end:expected_sarsa_step]


# ----------------------------------------------------------------------------------------
# Exact answers on finite MDPs
# ----------------------------------------------------------------------------------------

def _check_X(mdp: FiniteMDP, X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 3 or X.shape[:2] != (mdp.n_states, mdp.n_actions):
        raise ValueError(f"X must have shape (S, A, d) = ({mdp.n_states}, {mdp.n_actions}, "
                         f"d), got {X.shape}")
    return X


# --8<-- [start:expected_update]
def expected_update(mdp: FiniteMDP, pi: np.ndarray, X: np.ndarray, theta: np.ndarray,
                    mu: np.ndarray | None = None) -> np.ndarray:
    r"""The expected semi-gradient SARSA update direction, in closed form.

    With $(S, A) \sim \mu(s)\pi(a \mid s)$, $S' \sim P(\cdot \mid S, A)$,
    $A' \sim \pi(\cdot \mid S')$, and $\Phi$ the $(|\mathcal S||\mathcal A|) \times d$
    matrix of rows $\mathbf x(s, a)^\top$,
    $$\mathbb E[\delta\,\mathbf x(S, A)] = \Phi^\top D\,(\mathbf r + \gamma P \Pi \Phi
    \boldsymbol\theta - \Phi\boldsymbol\theta),$$
    $D = \operatorname{diag}(\mu(s)\pi(a \mid s))$, $P$ the $(s,a) \to s'$ transition
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
    pi = check_policy(mdp, pi)
    X = _check_X(mdp, X)
    theta, _ = _check_features(theta, X, "X")
    S, A, d = X.shape
    mu = on_policy_distribution(mdp, pi) if mu is None else np.asarray(mu, dtype=float)
    Phi = X.reshape(S * A, d)
    D = (mu[:, None] * pi).reshape(-1)                         # weight of each (s, a)
    P = mdp.P.reshape(S * A, S)                                # (s, a) -> s'
    Pi = (np.eye(S)[:, :, None] * pi[:, None, :]).reshape(S, S * A)   # s' -> (s', a')
    q = Phi @ theta
    return Phi.T @ (D * (mdp.R.reshape(-1) + mdp.gamma * P @ Pi @ q - q))  # (EXPUPD)


def sarsa_fixed_point(mdp: FiniteMDP, pi: np.ndarray, X: np.ndarray,
                      mu: np.ndarray | None = None) -> np.ndarray:
    r"""The $\boldsymbol\theta$ where the expected update vanishes (the TD fixed point of
    action values): $\Phi^\top D (\Phi - \gamma P\Pi\Phi)\boldsymbol\theta = \Phi^\top D
    \mathbf r$.

    Raises:
        ValueError: if the system is singular (features not independent on the support).
    """
    pi = check_policy(mdp, pi)
    X = _check_X(mdp, X)
    S, A, d = X.shape
    mu = on_policy_distribution(mdp, pi) if mu is None else np.asarray(mu, dtype=float)
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
        DivergenceError: if the weights blow up.
    """
    X = _check_X(mdp, X)
    epsilon = check_probability("epsilon", epsilon)
    K = check_positive_int("n_iterations", n_iterations)
    if eval_steps is not None:
        eval_steps = check_positive_int("eval_steps", eval_steps)
    alpha = check_step_size("alpha", alpha)
    theta = np.zeros(X.shape[2]) if theta0 is None else np.array(theta0, dtype=float)
    pi = epsilon_greedy_probs(X @ theta, epsilon)
    J, policies, thetas = [mdp.d0 @ v_pi(mdp, pi)], [pi], []
    for k in range(K):
        if eval_steps is None:                                        # exact evaluation
            theta = sarsa_fixed_point(mdp, pi, X)
        else:                                                         # a few steps only
            for _ in range(eval_steps):
                theta = theta + alpha * expected_update(mdp, pi, X, theta)
            if not np.all(np.abs(theta) < _BLOW_UP):
                raise DivergenceError("approximate policy evaluation", k, alpha)
        pi = epsilon_greedy_probs(X @ theta, epsilon)                 # improvement
        J.append(mdp.d0 @ v_pi(mdp, pi))
        policies.append(pi)
        thetas.append(theta)
    return APIResult(np.array(J), np.array(policies), np.array(thetas))
# --8<-- [end:api]


# ----------------------------------------------------------------------------------------
# Mountain Car with tile coding
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MountainCarConfig:
    r"""Semi-gradient SARSA on Mountain Car with tile coding (S&B Example 10.1)."""

    n_tilings: int = 8
    """Number of tilings $n$ (S&B: 8)."""
    n_tiles: int = 8
    """Tiles across position and across velocity in each tiling (S&B: 8, as in tiles3)."""
    alpha: float = 0.5
    r"""Step size per tiling: the weight step is $\alpha / n$ (S&B write $0.5/8$)."""
    epsilon: float = 0.0
    r"""Exploration rate $\varepsilon$ (S&B: 0; zero initial weights are optimistic)."""
    gamma: float = 1.0
    r"""Discount $\gamma$ (undiscounted episodic task)."""
    episodes: int = 500
    """Episodes per run."""
    max_episode_steps: int | None = None
    """Time limit (truncation, which still bootstraps); None = none, as in S&B
    (gymnasium's MountainCar-v0 adds a 200-step limit)."""


class MountainCarResult(NamedTuple):
    """Output of the Mountain Car runners."""

    steps: np.ndarray
    """Steps of each episode, int shape `(runs, episodes)`."""
    W: np.ndarray
    """Final weights, shape `(runs, A, d)`: per-action weights over tile features."""
    snapshots: dict
    """`{episode: W after that episode}` for the requested episodes (1-based)."""


def mountain_car_coder(config: MountainCarConfig) -> TileCoder:
    r"""The tile coder of `config` over the box $[-1.2, 0.5] \times [-0.07, 0.07]$ of
    positions and velocities, as S&B (positions beyond the goal at 0.5 end the episode)."""
    return TileCoder(low=[MountainCarBatch.min_position, -MountainCarBatch.max_speed],
                     high=[MountainCarBatch.goal_position, MountainCarBatch.max_speed],
                     n_tiles=config.n_tiles, n_tilings=config.n_tilings)


def _check_mc_config(config: MountainCarConfig, alphas=None) -> np.ndarray:
    if not isinstance(config, MountainCarConfig):
        raise ValueError(f"config must be a MountainCarConfig, got {config!r}")
    check_positive_int("n_tilings", config.n_tilings)
    check_positive_int("n_tiles", config.n_tiles)
    check_probability("epsilon", config.epsilon)
    check_discount("gamma", config.gamma)
    check_positive_int("episodes", config.episodes)
    if config.max_episode_steps is not None:
        check_positive_int("max_episode_steps", config.max_episode_steps)
    alphas = np.atleast_1d(np.asarray(config.alpha if alphas is None else alphas, float))
    for a in alphas:
        check_step_size("alpha", float(a))
    return alphas


_CHUNK = 512


def _uniforms(rng: np.random.Generator, n: int):
    """Endless `(n, 2)` blocks of uniforms, drawn `_CHUNK` steps at a time."""
    while True:
        block = rng.random((_CHUNK, n, 2))
        yield from block


# --8<-- [start:mountain_car_sarsa]
def mountain_car_sarsa(config: MountainCarConfig, rng: np.random.Generator, *,
                       runs: int = 1, alphas: Sequence[float] | None = None,
                       snapshot_episodes: Sequence[int] = ()) -> MountainCarResult:
    r"""Episodic semi-gradient SARSA on Mountain Car, many independent runs at once.

    The algorithm of S&B §10.1 ("Episodic Semi-gradient Sarsa"), with per-action weights
    over tile features, $\hat q(s, a) = \sum_{i \in \text{tiles}(s)} W_{a,i}$.  Each run has
    its own weights, its own car (a numpy copy of gymnasium's `MountainCar-v0` dynamics,
    [`MountainCarBatch`][fa_book.discretize.MountainCarBatch]) and plays
    `config.episodes` episodes; runs that finish early wait with step size 0.

    Args:
        config: hyperparameters.
        rng: random generator: start states (one seed per run, used as
            `env.reset(seed=...)` would) and every action choice come from it.
        runs: number of runs $\ge 1$.
        alphas: optional step size (per tiling) of each run, shape `(runs,)`, overriding
            `config.alpha`; lets one call sweep step sizes.
        snapshot_episodes: 1-based episode numbers after which to copy the weights
            (with several runs: all runs' weights when the first run finishes that
            episode; meant for `runs=1`).

    Returns:
        steps per episode, final weights, snapshots.

    Raises:
        ValueError: on bad hyperparameters.
        DivergenceError: if any weight becomes non-finite or explodes.
    """
    runs = check_positive_int("runs", runs)
    alpha_run = _check_mc_config(config, alphas)
    if alpha_run.size not in (1, runs):
        raise ValueError(f"alphas must have one entry per run ({runs}), got {alpha_run.size}")
    coder, n, E = mountain_car_coder(config), config.n_tilings, config.episodes
    T = config.max_episode_steps or 2**62
    A, d = MountainCarBatch.n_actions, coder.n_features
    env_seeds = rng.integers(0, 2**31 - 1, size=runs)
    env_rngs = [np.random.default_rng(int(s)) for s in env_seeds]    # = env.reset(seed=s)
    car = MountainCarBatch(runs)
    car.reset(np.arange(runs), env_rngs)
    W = np.zeros((runs, d, A))                 # stored (run, tile, action); flat view Wf
    Wf = W.reshape(-1)
    step_size = np.broadcast_to(alpha_run / n, (runs,)).copy()        # 0 once a run is done
    all_runs, actions = np.arange(runs), np.arange(A)
    steps = np.zeros((runs, E), dtype=np.int64)
    episode, t = np.zeros(runs, dtype=np.int64), np.zeros(runs, dtype=np.int64)
    snaps, wanted = {}, set(int(e) for e in snapshot_episodes)
    u = _uniforms(rng, runs)

    def tiles(obs, rows=all_runs):             # flat offsets of the n active tiles, (n, runs)
        return ((rows[:, None] * d + coder.indices(obs)) * A).T

    def values(f):                             # q_hat(s, .) = sum of n weights, in order
        g = Wf[f[..., None] + actions]         # (n, runs, A)
        q = g[0].copy()
        for i in range(1, n):
            q += g[i]
        return q

    f = tiles(car.obs())                                              # tiles of S
    a = select_action(values(f), config.epsilon, next(u))            # A
    total = 0
    while True:
        terminated = car.step(a)                                      # R = -1, S'
        f_next = tiles(car.obs())
        q_next = values(f_next)
        a_next = select_action(q_next, config.epsilon, next(u))       # A'
        g = Wf[f + a]                                                 # (n, runs)
        q_sa = g[0].copy()                                            # q_hat(S, A), in order
        for i in range(1, n):
            q_sa += g[i]
        bootstrap = np.where(terminated, 0.0, q_next[all_runs, a_next])
        delta = -1.0 + config.gamma * bootstrap - q_sa                # (SARSA)
        Wf[f + a] += step_size * delta                                # (UPDATE)
        t += 1
        total += 1
        done = (terminated | (t >= T)) & (step_size > 0)
        if not np.all(np.abs(delta) < _BLOW_UP) or (
                total % 1000 == 0 and not np.abs(W).max() < _BLOW_UP):
            raise DivergenceError("semi-gradient SARSA on Mountain Car", total,
                                  float(alpha_run.max()) / n)
        if done.any():
            ended = np.flatnonzero(done)
            steps[ended, episode[ended]] = t[ended]
            episode[ended] += 1
            t[ended] = 0
            for e in wanted & set(episode[ended].tolist()):
                snaps.setdefault(e, W.transpose(0, 2, 1).copy())
            step_size[ended[episode[ended] >= E]] = 0.0
            if (step_size == 0).all():
                break
            live = ended[episode[ended] < E]
            car.reset(live, env_rngs)
            f_next[:, live] = tiles(car.obs()[live], live)
            q_new = values(f_next[:, live])
            a_next[live] = select_action(q_new, config.epsilon, next(u)[live])
        f, a = f_next, a_next
    return MountainCarResult(steps, W.transpose(0, 2, 1).copy(), snaps)
# --8<-- [end:mountain_car_sarsa]


def mountain_car_sarsa_single(config: MountainCarConfig, rng: np.random.Generator, *,
                              snapshot_episodes: Sequence[int] = ()) -> MountainCarResult:
    r"""One run of [`mountain_car_sarsa`][fa_book.control.mountain_car_sarsa] in plain
    Python floats and lists, for long single runs (Figure 10.1).

    Same algorithm, same random numbers, same order of floating-point operations as
    `mountain_car_sarsa(config, rng, runs=1)`, hence the same result, bit for bit (a test
    checks this); it is faster for one run because it avoids numpy's per-call overhead.
    """
    alpha = float(_check_mc_config(config)[0])
    coder, n, E = mountain_car_coder(config), config.n_tilings, config.episodes
    T = config.max_episode_steps or 2**62
    d = coder.n_features
    env_rng = np.random.default_rng(int(rng.integers(0, 2**31 - 1, size=1)[0]))
    W0, W1, W2 = [0.0] * d, [0.0] * d, [0.0] * d            # per-action weights, A = 3
    W = (W0, W1, W2)
    step_size, eps, gamma = alpha / n, config.epsilon, config.gamma
    # tile-coder constants, as in TileCoder.coords / indices (2 dimensions)
    lo0, lo1 = (float(v) for v in coder.low)
    hi0, hi1 = (float(v) for v in coder.high)
    sc0, sc1 = (float(v) for v in coder._scale)
    qm0, qm1 = (int(v) for v in coder._q_max)
    st0 = int(coder._strides[0])
    per = coder._per_tiling
    tilings = [(i * per, int(s0), int(s1)) for i, (s0, s1) in enumerate(coder._shift)]
    F, G, VMAX = MountainCarBatch.force, MountainCarBatch.gravity, MountainCarBatch.max_speed
    XMIN, XMAX, GOAL = (MountainCarBatch.min_position, MountainCarBatch.max_position,
                        MountainCarBatch.goal_position)
    cos, floor, pack, unpack = math.cos, math.floor, struct.pack, struct.unpack

    def uniforms():                                # the draws of _uniforms(rng, 1)
        while True:
            yield from rng.random((_CHUNK, 1, 2)).reshape(_CHUNK, 2).tolist()

    u = uniforms()

    def tiles(x, v):
        x, v = unpack("ff", pack("ff", x, v))      # the float32 observation
        q0 = min(floor((min(max(x, lo0), hi0) - lo0) * sc0 * n), qm0)
        q1 = min(floor((min(max(v, lo1), hi1) - lo1) * sc1 * n), qm1)
        return [b + ((q0 + s0) // n) * st0 + (q1 + s1) // n for b, s0, s1 in tilings]

    def choose(idx):                               # returns (a, q(s, .)) as select_action
        i = idx[0]
        q0, q1, q2 = W0[i], W1[i], W2[i]
        for i in idx[1:]:
            q0 += W0[i]
            q1 += W1[i]
            q2 += W2[i]
        u0, u1 = next(u)
        if u0 < eps:
            return min(int(u1 * 3), 2), (q0, q1, q2)
        m = max(q0, q1, q2)
        ties = [b for b, qb in enumerate((q0, q1, q2)) if qb == m]
        return ties[min(int(u1 * len(ties)), len(ties) - 1)], (q0, q1, q2)

    steps = np.zeros((1, E), dtype=np.int64)
    snaps, wanted = {}, set(int(e) for e in snapshot_episodes)
    total = 0
    for e in range(E):
        x, v = float(env_rng.uniform(low=-0.6, high=-0.4)), 0.0
        idx = tiles(x, v)
        a, _ = choose(idx)
        t = 0
        while True:
            v = v + ((a - 1) * F + cos(3 * x) * (-G))                   # car dynamics
            v = min(max(v, -VMAX), VMAX)
            x = min(max(x + v, XMIN), XMAX)
            if x == XMIN and v < 0:
                v = 0.0
            terminated = x >= GOAL and v >= 0.0
            idx_next = tiles(x, v)
            a_next, q_next = choose(idx_next)
            Wa = W[a]
            q_sa = Wa[idx[0]]
            for i in idx[1:]:
                q_sa += Wa[i]
            delta = -1.0 + gamma * (0.0 if terminated else q_next[a_next]) - q_sa  # (SARSA)
            change = step_size * delta
            for i in idx:
                Wa[i] += change                                          # (UPDATE)
            t += 1
            if not abs(delta) < _BLOW_UP or (
                    t % 1000 == 0 and not max(-min(Wa), max(Wa)) < _BLOW_UP):
                raise DivergenceError("semi-gradient SARSA on Mountain Car", total + t,
                                      step_size)
            if terminated or t >= T:
                break
            idx, a = idx_next, a_next
        total += t
        steps[0, e] = t
        if e + 1 in wanted:
            snaps[e + 1] = np.array(W)[None]
    return MountainCarResult(steps, np.array(W)[None], snaps)
