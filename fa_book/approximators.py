r"""Parametric value functions $\hat v(s, \theta) \approx v_\pi(s)$ and the families of
function approximators the notes list (值函数近似的主要形式), fitted by stochastic gradient
descent on the mean-squared value error (基于 SGD 的值函数近似).

* Linear: $\hat v(s,\theta) = \theta^\top \mathbf x(s)$ with any feature map of
  `fa_book.features`, so $\nabla_\theta \hat v = \mathbf x(s)$.
* A small neural network (torch), differentiable in $\theta$ by autograd.
* $k$-nearest neighbours and a regression tree: non-parametric, they store (a summary
  of) the data, so their size grows with the number of samples.

Every approximator has the same interface: `fit(s, G)` on states `s` (shape `(n, k)`, or
`(n,)` for scalar states) and targets `G` (shape `(n,)`), `predict(s)`, and
`n_parameters`, the number of stored numbers after fitting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from fa_book.features import FeatureMap
from fa_book.nets import torch_default_init
from fa_book.validate import (
    check_diverged,
    check_features,
    check_float_array,
    check_int_range,
    check_size,
    check_step_size,
    check_theta_x,
    check_type,
    check_weighting,
)

__all__ = [
    "KNN",
    "MLP",
    "KNNConfig",
    "LinearApproximator",
    "MLPConfig",
    "RegressionTree",
    "TreeConfig",
    "check_mlp_args",
    "check_samples",
    "check_sgd_problem",
    "check_sgd_run",
    "check_sgd_step",
    "check_states",
    "expected_sgd",
    "grad_v_hat",
    "sgd_msve",
    "sgd_step",
    "v_hat",
]


# ------------------------------------------------------------------ linear, by hand


def check_sgd_step(theta, x, target, alpha) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                     float]:
    r"""Check the arguments of [`sgd_step`][fa_book.approximators.sgd_step]: `theta` and
    `x` as [`check_theta_x`][fa_book.validate.check_theta_x], a finite `target` with one
    entry per value $\hat v$ (shape `theta.shape[:-1]` broadcast with `x.shape[:-1]`),
    and a step size $\alpha > 0$.

    Returns:
        `(theta, x, target, alpha)` as float arrays and a float.
    """
    theta, x = check_theta_x(theta, x)
    target = check_float_array("target", target)
    want = np.broadcast_shapes(theta.shape[:-1], x.shape[:-1])
    if target.shape != want:
        raise ValueError(f"target must have shape {want} (one per value v_hat), "
                         f"got {target.shape}")
    return theta, x, target, check_step_size("alpha", alpha)


# --8<-- [start:linear]
# --8<-- [start:v_hat]
def v_hat(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Linear value $\hat v(s,\theta) = \theta^\top \mathbf x(s)$.

    Args:
        theta: weights $\theta$, shape `(d,)` (or `(R, d)` for R independent runs).
        x: features $\mathbf x(s)$, shape `(..., d)` (or `(R, d)` with batched `theta`).

    Returns:
        $\hat v$, shape `theta.shape[:-1]` broadcast with `x.shape[:-1]`, e.g. `(...)`.

    Raises:
        ValueError: non-finite entries, or shapes whose last axes differ.
    """
    theta, x = check_theta_x(theta, x)
    return (x * theta).sum(-1)  # (vlin)


def grad_v_hat(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""$\nabla_\theta \hat v(s,\theta) = \mathbf x(s)$ for a linear $\hat v$, whatever
    $\theta$ is.

    Args:
        theta: weights $\theta$, shape `(d,)` or `(R, d)`.
        x: features $\mathbf x(s)$, shape `(..., d)`.

    Returns:
        $\mathbf x(s)$ broadcast to the shape of `theta` and `x` together, e.g. `(..., d)`
        (a new array).
    """
    theta, x = check_theta_x(theta, x)
    return np.broadcast_to(x, np.broadcast_shapes(x.shape, theta.shape)).copy()
# --8<-- [end:v_hat]


def sgd_step(theta: np.ndarray, x: np.ndarray, target: np.ndarray,
             alpha: float) -> np.ndarray:
    r"""One SGD step on $\tfrac12[U - \hat v(S,\theta)]^2$ for a sampled state $S$ with
    target $U$ (ideally $v_\pi(S)$; a Monte Carlo return or a TD target in chapter 4).

    Args:
        theta: weights, shape `(d,)` or `(R, d)` for R independent runs.
        x: features $\mathbf x(S)$ of the sampled state(s), same shape as `theta`.
        target: $U$, shape `()` or `(R,)`.
        alpha: step size $\alpha > 0$.

    Returns:
        the new $\theta$ (a new array).
    """
    theta, x, target, alpha = check_sgd_step(theta, x, target, alpha)
    error = target - v_hat(theta, x)  # U - v_hat(S, theta)
    return theta + alpha * error[..., None] * grad_v_hat(theta, x)  # (SGD)
# --8<-- [end:linear]


def check_sgd_problem(phi, v, mu, alpha, n_steps, n_runs=1, theta0=None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
    r"""Check the arguments of [`sgd_msve`][fa_book.approximators.sgd_msve] and
    [`expected_sgd`][fa_book.approximators.expected_sgd]: a finite feature matrix $\Phi$
    `(S, d)`, targets $v$ `(S,)`, a weighting $\mu \ge 0$ `(S,)` with positive mass,
    $\alpha > 0$, counts $\ge 1$ whose product `n_steps * n_runs` (the sampled states) is
    at most `MAX_SIZE`, and `theta0` of shape `(d,)` (zeros when `None`).

    Returns:
        `(phi, v, mu / sum(mu), alpha, theta0)`.
    """
    phi = check_features("phi", phi)
    S, d = phi.shape
    v = check_float_array("v", v)
    if v.shape != (S,):
        raise ValueError(f"v must have shape (S,) = ({S},) like the rows of phi, got {v.shape}")
    mu = check_weighting("mu", mu, S)
    alpha = check_step_size("alpha", alpha)
    check_size("n_steps", n_steps)
    check_size("n_runs", n_runs)
    check_size("n_steps * n_runs", n_steps * n_runs)
    theta0 = np.zeros(d) if theta0 is None else check_float_array("theta0", theta0)
    if theta0.shape != (d,):
        raise ValueError(f"theta0 must have shape (d,) = ({d},), got {theta0.shape}")
    return phi, v, mu / mu.sum(), alpha, theta0


def check_sgd_run(phi, v, mu, alpha, n_steps, rng, n_runs=1, theta0=None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
    """[`check_sgd_problem`][fa_book.approximators.check_sgd_problem], and `rng` must be a
    `numpy.random.Generator` (the arguments of
    [`sgd_msve`][fa_book.approximators.sgd_msve])."""
    check_type("rng", rng, np.random.Generator)
    return check_sgd_problem(phi, v, mu, alpha, n_steps, n_runs, theta0)


# --8<-- [start:sgd_msve]
def sgd_msve(phi: np.ndarray, v: np.ndarray, mu: np.ndarray, alpha: float, n_steps: int,
             rng: np.random.Generator, *, n_runs: int = 1,
             theta0: np.ndarray | None = None) -> np.ndarray:
    r"""SGD on the mean-squared value error with the true values as targets:
    each step samples $S_t \sim \mu$ and applies
    $\theta \leftarrow \theta + \alpha\,[v_\pi(S_t) - \hat v(S_t,\theta)]\,\mathbf x(S_t)$,
    for `n_runs` independent runs at once.

    Args:
        phi: feature matrix $\Phi$, shape `(S, d)`.
        v: targets $v_\pi$, shape `(S,)`.
        mu: sampling distribution $\mu$ (normalized here), shape `(S,)`.
        alpha: step size $\alpha > 0$.
        n_steps: number of updates.
        rng: random generator for the sampled states.
        n_runs: number of independent runs $R$.
        theta0: initial weights, shape `(d,)`; zeros by default.

    Returns:
        the final weights of every run, shape `(R, d)`.

    Raises:
        DivergenceError: if the weights leave the divergence bound (step size too large).
    """
    phi, v, mu, alpha, theta0 = check_sgd_run(phi, v, mu, alpha, n_steps, rng, n_runs,
                                              theta0)
    theta = np.tile(theta0, (n_runs, 1))
    states = rng.choice(len(mu), size=(n_steps, n_runs), p=mu)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is raised below
        for t in range(n_steps):
            S = states[t]
            theta = sgd_step(theta, phi[S], v[S], alpha)
            check_diverged("SGD on the mean-squared value error", theta, t, alpha)
    return theta
# --8<-- [end:sgd_msve]


# --8<-- [start:expected_sgd]
def expected_sgd(phi: np.ndarray, v: np.ndarray, mu: np.ndarray, alpha: float,
                 n_steps: int, theta0: np.ndarray | None = None) -> np.ndarray:
    r"""The mean path of `sgd_msve`: gradient descent on
    $J(\theta) = \tfrac12 \sum_s \mu(s)[v_\pi(s) - \theta^\top\mathbf x(s)]^2$,
    $\theta \leftarrow \theta + \alpha\,\Phi^\top D (v_\pi - \Phi\theta)$.

    Because $\theta_t$ depends only on earlier samples, $\mathbb E[\theta_{t+1}] =
    \mathbb E[\theta_t] + \alpha\,\Phi^\top D(v_\pi - \Phi\,\mathbb E[\theta_t])$ exactly:
    averaged over runs, SGD follows this path.  Arguments as `sgd_msve` ($\mu$ is
    normalized here, as `sgd_msve` samples from it).

    Returns:
        $\theta_{n}$, shape `(d,)`.

    Raises:
        DivergenceError: if the weights leave the divergence bound (step size too large).
    """
    # --8<-- [start:expected_sgd_body]
    phi, v, mu, alpha, theta = check_sgd_problem(phi, v, mu, alpha, n_steps, 1, theta0)
    D_phi = mu[:, None] * phi  # D Phi, with D = diag(mu)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is raised below
        for t in range(n_steps):
            theta = theta + alpha * D_phi.T @ (v - phi @ theta)  # (GD)
            check_diverged("gradient descent on the mean-squared value error", theta, t,
                           alpha)
    return theta
    # --8<-- [end:expected_sgd_body]
# --8<-- [end:expected_sgd]


# ------------------------------------------------------------------ fit / predict


def check_samples(s, G, n_dims: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Check a training set for `fit(s, G)`: finite states `s` of shape `(n, k)` (or
    `(n,)` for scalar states, read as `(n, 1)`) with $n \ge 1$ (and `k == n_dims` when
    given), and finite targets `G` of shape `(n,)`.

    Returns:
        `(s, G)` as float arrays of shapes `(n, k)` and `(n,)`.
    """
    s = check_float_array("s", s)
    if s.ndim == 1:
        s = s[:, None]
    if s.ndim != 2 or s.shape[0] == 0 or (n_dims is not None and s.shape[1] != n_dims):
        k = "k" if n_dims is None else str(n_dims)
        raise ValueError(f"s must have shape (n, {k}) or (n,) with n >= 1, got {s.shape}")
    G = check_float_array("G", G)
    if G.shape != (s.shape[0],):
        raise ValueError(f"G must have shape (n,) = ({s.shape[0]},), got {G.shape}")
    return s, G


def check_states(s, n_dims: int | None) -> np.ndarray:
    r"""Check query states for `predict(s)` of a model fitted on `n_dims`-dimensional
    states (`None`: not fitted yet, which is refused): finite, shape `(n, n_dims)`, or
    `(n,)` when `n_dims == 1`.

    Returns:
        `s` as a float array of shape `(n, n_dims)`.
    """
    if n_dims is None:
        raise ValueError("the model is not fitted: call fit(s, G) before predict(s)")
    s = check_float_array("s", s)
    if s.ndim == 1 and n_dims == 1:
        s = s[:, None]
    if s.ndim != 2 or s.shape[0] == 0 or s.shape[1] != n_dims:
        raise ValueError(f"s must have shape (n, {n_dims}) with n >= 1 (the model was "
                         f"fitted on {n_dims}-dimensional states), got {s.shape}")
    return s


class LinearApproximator:
    r"""$\hat v(s,\theta) = \theta^\top\mathbf x(s)$ fitted by least squares: the point that
    SGD on the sample's squared error converges to, computed directly.

    Args:
        fmap: a feature map from `fa_book.features`; `s` is passed to it as given (so the
            map checks the states).
        ridge: a small $\ell_2$ penalty $\lambda \ge 0$ that keeps ill-conditioned
            feature matrices solvable.
    """

    def __init__(self, fmap: FeatureMap, ridge: float = 0.0):
        self.fmap = check_type("fmap", fmap, FeatureMap)
        if isinstance(ridge, bool) or not isinstance(ridge, (int, float, np.number)) or not (
                np.isfinite(ridge) and ridge >= 0):
            raise ValueError(f"ridge must be a finite number >= 0, got {ridge!r}")
        self.ridge = float(ridge)
        self.theta: np.ndarray | None = None
        r"""Fitted weights $\theta$, shape `(d,)`; `None` before `fit`."""

    @property
    def n_parameters(self) -> int:
        return self.fmap.d

    def fit(self, s, G) -> LinearApproximator:
        x = self.fmap(s)
        x = x.reshape(-1, self.fmap.d)
        G = check_float_array("G", G)
        if G.shape != (x.shape[0],):
            raise ValueError(f"G must have shape (n,) = ({x.shape[0]},), one target per "
                             f"state, got {G.shape}")
        if self.ridge > 0:
            self.theta = np.linalg.solve(x.T @ x + self.ridge * np.eye(self.fmap.d), x.T @ G)
        else:
            self.theta, *_ = np.linalg.lstsq(x, G, rcond=None)
        return self

    def predict(self, s) -> np.ndarray:
        if self.theta is None:
            raise ValueError("the model is not fitted: call fit(s, G) before predict(s)")
        return v_hat(self.theta, self.fmap(s))


# ------------------------------------------------------------------ neural network


@dataclass(frozen=True)
class MLPConfig:
    """Hyperparameters of the small value network."""

    hidden: int = 64
    """Units in each of the two hidden layers (at most 10 000)."""
    steps: int = 2000
    """Adam steps (minibatches), the same for every sample size."""
    batch_size: int = 64
    """Minibatch size (capped at the number of samples)."""
    lr: float = 3e-3
    """Adam learning rate."""

    def __post_init__(self):
        check_int_range("hidden", self.hidden, 1, 10_000)
        check_size("steps", self.steps)
        check_size("batch_size", self.batch_size)
        check_step_size("lr", self.lr)


# --8<-- [start:mlp]
class MLP(nn.Module):
    r"""A two-hidden-layer tanh network $\hat v(s, \theta)$; $\theta$ is every weight and
    bias, and $\nabla_\theta \hat v$ comes from autograd.

    Args:
        k: state dimension.
        config: layer width and training settings.
        generator: seeded `torch.Generator` for the initial weights and minibatches.
    """

    def __init__(self, k: int, config: MLPConfig = MLPConfig(),
                 generator: torch.Generator | None = None):
        super().__init__()
        self.k, self.config = check_mlp_args(k, config, generator)
        self.generator = generator if generator is not None else torch.Generator().manual_seed(0)
        h = config.hidden
        self.net = nn.Sequential(nn.Linear(k, h), nn.Tanh(), nn.Linear(h, h), nn.Tanh(),
                                 nn.Linear(h, 1))
        torch_default_init(self.net, self.generator)  # torch's init, from our generator

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        return self.net(s).squeeze(-1)

    @property
    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    # --8<-- [start:mlp_fit]
    def fit(self, s, G) -> MLP:
        r"""Minibatch SGD (Adam) on $\tfrac12\,\mathrm{mean}\,(G - \hat v(s,\theta))^2$,
        whose gradient is $-\mathrm{mean}\,[(G - \hat v)\nabla_\theta\hat v]$."""
        s, G = (torch.as_tensor(a, dtype=torch.float32) for a in check_samples(s, G, self.k))
        c = self.config
        opt = torch.optim.Adam(self.parameters(), lr=c.lr)
        n, b = s.shape[0], min(c.batch_size, s.shape[0])
        for step in range(c.steps):
            idx = torch.randint(n, (b,), generator=self.generator)
            loss = 0.5 * ((G[idx] - self(s[idx])) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            check_diverged("MLP value fit (its loss)", loss.item(), step, c.lr)
        return self
    # --8<-- [end:mlp_fit]

    def predict(self, s) -> np.ndarray:
        with torch.no_grad():
            s = torch.as_tensor(check_states(s, self.k), dtype=torch.float32)
            return self(s).double().numpy()
# --8<-- [end:mlp]


def check_mlp_args(k, config, generator) -> tuple[int, MLPConfig]:
    """Check the arguments of [`MLP`][fa_book.approximators.MLP]: a state dimension
    `k` in [1, 10 000], an `MLPConfig` and a `torch.Generator` (or `None`)."""
    check_type("generator", generator, (torch.Generator, type(None)))
    return check_int_range("k", k, 1, 10_000), check_type("config", config, MLPConfig)


# ------------------------------------------------------------------ non-parametric


@dataclass(frozen=True)
class KNNConfig:
    """Hyperparameters of k-nearest-neighbour regression."""

    k: int | None = None
    """Number of neighbours averaged (capped at the number of samples); `None` means
    ceil(sqrt(n)) for n samples, which grows with the data so that the estimate is
    consistent."""

    def __post_init__(self):
        if self.k is not None:
            check_size("k", self.k)


# --8<-- [start:knn]
class KNN:
    r"""$k$-nearest-neighbour regression: $\hat v(s)$ is the mean target of the $k$
    stored states closest to $s$; among equally distant states the one stored first
    (lowest index) counts first, so the same data give the same numbers on any machine.
    Fitting stores every sample: $n(k_s + 1)$ numbers for n samples of dimension $k_s$."""

    chunk = 512
    """Query states handled at once by `predict` (memory: `chunk` x n distances)."""

    def __init__(self, config: KNNConfig = KNNConfig()):
        self.config = check_type("config", config, KNNConfig)
        self.s, self.G = np.zeros((0, 1)), np.zeros(0)
        self.n_dims: int | None = None  # None until fitted

    @property
    def n_parameters(self) -> int:
        return self.s.size + self.G.size

    def fit(self, s, G) -> KNN:
        self.s, self.G = check_samples(s, G)
        self.n_dims = self.s.shape[1]
        return self

    # --8<-- [start:knn_predict]
    def predict(self, s) -> np.ndarray:
        q = check_states(s, self.n_dims)
        k = min(self.config.k or int(np.ceil(np.sqrt(self.G.size))), self.G.size)
        out, c = np.empty(q.shape[0]), self.chunk
        for i in range(0, q.shape[0], c):  # bounded memory: c x n distances at a time
            dist = ((q[i:i + c, None, :] - self.s[None]) ** 2).sum(-1)
            nearest = np.argsort(dist, axis=1, kind="stable")[:, :k]  # ties: lowest index
            out[i:i + c] = self.G[nearest].mean(1)
        return out
    # --8<-- [end:knn_predict]
# --8<-- [end:knn]


@dataclass(frozen=True)
class TreeConfig:
    """Hyperparameters of the regression tree."""

    min_samples_leaf: int | None = None
    """A split must leave at least this many samples on each side; `None` means
    ceil(sqrt(n)) for n samples."""
    max_depth: int = 30
    """Depth limit, in [1, 1000] (a safety net; the leaf size is what stops growth)."""

    def __post_init__(self):
        if self.min_samples_leaf is not None:
            check_size("min_samples_leaf", self.min_samples_leaf)
        check_int_range("max_depth", self.max_depth, 1, 1000)


# --8<-- [start:tree]
class RegressionTree:
    r"""A CART regression tree: each split $(j, \tau)$ is chosen greedily to minimize the
    summed squared error of the two halves, each leaf predicts its mean target.

    With a fixed minimum leaf size the number of leaves grows in proportion to the number
    of samples: the tree's "parameters" are its data summary.
    """

    def __init__(self, config: TreeConfig = TreeConfig()):
        self.config = check_type("config", config, TreeConfig)
        self.n_dims: int | None = None  # None until fitted
        self._reset()

    def _reset(self):
        # node arrays: split feature (-1 for a leaf), threshold, children, leaf value
        self.feature: list[int] = []
        self.threshold: list[float] = []
        self.left: list[int] = []
        self.right: list[int] = []
        self.value: list[float] = []

    @property
    def n_parameters(self) -> int:
        """Two numbers per split (feature, threshold) and one per leaf (its value)."""
        n_split = sum(f >= 0 for f in self.feature)
        return 2 * n_split + (len(self.feature) - n_split)

    @property
    def n_leaves(self) -> int:
        return sum(f < 0 for f in self.feature)

    # --8<-- [start:tree_split]
    def _best_split(self, s: np.ndarray, G: np.ndarray, m: int):
        n = G.size
        best = (np.inf, -1, 0.0)
        for j in range(s.shape[1]):
            order = np.argsort(s[:, j], kind="stable")
            sj, g = s[order, j], G[order]
            csum, csq = np.cumsum(g), np.cumsum(g**2)
            i = np.arange(m, n - m + 1)  # left part = first i samples
            if i.size == 0:
                continue
            valid = sj[i - 1] < sj[np.minimum(i, n - 1)]  # cannot split equal states
            if not valid.any():
                continue
            left_sse = csq[i - 1] - csum[i - 1] ** 2 / i
            right_sse = (csq[-1] - csq[i - 1]) - (csum[-1] - csum[i - 1]) ** 2 / (n - i)
            sse = np.where(valid, left_sse + right_sse, np.inf)
            b = int(np.argmin(sse))
            if sse[b] < best[0]:
                best = (sse[b], j, 0.5 * (sj[i[b] - 1] + sj[i[b]]))
        return best
    # --8<-- [end:tree_split]

    def fit(self, s, G) -> RegressionTree:
        s, G = check_samples(s, G)
        self._reset()
        self.n_dims = s.shape[1]
        m = self.config.min_samples_leaf or int(np.ceil(np.sqrt(G.size)))
        stack = [(np.arange(G.size), 0, self._new_node())]
        while stack:
            idx, depth, node = stack.pop()
            self.value[node] = float(G[idx].mean())
            if depth >= self.config.max_depth or idx.size < 2 * m:
                continue
            sse, j, tau = self._best_split(s[idx], G[idx], m)
            parent_sse = float(((G[idx] - G[idx].mean()) ** 2).sum())
            if j < 0 or sse >= parent_sse:
                continue
            go_left = s[idx, j] <= tau
            self.feature[node], self.threshold[node] = j, tau
            self.left[node], self.right[node] = self._new_node(), self._new_node()
            stack.append((idx[go_left], depth + 1, self.left[node]))
            stack.append((idx[~go_left], depth + 1, self.right[node]))
        return self

    def _new_node(self) -> int:
        for a, x in ((self.feature, -1), (self.threshold, 0.0), (self.left, -1),
                     (self.right, -1), (self.value, 0.0)):
            a.append(x)
        return len(self.feature) - 1

    def predict(self, s) -> np.ndarray:
        s = check_states(s, self.n_dims)
        feature, threshold = np.array(self.feature), np.array(self.threshold)
        left, right, value = np.array(self.left), np.array(self.right), np.array(self.value)
        node = np.zeros(s.shape[0], dtype=np.int64)
        for _ in range(self.config.max_depth + 1):  # all samples descend one level a pass
            f = feature[node]
            inner = f >= 0
            if not inner.any():
                break
            x = s[np.arange(s.shape[0]), np.maximum(f, 0)]
            child = np.where(x <= threshold[node], left[node], right[node])
            node = np.where(inner, child, node)
        return value[node]
# --8<-- [end:tree]
