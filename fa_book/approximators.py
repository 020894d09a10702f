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
from fa_book.validate import (
    DivergenceError,
    check_finite,
    check_positive_int,
    check_step_size,
)

__all__ = [
    "KNN",
    "MLP",
    "KNNConfig",
    "LinearApproximator",
    "MLPConfig",
    "RegressionTree",
    "TreeConfig",
    "expected_sgd",
    "grad_v_hat",
    "sgd_msve",
    "sgd_step",
    "v_hat",
]


# ------------------------------------------------------------------ linear, by hand


# --8<-- [start:linear]
# --8<-- [start:v_hat]
def v_hat(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Linear value $\hat v(s,\theta) = \theta^\top \mathbf x(s)$.

    Args:
        theta: weights $\theta$, shape `(d,)` (or `(R, d)` for R independent runs).
        x: features $\mathbf x(s)$, shape `(..., d)` (or `(R, d)` with batched `theta`).

    Returns:
        $\hat v$, shape `(...)`.
    """
    return (x * theta).sum(-1)  # (vlin)


def grad_v_hat(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""$\nabla_\theta \hat v(s,\theta) = \mathbf x(s)$ for a linear $\hat v$, whatever
    $\theta$ is.  Shape of `x`."""
    return np.broadcast_to(x, np.broadcast_shapes(np.shape(x), np.shape(theta))).copy()
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
    error = target - v_hat(theta, x)  # U - v_hat(S, theta)
    return theta + alpha * error[..., None] * grad_v_hat(theta, x)  # (SGD)
# --8<-- [end:linear]


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
        mu: sampling distribution $\mu$, shape `(S,)`.
        alpha: step size $\alpha > 0$.
        n_steps: number of updates.
        rng: random generator for the sampled states.
        n_runs: number of independent runs $R$.
        theta0: initial weights, shape `(d,)`; zeros by default.

    Returns:
        the final weights of every run, shape `(R, d)`.

    Raises:
        DivergenceError: if the weights become non-finite (step size too large).
    """
    alpha = check_step_size("alpha", alpha)
    check_positive_int("n_steps", n_steps)
    check_positive_int("n_runs", n_runs)
    phi = check_finite("phi", np.asarray(phi, dtype=float))
    S = phi.shape[0] if phi.ndim == 2 else -1
    v = check_finite("v", np.asarray(v, dtype=float))
    mu = check_finite("mu", np.asarray(mu, dtype=float))
    if phi.ndim != 2 or v.shape != (S,) or mu.shape != (S,):
        raise ValueError(f"phi, v and mu must have shapes (S, d), (S,), (S,), got "
                         f"{phi.shape}, {v.shape}, {mu.shape}")
    if (mu < 0).any() or mu.sum() <= 0:
        raise ValueError("mu must be non-negative with positive total mass")
    theta = np.zeros((n_runs, phi.shape[1])) if theta0 is None else np.tile(theta0,
                                                                            (n_runs, 1))
    states = rng.choice(len(mu), size=(n_steps, n_runs), p=mu / mu.sum())
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is raised below
        for t in range(n_steps):
            S = states[t]
            theta = sgd_step(theta, phi[S], v[S], alpha)
            if not np.isfinite(theta).all():
                raise DivergenceError("SGD on the mean-squared value error", t, alpha)
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
    averaged over runs, SGD follows this path.

    Returns:
        $\theta_{n}$, shape `(d,)`.
    """
    alpha = check_step_size("alpha", alpha)
    check_positive_int("n_steps", n_steps)
    phi = check_finite("phi", np.asarray(phi, dtype=float))
    v = check_finite("v", np.asarray(v, dtype=float))
    mu = check_finite("mu", np.asarray(mu, dtype=float))
    S = phi.shape[0] if phi.ndim == 2 else -1
    if phi.ndim != 2 or v.shape != (S,) or mu.shape != (S,):
        raise ValueError(f"phi, v and mu must have shapes (S, d), (S,), (S,), got "
                         f"{phi.shape}, {v.shape}, {mu.shape}")
    if (mu < 0).any() or mu.sum() <= 0:
        raise ValueError("mu must be non-negative with positive total mass")
    D_phi = (mu / mu.sum())[:, None] * phi  # sgd_msve samples states from mu / sum(mu)
    theta = np.zeros(phi.shape[1]) if theta0 is None else np.array(theta0, dtype=float)
    for t in range(n_steps):
        theta = theta + alpha * D_phi.T @ (v - phi @ theta)  # (GD)
        if not np.isfinite(theta).all():
            raise DivergenceError("gradient descent on the mean-squared value error", t,
                                  alpha)
    return theta
# --8<-- [end:expected_sgd]


def _as_2d(s) -> np.ndarray:
    s = check_finite("s", np.asarray(s, dtype=float))
    if s.ndim == 1:
        s = s[:, None]
    if s.ndim != 2 or s.shape[0] == 0:
        raise ValueError(f"s must have shape (n, k) or (n,) with n >= 1, got {s.shape}")
    return s


def _check_targets(G, n: int) -> np.ndarray:
    G = check_finite("G", np.asarray(G, dtype=float))
    if G.shape != (n,):
        raise ValueError(f"G must have shape (n,) = ({n},), got {G.shape}")
    return G


class LinearApproximator:
    r"""$\hat v(s,\theta) = \theta^\top\mathbf x(s)$ fitted by least squares: the point that
    SGD on the sample's squared error converges to, computed directly.

    Args:
        fmap: a feature map from `fa_book.features`; `s` is passed to it as given.
        ridge: a small $\ell_2$ penalty $\lambda \ge 0$ that keeps ill-conditioned
            feature matrices solvable.
    """

    def __init__(self, fmap: FeatureMap, ridge: float = 0.0):
        self.fmap = fmap
        if not (np.isfinite(ridge) and ridge >= 0):
            raise ValueError(f"ridge must be a finite number >= 0, got {ridge!r}")
        self.ridge = float(ridge)
        self.theta = np.zeros(fmap.d)

    @property
    def n_parameters(self) -> int:
        return self.fmap.d

    def fit(self, s, G) -> LinearApproximator:
        x = self.fmap(s)
        G = _check_targets(G, x.shape[0])
        if self.ridge > 0:
            self.theta = np.linalg.solve(x.T @ x + self.ridge * np.eye(self.fmap.d), x.T @ G)
        else:
            self.theta, *_ = np.linalg.lstsq(x, G, rcond=None)
        return self

    def predict(self, s) -> np.ndarray:
        return v_hat(self.theta, self.fmap(s))


# ------------------------------------------------------------------ neural network


@dataclass(frozen=True)
class MLPConfig:
    """Hyperparameters of the small value network."""

    hidden: int = 64
    """Units in each of the two hidden layers."""
    steps: int = 2000
    """Adam steps (minibatches), the same for every sample size."""
    batch_size: int = 64
    """Minibatch size (capped at the number of samples)."""
    lr: float = 3e-3
    """Adam learning rate."""


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
        self.config = config
        self.generator = generator if generator is not None else torch.Generator().manual_seed(0)
        h = config.hidden
        self.net = nn.Sequential(nn.Linear(k, h), nn.Tanh(), nn.Linear(h, h), nn.Tanh(),
                                 nn.Linear(h, 1))
        with torch.no_grad():  # torch's default init, drawn from our generator
            for layer in self.net:
                if isinstance(layer, nn.Linear):
                    bound = 1.0 / np.sqrt(layer.in_features)
                    layer.weight.uniform_(-bound, bound, generator=self.generator)
                    layer.bias.uniform_(-bound, bound, generator=self.generator)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        return self.net(s).squeeze(-1)

    @property
    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def fit(self, s, G) -> MLP:
        r"""Minibatch SGD (Adam) on $\tfrac12\,\mathrm{mean}\,(G - \hat v(s,\theta))^2$,
        whose gradient is $-\mathrm{mean}\,[(G - \hat v)\nabla_\theta\hat v]$."""
        s = torch.as_tensor(_as_2d(s), dtype=torch.float32)
        G = torch.as_tensor(_check_targets(G, s.shape[0]), dtype=torch.float32)
        c = self.config
        opt = torch.optim.Adam(self.parameters(), lr=c.lr)
        n, b = s.shape[0], min(c.batch_size, s.shape[0])
        for step in range(c.steps):
            idx = torch.randint(n, (b,), generator=self.generator)
            loss = 0.5 * ((G[idx] - self(s[idx])) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if not torch.isfinite(loss):
                raise DivergenceError("MLP value fit", step, c.lr)
        return self

    def predict(self, s) -> np.ndarray:
        with torch.no_grad():
            return self(torch.as_tensor(_as_2d(s), dtype=torch.float32)).double().numpy()
# --8<-- [end:mlp]


# ------------------------------------------------------------------ non-parametric


@dataclass(frozen=True)
class KNNConfig:
    """Hyperparameters of k-nearest-neighbour regression."""

    k: int | None = None
    """Number of neighbours averaged; `None` means ceil(sqrt(n)) for n
    samples, which grows with the data so that the estimate is consistent."""


# --8<-- [start:knn]
class KNN:
    r"""$k$-nearest-neighbour regression: $\hat v(s)$ is the mean target of the $k$
    stored states closest to $s$.  Fitting stores every sample: $n(k_s + 1)$ numbers
    for n samples of dimension $k_s$."""

    def __init__(self, config: KNNConfig = KNNConfig()):
        if config.k is not None:
            check_positive_int("k", config.k)
        self.config = config
        self.s = np.zeros((0, 1))
        self.G = np.zeros(0)

    @property
    def n_parameters(self) -> int:
        return self.s.size + self.G.size

    def fit(self, s, G) -> KNN:
        self.s = _as_2d(s)
        self.G = _check_targets(G, self.s.shape[0])
        return self

    def predict(self, s, chunk: int = 512) -> np.ndarray:
        q = _as_2d(s)
        k = min(self.config.k or int(np.ceil(np.sqrt(self.G.size))), self.G.size)
        out = np.empty(q.shape[0])
        for i in range(0, q.shape[0], chunk):  # bounded memory: chunk x n distances
            dist = ((q[i:i + chunk, None, :] - self.s[None]) ** 2).sum(-1)
            nearest = np.argpartition(dist, k - 1, axis=1)[:, :k]
            out[i:i + chunk] = self.G[nearest].mean(1)
        return out
# --8<-- [end:knn]


@dataclass(frozen=True)
class TreeConfig:
    """Hyperparameters of the regression tree."""

    min_samples_leaf: int | None = None
    """A split must leave at least this many samples on each side; `None` means
    ceil(sqrt(n)) for n samples."""
    max_depth: int = 30
    """Depth limit (a safety net; the leaf size is what stops growth)."""


# --8<-- [start:tree]
class RegressionTree:
    r"""A CART regression tree: each split $(j, \tau)$ is chosen greedily to minimize the
    summed squared error of the two halves, each leaf predicts its mean target.

    With a fixed minimum leaf size the number of leaves grows in proportion to the number
    of samples: the tree's "parameters" are its data summary.
    """

    def __init__(self, config: TreeConfig = TreeConfig()):
        if config.min_samples_leaf is not None:
            check_positive_int("min_samples_leaf", config.min_samples_leaf)
        check_positive_int("max_depth", config.max_depth)
        self.config = config
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

    def fit(self, s, G) -> RegressionTree:
        s = _as_2d(s)
        G = _check_targets(G, s.shape[0])
        self._reset()
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
        s = _as_2d(s)
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
