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

import gymnasium as gym
import numpy as np
from numpy.typing import ArrayLike

from fa_book import discretize
from fa_book.validate import (
    MAX_SIZE,
    check_float_array,
    check_index,
    check_int_range,
    check_nonneg_int,
    check_positive,
    check_positive_int,
    check_size,
    check_type,
)

__all__ = [
    "RBF",
    "BoxScaler",
    "ExponentBasis",
    "FeatureMap",
    "FeatureObservation",
    "Fourier",
    "HAAR_MAX_LEVEL",
    "Haar",
    "OneHot",
    "Polynomial",
    "StateAggregation",
    "check_grid_size",
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


def check_grid_size(name: str, n: int, k: int) -> int:
    """Require a grid of `n` values per coordinate in `k` coordinates, $n^k$ points of `k`
    numbers each, to hold at most `MAX_SIZE` numbers; returns $n^k$.  Refuses before
    computing the (possibly astronomically large) power."""
    size = 1
    for _ in range(k):
        size *= n
        if size * k > MAX_SIZE:
            raise ValueError(f"{name} = {n} in k = {k} dimensions gives {n}**{k} grid points "
                             f"of {k} numbers: more than MAX_SIZE = {MAX_SIZE}")
    return size


# ------------------------------------------------------------------- finite state sets


# --8<-- [start:one_hot]
class OneHot(FeatureMap):
    r"""The tabular case as features: $x_i(s) = 1$ if $i = s$ else 0.

    With these features $\hat v(s,\theta) = \theta_s$: a lookup table is the special case
    of linear function approximation with $d = |\mathcal S|$.

    Args:
        n_states: $|\mathcal S|$; states are indices `0 .. n_states - 1`.
    """

    def __init__(self, n_states: int):
        self.d = check_size("n_states", n_states)

    def __call__(self, s: ArrayLike) -> np.ndarray:
        s = check_index("s", s, self.d)
        return (s[..., None] == np.arange(self.d)).astype(float)  # x_i(s) = [i = s]
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

    # --8<-- [start:state_aggregation_uniform]
    @classmethod
    def uniform(cls, n_states: int, n_groups: int) -> StateAggregation:
        """Consecutive blocks of (nearly) equal size: state `s` is in group
        `s * n_groups // n_states` (e.g. 1000 states into 10 groups of 100)."""
        check_size("n_states", n_states)
        check_positive_int("n_groups", n_groups)
        if n_groups > n_states:
            raise ValueError(f"n_groups must be in [1, n_states = {n_states}], "
                             f"got {n_groups}")
        return cls(np.arange(n_states) * n_groups // n_states)
    # --8<-- [end:state_aggregation_uniform]

    @classmethod
    def from_discretize(cls, agg: discretize.StateAggregation) -> StateAggregation:
        """The same partition as a chapter-2 aggregation (e.g. from clustering)."""
        return cls(agg.groups)
# --8<-- [end:state_aggregation]


# --------------------------------------------------------------------------- box maps


class BoxScaler:
    r"""States in a box $[\text{low}, \text{high}] \subset \mathbb R^k$, scaled to
    $[0, 1]^k$: the first step of every box feature map.

    Args:
        low: lower corner, a scalar (scalar states of any shape `(...)`) or shape `(k,)`
            (states of shape `(..., k)`).
        high: upper corner, same shape as `low`, greater in every coordinate.
        k: if given, the required dimension (`Haar` needs 1).
    """

    def __init__(self, low: ArrayLike, high: ArrayLike, k: int | None = None):
        low, high = check_float_array("low", low), check_float_array("high", high)
        if low.ndim > 1 or low.shape != high.shape or (k is not None and low.size != k):
            want = "scalars or 1-d arrays of equal shape" if k is None else (
                f"scalars or arrays of shape ({k},)")
            raise ValueError(f"low and high must be {want}, got {low.shape} and {high.shape}")
        if low.size == 0 or not np.all(high > low):
            raise ValueError("high must be greater than low in every coordinate")
        self.scalar = low.ndim == 0
        self.low = np.atleast_1d(low)
        self.high = np.atleast_1d(high)
        self.k = self.low.size

    def scale(self, s: ArrayLike) -> np.ndarray:
        r"""Scale states to $[0, 1]^k$: returns shape `(..., k)`.

        Raises:
            ValueError: on non-numeric or non-finite states, a wrong trailing shape, or
                states outside `[low, high]`.
        """
        s = check_float_array("s", s)
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
    r"""All integer vectors $c \in \{0, \dots, n\}^k$: shape `((n + 1)^k, k)`, the last
    coordinate varying fastest.

    They index both the polynomial features $\prod_j s_j^{c_j}$ and the Fourier
    features $\cos(\pi\, c^\top s)$ of order $n$ (Sutton & Barto 2018, eqs. 9.17 and 9.18).

    Raises:
        ValueError: `order` not an integer $\ge 0$, `k` not $\ge 1$, or more than
            `MAX_SIZE` numbers in the result.
    """
    check_nonneg_int("order", order)
    check_grid_size("order + 1", order + 1, check_positive_int("k", k))
    return np.indices((order + 1,) * k).reshape(k, -1).T.astype(np.int64)


# --8<-- [start:exponent_basis]
class ExponentBasis(FeatureMap):
    r"""What the polynomial and the Fourier basis share: the state box, scaled to
    $u \in [0, 1]^k$, and the integer vectors $c_i \in \{0,\dots,n\}^k$ of
    [`exponents`][fa_book.features.exponents] that index their features, so $d = (n+1)^k$.

    Args:
        order: $n \ge 0$.
        low: lower corner of the state box, scalar or shape `(k,)`.
        high: upper corner, same shape as `low`.
    """

    def __init__(self, order: int, low: ArrayLike = 0.0, high: ArrayLike = 1.0):
        self.box = BoxScaler(low, high)
        self.c = exponents(order, self.box.k)  # (d, k)
        self.order, self.d = order, self.c.shape[0]
# --8<-- [end:exponent_basis]


# --8<-- [start:polynomial]
class Polynomial(ExponentBasis):
    r"""Polynomial basis of order $n$: $x_i(s) = \prod_{j=1}^k u_j^{c_{ij}}$ with
    $u = (s - \text{low}) / (\text{high} - \text{low}) \in [0, 1]^k$ and
    $c_i \in \{0,\dots,n\}^k$ (Sutton & Barto 2018, eq. 9.17), so $d = (n+1)^k$.
    Arguments as [`ExponentBasis`][fa_book.features.ExponentBasis]: `order`, `low`, `high`.
    """

    def __call__(self, s: ArrayLike) -> np.ndarray:
        u = self.box.scale(s)  # (..., k)
        return np.prod(u[..., None, :] ** self.c, axis=-1)  # (poly)
# --8<-- [end:polynomial]


# --8<-- [start:fourier]
class Fourier(ExponentBasis):
    r"""Fourier cosine basis of order $n$: $x_i(s) = \cos(\pi\, c_i^\top u)$ with $u$ the
    state scaled to $[0, 1]^k$ and $c_i \in \{0,\dots,n\}^k$ (Sutton & Barto 2018,
    eq. 9.18; Konidaris, Osentoski & Thomas 2011), so $d = (n+1)^k$.
    Arguments as [`ExponentBasis`][fa_book.features.ExponentBasis]: `order`, `low`, `high`.
    """

    def __call__(self, s: ArrayLike) -> np.ndarray:
        u = self.box.scale(s)  # (..., k)
        return np.cos(np.pi * u @ self.c.T)  # (fourier)
# --8<-- [end:fourier]


HAAR_MAX_LEVEL = 20
r"""The largest Haar level: $2^{20} \approx 10^6$ features."""


# --8<-- [start:haar]
class Haar(FeatureMap):
    r"""Haar wavelet basis of level $L$ on the scaled state $u \in [0, 1]$: the father
    (scaling) function $\phi(u) = 1$ and the mother wavelets
    $\psi_{j,k}(u) = 2^{j/2}\,\psi(2^j u - k)$ for scales $j = 0, \dots, L - 1$ and shifts
    $k = 0, \dots, 2^j - 1$, where $\psi(t) = 1$ on $[0, \tfrac12)$, $-1$ on
    $[\tfrac12, 1)$ and 0 elsewhere (Haar 1910; Mallat 2009, §7.2), so $d = 2^L$.

    Every feature is constant on each of the $2^L$ cells $[m 2^{-L}, (m+1) 2^{-L})$ (the
    right end $u = 1$ belongs to the last cell), and the basis is orthonormal in
    $L^2[0, 1]$, hence under uniform weights on one point per cell.  It spans exactly the
    functions constant on every cell: the span of state aggregation into $2^L$ equal groups.

    Args:
        level: $L$, an integer in $[0, 20]$ (`HAAR_MAX_LEVEL`).
        low: lower end of the state interval (scalar states of any shape `(...)`).
        high: upper end, `high > low`.
    """

    def __init__(self, level: int, low: float = 0.0, high: float = 1.0):
        self.level = check_int_range("level", level, 0, HAAR_MAX_LEVEL)
        self.box = BoxScaler(low, high, k=1)
        self.j = np.repeat(np.arange(level), 2 ** np.arange(level))  # scale of each psi
        self.k = np.arange(self.j.size) - (2**self.j - 1)  # its shift, 0 .. 2^j - 1
        self.d = 2**level

    # --8<-- [start:haar_call]
    def __call__(self, s: ArrayLike) -> np.ndarray:
        u = np.minimum(self.box.scale(s)[..., 0], 1 - 2.0**-53)  # (...); u = 1: last cell
        t = 2.0**self.j * u[..., None] - self.k  # 2^j u - k, shape (..., d - 1)
        psi = ((0 <= t) & (t < 0.5)).astype(float) - ((0.5 <= t) & (t < 1)).astype(float)
        father = np.ones(u.shape + (1,))
        return np.concatenate([father, 2.0 ** (self.j / 2) * psi], axis=-1)  # (haar)
    # --8<-- [end:haar_call]
# --8<-- [end:haar]


# --8<-- [start:rbf]
class RBF(FeatureMap):
    r"""Gaussian radial basis functions
    $x_i(s) = \exp\!\big(-\lVert u - c_i \rVert^2 / (2\sigma^2)\big)$ on the scaled state
    $u \in [0,1]^k$ (Sutton & Barto 2018, §9.5.5, the unnumbered display).

    Args:
        centers: centers $c_i$ in scaled coordinates, shape `(d, k)` (or `(d,)` for
            scalar states).
        sigma: width $\sigma > 0$ in scaled coordinates.
        low: lower corner of the state box, scalar or shape `(k,)`.
        high: upper corner, same shape as `low`.
    """

    def __init__(self, centers: ArrayLike, sigma: float, low: ArrayLike = 0.0,
                 high: ArrayLike = 1.0):
        self.box = BoxScaler(low, high)
        c = check_float_array("centers", centers)
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
        k = BoxScaler(low, high).k
        check_grid_size("n_per_dim", check_positive_int("n_per_dim", n_per_dim), k)
        axis = np.linspace(0.0, 1.0, n_per_dim)
        centers = axis[np.indices((n_per_dim,) * k).reshape(k, -1).T]  # the grid, (d, k)
        sigma = sigma if sigma is not None else 1.0 / max(n_per_dim - 1, 1)
        return cls(centers, sigma, low, high)

    # --8<-- [start:rbf_call]
    def __call__(self, s: ArrayLike) -> np.ndarray:
        u = self.box.scale(s)  # (..., k)
        sq = ((u[..., None, :] - self.centers) ** 2).sum(-1)
        return np.exp(-sq / (2 * self.sigma**2))  # (rbf)
    # --8<-- [end:rbf_call]
# --8<-- [end:rbf]


# ------------------------------------------------------------------ gymnasium interop


class FeatureObservation(gym.ObservationWrapper):
    r"""A gymnasium wrapper whose observations are the features $\mathbf x(s)$.

    Args:
        env: the environment; its observations are passed to `fmap` one at a time.
        fmap: a feature map; observations become float64 vectors of shape `(fmap.d,)`.
    """

    def __init__(self, env: gym.Env, fmap: FeatureMap):
        super().__init__(check_type("env", env, gym.Env))
        self.fmap = check_type("fmap", fmap, FeatureMap)
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, shape=(fmap.d,),
                                                dtype=np.float64)

    def observation(self, observation):
        return np.asarray(self.fmap(observation), dtype=np.float64).reshape(self.fmap.d)
