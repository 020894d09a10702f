r"""Policy gradients 策略梯度: the likelihood ratio and the policy gradient theorem, exactly.

Two parts, one per chapter.

**Chapter 8, the one-step MDP 单步马尔可夫决策过程.**  A state $s \sim d(s)$, one action
$a \sim \pi_\theta(\cdot \mid s)$, one reward $r_{sa}$, end.  Its objective
$J(\theta) = \sum_s d(s) \sum_a \pi_\theta(a \mid s)\, r_{sa}$ has the exact gradient
$\sum_s d(s) \sum_a \nabla\pi_\theta(a \mid s)\, r_{sa}$, and the likelihood ratio 似然比
$\nabla\pi = \pi \nabla\log\pi$ turns it into an expectation that one sample estimates.
Here: that estimator, its exact distribution (by enumerating states and actions), its
variance with and without a baseline, and the supervised-learning parallel.

**Chapter 9, the policy gradient theorem 策略梯度定理** on a finite MDP, for the
start-state objective $J_1$, the average reward $J_{avR}$ and the average value $J_{avV}$.
Each objective is computed in closed form in torch (float64, linear solves) so that
autograd gives its exact gradient; the theorem's right-hand side is computed separately
from the oracles of [`fa_book.oracles`][fa_book.oracles] (visitation, $Q^\pi$).  The
policies are softmax policies over linear preferences,
[`SoftmaxLinearPolicy`][fa_book.policies.SoftmaxLinearPolicy], with action features `X`
of shape `(S, A, d)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from fa_book.oracles import FiniteMDP, discounted_visitation, on_policy_distribution, q_pi
from fa_book.policies import SoftmaxLinearPolicy, check_probabilities
from fa_book.validate import (
    DivergenceError,
    check_finite,
    check_positive_int,
    check_step_size,
)

__all__ = [
    "AscentConfig",
    "OneStepMDP",
    "differential_values",
    "dropped_discount_direction",
    "estimator_distribution",
    "estimator_variance",
    "exact_gradient",
    "j_average_reward",
    "j_average_value",
    "j_start",
    "lr_samples",
    "one_step_ascent",
    "one_step_gradient",
    "one_step_j",
    "optimal_baseline",
    "pg_average_reward",
    "pg_average_value",
    "pg_average_value_discounted_q",
    "pg_start",
    "random_one_step_mdp",
    "stationary_distribution_torch",
    "supervised_gradient",
    "weighted_nll",
]


# ---------------------------------------------------------------------------------------
# Chapter 8: the one-step MDP and the likelihood ratio
# ---------------------------------------------------------------------------------------

# --8<-- [start:one_step_mdp]
@dataclass(frozen=True)
class OneStepMDP:
    r"""A one-step MDP: $s \sim d(s)$, act once, receive $r_{sa}$, the episode ends.

    Args:
        d: state distribution $d(s)$, shape `(S,)`.
        R: rewards $r_{sa}$, shape `(S, A)`.
    """

    d: np.ndarray
    R: np.ndarray

    def __post_init__(self):
        d = check_probabilities("d", self.d)
        R = check_finite("R", np.asarray(self.R, dtype=float))
        if d.ndim != 1 or R.ndim != 2 or R.shape[0] != d.shape[0]:
            raise ValueError(f"d must have shape (S,) and R shape (S, A) with the same S, "
                             f"got {d.shape} and {R.shape}")
        object.__setattr__(self, "d", d)
        object.__setattr__(self, "R", R)
# --8<-- [end:one_step_mdp]


def random_one_step_mdp(rng: np.random.Generator, n_states: int, n_actions: int,
                        offset: float = 0.0) -> OneStepMDP:
    """A random one-step MDP: Dirichlet $d$, rewards uniform in $[-1, 1]$ plus `offset`."""
    check_positive_int("n_states", n_states)
    check_positive_int("n_actions", n_actions)
    return OneStepMDP(rng.dirichlet(np.ones(n_states)),
                      rng.uniform(-1, 1, (n_states, n_actions)) + offset)


def _check_policy_inputs(policy: SoftmaxLinearPolicy, X, n_states: int) -> np.ndarray:
    X = check_finite("X", np.asarray(X, dtype=float))
    want = (n_states, policy.n_actions, policy.n_features)
    if X.shape != want:
        raise ValueError(f"X (action features of every state) must have shape (S, A, d) = "
                         f"{want}, got {X.shape}")
    return X


def _check_baseline(baseline, n_states: int) -> np.ndarray:
    if baseline is None:
        return np.zeros(n_states)
    b = check_finite("baseline", np.asarray(baseline, dtype=float))
    if b.shape != (n_states,):
        raise ValueError(f"baseline b(s) must have shape (S,) = ({n_states},), one value per "
                         f"state, got {b.shape}")
    return b


# --8<-- [start:one_step_j]
def one_step_j(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X) -> float:
    r"""$J(\theta) = \sum_s d(s) \sum_a \pi_\theta(a \mid s)\, r_{sa}$."""
    X = _check_policy_inputs(policy, X, len(mdp.d))
    pi = policy.pi(theta, X)
    return float(mdp.d @ (pi * mdp.R).sum(1))  # (J1STEP)


def one_step_gradient(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""The exact $\nabla J = \sum_s d(s) \sum_a \pi_\theta(a \mid s)\,
    \nabla\log\pi_\theta(a \mid s)\, r_{sa}$, shape `(d,)`."""
    X = _check_policy_inputs(policy, X, len(mdp.d))
    pi, score = policy.pi(theta, X), policy.grad_log_pi_all(theta, X)
    return np.einsum("s,sa,sak,sa->k", mdp.d, pi, score, mdp.R)  # (LRGRAD)
# --8<-- [end:one_step_j]


# --8<-- [start:lr_samples]
def lr_samples(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X, n: int,
               rng: np.random.Generator, baseline: np.ndarray | None = None) -> np.ndarray:
    r"""$n$ independent one-sample likelihood-ratio estimates, shape `(n, d)`.

    Each is $\hat g = \nabla\log\pi_\theta(A \mid S)\,(r_{SA} - b(S))$ with
    $S \sim d$, $A \sim \pi_\theta(\cdot \mid S)$; their mean estimates $\nabla J$.

    Args:
        baseline: $b(s)$, shape `(S,)`, or `None` for $b = 0$.
    """
    check_positive_int("n", n)
    X = _check_policy_inputs(policy, X, len(mdp.d))
    b = _check_baseline(baseline, len(mdp.d))
    s = rng.choice(len(mdp.d), size=n, p=mdp.d)
    a = policy.sample(theta, X[s], rng)
    score = policy.grad_log_pi(theta, X[s], a)
    return score * (mdp.R[s, a] - b[s])[:, None]  # (LR)
# --8<-- [end:lr_samples]


def estimator_distribution(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X,
                           baseline=None) -> tuple[np.ndarray, np.ndarray]:
    r"""The exact distribution of the one-sample estimator $\hat g$, by enumeration.

    Returns:
        `(prob, g)`: $\Pr(S = s, A = a) = d(s)\pi_\theta(a \mid s)$, shape `(S, A)`, and
        the value $\hat g(s, a)$ taken there, shape `(S, A, d)`.  Its mean is
        `np.einsum("sa,sak->k", prob, g)`, its covariance follows the same way.
    """
    X = _check_policy_inputs(policy, X, len(mdp.d))
    b = _check_baseline(baseline, len(mdp.d))
    prob = mdp.d[:, None] * policy.pi(theta, X)
    g = policy.grad_log_pi_all(theta, X) * (mdp.R - b[:, None])[..., None]
    return prob, g


def estimator_variance(prob: np.ndarray, g: np.ndarray) -> float:
    r"""Total variance $\mathbb E\|\hat g - \mathbb E\hat g\|^2$ of an estimator with the
    exact distribution `(prob, g)` from
    [`estimator_distribution`][fa_book.policy_gradient.estimator_distribution]."""
    mean = np.einsum("sa,sak->k", prob, g)
    return float(np.einsum("sa,sa->", prob, ((g - mean) ** 2).sum(-1)))


# --8<-- [start:optimal_baseline]
def optimal_baseline(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""The state-dependent baseline that minimises the total variance of $\hat g$,
    $b^*(s) = \frac{\sum_a \pi(a|s)\,\|\nabla\log\pi(a|s)\|^2\, r_{sa}}
    {\sum_a \pi(a|s)\,\|\nabla\log\pi(a|s)\|^2}$, shape `(S,)` (Greensmith et al. 2004,
    Peters & Schaal 2008).  States whose scores are all zero get $b^*(s) = 0$."""
    X = _check_policy_inputs(policy, X, len(mdp.d))
    pi = policy.pi(theta, X)
    w = pi * (policy.grad_log_pi_all(theta, X) ** 2).sum(-1)
    num, den = (w * mdp.R).sum(1), w.sum(1)
    safe = np.where(den > 0, den, 1.0)
    return np.where(den > 0, num / safe, 0.0)  # (BOPT)
# --8<-- [end:optimal_baseline]


# --8<-- [start:ascent]
@dataclass(frozen=True)
class AscentConfig:
    """Stochastic gradient ascent on a one-step MDP (the chapter's learning curves)."""

    steps: int = 300
    """number of gradient-ascent steps"""
    batch: int = 4
    """sampled (state, action) pairs averaged into each likelihood-ratio estimate"""
    alpha: float = 0.5
    """step size alpha"""
    gradient: str = "lr_baseline"
    """'exact' (true gradient), 'lr' (LR estimate, b = 0) or 'lr_baseline' (b(s) = V(s))"""


def one_step_ascent(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, X, config: AscentConfig,
                    rng: np.random.Generator, theta0: np.ndarray | None = None) -> np.ndarray:
    r"""Run $\theta \leftarrow \theta + \alpha\,\hat g$ and return $J(\theta_k)$ for
    $k = 0, \dots, $ `steps`, shape `(steps + 1,)`.

    The baseline $b(s) = V^{\pi_\theta}(s) = \sum_a \pi_\theta(a|s) r_{sa}$ is computed
    exactly here (a learned baseline is the subject of chapter 10).
    """
    check_positive_int("steps", config.steps)
    check_positive_int("batch", config.batch)
    check_step_size("alpha", config.alpha)
    if config.gradient not in ("exact", "lr", "lr_baseline"):
        raise ValueError("gradient must be 'exact', 'lr' or 'lr_baseline', got "
                         f"{config.gradient!r}")
    theta = np.zeros(policy.n_params) if theta0 is None else np.array(theta0, dtype=float)
    J = np.empty(config.steps + 1)
    for k in range(config.steps):
        J[k] = one_step_j(mdp, policy, theta, X)
        if config.gradient == "exact":
            g = one_step_gradient(mdp, policy, theta, X)
        else:
            V = (policy.pi(theta, X) * mdp.R).sum(1)
            b = V if config.gradient == "lr_baseline" else None
            g = lr_samples(mdp, policy, theta, X, config.batch, rng, b).mean(0)
        theta = theta + config.alpha * g  # gradient ascent on J
        if not np.isfinite(theta).all() or np.abs(theta).max() > 1e6:
            raise DivergenceError("one-step policy-gradient ascent", k, config.alpha)
    J[config.steps] = one_step_j(mdp, policy, theta, X)
    return J
# --8<-- [end:ascent]


# --8<-- [start:supervised]
def weighted_nll(log_pi: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    r"""The loss $-\frac1n\sum_i w_i \log\pi_\theta(a_i \mid s_i)$.

    Its autograd gradient is $-\frac1n\sum_i w_i\nabla\log\pi_\theta(a_i\mid s_i)$.
    * $w_i = 1$, labels $a_i$ from a fixed data set: the cross-entropy (negative
      log-likelihood) of supervised classification.
    * $w_i = r_i$, actions $a_i \sim \pi_\theta$: minus the likelihood-ratio estimate of
      $\nabla J$; one step of gradient *descent* on it is one step of ascent on $J$.
      It is a surrogate: its value is not $J$, only its gradient at the sampling
      $\theta$ is right.
    """
    return -(weight * log_pi).mean()  # (SURROGATE)


def supervised_gradient(policy: SoftmaxLinearPolicy, theta, X, d, p_label) -> np.ndarray:
    r"""Exact expected log-likelihood gradient with labels from a fixed data distribution:
    $\sum_s d(s) \sum_y p(y \mid s)\,\nabla\log\pi_\theta(y \mid s)$, shape `(d,)`.

    Every label is weighted by 1; it vanishes only when $\pi_\theta$ matches $p$ in the
    features, $\sum_y (p(y|s) - \pi_\theta(y|s))\,\mathbf x(s, y) = 0$.  With labels drawn
    from $\pi_\theta$ itself instead, it is $0$ for every $\theta$: the score has mean 0.
    """
    d = check_probabilities("d", d)
    p_label = check_probabilities("p_label", p_label)
    X = _check_policy_inputs(policy, X, len(d))
    if p_label.shape != X.shape[:2]:
        raise ValueError(f"p_label must have shape (S, A) = {X.shape[:2]}, got "
                         f"{p_label.shape}")
    return np.einsum("s,sy,syk->k", d, p_label, policy.grad_log_pi_all(theta, X))  # (SUP)
# --8<-- [end:supervised]


# ---------------------------------------------------------------------------------------
# Chapter 9: the policy gradient theorem on a finite MDP
# ---------------------------------------------------------------------------------------

def _check_continuing(mdp: FiniteMDP) -> None:
    if np.abs(mdp.P.sum(-1) - 1).max() > 1e-9:
        raise ValueError("the average-reward and average-value objectives need a continuing "
                         "task: every row P[s, a, :] must sum to 1")


def _torch_pi(theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    return torch.softmax(X @ theta, dim=-1)  # (S, A), differentiable in theta


def _torch_mrp(mdp: FiniteMDP, theta: torch.Tensor, X: torch.Tensor):
    pi = _torch_pi(theta, X)
    P = torch.as_tensor(mdp.P, dtype=torch.float64)
    R = torch.as_tensor(mdp.R, dtype=torch.float64)
    P_pi = torch.einsum("sa,sat->st", pi, P)
    r_pi = (pi * R).sum(1)
    return P_pi, r_pi


# --8<-- [start:objectives]
def j_start(mdp: FiniteMDP, theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    r"""Start-state objective $J_1(\theta) = \sum_s d_0(s) V^{\pi_\theta}(s)$ with
    $V^\pi = (I - \gamma P_\pi)^{-1} r_\pi$; differentiable in `theta`."""
    P_pi, r_pi = _torch_mrp(mdp, theta, X)
    eye = torch.eye(mdp.n_states, dtype=torch.float64)
    V = torch.linalg.solve(eye - mdp.gamma * P_pi, r_pi)
    return torch.as_tensor(mdp.d0) @ V  # (J1)


def stationary_distribution_torch(P_pi: torch.Tensor) -> torch.Tensor:
    r"""The stationary distribution $d^\pi$ of an irreducible chain, differentiably:
    $d^\top (I - P_\pi + \mathbf 1\mathbf 1^\top) = \mathbf 1^\top$, which holds because
    $d^\top P_\pi = d^\top$ and $d^\top \mathbf 1 = 1$ (and the matrix is invertible when
    the stationary distribution is unique)."""
    S = P_pi.shape[0]
    ones = torch.ones(S, S, dtype=P_pi.dtype)
    M = torch.eye(S, dtype=P_pi.dtype) - P_pi + ones
    return torch.linalg.solve(M.T, torch.ones(S, dtype=P_pi.dtype))  # (STAT)


def j_average_reward(mdp: FiniteMDP, theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    r"""Average reward per step $J_{avR}(\theta) = \sum_s d^{\pi_\theta}(s) \sum_a
    \pi_\theta(a \mid s) r(s, a)$ ($\gamma$ is not used)."""
    _check_continuing(mdp)
    P_pi, r_pi = _torch_mrp(mdp, theta, X)
    return stationary_distribution_torch(P_pi) @ r_pi  # (JAVR)


def j_average_value(mdp: FiniteMDP, theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    r"""Average value $J_{avV}(\theta) = \sum_s d^{\pi_\theta}(s) V^{\pi_\theta}(s)$, with
    $d^\pi$ the stationary distribution and $V^\pi$ the discounted value ($\gamma < 1$)."""
    _check_continuing(mdp)
    if mdp.gamma >= 1:
        raise ValueError("J_avV needs gamma < 1 (V is infinite otherwise), got gamma = 1")
    P_pi, r_pi = _torch_mrp(mdp, theta, X)
    eye = torch.eye(mdp.n_states, dtype=torch.float64)
    V = torch.linalg.solve(eye - mdp.gamma * P_pi, r_pi)
    return stationary_distribution_torch(P_pi) @ V  # (JAVV)


def exact_gradient(objective, mdp: FiniteMDP, theta, X) -> np.ndarray:
    r"""$\nabla_\theta J(\theta)$ by autograd (float64) through the closed-form objective
    (`j_start`, `j_average_reward` or `j_average_value`), shape `(d,)`."""
    theta_t = torch.tensor(np.asarray(theta, dtype=float), dtype=torch.float64,
                           requires_grad=True)
    J = objective(mdp, theta_t, torch.as_tensor(np.asarray(X, dtype=float)))
    (grad,) = torch.autograd.grad(J, theta_t)
    return grad.numpy()
# --8<-- [end:objectives]


def _pi_and_scores(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta, X):
    X = _check_policy_inputs(policy, X, mdp.n_states)
    if policy.n_actions != mdp.n_actions:
        raise ValueError(f"policy.n_actions = {policy.n_actions} but the MDP has "
                         f"{mdp.n_actions} actions")
    return policy.pi(theta, X), policy.grad_log_pi_all(theta, X)


# --8<-- [start:pg_theorem]
def pg_start(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""Theorem, start state: $\nabla J_1 = \sum_s \eta_\gamma(s) \sum_a
    \pi(a|s)\nabla\log\pi(a|s)\, Q^\pi(s, a)$, with the *unnormalised discounted*
    visitation $\eta_\gamma(s) = \sum_t \gamma^t \Pr(S_t = s)$."""
    pi, score = _pi_and_scores(mdp, policy, theta, X)
    eta = discounted_visitation(mdp, pi)
    Q = q_pi(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", eta, pi, score, Q)  # (PGT1)


def differential_values(mdp: FiniteMDP, pi: np.ndarray) -> tuple[float, np.ndarray,
                                                                  np.ndarray]:
    r"""Average reward $\rho$, differential state values $\tilde v$ (normalised so that
    $\sum_s d^\pi(s)\tilde v(s) = 0$) and differential action values
    $\tilde q(s,a) = r(s,a) - \rho + \sum_{s'} P(s'|s,a)\tilde v(s')$ of a continuing task.

    $\tilde v$ solves $(I - P_\pi + \mathbf 1 d^\top)\tilde v = r_\pi - \rho\mathbf 1$.
    """
    _check_continuing(mdp)
    d = on_policy_distribution(mdp, pi)  # stationary, continuing task
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    r_pi = (pi * mdp.R).sum(1)
    rho = float(d @ r_pi)
    M = np.eye(mdp.n_states) - P_pi + np.outer(np.ones(mdp.n_states), d)
    v = np.linalg.solve(M, r_pi - rho)
    q = mdp.R - rho + mdp.P @ v  # (DIFFQ)
    return rho, v, q


def pg_average_reward(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""Theorem, average reward: $\nabla J_{avR} = \sum_s d^\pi(s) \sum_a
    \pi(a|s)\nabla\log\pi(a|s)\,\tilde q^\pi(s, a)$, stationary $d^\pi$, differential
    $\tilde q$."""
    pi, score = _pi_and_scores(mdp, policy, theta, X)
    d = on_policy_distribution(mdp, pi)
    _, _, q = differential_values(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", d, pi, score, q)  # (PGTR)


def pg_average_value(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""Average value: $\nabla J_{avV} = \frac{1}{1-\gamma}\nabla J_{avR}$, because
    $J_{avV} = d^\top (I - \gamma P_\pi)^{-1} r_\pi = \frac{d^\top r_\pi}{1-\gamma}$
    for the stationary $d$ ($d^\top(I - \gamma P_\pi) = (1-\gamma)d^\top$)."""
    if mdp.gamma >= 1:
        raise ValueError("J_avV needs gamma < 1, got gamma = 1")
    return pg_average_reward(mdp, policy, theta, X) / (1 - mdp.gamma)  # (PGTV)
# --8<-- [end:pg_theorem]


# --8<-- [start:pitfalls]
def pg_average_value_discounted_q(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta,
                                  X) -> np.ndarray:
    r"""What the one-formula reading suggests for $J_{avV}$, with the *discounted* $Q$:
    $\frac{1}{1-\gamma}\sum_s d^\pi(s)\sum_a \pi\nabla\log\pi\, Q^\pi_\gamma(s,a)$.

    This is the gradient of $\sum_s d(s) V^{\pi_\theta}(s)$ with $d$ *held fixed*; it
    misses $\sum_s \nabla d^{\pi_\theta}(s)\, V^\pi(s)$, so it is not $\nabla J_{avV}$
    in general."""
    if mdp.gamma >= 1:
        raise ValueError("J_avV needs gamma < 1, got gamma = 1")
    pi, score = _pi_and_scores(mdp, policy, theta, X)
    _check_continuing(mdp)
    d = on_policy_distribution(mdp, pi)
    Q = q_pi(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", d, pi, score, Q) / (1 - mdp.gamma)  # (AVVQ)


def dropped_discount_direction(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta,
                               X) -> np.ndarray:
    r"""The expected update of $\sum_t \nabla\log\pi(A_t|S_t)\,G_t$ *without* $\gamma^t$,
    on an episodic task: $\sum_s \eta_1(s) \sum_a \pi\nabla\log\pi\,Q^\pi_\gamma(s,a)$,
    with the *undiscounted* visit counts $\eta_1^\top = d_0^\top(I - P_\pi)^{-1}$.

    For $\gamma < 1$ it is not $\nabla J_1$ and, in general, not the gradient of any
    function (Nota & Thomas 2020)."""
    pi, score = _pi_and_scores(mdp, policy, theta, X)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    M = np.eye(mdp.n_states) - P_pi
    if np.linalg.cond(M) > 1e12:
        raise ValueError("dropped_discount_direction needs an episodic task: every state "
                         "must reach termination")
    eta1 = np.linalg.solve(M.T, mdp.d0)
    Q = q_pi(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", eta1, pi, score, Q)  # (NOGAMMA)
# --8<-- [end:pitfalls]
