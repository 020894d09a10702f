r"""Parameterized policies 参数化策略 $\pi_\theta(a \mid s)$ behind one small interface.

Every stochastic policy here answers the same three questions, which is all that the
likelihood-ratio estimator and REINFORCE need:

| method | returns | symbol |
| --- | --- | --- |
| `log_pi(theta, x, a)` | log-probability (density) of `a` | $\log \pi_\theta(a \mid s)$ |
| `grad_log_pi(theta, x, a)` | score `(..., n_params)` | $\nabla_\theta \log \pi_\theta(a \mid s)$ |
| `sample(theta, x, rng)` | an action from the policy | $A \sim \pi_\theta(\cdot \mid s)$ |

`x` is what the policy sees of the state: for the softmax policy the action features
$\mathbf x(s, b)$ of every action $b$, shape `(..., A, d)`; for the Gaussian and the
deterministic policy the state features $\mathbf x(s)$, shape `(..., d)`.  Leading
dimensions are a batch.  The parameters are one flat vector `theta` of length
`n_params`.

* [`SoftmaxLinearPolicy`][fa_book.policies.SoftmaxLinearPolicy]: softmax over linear
  preferences $h(s, a, \theta) = \theta^\top \mathbf x(s, a)$, with the closed-form score.
* [`GaussianLinearPolicy`][fa_book.policies.GaussianLinearPolicy]: continuous actions,
  linear mean, one log-standard-deviation parameter.
* [`CategoricalMLP`][fa_book.policies.CategoricalMLP]: a torch network producing logits;
  its score comes from autograd.
* [`DeterministicLinearPolicy`][fa_book.policies.DeterministicLinearPolicy]:
  $a = \mu_\theta(s)$; it has no density, hence no score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch
from torch import nn

from fa_book.nets import torch_default_init
from fa_book.validate import (
    MAX_SIZE,
    check_choice,
    check_finite,
    check_generator,
    check_int_range,
    check_positive,
    check_size,
)

__all__ = [
    "LOGIT_SPREAD_LIMIT",
    "CategoricalMLP",
    "DeterministicLinearPolicy",
    "GaussianLinearPolicy",
    "SoftmaxLinearPolicy",
    "StochasticPolicy",
    "check_actions",
    "check_axis",
    "check_finite_array",
    "check_logits",
    "check_probabilities",
    "check_theta",
    "log_softmax",
    "softmax",
    "tabular_features",
]

_PROB_TOL = 1e-8


class StochasticPolicy(Protocol):
    """What the likelihood-ratio estimator needs from a policy."""

    n_params: int

    def log_pi(self, theta: np.ndarray, x: np.ndarray, a) -> np.ndarray: ...

    def grad_log_pi(self, theta: np.ndarray, x: np.ndarray, a) -> np.ndarray: ...

    def sample(self, theta: np.ndarray, x: np.ndarray, rng: np.random.Generator): ...


def _as_float_array(name: str, value) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got "
                        f"{type(value).__name__}") from None


def check_finite_array(name: str, value) -> np.ndarray:
    """Require an array of finite numbers; returns it as a float array (a `TypeError`
    for values that are not numbers, a `ValueError` naming `name` for NaN or inf)."""
    return check_finite(name, _as_float_array(name, value))


def check_axis(name: str, axis, ndim: int) -> int:
    """Require an integer axis of an array with `ndim` dimensions."""
    return check_int_range(name, axis, -ndim, ndim - 1)


def check_probabilities(name: str, p, axis: int = -1) -> np.ndarray:
    """Require finite, non-negative entries summing to one along `axis`; returns float."""
    p = check_finite_array(name, p)
    if p.ndim == 0 or p.size == 0:
        raise ValueError(f"{name} must have at least one dimension (the actions) and at "
                         f"least one entry, got shape {p.shape}")
    check_axis("axis", axis, p.ndim)
    if (p < 0).any():
        raise ValueError(f"{name} must be non-negative, found {p.min():g}")
    total = p.sum(axis)
    if np.abs(total - 1.0).max() > _PROB_TOL:
        worst = total.flat[np.abs(total - 1.0).argmax()]
        raise ValueError(f"{name} must sum to 1 along axis {axis} (within {_PROB_TOL:g}), "
                         f"found a sum of {worst:.12g}")
    return p


LOGIT_SPREAD_LIMIT = 2e307
r"""The widest range $\max_b h_b - \min_b h_b$ of logits that
[`log_softmax`][fa_book.policies.log_softmax] accepts: within it the shift
$h - \max_b h_b$ cannot overflow a float64 (whose largest value is about
$1.8 \cdot 10^{308}$); a logit that far below the best has probability 0 anyway."""


def check_logits(h, axis: int = -1) -> np.ndarray:
    """Require finite preferences (logits) with at least one action along `axis`, spanning
    at most `LOGIT_SPREAD_LIMIT`; returns them as a float array."""
    h = check_finite_array("h (logits)", h)
    if h.ndim == 0:
        raise ValueError("h (logits) must have an action axis, got a scalar")
    check_axis("axis", axis, h.ndim)
    if h.shape[axis] == 0:
        raise ValueError(f"h (logits) must hold at least one action along axis {axis}, "
                         f"got shape {h.shape}")
    half_spread = h.max(axis) / 2 - h.min(axis) / 2  # halves: no overflow here either
    if h.size and half_spread.max() > LOGIT_SPREAD_LIMIT / 2:
        raise ValueError(f"h (logits) must span at most {LOGIT_SPREAD_LIMIT:g} along the "
                         f"action axis (max - min), or h - max h overflows; found logits "
                         f"from {h.min():g} to {h.max():g}")
    return h


# --8<-- [start:log_softmax]
def log_softmax(h: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""$\log \pi(a) = h_a - \log \sum_b e^{h_b}$, computed stably.

    Subtracting $\max_b h_b$ first keeps every exponent $\le 0$, so nothing overflows,
    and the result never takes the log of a probability that has underflowed to zero:
    a preference 800 below the best gives $\log \pi = -800$, not `-inf`.

    Args:
        h: preferences (logits) $h$, shape `(..., A)`; must be finite.
        axis: the action axis.
    """
    h = check_logits(h, axis)
    z = h - h.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))  # (LOGSOFTMAX)
# --8<-- [end:log_softmax]


def softmax(h, axis: int = -1) -> np.ndarray:
    r"""$\pi(a) = e^{h_a} / \sum_b e^{h_b}$, shape of `h`; finite logits only."""
    return np.exp(log_softmax(h, axis=axis))


def tabular_features(n_states: int, n_actions: int) -> np.ndarray:
    r"""One-hot action features $\mathbf x(s, a) = \mathbf e_{(s, a)}$, shape `(S, A, S*A)`.

    With these the softmax policy is the tabular softmax: $\theta_{(s,a)} = h(s, a)$.
    """
    check_size("n_states", n_states)
    check_size("n_actions", n_actions)
    check_size("n_states * n_actions squared (entries of the feature array)",
               (n_states * n_actions) ** 2)
    return np.eye(n_states * n_actions).reshape(n_states, n_actions, n_states * n_actions)


def check_theta(theta, n_params: int) -> np.ndarray:
    r"""Require finite policy parameters $\theta$ of shape `(n_params,)`; returns float."""
    theta = check_finite_array("theta", theta)
    if theta.shape != (n_params,):
        raise ValueError(f"theta must have shape ({n_params},), got {theta.shape}")
    return theta


def check_actions(a, batch: tuple[int, ...], n_actions: int) -> np.ndarray:
    """Require integer actions in `[0, n_actions - 1]` with the batch shape `batch` of
    the states they were taken in; returns them as an array."""
    a = np.asarray(a)
    if a.dtype == bool or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"a must be integer actions in [0, {n_actions - 1}], got dtype "
                         f"{a.dtype}")
    if a.shape != batch:
        raise ValueError(f"a must have the batch shape {batch} of x, got {a.shape}")
    if (a < 0).any() or (a >= n_actions).any():
        raise ValueError(f"a must be in [0, {n_actions - 1}], got values in "
                         f"[{a.min()}, {a.max()}]")
    return a


@dataclass(frozen=True)
class SoftmaxLinearPolicy:
    r"""Softmax in action preferences:
    $\pi_\theta(a \mid s) \propto e^{\theta^\top \mathbf x(s, a)}$.

    Sutton & Barto (2018) eq. 13.2-13.3.  Parameters: $\theta \in \mathbb R^d$.

    Args:
        n_features: $d$, the length of each action-feature vector $\mathbf x(s, a)$.
        n_actions: $|\mathcal A|$.
    """

    n_features: int
    n_actions: int

    def __post_init__(self):
        check_size("n_features", self.n_features)
        check_size("n_actions", self.n_actions)

    @property
    def n_params(self) -> int:
        return self.n_features

    def _check(self, theta, x) -> tuple[np.ndarray, np.ndarray]:
        theta = check_theta(theta, self.n_params)
        x = check_finite_array("x", x)
        if x.ndim < 2 or x.shape[-2:] != (self.n_actions, self.n_features):
            raise ValueError(f"x must have shape (..., A, d) = (..., {self.n_actions}, "
                             f"{self.n_features}), got {x.shape}")
        return theta, x

    # --8<-- [start:softmax_score]
    # --8<-- [start:softmax_pref]
    def preferences(self, theta, x) -> np.ndarray:
        r"""$h(s, b, \theta) = \theta^\top \mathbf x(s, b)$ for every action, shape `(..., A)`."""
        theta, x = self._check(theta, x)
        return x @ theta  # (PREF)
    # --8<-- [end:softmax_pref]

    def log_pi_all(self, theta, x) -> np.ndarray:
        r"""$\log \pi_\theta(b \mid s)$ for every action $b$, shape `(..., A)`."""
        return log_softmax(self.preferences(theta, x))

    def pi(self, theta, x) -> np.ndarray:
        r"""$\pi_\theta(b \mid s)$ for every action $b$, shape `(..., A)`."""
        return np.exp(self.log_pi_all(theta, x))

    def log_pi(self, theta, x, a) -> np.ndarray:
        r"""$\log \pi_\theta(a \mid s)$, shape `(...)` (the batch shape of `x`)."""
        log_pi = self.log_pi_all(theta, x)
        a = check_actions(a, log_pi.shape[:-1], self.n_actions)
        return np.take_along_axis(log_pi, a[..., None], axis=-1)[..., 0]

    # --8<-- [start:softmax_score_all]
    def grad_log_pi_all(self, theta, x) -> np.ndarray:
        r"""The score of every action: $\mathbf x(s, a) - \sum_b \pi_\theta(b \mid s)\,
        \mathbf x(s, b)$, shape `(..., A, d)`."""
        theta, x = self._check(theta, x)
        pi = np.exp(log_softmax(x @ theta))
        x_bar = np.einsum("...b,...bd->...d", pi, x)  # expected feature under pi
        return x - x_bar[..., None, :]  # (SCORE)
    # --8<-- [end:softmax_score_all]

    def grad_log_pi(self, theta, x, a) -> np.ndarray:
        r"""$\nabla_\theta \log \pi_\theta(a \mid s)$, shape `(..., d)`."""
        scores = self.grad_log_pi_all(theta, x)
        a = check_actions(a, scores.shape[:-2], self.n_actions)
        return np.take_along_axis(scores, a[..., None, None], axis=-2)[..., 0, :]
    # --8<-- [end:softmax_score]

    def sample(self, theta, x, rng: np.random.Generator) -> np.ndarray:
        r"""Actions $A \sim \pi_\theta(\cdot \mid s)$ by inverse CDF, shape `(...)`."""
        check_generator("rng", rng)
        pi = self.pi(theta, x)
        u = rng.random(pi.shape[:-1])
        a = (np.cumsum(pi, axis=-1) < u[..., None]).sum(-1)
        return np.minimum(a, self.n_actions - 1)


@dataclass(frozen=True)
class GaussianLinearPolicy:
    r"""Gaussian policy for a scalar continuous action (Sutton & Barto 2018, §13.7).

    $\pi_\theta(a \mid s) = \mathcal N\big(a;\ \mu(s), \sigma^2\big)$ with
    $\mu(s) = \theta_\mu^\top \mathbf x(s)$ and $\sigma = e^{\theta_\sigma}$ (one
    state-independent log-standard-deviation).  `theta = [theta_mu (d entries), theta_sigma]`.

    Args:
        n_features: $d$, the length of the state features $\mathbf x(s)$.
    """

    n_features: int

    def __post_init__(self):
        check_size("n_features", self.n_features)

    @property
    def n_params(self) -> int:
        return self.n_features + 1

    def _check(self, theta, x) -> tuple[np.ndarray, np.ndarray]:
        theta = check_theta(theta, self.n_params)
        x = check_finite_array("x", x)
        if x.ndim < 1 or x.shape[-1] != self.n_features:
            raise ValueError(f"x must have shape (..., d) = (..., {self.n_features}), "
                             f"got {x.shape}")
        if abs(theta[-1]) > 50:
            raise ValueError(f"theta[-1] (log sigma) must be in [-50, 50], got {theta[-1]!r}")
        return theta, x

    def _action(self, a, batch) -> np.ndarray:
        a = check_finite_array("a", a)
        if a.shape != batch:
            raise ValueError(f"a must have the batch shape {batch} of x, got {a.shape}")
        return a

    def mean_std(self, theta, x) -> tuple[np.ndarray, float]:
        r"""$(\mu(s), \sigma)$; $\mu$ has the batch shape of `x`."""
        theta, x = self._check(theta, x)
        return x @ theta[:-1], float(np.exp(theta[-1]))

    def log_pi(self, theta, x, a) -> np.ndarray:
        r"""$\log \pi_\theta(a \mid s) = -\tfrac{(a-\mu)^2}{2\sigma^2} - \log\sigma
        - \tfrac12\log 2\pi$, shape `(...)`."""
        mu, sigma = self.mean_std(theta, x)
        a = self._action(a, mu.shape)
        return -0.5 * ((a - mu) / sigma) ** 2 - math.log(sigma) - 0.5 * math.log(2 * math.pi)

    # --8<-- [start:gaussian_score]
    def grad_log_pi(self, theta, x, a) -> np.ndarray:
        r"""$\nabla_\theta \log \pi_\theta(a \mid s)$, shape `(..., d + 1)`:
        $\frac{a - \mu}{\sigma^2}\mathbf x(s)$ for $\theta_\mu$ and
        $\frac{(a-\mu)^2}{\sigma^2} - 1$ for $\theta_\sigma$."""
        theta, x = self._check(theta, x)
        mu, sigma = x @ theta[:-1], math.exp(theta[-1])
        a = self._action(a, mu.shape)
        z = (a - mu) / sigma
        grad_mu = (z / sigma)[..., None] * x  # (GSCOREMU)
        grad_log_sigma = z**2 - 1.0  # (GSCORESIGMA)
        return np.concatenate([grad_mu, grad_log_sigma[..., None]], axis=-1)
    # --8<-- [end:gaussian_score]

    def sample(self, theta, x, rng: np.random.Generator) -> np.ndarray:
        r"""$A = \mu(s) + \sigma \varepsilon$, $\varepsilon \sim \mathcal N(0, 1)$,
        shape `(...)`."""
        check_generator("rng", rng)
        mu, sigma = self.mean_std(theta, x)
        return mu + sigma * rng.standard_normal(mu.shape)


@dataclass(frozen=True)
class DeterministicLinearPolicy:
    r"""A deterministic policy 确定性策略 $a = \mu_\theta(s) = \Theta^\top \mathbf x(s)$.

    `theta` is $\Theta$ flattened, shape `(d * action_dim,)`.  It puts all its mass on one
    action, so it has **no density and no score**: the likelihood ratio does not apply.
    Its gradient goes through the action instead, $\nabla_\theta \mu_\theta(s)\,
    \nabla_a Q(s, a)$ (the deterministic policy gradient, Silver et al. 2014).  It is
    the $\sigma \to 0$ limit of the Gaussian policy, whose score blows up as $1/\sigma$.

    Args:
        n_features: $d$.
        action_dim: the dimension of the action vector.
    """

    n_features: int
    action_dim: int = 1

    def __post_init__(self):
        check_size("n_features", self.n_features)
        check_size("action_dim", self.action_dim)
        check_size("n_features * action_dim", self.n_features * self.action_dim)

    @property
    def n_params(self) -> int:
        return self.n_features * self.action_dim

    def _check(self, theta, x):
        theta = check_theta(theta, self.n_params)
        x = check_finite_array("x", x)
        if x.ndim < 1 or x.shape[-1] != self.n_features:
            raise ValueError(f"x must have shape (..., d) = (..., {self.n_features}), "
                             f"got {x.shape}")
        return theta.reshape(self.n_features, self.action_dim), x

    def mu(self, theta, x) -> np.ndarray:
        r"""The action $\mu_\theta(s)$, shape `(..., action_dim)`."""
        Theta, x = self._check(theta, x)
        return x @ Theta

    def grad_mu(self, theta, x) -> np.ndarray:
        r"""Jacobian $\partial \mu_\theta(s)_i / \partial \theta_j$,
        shape `(..., action_dim, n_params)`."""
        _, x = self._check(theta, x)
        eye = np.eye(self.action_dim)
        # theta is Theta.ravel() (row-major): d mu_i / d Theta[k, j] = x_k [i == j]
        return np.einsum("...k,ij->...ikj", x, eye).reshape(*x.shape[:-1], self.action_dim,
                                                            self.n_params)

    def sample(self, theta, x, rng: np.random.Generator | None = None) -> np.ndarray:
        r"""The action $\mu_\theta(s)$ (no randomness; `rng` is ignored)."""
        return self.mu(theta, x)


class CategoricalMLP(nn.Module):
    r"""A torch categorical policy: logits $h_\theta(s) = \mathrm{MLP}_\theta(s)$,
    $\pi_\theta(\cdot \mid s) = \mathrm{softmax}(h_\theta(s))$.

    The score $\nabla_\theta \log \pi_\theta(a \mid s)$ is what autograd returns from
    `log_pi(obs, a).backward()`.  Weights get PyTorch's default initialisation
    ([`torch_default_init`][fa_book.nets.torch_default_init]) from a private generator
    seeded with `seed` (global torch random state is not touched); the last layer is
    scaled by `out_scale` so that the initial policy is close to uniform.

    Args:
        obs_dim: length of the observation vector.
        n_actions: $|\mathcal A|$.
        hidden: widths of the hidden layers (tanh activations).
        seed: seed of the weight initialisation, an integer in $[0, 2^{63})$.
        out_scale: factor $> 0$ on the last layer's initial weights.
        dtype: `torch.float32` (default) or `torch.float64`.
    """

    def __init__(self, obs_dim: int, n_actions: int, hidden: tuple[int, ...] = (64,),
                 *, seed: int = 0, out_scale: float = 0.01, dtype: torch.dtype = torch.float32):
        super().__init__()
        check_size("obs_dim", obs_dim)
        check_size("n_actions", n_actions)
        if not isinstance(hidden, (tuple, list)):
            raise TypeError(f"hidden must be a tuple of layer widths, got "
                            f"{type(hidden).__name__}")
        for h in hidden:
            check_size("hidden width", h)
        check_int_range("seed", seed, 0, 2**63 - 1)
        check_positive("out_scale", out_scale)
        check_choice("dtype", dtype, (torch.float32, torch.float64))
        sizes = (obs_dim, *hidden, n_actions)
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            check_size("layer size (fan_in * fan_out)", fan_in * fan_out, MAX_SIZE)
        layers: list[nn.Module] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            layers += [nn.utils.skip_init(nn.Linear, fan_in, fan_out, dtype=dtype), nn.Tanh()]
        self.net = nn.Sequential(*layers[:-1])
        torch_default_init(self.net, torch.Generator().manual_seed(int(seed)))
        with torch.no_grad():
            self.net[-1].weight.mul_(out_scale)
            self.net[-1].bias.mul_(out_scale)
        self.obs_dim, self.n_actions, self.dtype = obs_dim, n_actions, dtype

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        r"""Logits $h_\theta(s)$, shape `(..., A)`; raises `ValueError` if not finite."""
        try:
            obs = torch.as_tensor(obs, dtype=self.dtype)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"obs must be an array of numbers, got "
                            f"{type(obs).__name__}") from None
        if obs.shape[-1:] != (self.obs_dim,):
            raise ValueError(f"obs must have shape (..., {self.obs_dim}), got "
                             f"{tuple(obs.shape)}")
        if not torch.isfinite(obs).all():
            raise ValueError("obs must be finite (found NaN or inf)")
        h = self.net(obs)
        if not torch.isfinite(h).all():
            raise ValueError("logits must be finite (found NaN or inf): the network's "
                             "weights or the observation have blown up")
        return h

    def log_pi_all(self, obs) -> torch.Tensor:
        r"""$\log \pi_\theta(\cdot \mid s)$ by `log_softmax` (stable), shape `(..., A)`."""
        return torch.log_softmax(self(obs), dim=-1)

    def log_pi(self, obs, a) -> torch.Tensor:
        r"""$\log \pi_\theta(a \mid s)$, shape `(...)`; differentiable in $\theta$."""
        log_pi = self.log_pi_all(obs)
        a = torch.as_tensor(a)
        if a.dtype == torch.bool or a.is_floating_point() or a.is_complex():
            raise ValueError(f"a must be integer actions in [0, {self.n_actions - 1}], got "
                             f"dtype {a.dtype}")
        a = a.to(torch.long)
        if a.shape != log_pi.shape[:-1]:
            raise ValueError(f"a must have shape {tuple(log_pi.shape[:-1])}, got "
                             f"{tuple(a.shape)}")
        if (a < 0).any() or (a >= self.n_actions).any():
            raise ValueError(f"a must be in [0, {self.n_actions - 1}]")
        return log_pi.gather(-1, a[..., None])[..., 0]

    @torch.no_grad()
    def sample(self, obs, generator: torch.Generator) -> torch.Tensor:
        r"""$A \sim \pi_\theta(\cdot \mid s)$ using `generator`, shape `(...)`."""
        if not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator, got "
                            f"{type(generator).__name__}")
        probs = self.log_pi_all(obs).exp()
        flat = probs.reshape(-1, self.n_actions)
        a = torch.multinomial(flat, 1, generator=generator)[:, 0]
        return a.reshape(probs.shape[:-1])
