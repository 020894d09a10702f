r"""Feature maps $\mathbf x(s)$: turn a state into a vector so that a linear
$\hat v(s, \theta) = \theta^\top \mathbf x(s)$ can generalize (特征化状态).

Every map here has one interface:

* `fmap.d` is the number of features $d$;
* `fmap(s)` takes a *batch* of states and returns an array of shape `(..., d)`, float64.

What a "state" is depends on the map.  Maps over a finite state set (`OneHot`,
`StateAggregation`) take integer indices of any shape `(...)`.  Maps over a box
$[\text{low}, \text{high}] \subset \mathbb R^k$ (`Polynomial`, `Fourier`, `RBF`) take
`(..., k)` arrays, or, when built with scalar `low` and `high`, scalar states of any shape
`(...)`.  Box maps first scale each coordinate to $[0, 1]$, as Sutton & Barto (2018, §9.5)
assume.  `FeatureObservation` wraps a gymnasium environment so that its observations are
the features.

The feature matrix $\Phi$ of the oracles (`fa_book.oracles`) is `fmap(states)` for the
list of all states: row $s$ is $\mathbf x(s)^\top$.
"""

from __future__ import annotations

import itertools

import gymnasium as gym
import numpy as np
from numpy.typing import ArrayLike

from fa_book import discretize
from fa_book.validate import check_finite, check_positive, check_positive_int

__all__ = [
    "RBF",
    "FeatureMap",
    "FeatureObservation",
    "Fourier",
    "OneHot",
    "Polynomial",
    "StateAggregation",
    "exponents",
]


class FeatureMap:
    """Base class: a map from a batch of states to features of shape `(..., d)`."""

    d: int
    """Number of features."""

    def __call__(self, s: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(d={self.d})"


# ------------------------------------------------------------------- finite state sets


def _check_index(s, n: int) -> np.ndarray:
    a = np.asarray(s)
    if a.dtype.kind not in "iu":
        if a.dtype.kind == "f" and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
            a = a.astype(np.int64)
        else:
            raise ValueError(f"s must hold integer state indices in [0, {n - 1}], "
                             f"got dtype {a.dtype}")
    if a.size and (a.min() < 0 or a.max() >= n):
        raise ValueError(f"s must hold integer state indices in [0, {n - 1}], "
                         f"got values in [{a.min()}, {a.max()}]")
    return a


# --8<-- [start:one_hot]
class OneHot(FeatureMap):
    r"""The tabular case as features: $x_i(s) = 1$ if $i = s$ else 0.

    With these features $\hat v(s,\theta) = \theta_s$: a lookup table is the special case
    of linear function approximation with $d = |\mathcal S|$.

    Args:
        n_states: $|\mathcal S|$; states are indices `0 .. n_states - 1`.
    """

    def __init__(self, n_states: int):
        self.d = check_positive_int("n_states", n_states)

    def __call__(self, s: ArrayLike) -> np.ndarray:
        s = _check_index(s, self.d)
        return np.eye(self.d)[s]
# --8<-- [end:one_hot]


# --8<-- [start:state_aggregation]
class StateAggregation(discretize.StateAggregation, FeatureMap):
    r"""State aggregation: one indicator feature per group, $x_i(s) = [g(s) = i]$.

    All states in a group share one value, $\hat v(s,\theta) = \theta_{g(s)}$
    (Sutton & Barto 2018, Example 9.1).  This is chapter 2's
    [`StateAggregation`][fa_book.discretize.StateAggregation], built from `groups`, the
    integer group of each state (shape `(S,)`, labels renumbered to `0 .. d - 1`), or by
    `aggregate_by_key` / `aggregate_by_clustering` there; plus two constructors.
    """

    @classmethod
    def uniform(cls, n_states: int, n_groups: int) -> StateAggregation:
        """Consecutive blocks of (nearly) equal size: state `s` is in group
        `s * n_groups // n_states` (e.g. 1000 states into 10 groups of 100)."""
        check_positive_int("n_states", n_states)
        check_positive_int("n_groups", n_groups)
        if n_groups > n_states:
            raise ValueError(f"n_groups must be in [1, n_states = {n_states}], "
                             f"got {n_groups}")
        return cls(np.arange(n_states) * n_groups // n_states)

    @classmethod
    def from_discretize(cls, agg: discretize.StateAggregation) -> StateAggregation:
        """The same partition as a chapter-2 aggregation (e.g. from clustering)."""
        return cls(agg.groups)
# --8<-- [end:state_aggregation]


# --------------------------------------------------------------------------- box maps


class _BoxMap(FeatureMap):
    """Shared handling of states in a box [low, high], scaled to [0, 1]."""

    def __init__(self, low: ArrayLike, high: ArrayLike):
        low = check_finite("low", np.asarray(low, dtype=float))
        high = check_finite("high", np.asarray(high, dtype=float))
        if low.ndim > 1 or low.shape != high.shape:
            raise ValueError(f"low and high must be scalars or 1-d arrays of equal shape, got "
                             f"{low.shape} and {high.shape}")
        if not np.all(high > low):
            raise ValueError("high must be greater than low in every coordinate")
        self.scalar = low.ndim == 0
        self.low = np.atleast_1d(low)
        self.high = np.atleast_1d(high)
        self.k = self.low.size

    def scale(self, s: ArrayLike) -> np.ndarray:
        r"""Scale states to $[0, 1]^k$: returns shape `(..., k)`.

        Raises:
            ValueError: on non-finite states, a wrong trailing shape, or states outside
                `[low, high]`.
        """
        s = np.asarray(s, dtype=float)
        if not np.all(np.isfinite(s)):
            raise ValueError("s must contain only finite values (found NaN or inf)")
        if self.scalar:
            s = s[..., None]
        elif s.ndim == 0 or s.shape[-1] != self.k:
            raise ValueError(f"s must have shape (..., {self.k}), got {s.shape}")
        u = (s - self.low) / (self.high - self.low)
        if u.size and (u.min() < -1e-6 or u.max() > 1 + 1e-6):  # float32 observations
            raise ValueError(f"s must lie in [low, high] = [{self.low.tolist()}, "
                             f"{self.high.tolist()}]")
        return np.clip(u, 0.0, 1.0)


def exponents(order: int, k: int) -> np.ndarray:
    r"""All integer vectors $c \in \{0, \dots, n\}^k$: shape `((n + 1)^k, k)`.

    They index both the polynomial features $\prod_j s_j^{c_j}$ and the Fourier
    features $\cos(\pi\, c^\top s)$ of order $n$ (Sutton & Barto 2018, eqs. 9.17 and 9.18).
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise ValueError(f"order must be an integer >= 0, got {order!r}")
    check_positive_int("k", k)
    return np.array(list(itertools.product(range(order + 1), repeat=k)), dtype=np.int64)


# --8<-- [start:polynomial]
class Polynomial(FeatureMap):
    r"""Polynomial basis of order $n$: $x_i(s) = \prod_{j=1}^k u_j^{c_{ij}}$ with
    $u = (s - \text{low}) / (\text{high} - \text{low}) \in [0, 1]^k$ and
    $c_i \in \{0,\dots,n\}^k$ (Sutton & Barto 2018, eq. 9.17), so $d = (n+1)^k$.

    Args:
        order: $n \ge 0$.
        low: lower corner of the state box, scalar or shape `(k,)`.
        high: upper corner, same shape as `low`.
    """

    def __init__(self, order: int, low: ArrayLike = 0.0, high: ArrayLike = 1.0):
        self.box = _BoxMap(low, high)
        self.order = order
        self.c = exponents(order, self.box.k)
        self.d = self.c.shape[0]

    def __call__(self, s: ArrayLike) -> np.ndarray:
        u = self.box.scale(s)  # (..., k)
        return np.prod(u[..., None, :] ** self.c, axis=-1)  # (poly)
# --8<-- [end:polynomial]


# --8<-- [start:fourier]
class Fourier(FeatureMap):
    r"""Fourier cosine basis of order $n$: $x_i(s) = \cos(\pi\, c_i^\top u)$ with $u$ the
    state scaled to $[0, 1]^k$ and $c_i \in \{0,\dots,n\}^k$ (Sutton & Barto 2018,
    eq. 9.18; Konidaris, Osentoski & Thomas 2011), so $d = (n+1)^k$.

    Args:
        order: $n \ge 0$.
        low: lower corner of the state box, scalar or shape `(k,)`.
        high: upper corner, same shape as `low`.
    """

    def __init__(self, order: int, low: ArrayLike = 0.0, high: ArrayLike = 1.0):
        self.box = _BoxMap(low, high)
        self.order = order
        self.c = exponents(order, self.box.k)
        self.d = self.c.shape[0]

    def __call__(self, s: ArrayLike) -> np.ndarray:
        u = self.box.scale(s)  # (..., k)
        return np.cos(np.pi * u @ self.c.T)  # (fourier)
# --8<-- [end:fourier]


# --8<-- [start:rbf]
class RBF(FeatureMap):
    r"""Gaussian radial basis functions
    $x_i(s) = \exp\!\big(-\lVert u - c_i \rVert^2 / (2\sigma^2)\big)$ on the scaled state
    $u \in [0,1]^k$ (Sutton & Barto 2018, eq. 9.19).

    Args:
        centers: centers $c_i$ in scaled coordinates, shape `(d, k)` (or `(d,)` for
            scalar states).
        sigma: width $\sigma > 0$ in scaled coordinates.
        low: lower corner of the state box, scalar or shape `(k,)`.
        high: upper corner, same shape as `low`.
    """

    def __init__(self, centers: ArrayLike, sigma: float, low: ArrayLike = 0.0,
                 high: ArrayLike = 1.0):
        self.box = _BoxMap(low, high)
        c = check_finite("centers", np.asarray(centers, dtype=float))
        if c.ndim == 1 and self.box.k == 1:
            c = c[:, None]
        if c.ndim != 2 or c.shape[1] != self.box.k or c.shape[0] == 0:
            raise ValueError(f"centers must have shape (d, k) with k = {self.box.k}, "
                             f"got {c.shape}")
        self.centers = c
        self.sigma = check_positive("sigma", sigma)
        self.d = c.shape[0]

    @classmethod
    def grid(cls, n_per_dim: int, low: ArrayLike = 0.0, high: ArrayLike = 1.0,
             sigma: float | None = None) -> RBF:
        """Centers on a regular grid of `n_per_dim` points per coordinate; `sigma`
        defaults to the grid spacing."""
        check_positive_int("n_per_dim", n_per_dim)
        k = np.atleast_1d(np.asarray(low, dtype=float)).size
        axis = np.linspace(0.0, 1.0, n_per_dim)
        centers = np.array(list(itertools.product(axis, repeat=k)))
        sigma = sigma if sigma is not None else 1.0 / max(n_per_dim - 1, 1)
        return cls(centers, sigma, low, high)

    def __call__(self, s: ArrayLike) -> np.ndarray:
        u = self.box.scale(s)  # (..., k)
        sq = ((u[..., None, :] - self.centers) ** 2).sum(-1)
        return np.exp(-sq / (2 * self.sigma**2))  # (rbf)
# --8<-- [end:rbf]


# ------------------------------------------------------------------ gymnasium interop


class FeatureObservation(gym.ObservationWrapper):
    r"""A gymnasium wrapper whose observations are the features $\mathbf x(s)$.

    Args:
        env: the environment; its observations are passed to `fmap` one at a time.
        fmap: a feature map; observations become float64 vectors of shape `(fmap.d,)`.
    """

    def __init__(self, env: gym.Env, fmap: FeatureMap):
        super().__init__(env)
        self.fmap = fmap
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, shape=(fmap.d,),
                                                dtype=np.float64)

    def observation(self, observation):
        return np.asarray(self.fmap(observation), dtype=np.float64).reshape(self.fmap.d)
