r"""REINFORCE at full size: the vectorized short corridor and the CartPole driver (chapter 10).

The companion of [`fa_book.reinforce`][fa_book.reinforce], which holds the lesson:

1. **The short corridor, all trials in lockstep**
   ([`corridor_reinforce`][fa_book.reinforce_runs.corridor_reinforce]): the box's
   algorithm, with and without the learned baseline, for every trial of Figures 13.1 and
   13.2 at once, with its configuration
   [`CorridorConfig`][fa_book.reinforce_runs.CorridorConfig] and the figures' settings
   [`FIG_13_1`][fa_book.reinforce_runs.FIG_13_1] and
   [`FIG_13_2`][fa_book.reinforce_runs.FIG_13_2].
2. **CartPole-v1 with a torch policy network**
   ([`reinforce_cartpole`][fa_book.reinforce_runs.reinforce_cartpole]): the agent acts
   with numpy copies of the weights ([`fa_book.nets`][fa_book.nets]; no torch call per
   step) and does one backward pass per batch of episodes.  Its randomness comes in
   separate streams derived from the config's seed
   ([`cartpole_streams`][fa_book.reinforce_runs.cartpole_streams]): the network's
   initial weights, the value network's, the environment's resets, the action draws and
   the checks' reset seeds never share a seed.  The learning-time checks play on fresh
   reset seeds ([`check_seeds`][fa_book.reinforce_runs.check_seeds]), and the final
   policy is judged on the held-out
   [`HELDOUT_SEEDS`][fa_book.reinforce_runs.HELDOUT_SEEDS], disjoint from every other
   seed a run or a tuning run uses.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import gymnasium as gym
import numpy as np
import torch

from fa_book.envs.short_corridor import GOAL, NEXT, RIGHT
from fa_book.nets import linear_layers, numpy_forward, torch_default_init
from fa_book.policies import CategoricalMLP
from fa_book.prediction import returns
from fa_book.reinforce import BASELINE_UPDATES, leave_one_out_baseline, reinforce_loss
from fa_book.validate import (
    DivergenceError,
    check_bool,
    check_choice,
    check_discount,
    check_diverged,
    check_generator,
    check_in_range,
    check_int_range,
    check_size,
    check_step_size,
)

__all__ = [
    "CARTPOLE_CURVES",
    "CARTPOLE_SEEDS",
    "CHECK_SEEDS",
    "HELDOUT_SEEDS",
    "TRAIN_RESET_SEEDS",
    "TUNING_EVAL_SEEDS",
    "TUNING_RUN_SEEDS",
    "FIG_13_1",
    "FIG_13_2",
    "CartPoleConfig",
    "CartPoleRun",
    "CartPoleStreams",
    "CorridorConfig",
    "CorridorRun",
    "cartpole_curves",
    "cartpole_streams",
    "check_seeds",
    "check_acting",
    "check_corridor_configs",
    "corridor_reinforce",
    "check_greedy",
    "greedy_return",
    "greedy_returns",
    "parameters_of",
    "pi_right",
    "reinforce_cartpole",
    "run_episode",
    "value_net",
]


# ----------------------------------------------------------------------------------------
# 1. The short corridor with switched actions, all trials at once
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CorridorConfig:
    """REINFORCE on the short corridor, one line of Figure 13.1 or 13.2."""

    alpha_theta: float = 2.0**-13
    """step size of the policy parameters, $\\alpha^\\theta$"""
    alpha_w: float | None = None
    """step size of the baseline $\\hat v(s, w) = w$; `None` means no baseline"""
    baseline_updates: str = "in_episode"
    """when $w$ moves: after every step as in the book's box (`"in_episode"`, biased by
    $O(\\alpha^w)$), or once the episode's $\\theta$ updates are done (`"after_episode"`)"""
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

    def __post_init__(self):
        check_step_size("alpha_theta", self.alpha_theta)
        if self.alpha_w is not None:
            check_step_size("alpha_w", self.alpha_w)
        check_choice("baseline_updates", self.baseline_updates, BASELINE_UPDATES)
        check_discount("gamma", self.gamma)
        if not (isinstance(self.p_right0, (int, float, np.integer, np.floating))
                and not isinstance(self.p_right0, bool) and 0.0 < self.p_right0 < 1.0):
            raise ValueError(f"p_right0 must be in (0, 1), got {self.p_right0!r}")
        check_size("n_trials", self.n_trials, 10**6)
        check_size("n_episodes", self.n_episodes, 10**7)
        check_bool("in_place", self.in_place)
        if not (isinstance(self.min_prob, (int, float, np.integer, np.floating))
                and not isinstance(self.min_prob, bool) and 0.0 <= self.min_prob < 0.5):
            raise ValueError(f"min_prob must be in [0, 0.5), got {self.min_prob!r}")
        check_size("max_steps", self.max_steps, 10**7)


FIG_13_1 = {f"$\\alpha = 2^{{-{k}}}$": CorridorConfig(alpha_theta=2.0**-k) for k in (12, 13, 14)}
"""Figure 13.1: REINFORCE without baseline, three step sizes (seed 0)."""
FIG_13_2 = {
    "REINFORCE, $\\alpha = 2^{-13}$": CorridorConfig(alpha_theta=2.0**-13),
    "with baseline, $\\alpha^\\theta = 2^{-9}$, $\\alpha^w = 2^{-6}$":
        CorridorConfig(alpha_theta=2.0**-9, alpha_w=2.0**-6),
    "the same, $w$ frozen within each episode":
        CorridorConfig(alpha_theta=2.0**-9, alpha_w=2.0**-6, baseline_updates="after_episode"),
}
"""Figure 13.2: with and without a baseline (the book's two lines, the baseline moving
inside the episode as in its box), and the baseline frozen within each episode (seed 1)."""


@dataclass
class CorridorRun:
    """Result of [`corridor_reinforce`][fa_book.reinforce_runs.corridor_reinforce]."""

    returns: np.ndarray
    """total reward of each episode, shape `(n_trials, n_episodes)`"""
    p_right: np.ndarray
    """probability of `right` at the start of each episode, shape `(n_trials, n_episodes)`"""
    config: CorridorConfig = field(repr=False)


def pi_right(theta: np.ndarray, floor: np.ndarray) -> np.ndarray:
    r"""Softmax probability of `right`, $\sigma(\theta_{\text{right}} - \theta_{\text{left}})$
    (the logistic function, written with `tanh` so that no $|z|$ overflows), clipped to
    `[floor, 1 - floor]`.  A one-line kernel: `theta` of shape `(B, 2)` and `floor` of
    shape `(B,)` are not checked;
    [`corridor_reinforce`][fa_book.reinforce_runs.corridor_reinforce] builds both."""
    return np.clip(0.5 * (1.0 + np.tanh(0.5 * (theta[:, 0] - theta[:, 1]))), floor,
                   1.0 - floor)


def check_corridor_configs(configs, rng) -> list[CorridorConfig]:
    """The inputs of [`corridor_reinforce`][fa_book.reinforce_runs.corridor_reinforce]:
    one `CorridorConfig` or a non-empty list sharing `n_episodes` and `gamma`, whose
    trials times episodes (the logged arrays) stay within 10**8 entries, and a numpy
    generator; returns the list."""
    configs = [configs] if isinstance(configs, CorridorConfig) else configs
    if not isinstance(configs, (list, tuple)) or not configs:
        raise ValueError("configs must be a CorridorConfig or a non-empty list of them")
    for c in configs:
        if not isinstance(c, CorridorConfig):
            raise TypeError(f"configs must hold CorridorConfig objects, got "
                            f"{type(c).__name__}")
    c0 = configs[0]
    if any(c.n_episodes != c0.n_episodes or c.gamma != c0.gamma for c in configs):
        raise ValueError("configs must share n_episodes and gamma")
    check_size("configs: total trials * n_episodes",
               sum(c.n_trials for c in configs) * c0.n_episodes, 10**8)
    check_generator("rng", rng)
    return list(configs)


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
    The baseline $b_t$ is the $w$ of the moment, moved by the episode's earlier steps (the
    box; `baseline_updates="in_episode"`), or the $w$ of the episode's start
    (`"after_episode"`); $w$ makes the same moves in both.

    Args:
        configs: one config or a list; all must share `n_episodes` and `gamma`.
        rng: random generator (the caller owns the seed).

    Returns:
        One [`CorridorRun`][fa_book.reinforce_runs.CorridorRun] per config.

    Raises:
        DivergenceError: if an episode lasts longer than `max_steps` (the policy has become
            almost deterministic, and the corridor cannot be left), or $\theta$ or $w$
            leave the book's divergence bound.
    """
    configs = check_corridor_configs(configs, rng)
    c0 = configs[0]
    gamma, n_episodes = c0.gamma, c0.n_episodes
    rep = [c.n_trials for c in configs]
    alpha_theta = np.repeat([c.alpha_theta for c in configs], rep)
    alpha_w = np.repeat([c.alpha_w or 0.0 for c in configs], rep)
    in_place = np.repeat([c.in_place for c in configs], rep)
    frozen_w = np.repeat([c.baseline_updates == "after_episode" for c in configs], rep)
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
    # --8<-- [start:corridor_episodes]
    for episode in range(n_episodes):
        p = pi_right(theta, floor)  # pi(right), fixed while acting
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
        gamma_t, w_start = 1.0, w.copy()
        for t in range(T_max):
            p_t = np.where(in_place, pi_right(theta, floor), p)
            right = A[t] == RIGHT
            grad_log_pi = np.stack([right - p_t, (1 - right) - (1 - p_t)], axis=1)
            b = np.where(frozen_w, w_start, w)  # the box: b = w, moved by steps 0..t-1
            delta = G[t] - b  # (BASELINE)
            w += M[t] * alpha_w * (G[t] - w)  # (WUPDATE), with grad v_hat(s, w) = 1
            theta += (M[t] * alpha_theta * gamma_t * delta)[:, None] * grad_log_pi  # (REINFORCE)
            gamma_t *= gamma
        check_diverged("short-corridor theta and w", np.c_[theta, w], episode,
                       float(alpha_theta.max()))
    # --8<-- [end:corridor_episodes]
    out, i = [], 0
    for c, n in zip(configs, rep, strict=True):
        out.append(CorridorRun(returns[i:i + n], p_log[i:i + n], c))
        i += n
    return out
# --8<-- [end:corridor_reinforce]


# ----------------------------------------------------------------------------------------
# 2. CartPole-v1 with a torch policy network
# ----------------------------------------------------------------------------------------

TRAIN_RESET_SEEDS = range(0, 2**31)
"""Where the training environment's one reset seed is drawn (then it runs on its own
stream)."""
CHECK_SEEDS = range(10**12, 10**17)
"""Where the reset seeds of the learning-time checks lie: each run takes a block from a
random start in it and counts up, so no check reuses a seed."""
HELDOUT_SEEDS = tuple(range(10**18, 10**18 + 100))
"""The 100 held-out reset seeds that judge a final policy: disjoint from
`TRAIN_RESET_SEEDS`, `CHECK_SEEDS` and `TUNING_EVAL_SEEDS`, used by no training episode,
no check and no tuning, and for nothing but the final judgement."""
TUNING_RUN_SEEDS = tuple(range(5, 25))
"""The run seeds (`CartPoleConfig.seed`) on which settings were tuned; disjoint from
`CARTPOLE_SEEDS`, the seeds that are reported."""
TUNING_EVAL_SEEDS = tuple(range(2 * 10**18, 2 * 10**18 + 100))
"""The reset seeds that judged the final policies of the tuning runs (not `HELDOUT_SEEDS`,
so that no choice was made on the held-out episodes)."""


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
    """`"none"`: $G_t$; `"normalize"`: $(G_t - \\bar G)/\\sigma_G$ over the batch (biased);
    `"loo"`: $G_t - b_t$, $b_t$ the mean of the batch's *other* episodes' $G_t$ (unbiased);
    `"value"`: $G_t - \\hat v(S_t, \\mathbf w)$ with a learned value network (§13.4 box)"""
    lr_w: float = 0.03
    """Adam step size of the value network (only with `baseline="value"`)"""
    discount_weight: bool = False
    """keep the $\\gamma^t$ factor of the episodic box (`False`: the notes' update)"""
    max_episodes: int = 300
    """training episodes per run"""
    eval_every: int = 10
    """check the greedy policy after every this many training episodes"""
    eval_episodes: int = 20
    """greedy episodes per check, each on a fresh reset seed never used before"""
    target: float = 475.0
    """greedy mean return of a check that counts as solved"""
    stop_when_solved: bool = True
    """end the run at the first check that reaches `target`"""
    heldout_episodes: int = 100
    """greedy episodes on the held-out reset seeds `HELDOUT_SEEDS` that judge the final
    policy (0: skip)"""
    seed: int = 0
    """root of the run's random streams (network weights, resets, actions: `[seed, k]`)"""

    def __post_init__(self):
        if not isinstance(self.hidden, tuple) or not self.hidden:
            raise ValueError(f"hidden must be a non-empty tuple of layer widths, got "
                             f"{self.hidden!r}")
        for width in self.hidden:
            check_size("hidden width", width, 10**4)
        check_step_size("lr", self.lr)
        check_discount("gamma", self.gamma)
        check_size("batch_episodes", self.batch_episodes, 10**4)
        check_choice("baseline", self.baseline, ("none", "normalize", "loo", "value"))
        if self.baseline == "loo" and self.batch_episodes < 2:
            raise ValueError(f"batch_episodes must be >= 2 with baseline='loo' (the "
                             f"baseline of an episode is made from the others), got "
                             f"{self.batch_episodes}")
        check_step_size("lr_w", self.lr_w)
        check_bool("discount_weight", self.discount_weight)
        check_size("max_episodes", self.max_episodes, 10**6)
        check_size("eval_every", self.eval_every, 10**6)
        check_size("eval_episodes", self.eval_episodes, 10**4)
        check_in_range("target", self.target, 0.0, 500.0)
        check_bool("stop_when_solved", self.stop_when_solved)
        check_int_range("heldout_episodes", self.heldout_episodes, 0, len(HELDOUT_SEEDS))
        check_int_range("seed", self.seed, 0, 2**63 - 1)


CARTPOLE_CURVES = {
    "normalized returns (baseline + scale)": CartPoleConfig(stop_when_solved=False),
    "raw returns (no baseline)": CartPoleConfig(baseline="none", stop_when_solved=False),
    "learned baseline $\\hat v(s, \\mathbf{w})$": CartPoleConfig(baseline="value",
                                                            stop_when_solved=False),
    "leave-one-out baseline (unbiased)": CartPoleConfig(baseline="loo",
                                                        stop_when_solved=False),
}
"""The CartPole learning curves: the benchmark's settings, without a baseline, with the
learned state-value baseline of the §13.4 box, and with the leave-one-out baseline."""
CARTPOLE_SEEDS = tuple(range(5))
"""The seeds (`CartPoleConfig.seed`) of the learning-curve figure and the benchmark."""


def check_seeds(seed: int, check: int, n: int) -> list[int]:
    """The `n` fresh reset seeds of check number `check` (0, 1, ...) of the run with root
    `seed`: `n` consecutive seeds from the run's own start in `CHECK_SEEDS`
    ([`cartpole_streams`][fa_book.reinforce_runs.cartpole_streams]), after those of the
    earlier checks; no two checks of a run share a seed."""
    n = check_size("n", n, 10**4)
    check = check_int_range("check", check, 0, 10**8)
    first = cartpole_streams(seed).check_start + check * n
    if first + n > CHECK_SEEDS.stop:
        raise ValueError(f"check={check} with n={n} runs past the end of CHECK_SEEDS")
    return list(range(first, first + n))


@dataclass
class CartPoleRun:
    """Result of [`reinforce_cartpole`][fa_book.reinforce_runs.reinforce_cartpole]."""

    train_returns: np.ndarray
    """return of each training episode, shape `(episodes,)`"""
    eval_at: np.ndarray
    """training episodes done at each check, shape `(evals,)`"""
    eval_returns: np.ndarray
    """mean greedy return of each check (on its fresh seeds), shape `(evals,)`"""
    solved_at: int | None
    """training episodes done when a check's greedy mean first reached the target"""
    heldout_returns: np.ndarray
    """greedy return of the final policy on each of the first `heldout_episodes`
    `HELDOUT_SEEDS`, shape `(heldout_episodes,)`"""
    wall_seconds: float
    """wall time of the training and its checks (to solving, when `stop_when_solved`),
    without the held-out judgement"""
    cpu_seconds: float
    """CPU time of the process over the same span"""
    policy: CategoricalMLP = field(repr=False)
    """the final policy network"""

    @property
    def heldout_mean(self) -> float:
        """Mean greedy return of the final policy over the held-out episodes (NaN if none)."""
        return float(self.heldout_returns.mean()) if len(self.heldout_returns) else float("nan")


@dataclass(frozen=True)
class CartPoleStreams:
    """The independent random streams of one CartPole run, all derived from one seed."""

    policy_init: int
    """seed of the torch generator of the policy network's initial weights (`[seed, 1]`)"""
    value_init: int
    """seed of the torch generator of the value network's initial weights (`[seed, 2]`)"""
    env_reset: int
    """seed of the first training `env.reset`, in `TRAIN_RESET_SEEDS` (`[seed, 3]`)"""
    actions: np.random.Generator
    """the generator of the action draws (`[seed, 4]`)"""
    check_start: int
    """the first reset seed of the run's checks, in the lower half of `CHECK_SEEDS`
    (`[seed, 5]`)"""


def cartpole_streams(seed: int) -> CartPoleStreams:
    r"""Derive the run's streams from `seed` with `np.random.default_rng([seed, k])`, one
    `k >= 1` per consumer, so that the policy generator and the environment never share a
    seed (the correlation chapter 4 shows); `k = 0` is not used, since
    `default_rng([seed, 0])` is `default_rng(seed)`."""
    check_int_range("seed", seed, 0, 2**63 - 1)

    def draw(k: int, low: int, high: int) -> int:
        return int(np.random.default_rng([seed, k]).integers(low, high))

    mid = (CHECK_SEEDS.start + CHECK_SEEDS.stop) // 2
    return CartPoleStreams(draw(1, 0, 2**63), draw(2, 0, 2**63),
                           draw(3, TRAIN_RESET_SEEDS.start, TRAIN_RESET_SEEDS.stop),
                           np.random.default_rng([seed, 4]), draw(5, CHECK_SEEDS.start, mid))


def check_acting(env, layers, rng, seed) -> None:
    """The inputs of [`run_episode`][fa_book.reinforce_runs.run_episode]: a gymnasium
    environment, a non-empty list of finite `(W, b)` layers that chain (`W` of shape
    `(out, in)`, `b` of shape `(out,)`, each `in` the previous `out`), a numpy generator
    or `None`, and a reset seed in $[0, 2^{63})$ or `None`."""
    if not isinstance(env, gym.Env):
        raise TypeError(f"env must be a gymnasium.Env, got {type(env).__name__}")
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError("layers must be a non-empty list of (W, b) pairs "
                         "(fa_book.nets.linear_layers)")
    fan_in = None
    for W, b in layers:
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 2 or b.shape != (W.shape[0],) or fan_in not in (None, W.shape[1]):
            raise ValueError(f"layers must chain: W of shape (out, in) with in = the "
                             f"previous out, b of shape (out,); got {W.shape} and {b.shape}")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError("layers must contain only finite weights (found NaN or inf)")
        fan_in = W.shape[0]
    if rng is not None:
        check_generator("rng", rng)
    if seed is not None:
        check_int_range("seed", seed, 0, 2**63 - 1)


def run_episode(env: gym.Env, layers: Sequence[tuple[np.ndarray, np.ndarray]],
                rng: np.random.Generator | None,
                seed: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""One CartPole episode with the policy whose `(W, b)` layers are `layers` (numpy,
    torch layout, from [`linear_layers`][fa_book.nets.linear_layers]): logits by
    [`numpy_forward`][fa_book.nets.numpy_forward] with tanh, an action drawn from their
    softmax with `rng` (inverse CDF), or the greedy action when `rng` is `None`.

    Args:
        env: the environment; reset with `seed` (`None`: continue its own stream).
        layers: the policy network's linear layers.
        rng: the action generator, or `None` to act greedily.
        seed: the reset seed, or `None`.

    Returns:
        `(observations, actions, rewards)`, shapes `(T, 4)`, `(T,)`, `(T,)`.
    """
    check_acting(env, layers, rng, seed)
    obs, _ = env.reset(seed=seed)
    observations, actions, rewards = [], [], []
    done = False
    while not done:
        h = numpy_forward(layers, obs, np.tanh)
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


def check_greedy(policy, seeds) -> None:
    """The inputs of [`greedy_return`][fa_book.reinforce_runs.greedy_return]: a CartPole
    `CategoricalMLP` (4 inputs, 2 actions) and a non-empty list of reset seeds."""
    if not isinstance(policy, CategoricalMLP) or policy.obs_dim != 4 or policy.n_actions != 2:
        raise TypeError("policy must be a CategoricalMLP with 4 inputs and 2 actions")
    if not isinstance(seeds, (list, tuple)) or not seeds:
        raise ValueError(f"seeds must be a non-empty list of reset seeds, got {seeds!r}")
    for s in seeds:
        check_int_range("seeds entry", s, 0, 2**63 - 1)


def greedy_returns(policy: CategoricalMLP, seeds: Sequence[int]) -> np.ndarray:
    """Return of the greedy policy $\\arg\\max_a \\pi(a \\mid s)$ on one CartPole episode per
    reset seed, shape `(len(seeds),)`."""
    check_greedy(policy, seeds)
    env = gym.make("CartPole-v1")
    layers = linear_layers(policy, dtype=np.float64)
    out = np.array([run_episode(env, layers, None, seed=s)[2].sum() for s in seeds])
    env.close()
    return out


def greedy_return(policy: CategoricalMLP, seeds: Sequence[int], *,
                  target: float | None = None) -> float:
    """Mean return of the greedy policy $\\arg\\max_a \\pi(a \\mid s)$ over CartPole
    episodes with the given reset seeds.  With `target`, stops as soon as the mean can no
    longer reach it (CartPole-v1 caps a return at 500) and returns the mean so far."""
    check_greedy(policy, seeds)
    if target is not None:
        check_in_range("target", target, 0.0, 500.0)
    env = gym.make("CartPole-v1")
    layers = linear_layers(policy, dtype=np.float64)
    total = 0.0
    for k, s in enumerate(seeds):
        total += run_episode(env, layers, None, seed=s)[2].sum()
        if target is not None and total + 500.0 * (len(seeds) - k - 1) < target * len(seeds):
            env.close()
            return total / (k + 1)
    env.close()
    return total / len(seeds)


def value_net(hidden: tuple[int, ...], seed: int) -> torch.nn.Module:
    r"""$\hat v(s, \mathbf w)$: a tanh MLP from the 4 CartPole observations to one number,
    with PyTorch's default initialisation drawn from a private generator seeded with
    `seed` ([`torch_default_init`][fa_book.nets.torch_default_init])."""
    if not isinstance(hidden, tuple) or not hidden:
        raise ValueError(f"hidden must be a non-empty tuple of layer widths, got {hidden!r}")
    for width in hidden:
        check_size("hidden width", width, 10**4)
    check_int_range("seed", seed, 0, 2**63 - 1)
    sizes, layers = (4, *hidden, 1), []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [torch.nn.utils.skip_init(torch.nn.Linear, fan_in, fan_out),
                   torch.nn.Tanh()]
    net = torch.nn.Sequential(*layers[:-1])
    torch_default_init(net, torch.Generator().manual_seed(int(seed)))
    return net


def parameters_of(*nets: torch.nn.Module) -> np.ndarray:
    """Every parameter of the networks as one flat numpy array (for the divergence check)."""
    return np.concatenate([p.detach().numpy().ravel() for n in nets for p in n.parameters()])


# --8<-- [start:reinforce_cartpole]
def reinforce_cartpole(config: CartPoleConfig, *, progress: bool = False) -> CartPoleRun:
    r"""REINFORCE on CartPole-v1: act with numpy copies of the weights, learn with torch.

    Each update collects `batch_episodes` episodes with the current policy, computes
    every $G_t$ by [`returns`][fa_book.prediction.returns], and takes one Adam step on
    [`reinforce_loss`][fa_book.reinforce.reinforce_loss].

    Args:
        config: the settings; `config.seed` is the root of the independent streams of
            [`cartpole_streams`][fa_book.reinforce_runs.cartpole_streams]; check $i$
            plays its greedy episodes on the fresh reset seeds
            [`check_seeds`][fa_book.reinforce_runs.check_seeds]`(seed, i, eval_episodes)`,
            and the final policy is judged on the held-out `HELDOUT_SEEDS`.
        progress: print a line at each check.

    Raises:
        DivergenceError: if a network's weights leave the book's divergence bound.
    """
    if not isinstance(config, CartPoleConfig):
        raise TypeError(f"config must be a CartPoleConfig, got {type(config).__name__}")
    c, streams = config, cartpole_streams(config.seed)
    t_wall, t_cpu = time.perf_counter(), time.process_time()
    env = gym.make("CartPole-v1")
    rng = streams.actions
    policy = CategoricalMLP(4, 2, c.hidden, seed=streams.policy_init)
    opt = torch.optim.Adam(policy.parameters(), lr=c.lr)
    layers = linear_layers(policy, dtype=np.float64)
    nets = [policy]
    if c.baseline == "value":
        v_hat_net = value_net(c.hidden, streams.value_init)
        v_opt = torch.optim.Adam(v_hat_net.parameters(), lr=c.lr_w)
        nets.append(v_hat_net)
    train_returns, eval_at, eval_returns = [], [], []
    solved_at, batch, episode = None, [], 0
    while episode < c.max_episodes:
        S, A, R = run_episode(env, layers, rng, seed=streams.env_reset if episode == 0
                              else None)
        episode += 1
        train_returns.append(R.sum())
        # --8<-- [start:cartpole_update]
        G = returns(R, c.gamma)  # (RETURN)
        weight = c.gamma ** np.arange(len(R)) if c.discount_weight else np.ones(len(R))
        batch.append((S, A, G, weight))
        if len(batch) == c.batch_episodes:
            S_b, A_b, G_b, w_b = (np.concatenate(z) for z in zip(*batch, strict=True))
            S_b = torch.as_tensor(S_b, dtype=torch.float32)
            if c.baseline == "normalize":
                G_b = (G_b - G_b.mean()) / (G_b.std() + 1e-8)  # baseline and scale
            elif c.baseline == "loo":  # b_t of episode i: the others' G_t (0 once ended)
                G_pad = np.zeros((len(batch), max(len(g) for _, _, g, _ in batch)))
                for i, (_, _, g, _) in enumerate(batch):
                    G_pad[i, :len(g)] = g
                b_pad = leave_one_out_baseline(G_pad)  # (LOO)
                G_b = G_b - np.concatenate([b_pad[i, :len(g)]
                                            for i, (_, _, g, _) in enumerate(batch)])
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
            check_diverged("CartPole network weights", parameters_of(*nets), episode, c.lr)
            layers = linear_layers(policy, dtype=np.float64)
            batch = []
        # --8<-- [end:cartpole_update]
        # --8<-- [start:cartpole_check]
        if episode % c.eval_every == 0:
            # fresh seeds at every check; while hunting for the target, stop a check once
            # it cannot reach it (its unused seeds are skipped, never reused)
            g = greedy_return(policy, check_seeds(c.seed, len(eval_at), c.eval_episodes),
                              target=c.target if c.stop_when_solved else None)
            eval_at.append(episode)
            eval_returns.append(g)
            if progress:
                print(f"episode {episode}: greedy {g:.1f}")
            if g >= c.target and solved_at is None:
                solved_at = episode
                if c.stop_when_solved:
                    break
        # --8<-- [end:cartpole_check]
    env.close()
    wall, cpu = time.perf_counter() - t_wall, time.process_time() - t_cpu
    heldout = (greedy_returns(policy, list(HELDOUT_SEEDS[:c.heldout_episodes]))
               if c.heldout_episodes else np.zeros(0))
    return CartPoleRun(np.array(train_returns), np.array(eval_at), np.array(eval_returns),
                       solved_at, heldout, wall, cpu, policy)
# --8<-- [end:reinforce_cartpole]


def cartpole_curves(quick: bool = False) -> dict[str, list[CartPoleRun]]:
    """Every CartPole run of the learning-curve figure, `{label: [CartPoleRun per seed]}`:
    [`CARTPOLE_CURVES`][fa_book.reinforce_runs.CARTPOLE_CURVES] over
    [`CARTPOLE_SEEDS`][fa_book.reinforce_runs.CARTPOLE_SEEDS] (`quick`: 10 episodes,
    2 seeds).  Torch runs on one thread (tiny networks: extra threads only spin)."""
    check_bool("quick", quick)
    out = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for label, cfg in CARTPOLE_CURVES.items():
            if quick:
                cfg = replace(cfg, max_episodes=10, eval_every=5)
            seeds = CARTPOLE_SEEDS[:2] if quick else CARTPOLE_SEEDS
            out[label] = [reinforce_cartpole(replace(cfg, seed=seed)) for seed in seeds]
    finally:
        torch.set_num_threads(threads)
    return out
