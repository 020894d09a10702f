r"""Linear prediction with Monte Carlo and TD targets (状态值函数近似).

A linear value estimate $\hat v(s, \theta) = \theta^\top \mathbf x(s)$ is trained by stochastic
gradient steps whose target $U_t$ stands in for the unknown $v_\pi(S_t)$:

* **gradient Monte Carlo** uses the return $U_t = G_t$ (unbiased) and converges, with
  decreasing step sizes, to the $\mu$-weighted projection of $v_\pi$;
* **semi-gradient TD(0)** uses $U_t = R_{t+1} + \gamma \hat v(S_{t+1}, \theta)$ (biased) and
  converges to the TD fixed point $A^{-1} b$;
* **n-step semi-gradient TD** sits between the two;
* **LSTD** computes the TD fixed point from data in closed form.

The module has three layers:

1. one-step updates written as on the page (`gradient_mc_update`,
   `semi_gradient_td_update`, `n_step_return`, `lstd`), each line tagged with its equation;
2. the book's algorithms on one episode (`gradient_mc_episode`, `semi_gradient_td_episode`,
   `n_step_td_episode`), plain loops that are the reference for the tests, and the same
   algorithms driven through the gymnasium API (`gradient_mc_env`, `semi_gradient_td_env`);
3. fast runners for the book's full-size figures on the 1000-state random walk
   (Sutton & Barto 2018, Example 9.1): episodes are simulated for many runs at once, and
   the weights of many independent runs ("lanes") are updated together, one numpy call
   per time step for all lanes.

The random walk is the registered environment `fa_book/RandomWalk1000-v0`
([`RandomWalk`][fa_book.envs.RandomWalk]); `random_walk_mdp` gives its exact
model for the oracles in [`fa_book.oracles`][fa_book.oracles].
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import gymnasium as gym
import numpy as np

from fa_book.envs.random_walk import random_walk_mdp, walk_start
from fa_book.oracles import FiniteMDP
from fa_book.validate import (
    DivergenceError,
    check_discount,
    check_finite,
    check_positive_int,
    check_step_size,
)

__all__ = [
    "DIVERGENCE_LIMIT",
    "BasisSweepConfig",
    "WalkTruth",
    "Episodes",
    "GradientMCConfig",
    "LaneSchedule",
    "NStepSweepConfig",
    "SemiGradientTDConfig",
    "gradient_mc_aggregation",
    "gradient_mc_env",
    "gradient_mc_episode",
    "gradient_mc_update",
    "grad_v_hat",
    "lane_schedule",
    "lstd",
    "basis_features",
    "run_basis_sweep",
    "run_gradient_mc",
    "run_n_step_sweep",
    "run_semi_gradient_td",
    "walk_truth",
    "n_step_return",
    "n_step_td_episode",
    "returns",
    "run_lanes",
    "sample_episodes",
    "semi_gradient_td0_onehot",
    "semi_gradient_td_env",
    "semi_gradient_td_episode",
    "semi_gradient_td_update",
    "v_hat",
    "value_errors",
]

DIVERGENCE_LIMIT = 1e10
"""A run whose weights leave $[-10^{10}, 10^{10}]$ (or stop being finite) has diverged."""



# ============================================================================================
# The environment: Sutton & Barto's 1000-state random walk (Example 9.1)
# ============================================================================================




# ============================================================================================
# One-step updates, as on the page
# ============================================================================================


def _theta_x(theta, x) -> tuple[np.ndarray, np.ndarray]:
    theta = check_finite("theta", np.asarray(theta, dtype=float))
    x = check_finite("x", np.asarray(x, dtype=float))
    if theta.ndim < 1:
        raise ValueError(f"theta must have shape (d,), got {theta.shape}")
    d = theta.shape[-1]
    if x.ndim < 1 or x.shape[-1] != d:
        raise ValueError(f"x must have shape (..., d) with d = {d} (the length of theta), "
                         f"got {x.shape}")
    return theta, x


# --8<-- [start:v_hat]
def v_hat(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Linear value $\hat v(s, \theta) = \theta^\top \mathbf x(s)$.

    Args:
        theta: weights $\theta$, shape `(d,)` (or `(..., d)`, broadcast against `x`).
        x: features $\mathbf x(s)$, shape `(..., d)`.

    Returns:
        $\hat v$, shape `(...)`.
    """
    theta, x = _theta_x(theta, x)
    return (theta * x).sum(-1)  # (VHAT)


def grad_v_hat(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Gradient of the linear value, $\nabla_\theta \hat v(s, \theta) = \mathbf x(s)$.

    It does not depend on $\theta$; it is spelled out so that the updates below read
    like the equations, and so that a test can compare it with autograd.

    Returns:
        $\mathbf x(s)$ broadcast to the shape of `theta * x`.
    """
    theta, x = _theta_x(theta, x)
    shape = np.broadcast_shapes(theta.shape, x.shape)
    return np.broadcast_to(x, shape).copy()  # (GRAD)
# --8<-- [end:v_hat]


# --8<-- [start:mc_update]
def gradient_mc_update(theta: np.ndarray, x: np.ndarray, G: float | np.ndarray,
                       alpha: float) -> np.ndarray:
    r"""One gradient Monte Carlo step
    $\theta \leftarrow \theta + \alpha\,[G_t - \hat v(S_t,\theta)]\,\mathbf x(S_t)$.

    Args:
        theta: weights $\theta$, shape `(d,)`.
        x: features $\mathbf x(S_t)$, shape `(..., d)` (a batch gives a batch of
            updates).
        G: return $G_t$, shape `(...)`.
        alpha: step size $\alpha > 0$.

    Returns:
        The new weights, shape `(..., d)`.
    """
    check_step_size("alpha", alpha)
    error = np.asarray(G, dtype=float) - v_hat(theta, x)  # G_t - v_hat(S_t)
    return theta + alpha * error[..., None] * grad_v_hat(theta, x)  # (MC)
# --8<-- [end:mc_update]


# --8<-- [start:td_update]
def semi_gradient_td_update(theta: np.ndarray, x: np.ndarray, r: float | np.ndarray,
                            x_next: np.ndarray, terminated: bool | np.ndarray,
                            gamma: float, alpha: float) -> np.ndarray:
    r"""One semi-gradient TD(0) step on the transition $(S_t, R_{t+1}, S_{t+1})$.

    $\delta_t = R_{t+1} + \gamma\,\hat v(S_{t+1},\theta) - \hat v(S_t,\theta)$, with
    $\hat v(S_{t+1}) = 0$ when $S_{t+1}$ is terminal, and
    $\theta \leftarrow \theta + \alpha\,\delta_t\,\mathbf x(S_t)$.  The target is
    treated as a constant: no gradient flows through $\hat v(S_{t+1},\theta)$ (hence
    *semi*-gradient).

    Args:
        theta: weights $\theta$, shape `(d,)`.
        x: features $\mathbf x(S_t)$, shape `(..., d)`.
        r: reward $R_{t+1}$, shape `(...)`.
        x_next: features $\mathbf x(S_{t+1})$, shape `(..., d)` (ignored where
            terminated).
        terminated: whether $S_{t+1}$ is terminal, bool of shape `(...)`; a *truncated*
            episode still bootstraps, so pass `False` for it.
        gamma: discount $\gamma \in [0, 1]$.
        alpha: step size $\alpha > 0$.

    Returns:
        The new weights, shape `(..., d)`.
    """
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    v_next = np.where(terminated, 0.0, v_hat(theta, x_next))  # v_hat(terminal) = 0
    delta = np.asarray(r, dtype=float) + gamma * v_next - v_hat(theta, x)  # (TDERR)
    return theta + alpha * delta[..., None] * grad_v_hat(theta, x)  # (TD0)
# --8<-- [end:td_update]


# --8<-- [start:n_step_return]
def n_step_return(rewards: np.ndarray, gamma: float, v_boot: float | None) -> float:
    r"""The n-step return $G_{t:t+n} = \sum_{k=1}^{n} \gamma^{k-1} R_{t+k}
    + \gamma^n \hat v(S_{t+n}, \theta)$.

    Args:
        rewards: $R_{t+1}, \dots, R_{t+n}$, shape `(n,)` (fewer if the episode ends
            first).
        gamma: discount $\gamma \in [0, 1]$.
        v_boot: $\hat v(S_{t+n}, \theta)$, or `None` if the episode terminated within
            the window (then nothing is bootstrapped).
    """
    check_discount("gamma", gamma)
    rewards = check_finite("rewards", np.asarray(rewards, dtype=float))
    n = rewards.shape[0]
    G = float((gamma ** np.arange(n)) @ rewards)
    if v_boot is not None:
        G += gamma**n * float(v_boot)  # (NSTEP)
    return G
# --8<-- [end:n_step_return]


# --8<-- [start:returns]
def returns(rewards: np.ndarray, gamma: float) -> np.ndarray:
    r"""Returns $G_t = R_{t+1} + \gamma G_{t+1}$, $G_T = 0$, of one terminated episode.

    Args:
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        $G_0, \dots, G_{T-1}$, shape `(T,)`.
    """
    check_discount("gamma", gamma)
    rewards = check_finite("rewards", np.asarray(rewards, dtype=float))
    G = np.zeros(rewards.shape[0] + 1)
    for t in reversed(range(rewards.shape[0])):
        G[t] = rewards[t] + gamma * G[t + 1]  # (RET)
    return G[:-1]
# --8<-- [end:returns]


# --8<-- [start:lstd]
def lstd(x: np.ndarray, r: np.ndarray, x_next: np.ndarray, terminated: np.ndarray,
         gamma: float,
         epsilon: float = 0.0, weights: np.ndarray | None = None) -> np.ndarray:
    r"""Least-squares TD: the TD fixed point of a batch of transitions, in closed form.

    $\hat A = \sum_t \mathbf x_t (\mathbf x_t - \gamma \mathbf x_{t+1})^\top
    + \epsilon I$,
    $\hat b = \sum_t R_{t+1} \mathbf x_t$, $\theta = \hat A^{-1}\hat b$
    (Sutton & Barto 2018, §9.8; Bradtke & Barto 1996), with $\mathbf x_{t+1} = 0$ where
    $S_{t+1}$ is terminal.

    Args:
        x: features $\mathbf x(S_t)$, shape `(N, d)`.
        r: rewards $R_{t+1}$, shape `(N,)`.
        x_next: features $\mathbf x(S_{t+1})$, shape `(N, d)`.
        terminated: bool, shape `(N,)`.
        gamma: discount $\gamma \in [0, 1]$.
        epsilon: ridge term $\epsilon \ge 0$ (the book's $\varepsilon^{-1} I$ start).
        weights: optional non-negative weight of each transition, shape `(N,)`; with
            the exact probabilities of all transitions, $\hat A$ and $\hat b$ are the
            expected statistics and the result is the TD fixed point itself.

    Raises:
        ValueError: on wrong shapes, or if $\hat A$ is singular (too few or too similar
            samples).
    """
    x = check_finite("x", np.asarray(x, dtype=float))
    if x.ndim != 2:
        raise ValueError(f"x must have shape (N, d), got {x.shape}")
    N, d = x.shape
    r = check_finite("r", np.asarray(r, dtype=float))
    x_next = check_finite("x_next", np.asarray(x_next, dtype=float))
    terminated = np.asarray(terminated, dtype=bool)
    for name, a, shape in (("r", r, (N,)), ("x_next", x_next, (N, d)),
                           ("terminated", terminated, (N,))):
        if a.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {a.shape}")
    check_discount("gamma", gamma)
    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise ValueError(f"epsilon must be a finite number >= 0, got {epsilon!r}")
    if weights is None:
        w = np.ones(N)
    else:
        w = check_finite("weights", np.asarray(weights, float))
    if w.shape != (N,) or (w < 0).any():
        raise ValueError(f"weights must be non-negative with shape ({N},), "
                         f"got {w.shape}")
    x_next = np.where(terminated[:, None], 0.0, x_next)
    A = (w[:, None] * x).T @ (x - gamma * x_next) + epsilon * np.eye(d)  # (LSTDA)
    b = (w[:, None] * x).T @ r  # (LSTDB)
    if np.linalg.matrix_rank(A) < d or np.linalg.cond(A) > 1e12:
        raise ValueError("the LSTD matrix A is singular: the samples do not span the "
                         "features (collect more transitions or set epsilon > 0)")
    return np.linalg.solve(A, b)  # (LSTD)
# --8<-- [end:lstd]


# ============================================================================================
# The book's algorithms on one episode (plain loops: the reference implementations)
# ============================================================================================


def _check_diverged(theta: np.ndarray, what: str, step: int, alpha: float) -> None:
    if not np.all(np.isfinite(theta)) or np.abs(theta).max() > DIVERGENCE_LIMIT:
        raise DivergenceError(what, step, alpha)


def _episode_arrays(theta, x, rewards, n_rows_extra: int):
    theta = check_finite("theta", np.asarray(theta, dtype=float))
    if theta.ndim != 1:
        raise ValueError(f"theta must have shape (d,), got {theta.shape}")
    rewards = check_finite("rewards", np.asarray(rewards, dtype=float))
    if rewards.ndim != 1:
        raise ValueError(f"rewards must have shape (T,), got {rewards.shape}")
    T, d = rewards.shape[0], theta.shape[0]
    x = check_finite("x", np.asarray(x, dtype=float))
    if x.shape != (T + n_rows_extra, d):
        raise ValueError(f"x must have shape (T + {n_rows_extra}, d) = "
                         f"({T + n_rows_extra}, {d}), got {x.shape}")
    return theta.copy(), x, rewards


# --8<-- [start:mc_episode]
def gradient_mc_episode(theta: np.ndarray, x: np.ndarray, rewards: np.ndarray,
                        alpha: float, gamma: float = 1.0, step: int = 0) -> np.ndarray:
    r"""Gradient Monte Carlo on one terminated episode (Sutton & Barto 2018, §9.3 box).

    Args:
        theta: weights before the episode, shape `(d,)`.
        x: features of $S_0, \dots, S_{T-1}$, shape `(T, d)`.
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        step: index of the first update (for the divergence message).

    Returns:
        The weights after the $T$ updates, in order $t = 0, \dots, T-1$.

    Raises:
        DivergenceError: if the weights stop being finite or exceed `DIVERGENCE_LIMIT`.
    """
    theta, x, rewards = _episode_arrays(theta, x, rewards, 0)
    G = returns(rewards, gamma)
    for t in range(rewards.shape[0]):
        theta = gradient_mc_update(theta, x[t], G[t], alpha)
        _check_diverged(theta, "gradient Monte Carlo", step + t, alpha)
    return theta
# --8<-- [end:mc_episode]


# --8<-- [start:td_episode]
def semi_gradient_td_episode(theta: np.ndarray, x: np.ndarray, rewards: np.ndarray,
                             terminated: bool, alpha: float, gamma: float = 1.0,
                             step: int = 0) -> np.ndarray:
    r"""Semi-gradient TD(0) along one episode (Sutton & Barto 2018, §9.3 box).

    Args:
        theta: weights before the episode, shape `(d,)`.
        x: features of $S_0, \dots, S_T$, shape `(T + 1, d)`; row $T$ is not used if the
            episode terminated.
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        terminated: whether $S_T$ is terminal (else the episode was truncated and the
            last step bootstraps from $S_T$).
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        step: index of the first update (for the divergence message).
    """
    theta, x, rewards = _episode_arrays(theta, x, rewards, 1)
    T = rewards.shape[0]
    for t in range(T):
        end = bool(terminated) and t == T - 1
        theta = semi_gradient_td_update(theta, x[t], rewards[t], x[t + 1], end, gamma,
                                        alpha)
        _check_diverged(theta, "semi-gradient TD(0)", step + t, alpha)
    return theta
# --8<-- [end:td_episode]


# --8<-- [start:n_step_episode]
def n_step_td_episode(theta: np.ndarray, x: np.ndarray, rewards: np.ndarray,
                      terminated: bool, n: int, alpha: float, gamma: float = 1.0,
                      step: int = 0) -> np.ndarray:
    r"""n-step semi-gradient TD along one episode (Sutton & Barto 2018, §9.4 box).

    The update for time $\tau$ happens at time $\tau + n - 1$, after the updates for
    $0, \dots, \tau - 1$; because the behaviour does not depend on $\theta$
    (prediction), this is the same as updating $\tau = 0, 1, \dots, T-1$ in order, each
    with the current weights.

    Args:
        theta: weights before the episode, shape `(d,)`.
        x: features of $S_0, \dots, S_T$, shape `(T + 1, d)`.
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        terminated: whether $S_T$ is terminal.
        n: number of steps $n \ge 1$ ($n = 1$ is TD(0); $n \ge T$ is Monte Carlo).
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        step: index of the first update (for the divergence message).
    """
    check_positive_int("n", n)
    theta, x, rewards = _episode_arrays(theta, x, rewards, 1)
    T = rewards.shape[0]
    for tau in range(T):
        end = min(tau + n, T)
        boot = None if (end == T and terminated) else v_hat(theta, x[end])
        G = n_step_return(rewards[tau:end], gamma, boot)  # G_{tau:tau+n}
        theta = theta + alpha * (G - v_hat(theta, x[tau])) * x[tau]  # (NSTEPTD)
        _check_diverged(theta, f"{n}-step semi-gradient TD", step + tau, alpha)
    return theta
# --8<-- [end:n_step_episode]


# --8<-- [start:mc_env]
def gradient_mc_env(env: gym.Env, x: Callable[[Any], np.ndarray], theta: np.ndarray,
                    n_episodes: int, alpha: float, gamma: float,
                    rng: np.random.Generator, seed: int) -> np.ndarray:
    r"""Gradient Monte Carlo through the gymnasium API, under the uniform policy.

    Plays an episode, then updates every visited state towards its return.

    Args:
        env: an environment with a `Discrete` action space.
        x: feature map, called on one observation, returning shape `(d,)`.
        theta: initial weights, shape `(d,)`.
        n_episodes: episodes to run.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        rng: draws the actions.
        seed: seeds the environment's first `reset`.

    Raises:
        ValueError: if an episode is truncated (it has no return).
    """
    check_positive_int("n_episodes", n_episodes)
    theta = np.array(theta, dtype=float)
    step = 0
    for episode in range(n_episodes):
        s, _ = env.reset(seed=seed if episode == 0 else None)
        xs, rewards, terminated, truncated = [], [], False, False
        while not (terminated or truncated):
            xs.append(x(s))
            a = int(rng.integers(env.action_space.n))
            s, r, terminated, truncated, _ = env.step(a)
            rewards.append(r)
        if not terminated:
            raise ValueError("gradient Monte Carlo needs terminated episodes; this one "
                             "was truncated (raise the time limit)")
        theta = gradient_mc_episode(theta, np.array(xs), np.array(rewards), alpha,
                                    gamma, step)
        step += len(rewards)
    return theta
# --8<-- [end:mc_env]


# --8<-- [start:td_env]
def semi_gradient_td_env(env: gym.Env, x: Callable[[Any], np.ndarray],
                         theta: np.ndarray, n_episodes: int, alpha: float, gamma: float,
                         rng: np.random.Generator, seed: int) -> np.ndarray:
    r"""Semi-gradient TD(0) online, through the gymnasium API, under the uniform policy.

    Updates after every step.  Arguments as in
    [`gradient_mc_env`][fa_book.prediction.gradient_mc_env].
    """
    check_positive_int("n_episodes", n_episodes)
    theta = np.array(theta, dtype=float)
    step = 0
    for episode in range(n_episodes):
        s, _ = env.reset(seed=seed if episode == 0 else None)
        done = False
        while not done:
            a = int(rng.integers(env.action_space.n))
            s_next, r, terminated, truncated, _ = env.step(a)
            theta = semi_gradient_td_update(theta, x(s), r, x(s_next), terminated,
                                            gamma, alpha)
            _check_diverged(theta, "semi-gradient TD(0)", step, alpha)
            s, done, step = s_next, terminated or truncated, step + 1
    return theta
# --8<-- [end:td_env]


# ============================================================================================
# Fast runners for the full-size figures
# ============================================================================================


class Episodes(NamedTuple):
    r"""A batch of random-walk episodes, stored back to back.

    In the random walk the only nonzero reward is the last one, so an episode is its
    states and the sign of its exit.  Episode `e` is
    `states[starts[e] : starts[e] + lengths[e]]`.
    """

    states: np.ndarray
    r"""$S_0, \dots, S_{T-1}$ of every episode, concatenated, shape `(N,)` with
    $N = \sum_e T_e$."""
    lengths: np.ndarray
    """$T$ of each episode, shape `(E,)`."""
    final_reward: np.ndarray
    r"""$R_T \in \{-1, +1\}$ of each episode, shape `(E,)`."""

    @property
    def starts(self) -> np.ndarray:
        """Index in `states` of each episode's $S_0$, shape `(E,)`."""
        return np.cumsum(self.lengths) - self.lengths

    def episode(self, e: int) -> np.ndarray:
        """The states of episode `e`, shape `(T,)`."""
        start = int(self.starts[e])
        return self.states[start:start + int(self.lengths[e])]


# --8<-- [start:sample_episodes]
def sample_episodes(rng: np.random.Generator, n_episodes: int, n_states: int = 1000,
                    max_jump: int = 100,
                    start: int | np.ndarray | None = None) -> Episodes:
    r"""Simulate many random-walk episodes at once.

    The process is that of `RandomWalk` under the uniform policy: all unfinished walkers
    jump together, one numpy call per time step.

    Args:
        rng: the random generator.
        n_episodes: number of episodes $E$.
        n_states: number of non-terminal states.
        max_jump: largest jump.
        start: start index (default the middle), or an array of shape `(E,)` of starts.
    """
    E = check_positive_int("n_episodes", n_episodes)
    check_positive_int("n_states", n_states)
    check_positive_int("max_jump", max_jump)
    if start is None or np.ndim(start) == 0:
        s = np.full(E, walk_start(start, n_states), dtype=np.int64)
    else:
        s = np.asarray(start)
        if (s.shape != (E,) or s.dtype.kind not in "iu" or s.min() < 0
                or s.max() >= n_states):
            raise ValueError(f"start must be an int or an integer array of shape "
                             f"({E},) with values in [0, {n_states - 1}]")
        s = s.astype(np.int64)
    jumps = np.concatenate([np.arange(-max_jump, 0), np.arange(1, max_jump + 1)])
    lengths = np.zeros(E, dtype=np.int64)
    final = np.zeros(E)
    alive = np.arange(E)
    record = []  # (who is alive, where they are) at t = 0, 1, ...
    while alive.size:
        record.append((alive, s))
        # a jump of +-1 .. +-max_jump for every walker still alive
        s = s + jumps[rng.integers(0, 2 * max_jump, size=alive.size)]
        out = (s < 0) | (s >= n_states)
        lengths[alive[out]] = len(record)
        final[alive[out]] = np.where(s[out] < 0, -1.0, 1.0)
        alive, s = alive[~out], s[~out]
    starts = np.cumsum(lengths) - lengths
    dtype = np.int16 if n_states < 2**15 else np.int64
    states = np.empty(int(lengths.sum()), dtype=dtype)
    for t, (who, where) in enumerate(record):
        # episode-major: S_t of episode e sits at starts[e] + t
        states[starts[who] + t] = where
    return Episodes(states, lengths, final)
# --8<-- [end:sample_episodes]


# --8<-- [start:mc_aggregation]
def gradient_mc_aggregation(theta: np.ndarray, groups: np.ndarray, episodes: Episodes,
                            alpha: float, step: int = 0) -> np.ndarray:
    r"""Gradient Monte Carlo with state aggregation, $\gamma = 1$, one run, exactly.

    With one-hot (aggregation) features a visit to group $g$ updates only $\theta_g$:
    $\theta_g \leftarrow \theta_g + \alpha (G - \theta_g)$.  In the random walk every
    step of an episode has the same return $G = R_T$, so the $k_g$ visits of an episode
    compose to $\theta_g \leftarrow G + (1 - \alpha)^{k_g} (\theta_g - G)$: the same
    numbers as $T$ sequential updates, at the cost of one vector operation per episode.

    Args:
        theta: weights, shape `(n_groups,)`.
        groups: the group of each state, shape `(n_states,)`.
        episodes: random-walk episodes (only the last reward is nonzero).
        alpha: step size $\alpha \in (0, 1]$.
        step: index of the first episode (for the divergence message).
    """
    check_step_size("alpha", alpha)
    if alpha > 1:
        raise ValueError(f"alpha must be in (0, 1] for this closed form, got {alpha!r}")
    theta = np.array(theta, dtype=float)
    n_groups = theta.shape[0]
    E = episodes.lengths.shape[0]
    e_idx = np.repeat(np.arange(E), episodes.lengths)
    g_idx = np.asarray(groups)[episodes.states]
    k = np.bincount(e_idx * n_groups + g_idx, minlength=E * n_groups)
    k = k.reshape(E, n_groups)  # visits of every episode to every group
    decay = (1.0 - alpha) ** k  # (1 - alpha)^{k_g} for every episode and group
    for e in range(E):
        G = episodes.final_reward[e]
        theta = G + decay[e] * (theta - G)  # (MCAGG)
    _check_diverged(theta, "gradient Monte Carlo", step + E, alpha)
    return theta
# --8<-- [end:mc_aggregation]


# --8<-- [start:td0_onehot]
def semi_gradient_td0_onehot(theta: np.ndarray, g: np.ndarray, r: np.ndarray,
                             g_next: np.ndarray, gamma: float,
                             alpha: float) -> np.ndarray:
    r"""Semi-gradient TD(0) with one-hot (aggregation) features, exactly, for one run.

    The run is one long stream of transitions.

    With $\mathbf x(s) = e_{g(s)}$ the update is
    $\theta_g \leftarrow \theta_g + \alpha\,(r + \gamma\,\theta_{g'} - \theta_g)$, with
    $\theta_{g'} = 0$ for a terminal $s'$.  A transition inside one group with $r = 0$
    and $\gamma = 1$ has $\delta = 0$ and is skipped; what is left is one line of Python
    per transition (a single run is a sequence: it cannot be vectorized).

    Args:
        theta: weights, shape `(n_groups,)`.
        g: group of $S_t$, shape `(N,)`.
        r: reward $R_{t+1}$, shape `(N,)`.
        g_next: group of $S_{t+1}$, or `-1` if terminal, shape `(N,)`.
        gamma: discount $\gamma \in [0, 1]$.
        alpha: step size $\alpha > 0$.

    Raises:
        DivergenceError: checked every 100 000 updates, naming the transition index.
    """
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    theta = np.asarray(theta, dtype=float)
    n_groups = theta.shape[0]
    g, r, g_next = np.asarray(g), np.asarray(r, dtype=float), np.asarray(g_next)
    # the transitions that change theta (for all others delta = 0)
    step = np.nonzero((g != g_next) | (r != 0) | (gamma != 1.0))[0]
    h = np.where(g_next < 0, n_groups, g_next)  # slot n_groups holds v(terminal) = 0
    w = theta.tolist() + [0.0]
    for chunk in np.array_split(step, max(1, step.size // 100_000)):
        for i, j, rew in zip(g[chunk].tolist(), h[chunk].tolist(), r[chunk].tolist(),
                             strict=True):
            w[i] += alpha * (rew + gamma * w[j] - w[i])  # (TD0AGG)
        if chunk.size:
            _check_diverged(np.array(w), "semi-gradient TD(0)", int(chunk[-1]), alpha)
    return np.array(w[:n_groups])
# --8<-- [end:td0_onehot]


class LaneSchedule(NamedTuple):
    r"""The updates of many independent runs ("lanes"), one row per time step.

    Update $k$ of lane $l$ is
    $\theta_l \leftarrow \theta_l + \alpha_l\,(c + \gamma^n \theta_l^\top \mathbf x_b -
    \theta_l^\top \mathbf x)\,\mathbf x$ with $\mathbf x$ = `X[rows[k, l]]` and
    $\mathbf x_b$ = `X[boot_rows[k, l]]`.  The last row of `X` is zero: a padded update
    changes nothing, and a zero bootstrap row means "no bootstrap".
    """

    rows: np.ndarray
    r"""Row of the feature table for $S_\tau$, shape `(K, L)`."""
    c: np.ndarray
    """The part of the target that does not depend on $\\theta$, shape `(K, L)`."""
    boot_rows: np.ndarray | None
    """Row for $S_{\\tau+n}$, shape `(K, L)`, or `None` (Monte Carlo)."""
    ends: np.ndarray
    """Whether update $k$ is the last of an episode of lane $l$, shape `(K, L)`."""


# --8<-- [start:lane_schedule]
def lane_schedule(episodes: Episodes, n_lanes: int, n: int | None, gamma: float,
                  row_offset: np.ndarray, zero_row: int) -> LaneSchedule:
    r"""Lay out the updates of n-step TD (or Monte Carlo, `n=None`) for many lanes.

    Episode `e` of lane `l` is row `l * E + e` of `episodes` (`E` episodes per lane);
    each lane's episodes are concatenated in order.  In the random walk the only reward
    is $R_T$, so $G_{\tau:\tau+n} = \gamma^{T-\tau-1} R_T$ if $\tau + n \ge T$, and
    $\gamma^n \hat v(S_{\tau+n})$ otherwise.

    Args:
        episodes: `n_lanes * E` episodes, lane-major.
        n_lanes: number of lanes $L$.
        n: steps of the TD target, or `None` for the Monte Carlo return.
        gamma: discount $\gamma$.
        row_offset: where lane `l`'s states start in the feature table, shape `(L,)`.
        zero_row: index of the all-zero row of the feature table.
    """
    n_lanes = check_positive_int("n_lanes", n_lanes)
    if n is not None:
        check_positive_int("n", n)
    check_discount("gamma", gamma)
    total_eps = episodes.lengths.shape[0]
    if total_eps % n_lanes:
        raise ValueError(f"the number of episodes ({total_eps}) must be a multiple of "
                         f"n_lanes ({n_lanes})")
    E = total_eps // n_lanes
    lengths = episodes.lengths
    per_lane = lengths.reshape(n_lanes, E).sum(1)
    K = int(per_lane.max())
    # per step of every episode (np.repeat of per-episode values is cheaper than a
    # gather)
    i = np.arange(lengths.sum())  # index into episodes.states
    t_idx = i - np.repeat(episodes.starts, lengths)  # tau within its episode
    T = np.repeat(lengths, lengths)
    lane = np.repeat(np.arange(total_eps) // E, lengths)
    lane_start = np.concatenate([[0], np.cumsum(per_lane)[:-1]])
    # the step's position in its lane
    pos = i - np.repeat(lane_start[np.arange(total_eps) // E], lengths)
    flat = pos * n_lanes + lane  # where update (pos, lane) sits in a (K, L) array
    row_offset = np.asarray(row_offset)
    base = np.repeat(row_offset[np.arange(total_eps) // E], lengths)
    rows = np.full(K * n_lanes, zero_row, dtype=np.int32)
    rows[flat] = base + episodes.states
    tail = np.ones(i.size, dtype=bool) if n is None else t_idx + n >= T
    R_T = np.repeat(episodes.final_reward, lengths)
    # gamma^{T-tau-1} R_T
    G_tail = R_T if gamma == 1.0 else gamma ** (T - 1 - t_idx) * R_T
    c = np.zeros(K * n_lanes)
    c[flat] = np.where(tail, G_tail, 0.0)
    boot_rows = None
    if n is not None:
        boot_rows = np.full(K * n_lanes, zero_row, dtype=np.int32)
        # S_{tau+n}, in the same episode wherever the step is not in the tail
        i_boot = np.minimum(i + n, i.size - 1)
        boot_rows[flat] = np.where(tail, zero_row, base + episodes.states[i_boot])
        boot_rows = boot_rows.reshape(K, n_lanes)
    ends = np.zeros(K * n_lanes, dtype=bool)
    ends[flat] = t_idx == T - 1
    rows, c = rows.reshape(K, n_lanes), c.reshape(K, n_lanes)
    ends = ends.reshape(K, n_lanes)
    return LaneSchedule(rows, c, boot_rows, ends)
# --8<-- [end:lane_schedule]


# --8<-- [start:run_lanes]
def run_lanes(X: np.ndarray, schedule: LaneSchedule, theta: np.ndarray,
              alpha: np.ndarray, gamma_n: float = 1.0, step: int = 0,
              check_every: int = 256) -> tuple[np.ndarray, np.ndarray]:
    r"""Run the updates of many independent lanes together.

    One numpy call per time step serves all lanes.  Each lane's updates happen in its
    own order, with its own weights, exactly as the one-episode reference functions
    would do them.

    Args:
        X: feature table, shape `(rows, d)`, whose row `schedule.rows[k, l]` is
            $\mathbf x(S_\tau)$ of update $k$ of lane $l$; the last row must be zero.
        schedule: the updates, from `lane_schedule`.
        theta: weights of every lane, shape `(L, d)` (updated in place and returned).
        alpha: step size of every lane, shape `(L,)`.
        gamma_n: $\gamma^n$, the discount of the bootstrap.
        step: index of the first update (for the divergence message).
        check_every: look for divergence every this many updates.

    Returns:
        `(theta, theta_at_ends)`: the final weights `(L, d)`, and the weights after
        every episode, shape `(number of episode ends, d)`, in the order of
        `np.nonzero(schedule.ends)`.

    Raises:
        DivergenceError: naming the update and the step size of the first lane that left
            `DIVERGENCE_LIMIT`.
    """
    X = np.asarray(X, dtype=float)
    L = schedule.rows.shape[1]
    if not (isinstance(theta, np.ndarray) and theta.dtype == np.float64
            and theta.flags.c_contiguous):
        raise ValueError("theta must be a C-contiguous float64 array of shape (L, d)")
    if theta.shape != (L, X.shape[1]):
        raise ValueError(f"theta must have shape (L, d) = ({L}, {X.shape[1]}), "
                         f"got {theta.shape}")
    if np.any(X[-1] != 0):
        raise ValueError("the last row of X must be all zeros (padding)")
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (L,))
    n_ends = schedule.ends.sum(1).tolist()
    end_lanes = np.nonzero(schedule.ends)[1]
    at_ends = np.empty((end_lanes.size, X.shape[1]))
    p = 0
    rows_theta = theta[:, None, :]  # (L, 1, d) view: a batched row-vector times column
    for k in range(schedule.rows.shape[0]):
        x = X[schedule.rows[k]]  # (L, d): x(S_tau) of every lane
        G = schedule.c[k]
        if schedule.boot_rows is not None:
            x_boot = X[schedule.boot_rows[k]]
            G = G + gamma_n * (rows_theta @ x_boot[:, :, None])[:, 0, 0]  # (NSTEP)
        # U - v_hat(S_tau), every lane
        error = G - (rows_theta @ x[:, :, None])[:, 0, 0]
        theta += (alpha * error)[:, None] * x  # (LANES)
        if n_ends[k]:
            at_ends[p:p + n_ends[k]] = theta[end_lanes[p:p + n_ends[k]]]
            p += n_ends[k]
        if k % check_every == 0:
            _check_lanes(theta, step + k, alpha)
    _check_lanes(theta, step + schedule.rows.shape[0], alpha)
    return theta, at_ends
# --8<-- [end:run_lanes]


def _check_lanes(theta: np.ndarray, step: int, alpha: np.ndarray) -> None:
    bad = ~np.isfinite(theta).all(1) | (np.abs(theta).max(1) > DIVERGENCE_LIMIT)
    if bad.any():
        lane = int(np.argmax(bad))
        raise DivergenceError(f"lane {lane} of a batched linear TD/MC run", step,
                              float(alpha[lane]))


# --8<-- [start:value_errors]
def value_errors(theta: np.ndarray, X: np.ndarray, v: np.ndarray,
                 weights: np.ndarray) -> np.ndarray:
    r"""Weighted RMS errors $\sqrt{\sum_s \omega(s)\,(\theta^\top \mathbf x(s) - v(s))^2}$
    of many weight vectors at once, through the quadratic form
    $\theta^\top Q\theta - 2 q^\top\theta + c$ with $Q = X^\top \Omega X$,
    $q = X^\top \Omega v$, $c = v^\top \Omega v$ (so the cost does not grow with the number
    of states).

    Args:
        theta: weights, shape `(N, d)`.
        X: features of every state, shape `(S, d)`.
        v: true values, shape `(S,)`.
        weights: state weighting $\omega$ (normalized here), shape `(S,)`; $\mu$ gives
            $\sqrt{\overline{\mathrm{VE}}}$, uniform gives the companion code's RMS error.

    Returns:
        The errors, shape `(N,)`.
    """
    omega = np.asarray(weights, dtype=float) / np.sum(weights)
    WX = omega[:, None] * X
    Q, q, c = X.T @ WX, WX.T @ v, float(omega @ v**2)
    sq = np.einsum("nd,de,ne->n", theta, Q, theta) - 2 * theta @ q + c
    return np.sqrt(np.clip(sq, 0.0, None))
# --8<-- [end:value_errors]


# ============================================================================================
# The book's settings for Figures 9.1, 9.2 and 9.5
# ============================================================================================


# --8<-- [start:configs]
@dataclass(frozen=True)
class GradientMCConfig:
    """Figure 9.1: gradient Monte Carlo with state aggregation on the random walk."""

    n_groups: int = 10
    """State aggregation: 1000 states in this many groups of equal size."""
    alpha: float = 2e-5
    """Constant step size (the book's and the companion code's)."""
    n_episodes: int = 100_000
    """Episodes of the single run."""
    seed: int = 0
    """Seed of the run."""


@dataclass(frozen=True)
class SemiGradientTDConfig:
    """Figure 9.2 (left): semi-gradient TD(0) with state aggregation."""

    n_groups: int = 10
    """Same aggregation as Figure 9.1."""
    alpha: float = 2e-4
    """Constant step size (the companion code's; the book does not state it)."""
    n_episodes: int = 100_000
    """Episodes of the single run."""
    seed: int = 1
    """Seed of the run."""


@dataclass(frozen=True)
class NStepSweepConfig:
    """Figure 9.2 (right): n-step semi-gradient TD, error after few episodes."""

    n_groups: int = 20
    """20 groups of 50 states."""
    ns: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
    """Values of n."""
    alphas: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
    """Step sizes (alpha = 0 never moves from 0: its error is the RMS of v itself)."""
    n_episodes: int = 10
    """Episodes per run; the error is averaged over them."""
    n_runs: int = 100
    """Independent runs per (n, alpha)."""
    seed: int = 2
    """Seed of the sweep."""


@dataclass(frozen=True)
class BasisSweepConfig:
    """Figure 9.5: gradient Monte Carlo with polynomial vs Fourier bases."""

    orders: tuple[int, ...] = (5, 10, 20)
    """Orders n of the bases (n + 1 features each)."""
    alpha_polynomial: float = 1e-4
    """Step size for the polynomial bases."""
    alpha_fourier: float = 5e-5
    """Step size for the Fourier bases."""
    n_episodes: int = 5000
    """Episodes per run."""
    n_runs: int = 30
    """Independent runs per basis (the book's; the companion code runs 1)."""
    seed: int = 3
    """Seed of the sweep."""
# --8<-- [end:configs]


# ============================================================================================
# The experiments behind Figures 9.1, 9.2 and 9.5 (no plotting: fa_book.figures.prediction)
# ============================================================================================


class WalkTruth(NamedTuple):
    """Exact answers for the random walk under the uniform policy."""

    mdp: FiniteMDP
    """The exact model (`random_walk_mdp`)."""
    pi: np.ndarray
    """The uniform policy, shape `(S, 2)`."""
    v: np.ndarray
    r"""$v_\pi$, shape `(S,)`."""
    mu: np.ndarray
    r"""On-policy distribution $\mu$, shape `(S,)`."""


def walk_truth(n_states: int = 1000, max_jump: int = 100) -> WalkTruth:
    r"""$v_\pi$ and $\mu$ of the random walk, by linear solves (`fa_book.oracles`);
    computed once per size (the arrays are read-only)."""
    return _walk_truth(int(n_states), int(max_jump))


@functools.lru_cache(maxsize=4)
def _walk_truth(n_states: int, max_jump: int) -> WalkTruth:
    r"""$v_\pi$ and $\mu$ of the random walk, by linear solves (`fa_book.oracles`);
    computed once per size (the arrays are read-only)."""
    from fa_book.oracles import on_policy_distribution, v_pi

    mdp = random_walk_mdp(n_states, max_jump)
    pi = np.full((n_states, 2), 0.5)
    truth = WalkTruth(mdp, pi, v_pi(mdp, pi), on_policy_distribution(mdp, pi))
    for a in (truth.pi, truth.v, truth.mu):
        a.setflags(write=False)
    return truth


def _groups(n_states: int, n_groups: int) -> np.ndarray:
    from fa_book.features import StateAggregation

    return StateAggregation.uniform(n_states, n_groups).groups


# --8<-- [start:experiments]
def run_gradient_mc(cfg: GradientMCConfig, n_states: int = 1000, max_jump: int = 100,
                    chunk: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """Figure 9.1: one run of gradient MC with state aggregation.

    Returns:
        `(theta, visits)`: the final weights `(n_groups,)` and the number of visits to each
        state over all episodes `(n_states,)`.
    """
    rng = np.random.default_rng(cfg.seed)
    groups = _groups(n_states, cfg.n_groups)
    theta, visits = np.zeros(cfg.n_groups), np.zeros(n_states)
    for first in range(0, cfg.n_episodes, chunk):
        ep = sample_episodes(rng, min(chunk, cfg.n_episodes - first), n_states, max_jump)
        theta = gradient_mc_aggregation(theta, groups, ep, cfg.alpha, step=first)
        visits += np.bincount(ep.states, minlength=n_states)
    return theta, visits


def run_semi_gradient_td(cfg: SemiGradientTDConfig, n_states: int = 1000,
                         max_jump: int = 100, chunk: int = 10_000) -> np.ndarray:
    """Figure 9.2 (left): one run of semi-gradient TD(0) with state aggregation; returns
    the final weights `(n_groups,)`."""
    rng = np.random.default_rng(cfg.seed)
    groups = _groups(n_states, cfg.n_groups)
    theta = np.zeros(cfg.n_groups)
    for first in range(0, cfg.n_episodes, chunk):
        ep = sample_episodes(rng, min(chunk, cfg.n_episodes - first), n_states, max_jump)
        g = groups[ep.states]  # S_0 .. S_{T-1} of every episode, in order
        last = np.cumsum(ep.lengths) - 1  # where each episode ends
        g_next = np.append(g[1:], -1)
        g_next[last] = -1  # S_T is terminal
        r = np.zeros(g.size)
        r[last] = ep.final_reward
        theta = semi_gradient_td0_onehot(theta, g, r, g_next, 1.0, cfg.alpha)
    return theta


def run_n_step_sweep(cfg: NStepSweepConfig, n_states: int = 1000,
                     max_jump: int = 100) -> np.ndarray:
    """Figure 9.2 (right): RMS error over all states (unweighted, as in the book and its
    code), averaged over the first `n_episodes` episodes, for every n, alpha and run.

    All `len(alphas) * n_runs` runs of one n go through `run_lanes` together.

    Returns:
        errors of shape `(len(ns), len(alphas), n_runs)`.
    """
    rng = np.random.default_rng(cfg.seed)
    truth = walk_truth(n_states, max_jump)
    X = np.vstack([np.eye(cfg.n_groups)[_groups(n_states, cfg.n_groups)],
                   np.zeros(cfg.n_groups)])
    alphas = np.repeat(np.asarray(cfg.alphas, dtype=float), cfg.n_runs)
    L, E = alphas.size, cfg.n_episodes
    errors = np.empty((len(cfg.ns), len(cfg.alphas), cfg.n_runs))
    for i, n in enumerate(cfg.ns):
        ep = sample_episodes(rng, L * E, n_states, max_jump)
        sched = lane_schedule(ep, L, n, 1.0, np.zeros(L, dtype=np.int64), n_states)
        _, at_ends = run_lanes(X, sched, np.zeros((L, cfg.n_groups)), alphas, gamma_n=1.0)
        order = np.argsort(np.nonzero(sched.ends)[1], kind="stable")  # lane, then episode
        err = value_errors(at_ends[order], X[:-1], truth.v, np.ones(n_states))
        errors[i] = err.reshape(len(cfg.alphas), cfg.n_runs, E).mean(-1)
    return errors


def basis_features(kind: str, order: int, n_states: int = 1000) -> np.ndarray:
    """Polynomial or Fourier features of every state, the book's state $1 \\dots$
    `n_states` scaled to $[0, 1]$ by dividing by `n_states` (as the companion code does);
    shape `(n_states, order + 1)`."""
    from fa_book.features import Fourier, Polynomial

    if kind not in ("polynomial", "fourier"):
        raise ValueError(f"kind must be 'polynomial' or 'fourier', got {kind!r}")
    fmap = (Polynomial if kind == "polynomial" else Fourier)(order, 0.0, float(n_states))
    return fmap(np.arange(1, n_states + 1, dtype=float))


def run_basis_sweep(cfg: BasisSweepConfig, n_states: int = 1000, max_jump: int = 100,
                    block: int = 100) -> tuple[np.ndarray, np.ndarray]:
    r"""Figure 9.5: gradient MC with polynomial and Fourier bases of each order,
    `n_runs` runs each, all `2 * len(orders) * n_runs` runs in one batch of lanes.

    Returns:
        `(rmsve, rmse)`: after every episode, the $\mu$-weighted error
        $\sqrt{\overline{\mathrm{VE}}}$ (the book's axis) and the unweighted RMS error (the
        companion code's), each of shape `(2, len(orders), n_runs, n_episodes)`
        (basis 0 polynomial, 1 Fourier).
    """
    rng = np.random.default_rng(cfg.seed)
    truth = walk_truth(n_states, max_jump)
    kinds = ("polynomial", "fourier")
    feats = [basis_features(k, o, n_states) for k in kinds for o in cfg.orders]
    d = max(f.shape[1] for f in feats)
    padded = [np.pad(f, ((0, 0), (0, d - f.shape[1]))) for f in feats]
    X = np.vstack([*padded, np.zeros((1, d))])
    C, R = len(feats), cfg.n_runs
    L = C * R
    cfg_of_lane = np.repeat(np.arange(C), R)
    alpha = np.where(cfg_of_lane < len(cfg.orders), cfg.alpha_polynomial, cfg.alpha_fourier)
    theta = np.zeros((L, d))
    shape = (2, len(cfg.orders), R, cfg.n_episodes)
    rmsve, rmse = np.empty(shape), np.empty(shape)
    for first in range(0, cfg.n_episodes, block):
        E = min(block, cfg.n_episodes - first)
        ep = sample_episodes(rng, L * E, n_states, max_jump)
        sched = lane_schedule(ep, L, None, 1.0, cfg_of_lane * n_states, C * n_states)
        theta, at_ends = run_lanes(X, sched, theta, alpha, step=first)
        order = np.argsort(np.nonzero(sched.ends)[1], kind="stable")
        W = at_ends[order].reshape(C, R * E, d)
        for c in range(C):
            for out, weights in ((rmsve, truth.mu), (rmse, np.ones(n_states))):
                err = value_errors(W[c], padded[c], truth.v, weights).reshape(R, E)
                out[c // len(cfg.orders), c % len(cfg.orders), :, first:first + E] = err
    return rmsve, rmse
# --8<-- [end:experiments]
