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

from fa_book.oracles import (
    FiniteMDP,
    check_policy,
    discounted_visitation,
    on_policy_distribution,
    q_pi,
)
from fa_book.policies import (
    SoftmaxLinearPolicy,
    check_finite_array,
    check_probabilities,
    check_theta,
)
from fa_book.validate import (
    check_choice,
    check_diverged,
    check_generator,
    check_size,
    check_step_size,
)

__all__ = [
    "AscentConfig",
    "OneStepMDP",
    "check_action_features",
    "check_baseline",
    "check_chain",
    "check_continuing",
    "check_ascent",
    "check_estimator",
    "check_gradient_inputs",
    "check_one_step",
    "check_same_shape",
    "check_supervised",
    "check_torch_inputs",
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
    "policy_and_scores",
    "random_one_step_mdp",
    "stationary_distribution_torch",
    "supervised_gradient",
    "torch_mrp",
    "torch_softmax_policy",
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
        R = check_finite_array("R", self.R)
        if d.ndim != 1 or R.ndim != 2 or R.shape[0] != d.shape[0]:
            raise ValueError(f"d must have shape (S,) and R shape (S, A) with the same S, "
                             f"got {d.shape} and {R.shape}")
        object.__setattr__(self, "d", d)
        object.__setattr__(self, "R", R)
# --8<-- [end:one_step_mdp]


def random_one_step_mdp(rng: np.random.Generator, n_states: int, n_actions: int,
                        offset: float = 0.0) -> OneStepMDP:
    """A random one-step MDP: Dirichlet $d$, rewards uniform in $[-1, 1]$ plus `offset`."""
    check_generator("rng", rng)
    check_size("n_states", n_states)
    check_size("n_actions", n_actions)
    check_size("n_states * n_actions", n_states * n_actions)
    check_finite_array("offset", offset)
    return OneStepMDP(rng.dirichlet(np.ones(n_states)),
                      rng.uniform(-1, 1, (n_states, n_actions)) + offset)


def check_action_features(policy: SoftmaxLinearPolicy, X, n_states: int,
                          n_actions: int | None = None) -> np.ndarray:
    r"""Require a [`SoftmaxLinearPolicy`][fa_book.policies.SoftmaxLinearPolicy] and its
    action features $\mathbf x(s, a)$ of every state, `X` of shape `(S, A, d)` with
    `S = n_states`, `(A, d)` the policy's, and `A = n_actions` of the task when given;
    returns `X` as a finite float array."""
    if not isinstance(policy, SoftmaxLinearPolicy):
        raise TypeError(f"policy must be a SoftmaxLinearPolicy, got {type(policy).__name__}")
    if n_actions is not None and policy.n_actions != n_actions:
        raise ValueError(f"policy.n_actions = {policy.n_actions} but the task has "
                         f"{n_actions} actions")
    X = check_finite_array("X", X)
    want = (n_states, policy.n_actions, policy.n_features)
    if X.shape != want:
        raise ValueError(f"X (action features of every state) must have shape (S, A, d) = "
                         f"{want}, got {X.shape}")
    return X


def check_one_step(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X
                   ) -> tuple[np.ndarray, np.ndarray]:
    r"""Require a [`OneStepMDP`][fa_book.policy_gradient.OneStepMDP], a softmax policy
    with as many actions as its rewards $r_{sa}$, finite $\theta$ of the policy's length
    and action features `X` of shape `(S, A, d)`; returns `(theta, X)` as float arrays."""
    # by its fields, not its class: the chapter's page defines its own copy of the class
    if not all(isinstance(getattr(mdp, f, None), np.ndarray) for f in ("d", "R")):
        raise TypeError(f"mdp must be a OneStepMDP (arrays d and R), got "
                        f"{type(mdp).__name__}")
    X = check_action_features(policy, X, *mdp.R.shape)
    return check_theta(theta, policy.n_params), X


def check_baseline(baseline, n_states: int) -> np.ndarray:
    """Require a baseline $b(s)$ of shape `(S,)` (finite), or `None` for $b = 0$;
    returns it as a float array."""
    if baseline is None:
        return np.zeros(n_states)
    b = check_finite_array("baseline", baseline)
    if b.shape != (n_states,):
        raise ValueError(f"baseline b(s) must have shape (S,) = ({n_states},), one value per "
                         f"state, got {b.shape}")
    return b


# --8<-- [start:one_step_j]
def one_step_j(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X) -> float:
    r"""$J(\theta) = \sum_s d(s) \sum_a \pi_\theta(a \mid s)\, r_{sa}$."""
    theta, X = check_one_step(mdp, policy, theta, X)
    pi = policy.pi(theta, X)
    return float(mdp.d @ (pi * mdp.R).sum(1))  # (J1STEP)


def one_step_gradient(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""The exact $\nabla J = \sum_s d(s) \sum_a \pi_\theta(a \mid s)\,
    \nabla\log\pi_\theta(a \mid s)\, r_{sa}$, shape `(d,)`."""
    theta, X = check_one_step(mdp, policy, theta, X)
    pi, score = policy.pi(theta, X), policy.grad_log_pi_all(theta, X)
    return np.einsum("s,sa,sak,sa->k", mdp.d, pi, score, mdp.R)  # (LRGRAD)
# --8<-- [end:one_step_j]


def check_estimator(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X, baseline,
                    n: int | None = None, rng: np.random.Generator | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""[`check_one_step`][fa_book.policy_gradient.check_one_step] plus the baseline
    $b(s)$ (shape `(S,)` or `None`) and, when sampling, the sample count `n` and the
    generator `rng`; returns `(theta, X, b)`."""
    theta, X = check_one_step(mdp, policy, theta, X)
    if n is not None:
        check_size("n", n)
        check_size("n * n_params (entries of the estimates)", n * policy.n_params)
    if rng is not None or n is not None:
        check_generator("rng", rng)
    return theta, X, check_baseline(baseline, len(mdp.d))


# --8<-- [start:lr_samples]
def lr_samples(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X, n: int,
               rng: np.random.Generator, baseline: np.ndarray | None = None) -> np.ndarray:
    r"""$n$ independent one-sample likelihood-ratio estimates, shape `(n, d)`.

    Each is $\hat g = \nabla\log\pi_\theta(A \mid S)\,(r_{SA} - b(S))$ with
    $S \sim d$, $A \sim \pi_\theta(\cdot \mid S)$; their mean estimates $\nabla J$.

    Args:
        baseline: $b(s)$, shape `(S,)`, or `None` for $b = 0$.
    """
    theta, X, b = check_estimator(mdp, policy, theta, X, baseline, n, rng)
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
    theta, X, b = check_estimator(mdp, policy, theta, X, baseline)
    prob = mdp.d[:, None] * policy.pi(theta, X)
    g = policy.grad_log_pi_all(theta, X) * (mdp.R - b[:, None])[..., None]
    return prob, g


def estimator_variance(prob: np.ndarray, g: np.ndarray) -> float:
    r"""Total variance $\mathbb E\|\hat g - \mathbb E\hat g\|^2$ of an estimator with the
    exact distribution `(prob, g)` from
    [`estimator_distribution`][fa_book.policy_gradient.estimator_distribution]:
    `prob` of shape `(S, A)` summing to 1, `g` of shape `(S, A, d)`, both finite."""
    prob = check_finite_array("prob", prob)
    prob = check_probabilities("prob", prob.ravel()).reshape(prob.shape)
    g = check_finite_array("g", g)
    if prob.ndim != 2 or g.ndim != 3 or g.shape[:2] != prob.shape:
        raise ValueError(f"prob must have shape (S, A) and g shape (S, A, d) with the same "
                         f"(S, A), got {prob.shape} and {g.shape}")
    mean = np.einsum("sa,sak->k", prob, g)
    return float(np.einsum("sa,sa->", prob, ((g - mean) ** 2).sum(-1)))


# --8<-- [start:optimal_baseline]
def optimal_baseline(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""The state-dependent baseline that minimises the total variance of $\hat g$,
    $b^*(s) = \frac{\sum_a \pi(a|s)\,\|\nabla\log\pi(a|s)\|^2\, r_{sa}}
    {\sum_a \pi(a|s)\,\|\nabla\log\pi(a|s)\|^2}$, shape `(S,)` (Greensmith et al. 2004,
    Peters & Schaal 2008).  States whose scores are all zero get $b^*(s) = 0$."""
    theta, X = check_one_step(mdp, policy, theta, X)
    pi = policy.pi(theta, X)
    w = pi * (policy.grad_log_pi_all(theta, X) ** 2).sum(-1)
    num, den = (w * mdp.R).sum(1), w.sum(1)
    safe = np.where(den > 0, den, 1.0)
    return np.where(den > 0, num / safe, 0.0)  # (BOPT)
# --8<-- [end:optimal_baseline]


def check_ascent(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, X, config, rng,
                 theta0) -> np.ndarray:
    r"""The inputs of [`one_step_ascent`][fa_book.policy_gradient.one_step_ascent]: the
    task, policy and features (as [`check_one_step`][fa_book.policy_gradient.check_one_step]),
    an `AscentConfig`, a generator, and the start $\theta_0$ (`None`: zeros); returns a
    copy of $\theta_0$ to update."""
    if not isinstance(config, AscentConfig):
        raise TypeError(f"config must be an AscentConfig, got {type(config).__name__}")
    check_generator("rng", rng)
    theta = np.zeros(policy.n_params) if theta0 is None else theta0
    theta, _ = check_one_step(mdp, policy, theta, X)
    check_diverged("theta0", theta, 0)
    return np.array(theta, dtype=float)


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

    def __post_init__(self):
        check_size("steps", self.steps)
        check_size("batch", self.batch)
        check_step_size("alpha", self.alpha)
        check_choice("gradient", self.gradient, ("exact", "lr", "lr_baseline"))


# --8<-- [start:one_step_ascent]
def one_step_ascent(mdp: OneStepMDP, policy: SoftmaxLinearPolicy, X, config: AscentConfig,
                    rng: np.random.Generator, theta0: np.ndarray | None = None) -> np.ndarray:
    r"""Run $\theta \leftarrow \theta + \alpha\,\hat g$ and return $J(\theta_k)$ for
    $k = 0, 1, \dots, K$, where $K$ is `config.steps`: shape `(K + 1,)`.

    The baseline $b(s) = V^{\pi_\theta}(s) = \sum_a \pi_\theta(a|s) r_{sa}$ is computed
    exactly here (a learned baseline is the subject of chapter 10).
    """
    theta = check_ascent(mdp, policy, X, config, rng, theta0)
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
        check_diverged("one-step policy-gradient ascent", theta, k, config.alpha)
    J[config.steps] = one_step_j(mdp, policy, theta, X)
    return J
# --8<-- [end:one_step_ascent]
# --8<-- [end:ascent]


def check_same_shape(name: str, value, like_name: str, like) -> None:
    """Require two torch tensors of one shape with at least one entry (no silent
    broadcasting of a loss's weights against its log-probabilities)."""
    for n, v in ((like_name, like), (name, value)):
        if not isinstance(v, torch.Tensor):
            raise TypeError(f"{n} must be a torch.Tensor, got {type(v).__name__}")
    if value.shape != like.shape:
        raise ValueError(f"{name} must have the shape of {like_name} {tuple(like.shape)}, "
                         f"got {tuple(value.shape)}")
    if like.numel() == 0:
        raise ValueError(f"{like_name} must hold at least one entry, got shape "
                         f"{tuple(like.shape)}")


def check_supervised(policy: SoftmaxLinearPolicy, theta, X, d, p_label):
    r"""The inputs of [`supervised_gradient`][fa_book.policy_gradient.supervised_gradient]:
    a state distribution $d$ shape `(S,)`, label distributions $p(y \mid s)$ shape
    `(S, A)`, features `X` shape `(S, A, d)`, finite $\theta$; returns them as floats."""
    d = check_probabilities("d", d)
    S = np.shape(X)[0] if np.ndim(X) == 3 else None
    if d.ndim != 1 or S not in (None, d.shape[0]):
        raise ValueError(f"d must have shape (S,) = ({S},), one entry per state of X, got "
                         f"{d.shape}")
    X = check_action_features(policy, X, len(d))
    p_label = check_probabilities("p_label", p_label)
    if p_label.shape != X.shape[:2]:
        raise ValueError(f"p_label must have shape (S, A) = {X.shape[:2]}, got "
                         f"{p_label.shape}")
    return check_theta(theta, policy.n_params), X, d, p_label


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

    Args:
        log_pi: $\log\pi_\theta(a_i \mid s_i)$, a tensor of shape `(n,)`.
        weight: $w_i$, a tensor of the same shape (not broadcast).
    """
    check_same_shape("weight", weight, "log_pi", log_pi)
    return -(weight * log_pi).mean()  # (SURROGATE)


def supervised_gradient(policy: SoftmaxLinearPolicy, theta, X, d, p_label) -> np.ndarray:
    r"""Exact expected log-likelihood gradient with labels from a fixed data distribution:
    $\sum_s d(s) \sum_y p(y \mid s)\,\nabla\log\pi_\theta(y \mid s)$, shape `(d,)`.

    Every label is weighted by 1; it vanishes only when $\pi_\theta$ matches $p$ in the
    features, $\sum_y (p(y|s) - \pi_\theta(y|s))\,\mathbf x(s, y) = 0$.  With labels drawn
    from $\pi_\theta$ itself instead, it is $0$ for every $\theta$: the score has mean 0.
    """
    theta, X, d, p_label = check_supervised(policy, theta, X, d, p_label)
    return np.einsum("s,sy,syk->k", d, p_label, policy.grad_log_pi_all(theta, X))  # (SUP)
# --8<-- [end:supervised]


# ---------------------------------------------------------------------------------------
# Chapter 9: the policy gradient theorem on a finite MDP
# ---------------------------------------------------------------------------------------

def check_continuing(mdp: FiniteMDP, pi=None, *, discounted: bool = False):
    r"""Require a continuing [`FiniteMDP`][fa_book.oracles.FiniteMDP] (every row
    $P(\cdot \mid s, a)$ sums to 1), with $\gamma < 1$ when `discounted` (the average
    value $J_{avV}$), and, when given, a policy matrix `pi` of shape `(S, A)`; returns
    `pi` checked (or `None`)."""
    if not isinstance(mdp, FiniteMDP):
        raise TypeError(f"mdp must be a FiniteMDP, got {type(mdp).__name__}")
    if np.abs(mdp.P.sum(-1) - 1).max() > 1e-9:
        raise ValueError("the average-reward and average-value objectives need a continuing "
                         "task: every row P[s, a, :] must sum to 1")
    if discounted and mdp.gamma >= 1:
        raise ValueError("J_avV needs gamma < 1 (V is infinite otherwise), got gamma = 1")
    return None if pi is None else check_policy(mdp, check_finite_array("pi", pi))


def check_torch_inputs(mdp: FiniteMDP, theta, X) -> None:
    r"""Require a [`FiniteMDP`][fa_book.oracles.FiniteMDP], $\theta$ a finite float64
    torch tensor of shape `(d,)` and action features `X` a finite float64 tensor of shape
    `(S, A, d)`, as the closed-form objectives need."""
    if not isinstance(mdp, FiniteMDP):
        raise TypeError(f"mdp must be a FiniteMDP, got {type(mdp).__name__}")
    for name, t in (("theta", theta), ("X", X)):
        if not isinstance(t, torch.Tensor) or t.dtype != torch.float64:
            raise TypeError(f"{name} must be a float64 torch.Tensor, got "
                            f"{getattr(t, 'dtype', type(t).__name__)}")
        if not torch.isfinite(t).all():
            raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    want = (mdp.n_states, mdp.n_actions, theta.shape[0] if theta.ndim == 1 else -1)
    if theta.ndim != 1 or tuple(X.shape) != want:
        raise ValueError(f"theta must have shape (d,) and X shape (S, A, d) = {want}, got "
                         f"{tuple(theta.shape)} and {tuple(X.shape)}")


def torch_softmax_policy(theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    r"""$\pi_\theta(a \mid s) = \mathrm{softmax}_a(\theta^\top \mathbf x(s, a))$ for
    every state, shape `(S, A)`, differentiable in `theta`.  A one-line kernel: it checks
    nothing; [`torch_mrp`][fa_book.policy_gradient.torch_mrp] checks its inputs."""
    return torch.softmax(X @ theta, dim=-1)  # (S, A), differentiable in theta


def torch_mrp(mdp: FiniteMDP, theta: torch.Tensor, X: torch.Tensor
              ) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The Markov reward process of the softmax policy, in torch (float64):
    $P_\pi(s, s') = \sum_a \pi_\theta(a \mid s) P(s' \mid s, a)$, shape `(S, S)`, and
    $r_\pi(s) = \sum_a \pi_\theta(a \mid s) r(s, a)$, shape `(S,)`."""
    check_torch_inputs(mdp, theta, X)
    pi = torch_softmax_policy(theta, X)
    P = torch.as_tensor(mdp.P, dtype=torch.float64)
    R = torch.as_tensor(mdp.R, dtype=torch.float64)
    P_pi = torch.einsum("sa,sat->st", pi, P)
    r_pi = (pi * R).sum(1)
    return P_pi, r_pi


def check_chain(P_pi) -> None:
    r"""Require a finite square torch tensor $P_\pi$ whose rows are probability vectors
    (a Markov chain)."""
    if not isinstance(P_pi, torch.Tensor):
        raise TypeError(f"P_pi must be a torch.Tensor, got {type(P_pi).__name__}")
    if P_pi.ndim != 2 or P_pi.shape[0] != P_pi.shape[1] or P_pi.shape[0] == 0:
        raise ValueError(f"P_pi must have shape (S, S), got {tuple(P_pi.shape)}")
    if not torch.isfinite(P_pi).all():
        raise ValueError("P_pi must contain only finite values (found NaN or inf)")
    P = P_pi.detach()
    if (P < 0).any() or (P.sum(1) - 1).abs().max() > 1e-9:
        raise ValueError("each row of P_pi must be a probability vector (non-negative, "
                         "summing to 1)")


def check_gradient_inputs(objective, mdp: FiniteMDP, theta, X
                          ) -> tuple[np.ndarray, np.ndarray]:
    r"""The inputs of [`exact_gradient`][fa_book.policy_gradient.exact_gradient]: a
    callable objective, a `FiniteMDP`, finite $\theta$ shape `(d,)` and features `X`
    shape `(S, A, d)`; returns `(theta, X)` as float arrays."""
    if not callable(objective):
        raise TypeError(f"objective must be a function such as j_start, got "
                        f"{type(objective).__name__}")
    if not isinstance(mdp, FiniteMDP):
        raise TypeError(f"mdp must be a FiniteMDP, got {type(mdp).__name__}")
    theta = check_finite_array("theta", theta)
    if theta.ndim != 1:
        raise ValueError(f"theta must have shape (d,), got {theta.shape}")
    X = check_finite_array("X", X)
    want = (mdp.n_states, mdp.n_actions, theta.shape[0])
    if X.shape != want:
        raise ValueError(f"X (action features of every state) must have shape (S, A, d) = "
                         f"{want}, got {X.shape}")
    return theta, X


# --8<-- [start:objectives]
# --8<-- [start:objectives_j]
def j_start(mdp: FiniteMDP, theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    r"""Start-state objective $J_1(\theta) = \sum_s d_0(s) V^{\pi_\theta}(s)$ with
    $V^\pi = (I - \gamma P_\pi)^{-1} r_\pi$; differentiable in `theta`."""
    P_pi, r_pi = torch_mrp(mdp, theta, X)
    eye = torch.eye(mdp.n_states, dtype=torch.float64)
    V = torch.linalg.solve(eye - mdp.gamma * P_pi, r_pi)
    return torch.as_tensor(mdp.d0) @ V  # (J1)


def stationary_distribution_torch(P_pi: torch.Tensor) -> torch.Tensor:
    r"""The stationary distribution $d^\pi$ of an irreducible chain, differentiably:
    $d^\top (I - P_\pi + \mathbf 1\mathbf 1^\top) = \mathbf 1^\top$, which holds because
    $d^\top P_\pi = d^\top$ and $d^\top \mathbf 1 = 1$ (and the matrix is invertible when
    the stationary distribution is unique)."""
    check_chain(P_pi)
    S = P_pi.shape[0]
    ones = torch.ones(S, S, dtype=P_pi.dtype)
    M = torch.eye(S, dtype=P_pi.dtype) - P_pi + ones
    return torch.linalg.solve(M.T, torch.ones(S, dtype=P_pi.dtype))  # (STAT)


def j_average_reward(mdp: FiniteMDP, theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    r"""Average reward per step $J_{avR}(\theta) = \sum_s d^{\pi_\theta}(s) \sum_a
    \pi_\theta(a \mid s) r(s, a)$ ($\gamma$ is not used)."""
    check_continuing(mdp)
    P_pi, r_pi = torch_mrp(mdp, theta, X)
    return stationary_distribution_torch(P_pi) @ r_pi  # (JAVR)


def j_average_value(mdp: FiniteMDP, theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    r"""Average value $J_{avV}(\theta) = \sum_s d^{\pi_\theta}(s) V^{\pi_\theta}(s)$, with
    $d^\pi$ the stationary distribution and $V^\pi$ the discounted value ($\gamma < 1$)."""
    check_continuing(mdp, discounted=True)
    P_pi, r_pi = torch_mrp(mdp, theta, X)
    eye = torch.eye(mdp.n_states, dtype=torch.float64)
    V = torch.linalg.solve(eye - mdp.gamma * P_pi, r_pi)
    return stationary_distribution_torch(P_pi) @ V  # (JAVV)
# --8<-- [end:objectives_j]


def exact_gradient(objective, mdp: FiniteMDP, theta, X) -> np.ndarray:
    r"""$\nabla_\theta J(\theta)$ by autograd (float64) through the closed-form objective
    (`j_start`, `j_average_reward` or `j_average_value`), shape `(d,)`."""
    theta, X = check_gradient_inputs(objective, mdp, theta, X)
    theta_t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    J = objective(mdp, theta_t, torch.as_tensor(X))
    (grad,) = torch.autograd.grad(J, theta_t)
    return grad.numpy()
# --8<-- [end:objectives]


def policy_and_scores(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta, X
                      ) -> tuple[np.ndarray, np.ndarray]:
    r"""The softmax policy $\pi_\theta(a \mid s)$ of every state, shape `(S, A)`, and its
    scores $\nabla\log\pi_\theta(a \mid s)$, shape `(S, A, d)`, after checking the MDP,
    the policy (as many actions as the MDP), $\theta$ and `X`."""
    if not isinstance(mdp, FiniteMDP):
        raise TypeError(f"mdp must be a FiniteMDP, got {type(mdp).__name__}")
    X = check_action_features(policy, X, mdp.n_states, mdp.n_actions)
    theta = check_theta(theta, policy.n_params)
    return policy.pi(theta, X), policy.grad_log_pi_all(theta, X)


# --8<-- [start:pg_theorem]
def pg_start(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""Theorem, start state: $\nabla J_1 = \sum_s \eta_\gamma(s) \sum_a
    \pi(a|s)\nabla\log\pi(a|s)\, Q^\pi(s, a)$, with the *unnormalised discounted*
    visitation $\eta_\gamma(s) = \sum_t \gamma^t \Pr(S_t = s)$."""
    pi, score = policy_and_scores(mdp, policy, theta, X)
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
    pi = check_continuing(mdp, pi)
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
    pi, score = policy_and_scores(mdp, policy, theta, X)
    d = on_policy_distribution(mdp, pi)
    _, _, q = differential_values(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", d, pi, score, q)  # (PGTR)


def pg_average_value(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta, X) -> np.ndarray:
    r"""Average value: $\nabla J_{avV} = \frac{1}{1-\gamma}\nabla J_{avR}$, because
    $J_{avV} = d^\top (I - \gamma P_\pi)^{-1} r_\pi = \frac{d^\top r_\pi}{1-\gamma}$
    for the stationary $d$ ($d^\top(I - \gamma P_\pi) = (1-\gamma)d^\top$)."""
    check_continuing(mdp, discounted=True)
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
    # --8<-- [start:avvq_body]
    check_continuing(mdp, discounted=True)
    pi, score = policy_and_scores(mdp, policy, theta, X)
    d = on_policy_distribution(mdp, pi)
    Q = q_pi(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", d, pi, score, Q) / (1 - mdp.gamma)  # (AVVQ)
    # --8<-- [end:avvq_body]


def dropped_discount_direction(mdp: FiniteMDP, policy: SoftmaxLinearPolicy, theta,
                               X) -> np.ndarray:
    r"""The expected update of $\sum_t \nabla\log\pi(A_t|S_t)\,G_t$ *without* $\gamma^t$,
    on an episodic task: $\sum_s \eta_1(s) \sum_a \pi\nabla\log\pi\,Q^\pi_\gamma(s,a)$,
    with the *undiscounted* visit counts $\eta_1^\top = d_0^\top(I - P_\pi)^{-1}$.

    For $\gamma < 1$ it is not $\nabla J_1$ and, in general, not the gradient of any
    function (Nota & Thomas 2020)."""
    # --8<-- [start:nogamma_body]
    pi, score = policy_and_scores(mdp, policy, theta, X)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    M = np.eye(mdp.n_states) - P_pi
    if np.linalg.cond(M) > 1e12:
        raise ValueError("dropped_discount_direction needs an episodic task: every state "
                         "must reach termination")
    eta1 = np.linalg.solve(M.T, mdp.d0)
    Q = q_pi(mdp, pi)
    return np.einsum("s,sa,sak,sa->k", eta1, pi, score, Q)  # (NOGAMMA)
    # --8<-- [end:nogamma_body]
# --8<-- [end:pitfalls]
