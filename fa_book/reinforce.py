r"""REINFORCE: Monte Carlo policy gradient 蒙特卡洛策略梯度, with and without a baseline.

Three pieces, in the order of the page:

1. **The per-episode update** ([`reinforce_update`][fa_book.reinforce.reinforce_update]):
   the episodic REINFORCE of Sutton & Barto (2018, §13.3 box), with its $\gamma^t$ factor,
   and the baseline of §13.4, on arrays of $\nabla\ln\pi(A_t \mid S_t, \theta)$ and rewards.
   Its expectation, computed by enumerating every trajectory of a short-horizon MDP,
   equals the exact gradient $\nabla J(\theta)$ (tests).
2. **The short-corridor gridworld** of Example 13.1, as a gymnasium environment
   ([`ShortCorridor`][fa_book.envs.ShortCorridor]), as an exact finite MDP
   ([`short_corridor_mdp`][fa_book.envs.short_corridor_mdp]) and with a vectorized
   numpy REINFORCE ([`corridor_reinforce`][fa_book.reinforce.corridor_reinforce]) that runs
   all trials of Figures 13.1 and 13.2 in lockstep.
3. **CartPole-v1** with a torch policy network
   ([`reinforce_cartpole`][fa_book.reinforce.reinforce_cartpole]): the agent acts with numpy
   copies of the weights (no torch call per step) and does one backward pass per batch of
   episodes.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import gymnasium as gym
import numpy as np
import torch
from scipy.optimize import minimize_scalar

from fa_book.envs.short_corridor import GOAL, NEXT, RIGHT, short_corridor_mdp
from fa_book.oracles import FiniteMDP, v_pi
from fa_book.policies import CategoricalMLP, SoftmaxLinearPolicy
from fa_book.validate import (
    DivergenceError,
    check_discount,
    check_finite,
    check_positive_int,
    check_probability,
    check_step_size,
)

__all__ = [
    "CartPoleConfig",
    "CartPoleRun",
    "CorridorConfig",
    "CorridorRun",
    "corridor_reinforce",
    "discounted_returns",
    "enumerate_episodes",
    "expected_reinforce_update",
    "greedy_return",
    "optimal_corridor_policy",
    "reinforce_cartpole",
    "reinforce_loss",
    "reinforce_update",
    "sample_corridor_updates",
]


# ----------------------------------------------------------------------------------------
# 1. The per-episode update
# ----------------------------------------------------------------------------------------

# --8<-- [start:returns]
def discounted_returns(rewards: np.ndarray, gamma: float) -> np.ndarray:
    r"""Returns $G_t = R_{t+1} + \gamma G_{t+1}$ of one episode, computed backwards.

    Args:
        rewards: $R_1, \dots, R_T$, shape `(T,)`; `rewards[t]` is the reward that follows
            the action taken at step `t`.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        $G_0, \dots, G_{T-1}$, shape `(T,)`.
    """
    rewards = check_finite("rewards", np.asarray(rewards, dtype=float))
    if rewards.ndim != 1:
        raise ValueError(f"rewards must have shape (T,), got {rewards.shape}")
    gamma = check_discount("gamma", gamma)
    G = np.zeros_like(rewards)
    g = 0.0
    for t in reversed(range(len(rewards))):
        g = rewards[t] + gamma * g  # (RETURN)
        G[t] = g
    return G
# --8<-- [end:returns]


# --8<-- [start:reinforce_update]
def reinforce_update(grad_log_pi: np.ndarray, rewards: np.ndarray, *, alpha: float,
                     gamma: float, baseline: np.ndarray | None = None,
                     discount_weight: bool = True) -> np.ndarray:
    r"""The REINFORCE change of $\theta$ after one episode (Sutton & Barto 2018, §13.3-13.4).

    $\Delta\theta = \alpha \sum_{t=0}^{T-1} \gamma^t \,(G_t - b(S_t))\,
    \nabla \ln \pi(A_t \mid S_t, \theta)$, every $\nabla\ln\pi$ taken at the $\theta$ that
    generated the episode.

    Args:
        grad_log_pi: $\nabla_\theta \ln \pi(A_t \mid S_t, \theta)$ for each step, shape `(T, d)`.
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.
        baseline: $b(S_t)$ for each step, shape `(T,)`; `None` means $b = 0$.  It must
            not depend on $A_t$ (nor on anything after it).
        discount_weight: keep the $\gamma^t$ factor of the episodic algorithm (`True`), or
            drop it as the notes' $\Delta\theta_t = \alpha\,\nabla\ln\pi\, g_t$ and most
            deep-RL code do (`False`; then the expectation is not $\alpha\nabla J$ when
            $\gamma < 1$).

    Returns:
        $\Delta\theta$, shape `(d,)`.
    """
    grad_log_pi = check_finite("grad_log_pi", np.asarray(grad_log_pi, dtype=float))
    if grad_log_pi.ndim != 2:
        raise ValueError(f"grad_log_pi must have shape (T, d), got {grad_log_pi.shape}")
    T = grad_log_pi.shape[0]
    rewards = np.asarray(rewards, dtype=float)
    if rewards.shape != (T,):
        raise ValueError(f"rewards must have shape (T,) = ({T},), got {rewards.shape}")
    alpha = check_step_size("alpha", alpha)
    G = discounted_returns(rewards, gamma)
    if baseline is None:
        b = np.zeros(T)
    else:
        b = check_finite("baseline", np.asarray(baseline, dtype=float))
        if b.shape != (T,):
            raise ValueError(f"baseline must have shape (T,) = ({T},), one value b(S_t) "
                             f"per step, got {b.shape}")
    delta_theta = np.zeros(grad_log_pi.shape[1])
    for t in range(T):
        delta = G[t] - b[t]  # (BASELINE)
        weight = gamma**t if discount_weight else 1.0
        delta_theta += alpha * weight * delta * grad_log_pi[t]  # (REINFORCE)
    return delta_theta
# --8<-- [end:reinforce_update]


# --8<-- [start:enumerate]
def enumerate_episodes(mdp: FiniteMDP, pi: np.ndarray, horizon: int):
    r"""Every episode of an MDP that always ends within `horizon` steps, with its probability.

    Yields `(prob, states, actions, rewards)` where
    $\text{prob} = d_0(S_0) \prod_t \pi(A_t \mid S_t)\, p(S_{t+1} \mid S_t, A_t)$ (the
    last factor being the termination probability) and `rewards[t]` $= r(S_t, A_t)$.

    Raises:
        ValueError: if some episode can last longer than `horizon` steps.
    """
    check_positive_int("horizon", horizon)

    def extend(prob, states, actions):
        s = states[-1]
        for a in range(mdp.n_actions):
            pa = prob * pi[s, a]
            if pa == 0.0:
                continue
            stop = 1.0 - mdp.P[s, a].sum()  # probability that the episode ends here
            if stop > 1e-12:
                acts = [*actions, a]
                yield pa * stop, states, acts, mdp.R[states, acts]
            for s_next in np.flatnonzero(mdp.P[s, a]):
                if len(states) == horizon:
                    raise ValueError(f"an episode can last longer than horizon={horizon}")
                yield from extend(pa * mdp.P[s, a, s_next], [*states, s_next], [*actions, a])

    for s0 in np.flatnonzero(mdp.d0):
        yield from extend(mdp.d0[s0], [s0], [])
# --8<-- [end:enumerate]


def expected_reinforce_update(mdp: FiniteMDP, policy: SoftmaxLinearPolicy,
                              theta: np.ndarray, X: np.ndarray, horizon: int, *,
                              baseline: np.ndarray | None = None,
                              discount_weight: bool = True) -> np.ndarray:
    r"""The expected update $\mathbb E[\Delta\theta] / \alpha$ of
    [`reinforce_update`][fa_book.reinforce.reinforce_update], computed exactly by summing
    over every episode (no sampling).

    Args:
        mdp: a finite MDP whose episodes all end within `horizon` steps.
        policy: a [`SoftmaxLinearPolicy`][fa_book.policies.SoftmaxLinearPolicy].
        theta: $\theta$, shape `(d,)`.
        X: action features $\mathbf x(s, a)$, shape `(S, A, d)`.
        horizon: the longest possible episode.
        baseline: $b(s)$ for every state, shape `(S,)`, or `None`.
        discount_weight: passed on to `reinforce_update`.
    """
    X = np.asarray(X, dtype=float)
    if baseline is not None:
        baseline = check_finite("baseline", np.asarray(baseline, dtype=float))
        if baseline.shape != (mdp.n_states,):
            raise ValueError(f"baseline must have shape (S,) = ({mdp.n_states},), one value "
                             f"per state, got {baseline.shape}")
    pi = policy.pi(theta, X)
    total = np.zeros(policy.n_params)
    for prob, states, actions, rewards in enumerate_episodes(mdp, pi, horizon):
        scores = policy.grad_log_pi(theta, X[states], np.array(actions))
        b = None if baseline is None else baseline[states]
        total += prob * reinforce_update(scores, rewards, alpha=1.0, gamma=mdp.gamma,
                                         baseline=b, discount_weight=discount_weight)
    return total


# ----------------------------------------------------------------------------------------
# 2. The short corridor with switched actions (Sutton & Barto 2018, Example 13.1)
# ----------------------------------------------------------------------------------------



def _corridor_pi(p_right: float) -> np.ndarray:
    return np.tile([1.0 - p_right, p_right], (3, 1))


def optimal_corridor_policy(gamma: float = 1.0) -> tuple[float, float]:
    r"""The best probability of going right and its start value $v_*(s_0)$.

    The agent must use one probability $p$ in all states, so the optimum is
    $\max_p v_{\pi_p}(s_0)$, with $v_{\pi_p}$ from the exact linear solve
    [`v_pi`][fa_book.oracles.v_pi] and $p$ found by bounded scalar minimization.

    Returns:
        `(p_star, v_star)`.
    """
    mdp = short_corridor_mdp(gamma)
    res = minimize_scalar(lambda p: -v_pi(mdp, _corridor_pi(p))[0], bounds=(1e-3, 1 - 1e-3),
                          method="bounded", options={"xatol": 1e-10})
    return float(res.x), float(-res.fun)


# --8<-- [start:sample_updates]
def sample_corridor_updates(p_right: float, n_episodes: int, rng: np.random.Generator, *,
                            baseline: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Per-episode REINFORCE updates ($\alpha = 1$, $\gamma = 1$) on the registered
    `fa_book/ShortCorridor-v0`, all at the same $\theta$ (the policy does not learn).

    Args:
        p_right: $\pi(\text{right})$, in $(0, 1)$; $\theta = (h/2, -h/2)$ with
            $h = \ln\frac{p}{1-p}$.
        n_episodes: number of episodes (one update each).
        rng: random generator for the actions.
        baseline: a constant $b$ subtracted from every $G_t$, or `None`.

    Returns:
        `(updates, theta)`: the updates, shape `(n_episodes, 2)`, and $\theta$, shape `(2,)`.
    """
    if not (isinstance(p_right, float | int) and 0.0 < p_right < 1.0):
        raise ValueError(f"p_right must be in (0, 1), got {p_right!r}")
    check_positive_int("n_episodes", n_episodes)
    env = gym.make("fa_book/ShortCorridor-v0")
    policy = SoftmaxLinearPolicy(2, 2)
    X = np.array([[0.0, 1.0], [1.0, 0.0]])  # x(s, left) = (0, 1), x(s, right) = (1, 0)
    h = math.log(p_right / (1 - p_right))
    theta = np.array([h / 2, -h / 2])
    updates = np.zeros((n_episodes, 2))
    env.reset(seed=0)  # the dynamics are deterministic; rng drives the actions
    for i in range(n_episodes):
        env.reset()
        actions, rewards, done = [], [], False
        while not done:
            a = int(rng.random() < p_right)
            _, r, terminated, truncated, _ = env.step(a)
            actions.append(a)
            rewards.append(r)
            done = terminated or truncated
        if truncated and not terminated:
            raise RuntimeError("a short-corridor episode hit the time limit; REINFORCE "
                               "needs complete episodes (p_right too close to 0 or 1?)")
        T = len(actions)
        scores = policy.grad_log_pi(theta, np.broadcast_to(X, (T, 2, 2)), np.array(actions))
        b = None if baseline is None else np.full(T, float(baseline))
        updates[i] = reinforce_update(scores, rewards, alpha=1.0, gamma=1.0, baseline=b)
    env.close()
    return updates, theta
# --8<-- [end:sample_updates]


@dataclass(frozen=True)
class CorridorConfig:
    """REINFORCE on the short corridor, one line of Figure 13.1 or 13.2."""

    alpha_theta: float = 2.0**-13
    """step size of the policy parameters, $\\alpha^\\theta$"""
    alpha_w: float | None = None
    """step size of the baseline $\\hat v(s, w) = w$; `None` means no baseline"""
    gamma: float = 1.0
    """discount $\\gamma$ (the book uses 1)"""
    p_right0: float = 0.05
    """initial probability of `right` (the companion code's "epsilon-greedy left" start)"""
    n_trials: int = 100
    """independent runs averaged in the figure"""
    n_episodes: int = 1000
    """episodes per run"""
    in_place: bool = True
    """update $\\theta$ after every step as in the book's box (`False`: hold it fixed)"""
    min_prob: float = 0.05
    """floor on each action's probability, as in the companion code (0 = pure softmax)"""
    max_steps: int = 100_000
    """longest episode allowed before the run is declared divergent"""


@dataclass
class CorridorRun:
    """Result of [`corridor_reinforce`][fa_book.reinforce.corridor_reinforce]."""

    returns: np.ndarray
    """total reward of each episode, shape `(n_trials, n_episodes)`"""
    p_right: np.ndarray
    """probability of `right` at the start of each episode, shape `(n_trials, n_episodes)`"""
    config: CorridorConfig = field(repr=False)


def _check_corridor(c: CorridorConfig) -> None:
    check_step_size("alpha_theta", c.alpha_theta)
    if c.alpha_w is not None:
        check_step_size("alpha_w", c.alpha_w)
    check_discount("gamma", c.gamma)
    check_probability("p_right0", c.p_right0)
    if not 0.0 < c.p_right0 < 1.0:
        raise ValueError(f"p_right0 must be in (0, 1), got {c.p_right0!r}")
    check_positive_int("n_trials", c.n_trials)
    check_positive_int("n_episodes", c.n_episodes)
    check_positive_int("max_steps", c.max_steps)
    if not 0.0 <= c.min_prob < 0.5:
        raise ValueError(f"min_prob must be in [0, 0.5), got {c.min_prob!r}")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # logistic, no overflow for large |z|


def _pi_right(theta: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Softmax probability of `right`, clipped to [floor, 1 - floor]."""
    return np.clip(_sigmoid(theta[:, 0] - theta[:, 1]), floor, 1.0 - floor)


# --8<-- [start:corridor_reinforce]
def corridor_reinforce(configs: CorridorConfig | list[CorridorConfig],
                       rng: np.random.Generator) -> list[CorridorRun]:
    r"""REINFORCE (with or without baseline) on the short corridor, all trials in lockstep.

    Every trial of every configuration is one entry of a vector: the episodes are
    simulated step by step for all of them at once, then the updates of the book's box
    are applied step by step, again for all of them at once.  With features
    $\mathbf x(\text{right}) = (1, 0)^\top$, $\mathbf x(\text{left}) = (0, 1)^\top$ and
    $p = \pi(\text{right})$, the softmax score is
    $\nabla\ln\pi(a) = \mathbf x(a) - p\,\mathbf x(\text{right}) - (1-p)\,\mathbf x(\text{left})$.
    With `min_prob > 0` the acting probability is clipped to `[min_prob, 1 - min_prob]`
    and the score is taken at the clipped $p$, as the companion code of the book does.

    Args:
        configs: one config or a list; all must share `n_episodes` and `gamma`.
        rng: random generator (the caller owns the seed).

    Returns:
        One [`CorridorRun`][fa_book.reinforce.CorridorRun] per config.

    Raises:
        DivergenceError: if an episode lasts longer than `max_steps` (the policy has become
            almost deterministic, and the corridor cannot be left).
    """
    configs = [configs] if isinstance(configs, CorridorConfig) else list(configs)
    if not configs:
        raise ValueError("configs must hold at least one CorridorConfig")
    for c in configs:
        _check_corridor(c)
    c0 = configs[0]
    if any(c.n_episodes != c0.n_episodes or c.gamma != c0.gamma for c in configs):
        raise ValueError("configs must share n_episodes and gamma")
    gamma, n_episodes = c0.gamma, c0.n_episodes
    rep = [c.n_trials for c in configs]
    alpha_theta = np.repeat([c.alpha_theta for c in configs], rep)
    alpha_w = np.repeat([c.alpha_w or 0.0 for c in configs], rep)
    in_place = np.repeat([c.in_place for c in configs], rep)
    max_steps = min(c.max_steps for c in configs)
    floor = np.repeat([c.min_prob for c in configs], rep)
    h0 = np.log(np.array([c.p_right0 for c in configs]) / (1 - np.array(
        [c.p_right0 for c in configs])))
    theta = np.zeros((sum(rep), 2))  # theta[:, 0] = right, theta[:, 1] = left
    theta[:, 0], theta[:, 1] = np.repeat(h0 / 2, rep), np.repeat(-h0 / 2, rep)
    w = np.zeros(sum(rep))  # baseline v_hat(s, w) = w
    B = sum(rep)
    returns = np.zeros((B, n_episodes))
    p_log = np.zeros((B, n_episodes))
    for episode in range(n_episodes):
        p = _pi_right(theta, floor)  # pi(right), fixed while acting
        p_log[:, episode] = p
        # --- generate an episode S_0, A_0, R_1, ..., S_{T-1}, A_{T-1}, R_T for every trial
        state = np.zeros(B, dtype=np.int64)
        acts, alive = [], []
        while (running := state != GOAL).any():
            if len(acts) >= max_steps:
                raise DivergenceError("short-corridor episode length", episode,
                                      float(alpha_theta[running].max()))
            a = (rng.random(B) < p).astype(np.int64)
            acts.append(a)
            alive.append(running)
            state = np.where(running, NEXT[state, a], GOAL)
        A = np.array(acts)  # (T_max, B)
        M = np.array(alive, dtype=float)  # 1 while the trial's episode is running
        T_max = len(acts)
        returns[:, episode] = -M.sum(0)
        G = np.zeros((T_max + 1, B))
        for t in reversed(range(T_max)):
            G[t] = M[t] * (-1.0 + gamma * G[t + 1])  # (RETURN)
        # --- the updates of the book's box, one step t at a time
        gamma_t = 1.0
        for t in range(T_max):
            p_t = np.where(in_place, _pi_right(theta, floor), p)
            right = A[t] == RIGHT
            grad_log_pi = np.stack([right - p_t, (1 - right) - (1 - p_t)], axis=1)
            delta = G[t] - w  # (BASELINE)
            w += M[t] * alpha_w * delta  # (WUPDATE), with grad v_hat(s, w) = 1
            theta += (M[t] * alpha_theta * gamma_t * delta)[:, None] * grad_log_pi  # (REINFORCE)
            gamma_t *= gamma
        if not np.isfinite(theta).all():
            raise DivergenceError("short-corridor theta", episode, float(alpha_theta.max()))
    out, i = [], 0
    for c, n in zip(configs, rep, strict=True):
        out.append(CorridorRun(returns[i:i + n], p_log[i:i + n], c))
        i += n
    return out
# --8<-- [end:corridor_reinforce]


# ----------------------------------------------------------------------------------------
# 3. CartPole-v1 with a torch policy network
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CartPoleConfig:
    """REINFORCE on CartPole-v1 with a torch policy network (settings of the benchmark)."""

    hidden: tuple[int, ...] = (32,)
    """hidden-layer widths of the tanh policy network"""
    lr: float = 0.01
    """Adam step size"""
    gamma: float = 0.99
    """discount $\\gamma$ of the returns $G_t$"""
    batch_episodes: int = 2
    """episodes per update (one backward pass per batch)"""
    baseline: str = "normalize"
    """`"none"`: $G_t$; `"normalize"`: $(G_t - \\bar G)/\\sigma_G$ over the batch;
    `"value"`: $G_t - \\hat v(S_t, \\mathbf w)$ with a learned value network (§13.4 box)"""
    lr_w: float = 0.03
    """Adam step size of the value network (only with `baseline="value"`)"""
    discount_weight: bool = False
    """keep the $\\gamma^t$ factor of the episodic box (`False`: the notes' update)"""
    max_episodes: int = 300
    """training episodes per run"""
    eval_every: int = 10
    """evaluate the greedy policy after every this many training episodes"""
    eval_episodes: int = 5
    """greedy evaluation episodes (their mean is compared with `target`)"""
    target: float = 475.0
    """greedy mean return that counts as solved"""
    stop_when_solved: bool = True
    """end the run at the first evaluation that reaches `target`"""


@dataclass
class CartPoleRun:
    """Result of [`reinforce_cartpole`][fa_book.reinforce.reinforce_cartpole]."""

    train_returns: np.ndarray
    """return of each training episode, shape `(episodes,)`"""
    eval_at: np.ndarray
    """training episodes done at each greedy evaluation, shape `(evals,)`"""
    eval_returns: np.ndarray
    """mean greedy return at each evaluation, shape `(evals,)`"""
    solved_at: int | None
    """training episodes done when the greedy mean first reached the target"""
    wall_seconds: float
    """wall time of the run (to solving, when `stop_when_solved`)"""
    cpu_seconds: float
    """CPU time of the process over the run"""


# --8<-- [start:reinforce_loss]
def reinforce_loss(log_pi: torch.Tensor, psi: torch.Tensor, n_episodes: int) -> torch.Tensor:
    r"""Surrogate loss $L(\theta) = -\frac1N \sum_{\text{episodes}} \sum_t \Psi_t
    \ln \pi_\theta(A_t \mid S_t)$.

    $\Psi_t$ (the weight $\gamma^t (G_t - b)$, or $G_t - b$) is data: no gradient flows
    through it.  Autograd then gives $-\nabla L = \frac1N \sum \Psi_t \nabla \ln \pi$,
    the REINFORCE direction averaged over the $N$ episodes of the batch, and a
    gradient-descent step on $L$ is a gradient-ascent step on $J$.

    Args:
        log_pi: $\ln \pi_\theta(A_t \mid S_t)$ of every step of the batch, shape `(n,)`.
        psi: $\Psi_t$ for the same steps, shape `(n,)`.
        n_episodes: $N$, the number of episodes in the batch.
    """
    if psi.shape != log_pi.shape:
        raise ValueError(f"psi must have the shape of log_pi {tuple(log_pi.shape)}, "
                         f"got {tuple(psi.shape)}")
    return -(psi.detach() * log_pi).sum() / n_episodes  # (LOSS)
# --8<-- [end:reinforce_loss]


def _numpy_layers(policy: CategoricalMLP) -> list[tuple[np.ndarray, np.ndarray]]:
    """Copies (W, b) of the linear layers of a `CategoricalMLP`, for torch-free acting."""
    return [(m.weight.detach().numpy().astype(np.float64).T.copy(),
             m.bias.detach().numpy().astype(np.float64).copy())
            for m in policy.net if isinstance(m, torch.nn.Linear)]


def _logits(layers, obs: np.ndarray) -> np.ndarray:
    h = obs
    for W, b in layers[:-1]:
        h = np.tanh(h @ W + b)
    W, b = layers[-1]
    return h @ W + b


def _run_episode(env: gym.Env, layers, rng: np.random.Generator | None,
                 seed: int | None = None):
    """One episode; `rng=None` acts greedily.  Returns (observations, actions, rewards)."""
    obs, _ = env.reset(seed=seed)
    observations, actions, rewards = [], [], []
    done = False
    while not done:
        h = _logits(layers, obs)
        if rng is None:
            a = int(np.argmax(h))
        else:
            z = np.exp(h - h.max())
            a = int(np.searchsorted(np.cumsum(z), rng.random() * z.sum(), side="right"))
            a = min(a, len(h) - 1)
        observations.append(obs)
        actions.append(a)
        obs, r, terminated, truncated, _ = env.step(a)
        rewards.append(r)
        done = terminated or truncated
    return np.array(observations), np.array(actions), np.array(rewards, dtype=float)


def greedy_return(policy: CategoricalMLP, seeds: list[int], *,
                  target: float | None = None) -> float:
    """Mean return of the greedy policy $\\arg\\max_a \\pi(a \\mid s)$ over episodes with
    the given reset seeds.  With `target`, stops as soon as the mean can no longer reach it
    (CartPole-v1 caps a return at 500) and returns the mean so far."""
    env = gym.make("CartPole-v1")
    layers = _numpy_layers(policy)
    total = 0.0
    for k, s in enumerate(seeds):
        total += _run_episode(env, layers, None, seed=s)[2].sum()
        if target is not None and total + 500.0 * (len(seeds) - k - 1) < target * len(seeds):
            env.close()
            return total / (k + 1)
    env.close()
    return total / len(seeds)


def _check_cartpole(c: CartPoleConfig) -> None:
    check_step_size("lr", c.lr)
    check_step_size("lr_w", c.lr_w)
    check_discount("gamma", c.gamma)
    for name in ("batch_episodes", "max_episodes", "eval_every", "eval_episodes"):
        check_positive_int(name, getattr(c, name))
    if c.baseline not in ("none", "normalize", "value"):
        raise ValueError(f"baseline must be 'none', 'normalize' or 'value', got "
                         f"{c.baseline!r}")


def _value_net(hidden: tuple[int, ...], seed: int) -> torch.nn.Module:
    r"""$\hat v(s, \mathbf w)$: a tanh MLP from the 4 CartPole observations to one number,
    initialised from `seed` with a private generator (PyTorch's default scale)."""
    g = torch.Generator().manual_seed(int(seed))
    sizes, layers = (4, *hidden, 1), []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        lin = torch.nn.Linear(fan_in, fan_out)
        bound = 1.0 / math.sqrt(fan_in)
        with torch.no_grad():
            lin.weight.uniform_(-bound, bound, generator=g)
            lin.bias.uniform_(-bound, bound, generator=g)
        layers += [lin, torch.nn.Tanh()]
    return torch.nn.Sequential(*layers[:-1])


# --8<-- [start:reinforce_cartpole]
def reinforce_cartpole(config: CartPoleConfig, seed: int, *,
                       progress: bool = False) -> CartPoleRun:
    r"""REINFORCE on CartPole-v1: act with numpy copies of the weights, learn with torch.

    Each update collects `batch_episodes` episodes with the current policy, computes
    every $G_t$ by [`discounted_returns`][fa_book.reinforce.discounted_returns], and takes
    one Adam step on [`reinforce_loss`][fa_book.reinforce.reinforce_loss].

    Args:
        config: the settings.
        seed: seeds the network's initial weights, the action sampling and the
            environment's resets (evaluation episodes use seeds `10**6 + k`).
        progress: print a line at each evaluation.
    """
    _check_cartpole(config)
    c = config
    t_wall, t_cpu = time.perf_counter(), time.process_time()
    env = gym.make("CartPole-v1")
    rng = np.random.default_rng(seed)
    policy = CategoricalMLP(4, 2, c.hidden, seed=seed)
    opt = torch.optim.Adam(policy.parameters(), lr=c.lr)
    layers = _numpy_layers(policy)
    if c.baseline == "value":
        v_hat_net = _value_net(c.hidden, seed + 1)
        v_opt = torch.optim.Adam(v_hat_net.parameters(), lr=c.lr_w)
    eval_seeds = [10**6 + k for k in range(c.eval_episodes)]
    train_returns, eval_at, eval_returns = [], [], []
    solved_at, batch, episode = None, [], 0
    env.reset(seed=seed)
    while episode < c.max_episodes:
        S, A, R = _run_episode(env, layers, rng)
        episode += 1
        train_returns.append(R.sum())
        G = discounted_returns(R, c.gamma)  # (RETURN)
        weight = c.gamma ** np.arange(len(R)) if c.discount_weight else np.ones(len(R))
        batch.append((S, A, G, weight))
        if len(batch) == c.batch_episodes:
            S_b, A_b, G_b, w_b = (np.concatenate(z) for z in zip(*batch, strict=True))
            S_b = torch.as_tensor(S_b, dtype=torch.float32)
            if c.baseline == "normalize":
                G_b = (G_b - G_b.mean()) / (G_b.std() + 1e-8)  # baseline and scale
            elif c.baseline == "value":
                G_t = torch.as_tensor(G_b, dtype=torch.float32)
                v_hat = v_hat_net(S_b)[:, 0]
                delta = G_t - v_hat.detach()  # (BASELINE)
                # -grad of this loss = mean of delta * grad v_hat: the (WUPDATE) direction
                v_loss = 0.5 * ((G_t - v_hat) ** 2).mean()
                v_opt.zero_grad()
                v_loss.backward()
                v_opt.step()
                G_b = delta.numpy().astype(float)
            psi = torch.as_tensor(w_b * G_b, dtype=torch.float32)
            log_pi = policy.log_pi(S_b, torch.as_tensor(A_b))
            loss = reinforce_loss(log_pi, psi, len(batch))
            opt.zero_grad()
            loss.backward()
            opt.step()
            if not all(torch.isfinite(p).all() for p in policy.parameters()):
                raise DivergenceError("CartPole policy weights", episode, c.lr)
            layers = _numpy_layers(policy)
            batch = []
        if episode % c.eval_every == 0:
            # while hunting for the target, stop an evaluation once it cannot reach it
            g = greedy_return(policy, eval_seeds,
                              target=c.target if c.stop_when_solved else None)
            eval_at.append(episode)
            eval_returns.append(g)
            if progress:
                print(f"episode {episode}: greedy {g:.1f}")
            if g >= c.target and solved_at is None:
                solved_at = episode
                if c.stop_when_solved:
                    break
    env.close()
    return CartPoleRun(np.array(train_returns), np.array(eval_at), np.array(eval_returns),
                       solved_at, time.perf_counter() - t_wall, time.process_time() - t_cpu)
# --8<-- [end:reinforce_cartpole]
