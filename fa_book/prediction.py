r"""Linear prediction with Monte Carlo and TD targets (状态值函数近似).

A linear value estimate $\hat v(s, \theta) = \theta^\top \mathbf x(s)$
([`v_hat`][fa_book.approximators.v_hat], chapter 3) is trained by stochastic gradient
steps whose target $U_t$ stands in for the unknown $v_\pi(S_t)$:

* **gradient Monte Carlo** uses the return $U_t = G_t$ (unbiased) and converges, with
  decreasing step sizes, to the $\mu$-weighted projection of $v_\pi$;
* **semi-gradient TD(0)** uses $U_t = R_{t+1} + \gamma \hat v(S_{t+1}, \theta)$ (biased) and
  converges to the TD fixed point $A^{-1} b$;
* **n-step semi-gradient TD** sits between the two;
* **LSTD** computes the TD fixed point from data in closed form.

This module is the lesson, in the order of the page: one-step updates written as the
equations (`returns`, `gradient_mc_update`, `semi_gradient_td_update`, `n_step_return`,
`lstd`), each line tagged with its equation; the book's algorithms on one episode
(`gradient_mc_episode`, `semi_gradient_td_episode`, `n_step_td_episode`), plain loops
that are the reference for the tests; and the same algorithms driven through the
gymnasium API (`gradient_mc_env`, `semi_gradient_td_env`).  Each function calls one
named check (the `check_*` functions at the end of the module) and then does its math.

The fast engine behind the book's full-size figures is
[`fa_book.prediction_engine`][fa_book.prediction_engine]; their configurations, exact
answers on the random walk and drivers are in
[`fa_book.prediction_runs`][fa_book.prediction_runs];
the random walk itself is [`RandomWalk`][fa_book.envs.RandomWalk] (registered as
`fa_book/RandomWalk1000-v0`) with its exact model
[`random_walk_mdp`][fa_book.envs.random_walk_mdp].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

from fa_book.approximators import grad_v_hat, v_hat
from fa_book.validate import (
    check_discount,
    check_diverged,
    check_episode,
    check_float_array,
    check_nonneg_int,
    check_positive_int,
    check_size,
    check_step_size,
    check_theta_x,
)

__all__ = [
    "check_env_run",
    "check_episode_run",
    "check_lstd_matrix",
    "check_mc_step",
    "check_n_step_episode",
    "check_n_step_return",
    "check_rewards",
    "check_td_step",
    "check_transitions",
    "gradient_mc_env",
    "gradient_mc_episode",
    "gradient_mc_update",
    "lstd",
    "n_step_return",
    "n_step_td_episode",
    "returns",
    "semi_gradient_td_env",
    "semi_gradient_td_episode",
    "semi_gradient_td_update",
]


# ============================================================================================
# Gradient Monte Carlo
# ============================================================================================


# --8<-- [start:returns]
def returns(rewards: np.ndarray, gamma: float) -> np.ndarray:
    r"""Returns $G_t = R_{t+1} + \gamma G_{t+1}$, $G_T = 0$, of one terminated episode.

    Args:
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        $G_0, \dots, G_{T-1}$, shape `(T,)`.
    """
    rewards = check_rewards(rewards, gamma)
    G = np.zeros(rewards.shape[0] + 1)
    for t in reversed(range(rewards.shape[0])):
        G[t] = rewards[t] + gamma * G[t + 1]  # (RET)
    return G[:-1]
# --8<-- [end:returns]


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
    theta, x, G = check_mc_step(theta, x, G, alpha)
    error = G - v_hat(theta, x)  # G_t - v_hat(S_t)
    grad = grad_v_hat(theta, x)  # (GRAD)
    return theta + alpha * error[..., None] * grad  # (MC)
# --8<-- [end:mc_update]


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
        DivergenceError: if the weights stop being finite or leave
            [`DIVERGENCE_LIMIT`][fa_book.validate.DIVERGENCE_LIMIT].
    """
    # --8<-- [start:mc_episode_body]
    theta, x, rewards = check_episode_run(theta, x, rewards, alpha, gamma, step,
                                          n_rows_extra=0)
    G = returns(rewards, gamma)
    for t in range(rewards.shape[0]):
        theta = gradient_mc_update(theta, x[t], G[t], alpha)
        check_diverged("gradient Monte Carlo", theta, step + t, alpha)
    return theta
    # --8<-- [end:mc_episode_body]
# --8<-- [end:mc_episode]


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
        rng: draws the actions; a stream apart from the environment's (not
            `np.random.default_rng(seed)`, which would replay the environment's bits).
        seed: seeds the environment's first `reset`.

    Raises:
        ValueError: if an episode is truncated (it has no return), or if `rng` is the
            environment's own stream.
    """
    theta = check_env_run(env, x, theta, n_episodes, alpha, gamma, rng, seed)
    # --8<-- [start:mc_env_loop]
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
    # --8<-- [end:mc_env_loop]
# --8<-- [end:mc_env]


# ============================================================================================
# Semi-gradient TD(0)
# ============================================================================================


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
    # --8<-- [start:td_update_body]
    theta, x, r, x_next = check_td_step(theta, x, r, x_next, terminated, gamma, alpha)
    v_next = np.where(terminated, 0.0, v_hat(theta, x_next))  # v_hat(terminal) = 0
    delta = r + gamma * v_next - v_hat(theta, x)  # (TDERR)
    return theta + alpha * delta[..., None] * grad_v_hat(theta, x)  # (TD0)
    # --8<-- [end:td_update_body]
# --8<-- [end:td_update]


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
    # --8<-- [start:td_episode_body]
    theta, x, rewards = check_episode_run(theta, x, rewards, alpha, gamma, step,
                                          n_rows_extra=1, terminated=terminated)
    T = rewards.shape[0]
    for t in range(T):
        end = bool(terminated) and t == T - 1
        theta = semi_gradient_td_update(theta, x[t], rewards[t], x[t + 1], end, gamma,
                                        alpha)
        check_diverged("semi-gradient TD(0)", theta, step + t, alpha)
    return theta
    # --8<-- [end:td_episode_body]
# --8<-- [end:td_episode]


# --8<-- [start:td_env]
def semi_gradient_td_env(env: gym.Env, x: Callable[[Any], np.ndarray],
                         theta: np.ndarray, n_episodes: int, alpha: float, gamma: float,
                         rng: np.random.Generator, seed: int) -> np.ndarray:
    r"""Semi-gradient TD(0) online, through the gymnasium API, under the uniform policy.

    Updates after every step.  Arguments as in
    [`gradient_mc_env`][fa_book.prediction.gradient_mc_env].
    """
    theta = check_env_run(env, x, theta, n_episodes, alpha, gamma, rng, seed)
    step = 0
    for episode in range(n_episodes):
        s, _ = env.reset(seed=seed if episode == 0 else None)
        done = False
        while not done:
            a = int(rng.integers(env.action_space.n))
            s_next, r, terminated, truncated, _ = env.step(a)
            theta = semi_gradient_td_update(theta, x(s), r, x(s_next), terminated,
                                            gamma, alpha)
            check_diverged("semi-gradient TD(0)", theta, step, alpha)
            s, done, step = s_next, terminated or truncated, step + 1
    return theta
# --8<-- [end:td_env]


# ============================================================================================
# n-step semi-gradient TD
# ============================================================================================


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
    rewards = check_n_step_return(rewards, gamma, v_boot)
    n = rewards.shape[0]
    G = float((gamma ** np.arange(n)) @ rewards)
    if v_boot is not None:
        G += gamma**n * float(v_boot)  # (NSTEP)
    return G
# --8<-- [end:n_step_return]


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
    # --8<-- [start:n_step_episode_body]
    theta, x, rewards = check_n_step_episode(theta, x, rewards, terminated, n, alpha,
                                             gamma, step)
    T = rewards.shape[0]
    for tau in range(T):
        end = min(tau + n, T)
        boot = None if (end == T and terminated) else v_hat(theta, x[end])
        G = n_step_return(rewards[tau:end], gamma, boot)  # G_{tau:tau+n}
        theta = theta + alpha * (G - v_hat(theta, x[tau])) * x[tau]  # (NSTEPTD)
        check_diverged(f"{n}-step semi-gradient TD", theta, step + tau, alpha)
    return theta
    # --8<-- [end:n_step_episode_body]
# --8<-- [end:n_step_episode]


# ============================================================================================
# LSTD
# ============================================================================================


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
    # --8<-- [start:lstd_body]
    x, r, x_next, terminated, w = check_transitions(x, r, x_next, terminated, gamma,
                                                    epsilon, weights)
    x_next = np.where(terminated[:, None], 0.0, x_next)
    A = (w[:, None] * x).T @ (x - gamma * x_next) + epsilon * np.eye(x.shape[1])  # (LSTDA)
    b = (w[:, None] * x).T @ r  # (LSTDB)
    return np.linalg.solve(check_lstd_matrix(A), b)  # (LSTD)
    # --8<-- [end:lstd_body]
# --8<-- [end:lstd]


# ============================================================================================
# The argument checks of the functions above (one named check per function)
# ============================================================================================


def check_rewards(rewards, gamma: float) -> np.ndarray:
    r"""Check the rewards $R_1 \dots R_T$ of one episode (finite, shape `(T,)`) and the
    discount $\gamma \in [0, 1]$; returns the rewards as a float array."""
    check_discount("gamma", gamma)
    rewards = check_float_array("rewards", rewards)
    if rewards.ndim != 1:
        raise ValueError(f"rewards must have shape (T,), got {rewards.shape}")
    return rewards


def _broadcast(names: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        shapes = ", ".join(map(str, shapes))
        raise ValueError(f"{names} must broadcast together, got shapes {shapes}") from None


def check_mc_step(theta, x, G, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Check one gradient Monte Carlo step: $\theta$ `(d,)` and $\mathbf x$ `(..., d)`
    ([`check_theta_x`][fa_book.validate.check_theta_x]), a finite return $G$ of shape
    `x.shape[:-1]` (or one that broadcasts to it), and a step size $\alpha > 0$; returns
    `(theta, x, G)` as float arrays."""
    check_step_size("alpha", alpha)
    theta, x = check_theta_x(check_float_array("theta", theta), check_float_array("x", x))
    G = check_float_array("G", G)
    if _broadcast("G and x.shape[:-1]", G.shape, x.shape[:-1]) != x.shape[:-1]:
        raise ValueError(f"G must have shape {x.shape[:-1]} (one return per row of x), "
                         f"got {G.shape}")
    return theta, x, G


def check_td_step(theta, x, r, x_next, terminated, gamma: float, alpha: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Check one semi-gradient TD(0) step: $\theta$ with $\mathbf x(S_t)$ and with
    $\mathbf x(S_{t+1})$ ([`check_theta_x`][fa_book.validate.check_theta_x]), a finite
    reward and `terminated` bool, each broadcasting to the transitions' shape,
    $\gamma \in [0, 1]$ and $\alpha > 0$; returns `(theta, x, r, x_next)` as float arrays."""
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    theta, x = check_theta_x(check_float_array("theta", theta), check_float_array("x", x))
    x_next = check_float_array("x_next", x_next)
    if x_next.ndim < 1 or x_next.shape[-1] != theta.shape[-1]:
        raise ValueError(f"x_next must have shape (..., d) with d = {theta.shape[-1]} (the "
                         f"length of theta), got {x_next.shape}")
    r = check_float_array("r", r)
    term = np.asarray(terminated)
    if term.dtype != bool:
        raise ValueError(f"terminated must be a bool or a bool array, got {terminated!r}")
    batch = _broadcast("x and x_next", x.shape[:-1], x_next.shape[:-1])
    for name, a in (("r", r), ("terminated", term)):
        if _broadcast(f"{name} and the transitions", a.shape, batch) != batch:
            raise ValueError(f"{name} must have shape {batch} (one per transition), "
                             f"got {a.shape}")
    return theta, x, r, x_next


def check_n_step_return(rewards, gamma: float, v_boot) -> np.ndarray:
    r"""Check the rewards of an n-step window and $\gamma$ (as
    [`check_rewards`][fa_book.prediction.check_rewards]) and the bootstrap value
    $\hat v(S_{t+n})$: a finite number, or `None`; returns the rewards."""
    rewards = check_rewards(rewards, gamma)
    if v_boot is not None and not (isinstance(v_boot, (int, float, np.integer, np.floating))
                                   and np.isfinite(v_boot)):
        raise ValueError(f"v_boot must be a finite number or None, got {v_boot!r}")
    return rewards


def check_n_step_episode(theta, x, rewards, terminated: bool, n: int, alpha: float,
                         gamma: float, step: int
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Check the arguments of `n_step_td_episode`: $n \ge 1$ and the rest as
    [`check_episode_run`][fa_book.prediction.check_episode_run] (with the state after
    the last step); returns `(theta, x, rewards)`, `theta` a copy."""
    check_positive_int("n", n)
    return check_episode_run(theta, x, rewards, alpha, gamma, step, 1, terminated)


def check_episode_run(theta, x, rewards, alpha: float, gamma: float, step: int,
                      n_rows_extra: int, terminated: bool = True
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Check the arguments of a one-episode loop: the episode's arrays
    ([`check_episode`][fa_book.validate.check_episode]), $\alpha > 0$,
    $\gamma \in [0, 1]$, `step` an integer $\ge 0$ and `terminated` a bool; returns
    `(theta, x, rewards)`, `theta` a copy."""
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    check_nonneg_int("step", step)
    if not isinstance(terminated, (bool, np.bool_)):
        raise ValueError(f"terminated must be a bool, got {terminated!r}")
    return check_episode(check_float_array("theta", theta), check_float_array("x", x),
                         check_float_array("rewards", rewards), n_rows_extra)


def check_env_run(env, x, theta, n_episodes: int, alpha: float, gamma: float,
                  rng, seed: int) -> np.ndarray:
    r"""Check the arguments of a gymnasium-driven run: an environment with a `Discrete`
    action space, a callable feature map, finite weights `(d,)`, $1 \le$ `n_episodes`
    $\le$ [`MAX_SIZE`][fa_book.validate.MAX_SIZE], $\alpha > 0$, $\gamma \in [0, 1]$, a
    `np.random.Generator` and a seed $\ge 0$; refuses a generator that is the
    environment's own stream (`np.random.default_rng(seed)`, untouched), which would make
    actions and jumps the same bits.  Returns a float copy of `theta`."""
    if not (isinstance(env, gym.Env) and isinstance(env.action_space, gym.spaces.Discrete)):
        raise TypeError(f"env must be a gymnasium.Env with a Discrete action space, "
                        f"got {env!r}")
    if not callable(x):
        raise TypeError(f"x must be a feature map (callable on one observation), got {x!r}")
    theta = check_float_array("theta", theta).copy()
    if theta.ndim != 1:
        raise ValueError(f"theta must have shape (d,), got {theta.shape}")
    check_size("n_episodes", n_episodes)
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {rng!r}")
    check_nonneg_int("seed", seed)
    if rng.bit_generator.state == np.random.default_rng(seed).bit_generator.state:
        raise ValueError(f"rng must not be np.random.default_rng(seed) with seed={seed}: "
                         "the environment is seeded with the same bits (use another "
                         "seed, e.g. np.random.default_rng([seed, 1]))")
    return theta


def check_transitions(x, r, x_next, terminated, gamma: float, epsilon: float,
                      weights) -> tuple[np.ndarray, ...]:
    r"""Check a batch of transitions for LSTD: finite $\mathbf x_t$ `(N, d)`,
    $R_{t+1}$ `(N,)`, $\mathbf x_{t+1}$ `(N, d)`, `terminated` bool `(N,)`,
    $\gamma \in [0, 1]$, a finite ridge $\epsilon \ge 0$ and optional non-negative
    weights `(N,)`; returns `(x, r, x_next, terminated, weights)` as arrays (weights of
    ones by default)."""
    x = check_float_array("x", x)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (N, d), got {x.shape}")
    N, d = x.shape
    r = check_float_array("r", r)
    x_next = check_float_array("x_next", x_next)
    term = np.asarray(terminated)
    for name, a, shape in (("r", r, (N,)), ("x_next", x_next, (N, d)),
                           ("terminated", term, (N,))):
        if a.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {a.shape}")
    if term.dtype != bool:
        raise ValueError(f"terminated must be a bool array, got dtype {term.dtype}")
    check_discount("gamma", gamma)
    if not (isinstance(epsilon, (int, float, np.integer, np.floating))
            and np.isfinite(epsilon) and epsilon >= 0):
        raise ValueError(f"epsilon must be a finite number >= 0, got {epsilon!r}")
    w = np.ones(N) if weights is None else check_float_array("weights", weights)
    if w.shape != (N,) or (w < 0).any():
        raise ValueError(f"weights must be non-negative with shape ({N},), "
                         f"got {w.shape}")
    return x, r, x_next, term, w


def check_lstd_matrix(A: np.ndarray) -> np.ndarray:
    r"""Refuse a singular (or numerically singular, condition number above $10^{12}$)
    LSTD matrix $\hat A$: the samples do not span the features.  Returns `A`."""
    if np.linalg.matrix_rank(A) < A.shape[0] or np.linalg.cond(A) > 1e12:
        raise ValueError("the LSTD matrix A is singular: the samples do not span the "
                         "features (collect more transitions or set epsilon > 0)")
    return A
