r"""Deep Q-Network (DQN) from scratch: the pieces of Mnih et al. (2015), each small and tested.

The loss minimised at iteration $i$ is the one printed in the paper (Nature 518:529-533,
Methods) and in the notes,

$$
L_i(\theta_i) = \mathbb{E}_{(s,a,r,s') \sim U(D)}\Big[\big(r + \gamma \max_{a'}
Q(s', a'; \theta_i^-) - Q(s, a; \theta_i)\big)^2\Big],
$$

with $D$ a replay memory sampled uniformly and $\theta_i^-$ a *target network*, a copy of
$\theta$ refreshed every $C$ updates. The pieces:

| piece | here |
| --- | --- |
| $Q(s, \cdot\,; \theta)$ for vector observations | [`QNetwork`][fa_book.dqn.QNetwork] |
| the Nature network for 4 stacked 84x84 frames | [`NatureQNetwork`][fa_book.dqn.NatureQNetwork] |
| replay memory $D$, uniform sampling $U(D)$ | [`ReplayBuffer`][fa_book.dqn.ReplayBuffer] |
| target $y$ | [`dqn_target`][fa_book.dqn.dqn_target] |
| loss $L_i$ | [`dqn_loss`][fa_book.dqn.dqn_loss] |
| $n$-step transitions (our default $n = 5$) | [`NStepAccumulator`][fa_book.dqn.NStepAccumulator] |
| $\theta^- \leftarrow \theta$ (or Polyak) | [`sync_target`][fa_book.dqn.sync_target] |
| $\varepsilon$ schedule | [`epsilon_schedule`][fa_book.dqn.epsilon_schedule] |
| greedy evaluation | [`evaluate`][fa_book.dqn.evaluate] |
| the final policy on held-out reset seeds | [`evaluate_held_out`][fa_book.dqn.evaluate_held_out] |
| one gradient step on a minibatch | [`gradient_step`][fa_book.dqn.gradient_step] |

The command line `fa-book-dqn` ([`fa_book.dqn_cli`][fa_book.dqn_cli], with the Atari
wiring) and the checkpoints and logs ([`fa_book.dqn_io`][fa_book.dqn_io]) live in their
own modules, and so does the loop that runs the pieces, [`train`][fa_book.dqn_runs.train]
with its random streams ([`fa_book.dqn_runs`][fa_book.dqn_runs]); this one is the
algorithm, in the order of the page.
Acting goes through [`NumpyQ`][fa_book.dqn.NumpyQ], a numpy view of the MLP's weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import gymnasium as gym
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from fa_book.dqn_checks import (
    MAX_EVAL_EPISODES,
    check_batch,
    check_dqn_config,
    check_env_id,
    check_hidden,
    check_same_shapes,
    check_states,
    check_transition,
)
from fa_book.nets import linear_layers, numpy_forward, torch_default_init
from fa_book.validate import (
    check_choice,
    check_discount,
    check_diverged,
    check_in_range,
    check_index,
    check_nonneg_int,
    check_probability,
    check_size,
)

__all__ = ["HELD_OUT_SEEDS", "MAX_EVAL_EPISODES", "RESET_SEED_LIMIT", "SEED_DRAW_BOUND",
           "Batch", "DQNConfig", "NStepAccumulator", "NatureQNetwork", "NumpyQ", "QNetwork",
           "ReplayBuffer", "dqn_loss", "dqn_target", "epsilon_schedule", "evaluate",
           "evaluate_held_out", "greedy_actions", "gradient_step", "sync_target"]


# --8<-- [start:config]
@dataclass(frozen=True)
class DQNConfig:
    """Hyperparameters of one DQN run (defaults: ours, tuned for CartPole-v1)."""

    env_id: str = "CartPole-v1"
    """Gymnasium environment id (vector observations, discrete actions)."""
    total_steps: int = 30_000
    """Environment steps of training (the paper: 50M frames = 12.5M agent steps)."""
    hidden: tuple[int, ...] = (128, 128)
    """Widths of the MLP's hidden layers (ReLU)."""
    learning_rate: float = 1e-3
    """Adam step size alpha."""
    gamma: float = 0.99
    """Discount gamma in the target r + gamma max_a' Q(s', a'; theta^-)."""
    buffer_size: int = 100_000
    """Capacity N of the replay memory D (a ring buffer of the last N transitions)."""
    batch_size: int = 128
    """Transitions per minibatch drawn from U(D)."""
    learning_starts: int = 1_000
    """Environment steps with a uniformly random policy before the first update."""
    train_freq: int = 2
    """Environment steps between rounds of updates."""
    gradient_steps: int = 2
    """Gradient steps per round of updates."""
    target_update: int = 200
    """C: gradient steps between target-network syncs theta^- <- theta."""
    tau: float = 1.0
    """Sync weight: 1 = hard copy (the paper); < 1 = Polyak averaging (see sync_target)."""
    eps_start: float = 1.0
    """epsilon at the start of the schedule."""
    eps_end: float = 0.02
    """epsilon after the schedule ends."""
    eps_duration: int = 8_000
    """Environment steps over which epsilon falls linearly from eps_start to eps_end."""
    loss: Literal["mse", "huber"] = "huber"
    """'mse' (the formula on the page) or 'huber' (the paper's error clipping to [-1, 1])."""
    lr_final_fraction: float = 0.0
    """Step size at the end of training as a fraction of learning_rate (linear decay)."""
    double: bool = False
    """Double-DQN target (van Hasselt et al. 2016): a' chosen by theta, valued by theta^-."""
    replay: bool = True
    """False: each minibatch is the most recent batch_size transitions (ablation)."""
    target_network: bool = True
    """False: targets use the online network theta itself, theta^- = theta (ablation)."""
    eval_every: int = 1_000
    """Environment steps between greedy evaluations."""
    eval_episodes: int = 20
    """Episodes per greedy evaluation (run side by side in a vector env)."""
    seed: int = 0
    """Seed of the run: each random stream gets its own [seed, k] (see run_streams)."""
    n_step: int = 5
    """n-step return target: n rewards, then gamma^n max_a' Q(s_{t+n}, a'; theta^-)."""
    max_grad_norm: float | None = None
    """Clip the gradient's global L2 norm to this before each step (None: no clipping)."""
# --8<-- [end:config]

    def __post_init__(self) -> None:
        check_dqn_config(self)


# --- Networks ------------------------------------------------------------------------

# --8<-- [start:qnetwork]
class QNetwork(nn.Module):
    r"""$Q(s, \cdot\,; \theta)$ for vector observations: one forward pass gives all actions.

    As in the paper, the state is the only input and there is one output per action (the
    notes' "多向头"), so $\max_{a'} Q(s', a'; \theta)$ costs one pass, not $|\mathcal A|$.

    Args:
        obs_dim: length of the observation vector $s$.
        n_actions: number of discrete actions $|\mathcal A|$.
        hidden: widths of the hidden layers (ReLU between layers).
        generator: seeded torch generator for the initial weights.
    """

    def __init__(self, obs_dim: int, n_actions: int, hidden: Sequence[int] = (128, 128),
                 generator: torch.Generator | None = None):
        super().__init__()
        sizes = [check_size("obs_dim", obs_dim, 100_000), *check_hidden("hidden", hidden),
                 check_size("n_actions", n_actions, 100_000)]
        # --8<-- [start:qnetwork_layers]
        layers: list[nn.Module] = []
        for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(nn.Linear(d_in, d_out))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        self.net = nn.Sequential(*layers)
        # --8<-- [end:qnetwork_layers]
        self.arch = {"kind": "mlp", "obs_dim": sizes[0], "n_actions": sizes[-1],
                     "hidden": sizes[1:-1]}
        if generator is not None:
            torch_default_init(self, generator)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        r"""$Q(s, a; \theta)$ for every action: `s` shape `(B, obs_dim)` -> `(B, n_actions)`."""
        return self.net(check_states("s", s, (self.arch["obs_dim"],)).float())
# --8<-- [end:qnetwork]


# --8<-- [start:nature]
class NatureQNetwork(nn.Module):
    r"""The network of Mnih et al. (2015), Methods "Model architecture".

    Input: the last 4 preprocessed frames, 84x84 grey levels, stacked as channels.
    Conv 32 filters 8x8 stride 4 -> ReLU -> conv 64 4x4 stride 2 -> ReLU -> conv 64 3x3
    stride 1 -> ReLU -> fully connected 512 -> ReLU -> one linear output per action.
    Spatial sizes: 84 -> 20 -> 9 -> 7, so the flattened conv output has 64*7*7 = 3136
    entries.

    Args:
        n_actions: number of actions (4 to 18 on Atari).
        generator: seeded torch generator for the initial weights.
    """

    def __init__(self, n_actions: int, generator: torch.Generator | None = None):
        super().__init__()
        check_size("n_actions", n_actions, 100_000)
        # --8<-- [start:nature_layers]
        self.net = nn.Sequential(
            nn.Conv2d(4, 32, kernel_size=8, stride=4), nn.ReLU(),
            nn.Conv2d(32, 64, kernel_size=4, stride=2), nn.ReLU(),
            nn.Conv2d(64, 64, kernel_size=3, stride=1), nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 512), nn.ReLU(),
            nn.Linear(512, n_actions),
        )
        # --8<-- [end:nature_layers]
        self.arch = {"kind": "nature", "obs_shape": [4, 84, 84], "n_actions": int(n_actions)}
        if generator is not None:
            torch_default_init(self, generator)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        """Frames `s`, shape `(B, 4, 84, 84)`, uint8 in [0, 255] or float -> `(B, n_actions)`."""
        return self.net(check_states("s", s, (4, 84, 84)).float() / 255.0)
# --8<-- [end:nature]


# --8<-- [start:numpy_q]
class NumpyQ:
    r"""A numpy view of a [`QNetwork`][fa_book.dqn.QNetwork] for acting and evaluation.

    The arrays share memory with the torch parameters
    ([`linear_layers`][fa_book.nets.linear_layers] returns views), so in-place optimizer
    steps are visible immediately: this is the same $Q(\cdot\,; \theta)$, evaluated by
    [`numpy_forward`][fa_book.nets.numpy_forward] without autograd or dispatcher overhead.
    """

    def __init__(self, q_net: QNetwork):
        if not isinstance(q_net, QNetwork):
            raise ValueError(f"q_net must be a QNetwork (an MLP), got {type(q_net).__name__}")
        self.q_net, self.obs_dim = q_net, q_net.arch["obs_dim"]
        self.layers = linear_layers(q_net)

    def __call__(self, s: np.ndarray) -> np.ndarray:
        r"""$Q(s, \cdot)$: `s` shape `(obs_dim,)` -> `(n_actions,)`, or `(B, obs_dim)` -> `(B, A)`.

        A batch goes through torch (one thread, no autograd): numpy's BLAS may start
        threads for a matrix product, which is slower on a busy machine.
        """
        h = np.asarray(s, dtype=np.float32)
        if h.ndim > 1:
            with torch.inference_mode():
                return self.q_net(torch.from_numpy(h)).numpy()
        if h.shape != (self.obs_dim,):
            raise ValueError(f"s must have shape ({self.obs_dim},) or (B, {self.obs_dim}), "
                             f"got {h.shape}")
        return numpy_forward(self.layers, h, lambda x: np.maximum(x, 0.0, out=x))
# --8<-- [end:numpy_q]


# --- Replay memory -------------------------------------------------------------------

class Batch(NamedTuple):
    r"""A minibatch of transitions $(s, a, r, s', \text{terminated})$ as torch tensors.

    Shapes: `s`, `s_next` `(B, *obs_shape)`; `a` `(B,)` int64; `r`, `terminated`
    `(B,)` float32 (`terminated` is 1.0 where $s'$ is terminal). For n-step transitions
    (see [`NStepAccumulator`][fa_book.dqn.NStepAccumulator]) `r` is the discounted sum of
    the rewards, `s_next` the state reached after them and `steps` `(B,)` float32 their
    number $m$, so the bootstrap is discounted by $\gamma^m$; `steps=None` means $m = 1$.
    """

    s: torch.Tensor
    a: torch.Tensor
    r: torch.Tensor
    s_next: torch.Tensor
    terminated: torch.Tensor
    steps: torch.Tensor | None = None


# --8<-- [start:replay]
class ReplayBuffer:
    r"""Replay memory $D$: a ring buffer of the last `capacity` transitions in numpy.

    Only `terminated` is stored with a transition: a time-limit cut (`truncated`) is not
    an end of the MDP, so its target still bootstraps from $s'$.

    Args:
        capacity: $N$, the number of transitions kept (the oldest is overwritten).
        obs_shape: shape of one observation.
        obs_dtype: numpy dtype of observations (uint8 for Atari frames).
    """

    def __init__(self, capacity: int, obs_shape: tuple[int, ...],
                 obs_dtype: np.dtype | type = np.float32):
        self.capacity = check_size("capacity", capacity)
        if not isinstance(obs_shape, (tuple, list)):
            raise ValueError(f"obs_shape must be a tuple of sizes, got {obs_shape!r}")
        self.obs_shape = tuple(check_size("obs_shape entry", d, 100_000) for d in obs_shape)
        check_size("capacity * prod(obs_shape)", capacity * math.prod(self.obs_shape))
        self.s = np.zeros((capacity, *obs_shape), dtype=obs_dtype)
        self.s_next = np.zeros((capacity, *obs_shape), dtype=obs_dtype)
        self.a = np.zeros(capacity, dtype=np.int64)
        self.r = np.zeros(capacity, dtype=np.float32)
        self.terminated = np.zeros(capacity, dtype=np.float32)
        self.steps = np.ones(capacity, dtype=np.float32)
        self.pos = 0  # next slot to write
        self.size = 0  # number of filled slots

    def __len__(self) -> int:
        return self.size

    # --8<-- [start:replay_ring]
    def add(self, s: np.ndarray, a: int, r: float, s_next: np.ndarray,
            terminated: bool, steps: int = 1) -> None:
        """Store one transition, overwriting the oldest when full.

        `steps` is the number of rewards summed in `r` (1 for an ordinary transition).
        """
        check_transition(self.obs_shape, s, a, r, s_next, steps)
        i = self.pos
        self.s[i], self.a[i], self.r[i] = s, a, r
        self.s_next[i], self.terminated[i], self.steps[i] = s_next, terminated, steps
        self.pos = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample_indices(self, batch_size: int, rng: np.random.Generator) -> np.ndarray:
        """Indices drawn uniformly, with replacement, from the filled slots: $U(D)$."""
        check_size("batch_size", batch_size)
        if self.size == 0:
            raise ValueError("cannot sample from an empty replay buffer")
        return rng.integers(0, self.size, size=batch_size)
    # --8<-- [end:replay_ring]

    def recent_indices(self, batch_size: int) -> np.ndarray:
        """The `batch_size` most recent transitions (the 'no replay' ablation)."""
        n = min(check_size("batch_size", batch_size), self.size)
        if n == 0:
            raise ValueError("cannot take transitions from an empty replay buffer")
        return (self.pos - 1 - np.arange(n)) % self.capacity

    def batch(self, idx: np.ndarray) -> Batch:
        """The transitions at `idx` as torch tensors (no copy beyond numpy's gather)."""
        idx = check_index("idx", idx, self.size)
        return Batch(torch.from_numpy(self.s[idx]), torch.from_numpy(self.a[idx]),
                     torch.from_numpy(self.r[idx]), torch.from_numpy(self.s_next[idx]),
                     torch.from_numpy(self.terminated[idx]),
                     torch.from_numpy(self.steps[idx]))
# --8<-- [end:replay]


# --8<-- [start:nstep]
class NStepAccumulator:
    r"""Turns the stream of one-step transitions into n-step ones for the replay memory.

    The transition stored for time $t$ is
    $(s_t, a_t, R_t^{(m)}, s_{t+m}, \text{terminated}, m)$ with
    $R_t^{(m)} = \sum_{k=0}^{m-1} \gamma^k R_{t+k+1}$, where $R_{t+1}$ is the reward that
    follows $a_t$ (Sutton & Barto's indexing, as on every page of the book), so its target
    is $y = R_t^{(m)} + \gamma^m \max_{a'} Q(s_{t+m}, a'; \theta^-)$, Sutton & Barto's
    $G_{t:t+m}$ (2018, eq. 7.1) with a max (Hessel et al. 2018, "multi-step learning").
    Normally $m = n$; at the end of an episode the pending steps are flushed with $m$ =
    the steps left:

    - `terminated`: the return stops at the terminal state, no bootstrap;
    - `truncated` (time limit): $s_{t+m}$ is the state reached, and it bootstraps.

    The rewards $R_{t+2}, \dots$ came from the behaviour ($\varepsilon$-greedy) policy,
    not the greedy one, and no correction is made: for $n > 1$ the target is biased toward
    the behaviour policy's return, as in Rainbow. With $n = 1$ each step is stored as is.

    Args:
        n: the number of rewards $n \ge 1$ before bootstrapping.
        gamma: discount $\gamma$.
    """

    def __init__(self, n: int, gamma: float):
        self.n = check_size("n", n, 10_000)
        self.gamma = check_discount("gamma", gamma)
        self.pending: list[tuple[np.ndarray, int, float]] = []

    # --8<-- [start:nstep_push]
    def emit(self, s_next: np.ndarray, terminated: bool
             ) -> tuple[np.ndarray, int, float, np.ndarray, bool, int]:
        """Pop the oldest pending step as an n-step transition ending in `s_next`."""
        s, a, _ = self.pending[0]
        R = sum(self.gamma ** k * r for k, (_, _, r) in enumerate(self.pending))  # (NSTEP)
        steps = len(self.pending)
        self.pending.pop(0)
        return s, a, R, s_next, terminated, steps

    def push(self, s: np.ndarray, a: int, r: float, s_next: np.ndarray, terminated: bool,
             truncated: bool) -> list[tuple[np.ndarray, int, float, np.ndarray, bool, int]]:
        """Add the step $(s, a, r, s')$; return the transitions now complete.

        Each is `(s, a, R, s_next, terminated, steps)`, ready for
        [`ReplayBuffer.add`][fa_book.dqn.ReplayBuffer.add] (which checks shapes, the
        action and the reward).
        """
        self.pending.append((s, a, float(r)))
        out = []
        if terminated or truncated:
            while self.pending:
                out.append(self.emit(s_next, bool(terminated)))
        elif len(self.pending) == self.n:
            out.append(self.emit(s_next, False))
        return out
    # --8<-- [end:nstep_push]
# --8<-- [end:nstep]


# --- Target, loss, target sync, exploration ------------------------------------------

# --8<-- [start:loss]
def dqn_target(target_net: nn.Module, batch: Batch, gamma: float,
               q_net: nn.Module | None = None) -> torch.Tensor:
    r"""$y = r + \gamma \max_{a'} Q(s', a'; \theta^-)$, and $y = r$ where $s'$ is terminal.

    Computed under `torch.no_grad()`: $y$ is a constant of the loss, so no gradient flows
    into $\theta^-$ (or into $\theta$ when the target network is switched off).
    With `q_net` given, the Double-DQN target (van Hasselt et al. 2016, not the paper's):
    $a^* = \arg\max_{a'} Q(s', a'; \theta)$ is chosen by the online network and
    evaluated by the target network, $Q(s', a^*; \theta^-)$. For n-step transitions
    (`batch.steps` = $m$) the bootstrap is discounted by $\gamma^m$ instead of $\gamma$.

    Returns:
        $y$, shape `(B,)`.
    """
    check_batch(batch)
    check_discount("gamma", gamma)
    # --8<-- [start:target_body]
    with torch.no_grad():
        q_next_all = target_net(batch.s_next)
        if q_net is None:
            q_next = q_next_all.max(dim=1).values
        else:
            a_star = q_net(batch.s_next).argmax(dim=1, keepdim=True)
            q_next = q_next_all.gather(1, a_star).squeeze(1)  # (DOUBLE)
        discount = gamma if batch.steps is None else gamma ** batch.steps
        return batch.r + discount * (1.0 - batch.terminated) * q_next  # (TARGET)
    # --8<-- [end:target_body]


def dqn_loss(q_net: nn.Module, target_net: nn.Module, batch: Batch, gamma: float,
             loss: str = "mse", double: bool = False) -> torch.Tensor:
    r"""The sample mean of $L_i(\theta_i)$ over a minibatch drawn from $U(D)$.

    With `loss="mse"` this is exactly the page's
    $\frac1B \sum_j (y_j - Q(s_j, a_j; \theta_i))^2$; its autograd gradient is
    $-\frac2B \sum_j (y_j - Q(s_j, a_j;\theta_i)) \nabla_\theta Q(s_j, a_j;\theta_i)$,
    the semi-gradient of chapter 6. `loss="huber"` is the paper's error clipping: the
    same gradient with $y_j - Q$ clipped to $[-1, 1]$ (Huber loss with $\delta = 1$).

    Args:
        q_net: the online network $Q(\cdot\,; \theta_i)$.
        target_net: the target network $Q(\cdot\,; \theta_i^-)$.
        batch: transitions $(s, a, r, s', \text{terminated})$, `B` of them.
        gamma: discount $\gamma$.
        loss: `"mse"` or `"huber"`.
        double: use the Double-DQN target (see [`dqn_target`][fa_book.dqn.dqn_target]).
    """
    check_choice("loss", loss, ("mse", "huber"))
    check_batch(batch, getattr(q_net, "arch", {}).get("n_actions"))
    # --8<-- [start:loss_body]
    y = dqn_target(target_net, batch, gamma, q_net if double else None)
    q = q_net(batch.s).gather(1, batch.a.unsqueeze(1)).squeeze(1)  # Q(s, a; theta_i)
    if loss == "mse":
        return ((y - q) ** 2).mean()  # (LOSS)
    return F.smooth_l1_loss(q, y, beta=1.0)  # (HUBER)
    # --8<-- [end:loss_body]
# --8<-- [end:loss]


# --8<-- [start:sync]
def sync_target(target_net: nn.Module, q_net: nn.Module, tau: float = 1.0) -> None:
    r"""$\theta^- \leftarrow \tau\,\theta + (1 - \tau)\,\theta^-$; tau=1: hard copy."""
    check_in_range("tau", tau, 1e-12, 1.0)
    check_same_shapes(target_net, q_net)
    # --8<-- [start:sync_body]
    with torch.no_grad():
        for p_minus, p in zip(target_net.parameters(), q_net.parameters(), strict=True):
            if tau == 1.0:
                p_minus.copy_(p)  # (SYNC)
            else:
                p_minus.lerp_(p, tau)  # (POLYAK)
    # --8<-- [end:sync_body]
# --8<-- [end:sync]


# --8<-- [start:epsilon]
def epsilon_schedule(step: int, eps_start: float, eps_end: float, duration: int) -> float:
    r"""Linear $\varepsilon$ from `eps_start` at step 0 to `eps_end` at `duration`, then flat."""
    check_nonneg_int("step", step)
    check_probability("eps_start", eps_start)
    check_probability("eps_end", eps_end)
    check_size("duration", duration)
    # --8<-- [start:epsilon_body]
    frac = min(step / duration, 1.0)
    return eps_start + frac * (eps_end - eps_start)  # (EPS)
    # --8<-- [end:epsilon_body]
# --8<-- [end:epsilon]


# --- Evaluation ----------------------------------------------------------------------

def greedy_actions(q_net: nn.Module) -> Callable[[np.ndarray], np.ndarray]:
    r"""The greedy policy $s \mapsto \arg\max_a Q(s, a; \theta)$ on a batch of states."""
    if isinstance(q_net, QNetwork):
        q_np = NumpyQ(q_net)
        return lambda s: q_np(s).argmax(axis=-1)
    if not isinstance(q_net, nn.Module):
        raise ValueError(f"q_net must be a torch module, got {type(q_net).__name__}")

    def act(s: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return q_net(torch.as_tensor(s)).argmax(dim=-1).numpy()
    return act


# --8<-- [start:evaluate]
def evaluate(q_net: nn.Module, env_id: str, n_episodes: int, seed: int) -> np.ndarray:
    r"""Returns of `n_episodes` episodes of the greedy policy $\arg\max_a Q(s, a; \theta)$.

    The episodes run side by side in a gymnasium vector env (CartPole's own numpy-vectorised
    implementation when the env has one, whose one generator is seeded with `seed`; other
    envs are reset with seeds `seed, seed + 1, ...`); each env's first episode is counted,
    including the time-limit cut at `max_episode_steps`.

    Returns:
        undiscounted episode returns, shape `(n_episodes,)`.
    """
    check_size("n_episodes", n_episodes, MAX_EVAL_EPISODES)
    check_nonneg_int("seed", seed)
    spec = gym.spec(check_env_id("env_id", env_id))
    mode = "vector_entry_point" if spec.vector_entry_point is not None else "sync"
    envs = gym.make_vec(env_id, num_envs=n_episodes, vectorization_mode=mode)
    return first_episodes(envs, greedy_actions(q_net), seed)


def first_episodes(envs: gym.vector.VectorEnv, act: Callable[[np.ndarray], np.ndarray],
                   seed: int | list[int]) -> np.ndarray:
    """Reset `envs` with `seed`, run `act` until every env's first episode ended, close
    `envs`; return the undiscounted return of each env's first episode."""
    s, _ = envs.reset(seed=seed)
    G = np.zeros(envs.num_envs)
    running = np.ones(envs.num_envs, dtype=bool)
    while running.any():
        s, r, terminated, truncated, _ = envs.step(act(s))
        G += r * running
        running &= ~(terminated | truncated)
    envs.close()
    return G
# --8<-- [end:evaluate]


# --8<-- [start:held_out]
SEED_DRAW_BOUND = 2**31
"""Every reset seed that [`run_streams`][fa_book.dqn_runs.run_streams] and the evaluations of
[`train`][fa_book.dqn_runs.train] draw lies in `[0, SEED_DRAW_BOUND)`."""

RESET_SEED_LIMIT = SEED_DRAW_BOUND + MAX_EVAL_EPISODES
"""No reset seed used in training or in its evaluations reaches this: an evaluation that
starts at a drawn seed `s` uses at most `s, ..., s + MAX_EVAL_EPISODES - 1`."""

HELD_OUT_SEEDS = range(2**32, 2**32 + 100)
"""The 100 held-out reset seeds $2^{32}, \\dots, 2^{32} + 99$: above `RESET_SEED_LIMIT`,
so no training run, no evaluation during training and no choice of settings (tuning runs
are training runs too) ever reset an environment with one of them."""


def evaluate_held_out(q_net: nn.Module, env_id: str = "CartPole-v1",
                      seeds: Sequence[int] = HELD_OUT_SEEDS) -> np.ndarray:
    r"""Returns of the greedy policy on held-out episodes: episode $k$ is
    `gym.make(env_id).reset(seed=seeds[k])` and then $\arg\max_a Q(s, a; \theta)$ until
    the episode ends (time-limit cut included).

    Use it to judge a *final* policy: learning-time criteria select on the evaluations
    seen during training, these episodes were never seen.

    Args:
        q_net: the network $Q(\cdot\,; \theta)$ (any torch module from states to Q-values).
        env_id: a registered gymnasium id.
        seeds: distinct integer reset seeds, each >= `RESET_SEED_LIMIT`, at most
            `MAX_EVAL_EPISODES` of them.

    Returns:
        undiscounted episode returns, shape `(len(seeds),)`, in the order of `seeds`.
    """
    if (isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence)
            or not 1 <= len(seeds) <= MAX_EVAL_EPISODES
            or any(isinstance(k, bool) or not isinstance(k, (int, np.integer))
                   for k in seeds)):
        raise ValueError(f"seeds must be a sequence of 1 to {MAX_EVAL_EPISODES} integer "
                         f"reset seeds, got {seeds!r:.200}")
    seeds = [int(k) for k in seeds]
    if min(seeds) < RESET_SEED_LIMIT or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct and >= RESET_SEED_LIMIT = "
                         f"{RESET_SEED_LIMIT} (held out from training and its "
                         f"evaluations), got min {min(seeds)}, {len(set(seeds))} distinct "
                         f"of {len(seeds)}")
    check_env_id("env_id", env_id)
    act = greedy_actions(q_net)
    envs = gym.make_vec(env_id, num_envs=len(seeds), vectorization_mode="sync")
    return first_episodes(envs, act, seeds)
# --8<-- [end:held_out]


# --- One gradient step ------------------------------------------------------------

# --8<-- [start:gradient_step]
def gradient_step(q_net: nn.Module, target_net: nn.Module, optimizer: torch.optim.Optimizer,
                  batch: Batch, config: DQNConfig, update: int) -> float:
    r"""One update of $\theta$ on $L_i(\theta_i)$, then $\theta^- \leftarrow \theta$ if $C \mid i$.

    Args:
        q_net: online network $\theta$ (updated in place).
        target_net: target network $\theta^-$ (changed only on sync steps).
        optimizer: the optimizer over `q_net`'s parameters.
        batch: a minibatch from $U(D)$.
        config: supplies $\gamma$, the loss, $C$ (`target_update`), $\tau$ and
            `max_grad_norm`.
        update: the index $i \ge 1$ of this update.

    Returns:
        the minibatch loss before the step.

    Raises:
        DivergenceError: if the loss is not finite or passes the book's one bound
            ([`check_diverged`][fa_book.validate.check_diverged]).
    """
    if not isinstance(config, DQNConfig):
        raise ValueError(f"config must be a DQNConfig, got {type(config).__name__}")
    check_size("update", update)
    # --8<-- [start:gradient_step_body]
    loss = dqn_loss(q_net, target_net, batch, config.gamma, config.loss, config.double)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if config.max_grad_norm is not None:  # rescale g to norm <= max_grad_norm
        torch.nn.utils.clip_grad_norm_(q_net.parameters(), config.max_grad_norm)
    optimizer.step()
    value = loss.item()
    check_diverged("DQN loss", value, update, optimizer.param_groups[0]["lr"])
    if target_net is not q_net and update % config.target_update == 0:
        sync_target(target_net, q_net, config.tau)
    # --8<-- [end:gradient_step_body]
    return value
# --8<-- [end:gradient_step]


if __name__ == "__main__":  # python -m fa_book.dqn ... is the command line fa-book-dqn
    import sys

    from fa_book.dqn_cli import main
    sys.exit(main())
