r"""REINFORCE: Monte Carlo policy gradient 蒙特卡洛策略梯度, with and without a baseline.

The lesson of chapter 10, in the order of its page:

1. **The per-episode update** ([`reinforce_update`][fa_book.reinforce.reinforce_update]):
   the episodic REINFORCE of Sutton & Barto (2018, §13.3 box), with its $\gamma^t$ factor,
   and the baseline of §13.4, on arrays of $\nabla\ln\pi(A_t \mid S_t, \theta)$ and
   rewards; the returns $G_t$ are those of chapter 4,
   [`fa_book.prediction.returns`][fa_book.prediction.returns].
2. **Its expectation**, computed by enumerating every trajectory of a short-horizon MDP
   ([`expected_reinforce_update`][fa_book.reinforce.expected_reinforce_update]), which
   equals the exact gradient $\nabla J(\theta)$ (tests).
3. **The baseline** on the short-corridor gridworld of Example 13.1
   ([`sample_corridor_updates`][fa_book.reinforce.sample_corridor_updates]) and the
   corridor's best stochastic policy
   ([`optimal_corridor_policy`][fa_book.reinforce.optimal_corridor_policy]).
4. **The surrogate loss** that autograd turns into the REINFORCE direction
   ([`reinforce_loss`][fa_book.reinforce.reinforce_loss]).

The vectorized short-corridor engine of Figures 13.1 and 13.2, the CartPole driver and
their full-size configurations are in the companion module
[`fa_book.reinforce_runs`][fa_book.reinforce_runs].
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import torch
from scipy.optimize import minimize_scalar

from fa_book.envs.short_corridor import short_corridor_mdp
from fa_book.oracles import FiniteMDP, check_policy, v_pi
from fa_book.policies import SoftmaxLinearPolicy, check_finite_array
from fa_book.policy_gradient import check_baseline, check_same_shape, policy_and_scores
from fa_book.prediction import returns
from fa_book.validate import (
    check_bool,
    check_choice,
    check_discount,
    check_float_array,
    check_generator,
    check_in_range,
    check_positive_int,
    check_size,
    check_step_size,
)

__all__ = [
    "BASELINE_UPDATES",
    "check_corridor_sampling",
    "check_enumeration",
    "check_episode_update",
    "check_learned_baseline",
    "check_loss_inputs",
    "corridor_policy",
    "enumerate_episodes",
    "expected_reinforce_update",
    "learned_baseline",
    "leave_one_out_baseline",
    "optimal_corridor_policy",
    "reinforce_loss",
    "reinforce_update",
    "sample_corridor_updates",
]


# ----------------------------------------------------------------------------------------
# 1. The per-episode update
# ----------------------------------------------------------------------------------------

def check_episode_update(grad_log_pi, rewards, alpha, gamma, baseline=None,
                         discount_weight=True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The inputs of [`reinforce_update`][fa_book.reinforce.reinforce_update]: finite
    scores shape `(T, d)`, rewards shape `(T,)`, a step size $\alpha > 0$, a discount
    $\gamma \in [0, 1]$, a baseline shape `(T,)` or `None` (then $b = 0$) and a bool
    `discount_weight`; returns `(grad_log_pi, rewards, b)` as float arrays."""
    grad_log_pi = check_finite_array("grad_log_pi", grad_log_pi)
    if grad_log_pi.ndim != 2:
        raise ValueError(f"grad_log_pi must have shape (T, d), got {grad_log_pi.shape}")
    T = grad_log_pi.shape[0]
    rewards = check_finite_array("rewards", rewards)
    if rewards.shape != (T,):
        raise ValueError(f"rewards must have shape (T,) = ({T},), got {rewards.shape}")
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    check_bool("discount_weight", discount_weight)
    if baseline is None:
        return grad_log_pi, rewards, np.zeros(T)
    b = check_finite_array("baseline", baseline)
    if b.shape != (T,):
        raise ValueError(f"baseline must have shape (T,) = ({T},), one value b(S_t) "
                         f"per step, got {b.shape}")
    return grad_log_pi, rewards, b


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
    # --8<-- [start:reinforce_update_body]
    grad_log_pi, rewards, b = check_episode_update(grad_log_pi, rewards, alpha, gamma,
                                                   baseline, discount_weight)
    G = returns(rewards, gamma)  # (RETURN), chapter 4's returns
    delta_theta = np.zeros(grad_log_pi.shape[1])
    for t in range(len(rewards)):
        delta = G[t] - b[t]  # (BASELINE)
        weight = gamma**t if discount_weight else 1.0
        delta_theta += alpha * weight * delta * grad_log_pi[t]  # (REINFORCE)
    return delta_theta
    # --8<-- [end:reinforce_update_body]
# --8<-- [end:reinforce_update]


def check_enumeration(mdp: FiniteMDP, pi, horizon: int) -> np.ndarray:
    r"""The inputs of [`enumerate_episodes`][fa_book.reinforce.enumerate_episodes]: a
    `FiniteMDP`, a policy matrix `pi` shape `(S, A)`, and a `horizon` small enough that
    $(SA)^{\text{horizon}}$, a bound on the number of episodes, is at most $10^7$;
    returns `pi` as a float array."""
    if not isinstance(mdp, FiniteMDP):
        raise TypeError(f"mdp must be a FiniteMDP, got {type(mdp).__name__}")
    pi = check_policy(mdp, check_finite_array("pi", pi))
    check_positive_int("horizon", horizon)
    if horizon * math.log10(mdp.n_states * mdp.n_actions) > 7:
        raise ValueError(f"horizon={horizon} is too long to enumerate: (S * A) ** horizon "
                         f"= ({mdp.n_states * mdp.n_actions}) ** {horizon} > 10**7 episodes")
    return pi


# --8<-- [start:enumerate]
def enumerate_episodes(mdp: FiniteMDP, pi: np.ndarray, horizon: int):
    r"""Every episode of an MDP that always ends within `horizon` steps, with its probability.

    Yields `(prob, states, actions, rewards)` where
    $\text{prob} = d_0(S_0) \prod_t \pi(A_t \mid S_t)\, p(S_{t+1} \mid S_t, A_t)$ (the
    last factor being the termination probability) and `rewards[t]` $= r(S_t, A_t)$.

    Raises:
        ValueError: if some episode can last longer than `horizon` steps.
    """
    # --8<-- [start:enumerate_body]
    pi = check_enumeration(mdp, pi, horizon)

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

    def every_episode():
        for s0 in np.flatnonzero(mdp.d0):
            yield from extend(mdp.d0[s0], [s0], [])

    return every_episode()
    # --8<-- [end:enumerate_body]
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
        baseline: $b(s)$ for every state, shape `(S,)`, or `None`; or a function
            `baseline(G)` of the episode's returns $G_0, \dots, G_{T-1}$ (shape `(T,)`)
            giving one $b_t$ per step, shape `(T,)`, such as the box's learned baseline
            ([`learned_baseline`][fa_book.reinforce.learned_baseline]).  A function of the
            returns may depend on $A_t$, and then the expectation is no longer the gradient.
        discount_weight: passed on to `reinforce_update`.
    """
    pi, _ = policy_and_scores(mdp, policy, theta, X)
    X = np.asarray(X, dtype=float)
    b = baseline if callable(baseline) else check_baseline(baseline, mdp.n_states)
    total = np.zeros(policy.n_params)
    for prob, states, actions, rewards in enumerate_episodes(mdp, pi, horizon):
        scores = policy.grad_log_pi(theta, X[states], np.array(actions))
        b_t = b(returns(rewards, mdp.gamma)) if callable(b) else b[states]
        total += prob * reinforce_update(scores, rewards, alpha=1.0, gamma=mdp.gamma,
                                         baseline=b_t, discount_weight=discount_weight)
    return total


BASELINE_UPDATES = ("in_episode", "after_episode")
r"""When the learned baseline's $\mathbf w$ moves: after every step, inside the episode (the
book's §13.4 box), or only once the episode's $\theta$ updates are done."""


def check_learned_baseline(G, w, alpha_w, updates) -> np.ndarray:
    """The inputs of [`learned_baseline`][fa_book.reinforce.learned_baseline]: finite
    returns shape `(T,)`, a finite number `w`, a step size `alpha_w` > 0 and `updates` in
    `BASELINE_UPDATES`; returns `G` as a float array."""
    G = check_finite_array("G", G)
    if G.ndim != 1:
        raise ValueError(f"G must have shape (T,), got {G.shape}")
    if isinstance(w, bool) or not isinstance(w, (int, float, np.integer, np.floating)) or (
            not math.isfinite(w)):
        raise ValueError(f"w must be a finite number, got {w!r}")
    check_step_size("alpha_w", alpha_w)
    check_choice("updates", updates, BASELINE_UPDATES)
    return G


# --8<-- [start:learned_baseline]
def learned_baseline(G: np.ndarray, w: float, alpha_w: float, *,
                     updates: str = "in_episode") -> tuple[np.ndarray, float]:
    r"""The baselines $b_t$ of one episode with the box's learned $\hat v(s, w) = w$ (one
    number for every state, as on the short corridor), and $w$ after the episode.

    The box (§13.4) moves $w \leftarrow w + \alpha^w (G_t - w)$ after every step, so
    $b_t = w_t$ has absorbed $G_0, \dots, G_{t-1}$, which contain the rewards after
    $A_t$: $b_t$ depends on $A_t$, against the condition of
    [`reinforce_update`][fa_book.reinforce.reinforce_update], and the expected update
    is off by $O(\alpha^w)$.  With `updates="after_episode"` every $b_t$ is the $w$ of
    the episode's start (a function of earlier episodes only), and $w$ makes the same
    moves afterwards.

    Args:
        G: the episode's returns $G_0, \dots, G_{T-1}$, shape `(T,)`.
        w: the baseline weight at the start of the episode.
        alpha_w: its step size $\alpha^w > 0$.
        updates: `"in_episode"` (the box) or `"after_episode"` (frozen within the episode).

    Returns:
        `(b, w)`: $b_t$ for each step, shape `(T,)`, and $w$ after the episode.
    """
    # --8<-- [start:learned_baseline_body]
    G = check_learned_baseline(G, w, alpha_w, updates)
    w_start, b = float(w), np.zeros(len(G))
    for t in range(len(G)):
        b[t] = w if updates == "in_episode" else w_start
        w = w + alpha_w * (G[t] - w)  # (WUPDATE), with grad v_hat(s, w) = 1
    return b, float(w)
    # --8<-- [end:learned_baseline_body]
# --8<-- [end:learned_baseline]



# ----------------------------------------------------------------------------------------
# 2. The short corridor with switched actions (Sutton & Barto 2018, Example 13.1)
# ----------------------------------------------------------------------------------------

def corridor_policy(p_right: float) -> np.ndarray:
    r"""The corridor policy that goes right with probability $p$ in all three states,
    shape `(3, 2)` (columns: left, right)."""
    p_right = check_in_range("p_right", p_right, 0.0, 1.0)
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
    res = minimize_scalar(lambda p: -v_pi(mdp, corridor_policy(p))[0], bounds=(1e-3, 1 - 1e-3),
                          method="bounded", options={"xatol": 1e-10})
    return float(res.x), float(-res.fun)


def check_corridor_sampling(p_right, n_episodes, rng, baseline) -> None:
    """The inputs of [`sample_corridor_updates`][fa_book.reinforce.sample_corridor_updates]:
    `p_right` in the open interval (0, 1), `n_episodes` in [1, 10**7], a numpy generator,
    and a finite constant baseline or `None`."""
    if not (isinstance(p_right, (int, float, np.integer, np.floating))
            and not isinstance(p_right, bool) and 0.0 < p_right < 1.0):
        raise ValueError(f"p_right must be in (0, 1), got {p_right!r}")
    check_size("n_episodes", n_episodes, 10**7)
    check_generator("rng", rng)
    if baseline is not None and not (
            isinstance(baseline, (int, float, np.integer, np.floating))
            and not isinstance(baseline, bool) and math.isfinite(baseline)):
        raise ValueError(f"baseline must be a finite number or None, got {baseline!r}")


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
    check_corridor_sampling(p_right, n_episodes, rng, baseline)
    env = gym.make("fa_book/ShortCorridor-v0")
    policy = SoftmaxLinearPolicy(2, 2)
    X = np.array([[0.0, 1.0], [1.0, 0.0]])  # x(s, left) = (0, 1), x(s, right) = (1, 0)
    h = math.log(p_right / (1 - p_right))
    theta = np.array([h / 2, -h / 2])
    # --8<-- [start:sample_updates_body]
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
            raise ValueError(f"p_right={p_right!r} is too close to 0 or 1: a short-corridor "
                             "episode hit the 1000-step limit, and REINFORCE needs complete "
                             "episodes")
        T = len(actions)
        scores = policy.grad_log_pi(theta, np.broadcast_to(X, (T, 2, 2)), np.array(actions))
        b = None if baseline is None else np.full(T, float(baseline))
        updates[i] = reinforce_update(scores, rewards, alpha=1.0, gamma=1.0, baseline=b)
    env.close()
    return updates, theta
    # --8<-- [end:sample_updates_body]
# --8<-- [end:sample_updates]



# ----------------------------------------------------------------------------------------
# 3. The surrogate loss of a policy network
# ----------------------------------------------------------------------------------------

def check_loss_inputs(log_pi, psi, n_episodes) -> None:
    """The inputs of [`reinforce_loss`][fa_book.reinforce.reinforce_loss]: two torch
    tensors of one shape (no broadcasting) and an episode count N >= 1."""
    check_same_shape("psi", psi, "log_pi", log_pi)
    check_positive_int("n_episodes", n_episodes)


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
    # --8<-- [start:reinforce_loss_body]
    check_loss_inputs(log_pi, psi, n_episodes)
    return -(psi.detach() * log_pi).sum() / n_episodes  # (LOSS)
    # --8<-- [end:reinforce_loss_body]
# --8<-- [end:reinforce_loss]


# --8<-- [start:leave_one_out]
def leave_one_out_baseline(returns: np.ndarray) -> np.ndarray:
    r"""For a batch of $B \ge 2$ episode returns $G^{(1)}, \dots, G^{(B)}$, the baseline of
    episode $i$ made from the *other* episodes only,
    $b_i = \frac{1}{B-1}\sum_{j \ne i} G^{(j)}$.

    It does not depend on episode $i$'s actions, so $\sum_t \nabla\log\pi(A_t\mid S_t)
    (G^{(i)} - b_i)$ stays unbiased (Williams 1992's condition); the batch mean
    $\bar G$, which contains $G^{(i)}$ itself, does not (Greensmith, Bartlett & Baxter 2004).
    With one column per step, $b_{i,t} = \frac{1}{B-1}\sum_{j \ne i} G^{(j)}_t$ is a
    baseline for each $G^{(i)}_t$ (it leaves out all of episode $i$, not only its step $t$).

    Args:
        returns: the batch's returns, shape `(B,)`, or `(B, T)` for the returns
            $G^{(i)}_t$ of every step (0 after an episode's end); finite, $B \ge 2$.
    """
    G = check_float_array("returns", returns)
    if G.ndim not in (1, 2) or G.shape[0] < 2:
        raise ValueError(f"returns must have shape (B,) or (B, T) with B >= 2, got {G.shape}")
    # --8<-- [start:leave_one_out_body]
    return (G.sum(0) - G) / (G.shape[0] - 1)  # (LOO)
    # --8<-- [end:leave_one_out_body]
# --8<-- [end:leave_one_out]
