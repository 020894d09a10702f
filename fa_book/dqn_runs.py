r"""DQN's training loop and its random streams: the driver that runs the pieces of
[`fa_book.dqn`][fa_book.dqn] (Mnih et al. 2015, Algorithm 1) on a gymnasium environment.

[`train`][fa_book.dqn_runs.train] returns a [`TrainResult`][fa_book.dqn_runs.TrainResult];
[`run_streams`][fa_book.dqn_runs.run_streams] derives its independent random streams from
one seed. The command line ([`fa_book.dqn_cli`][fa_book.dqn_cli]) and the benchmark call it;
[`train_and_judge`][fa_book.dqn_runs.train_and_judge] adds the final policy's held-out
episodes, the run the benchmark and the DQN page's figures report per seed.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from fa_book.dqn import (
    HELD_OUT_SEEDS,
    MAX_EVAL_EPISODES,
    RESET_SEED_LIMIT,
    SEED_DRAW_BOUND,
    DQNConfig,
    NStepAccumulator,
    NumpyQ,
    QNetwork,
    ReplayBuffer,
    epsilon_schedule,
    evaluate,
    evaluate_held_out,
    gradient_step,
)
from fa_book.dqn_checks import make_vector_env
from fa_book.validate import check_diverged, check_nonneg_int

__all__ = ["TrainResult", "run_streams", "train", "train_and_judge"]


@dataclass
class TrainResult:
    r"""What [`train`][fa_book.dqn_runs.train] returns.

    Attributes:
        config: the configuration that was run.
        q_net: the trained online network.
        history: one dict per evaluation: `step`, `eval_mean`, `eval_std`, `epsilon`,
            `loss` (mean since the last evaluation), `q_mean` (mean of
            $\max_a Q(s, a; \theta)$ over the last 1000 states visited), `episodes`,
            `updates`, `wall`, `cpu`.
        episode_returns: the training episodes' returns, in order.
        wall_time: seconds of wall time for the whole run (evaluations included).
        cpu_time: seconds of process CPU time for the whole run.
        steps: environment steps reached (`config.total_steps` unless interrupted).
        interrupted: True if the run was stopped by Ctrl-C (`KeyboardInterrupt`).
    """

    config: DQNConfig
    q_net: nn.Module
    history: list[dict[str, float]]
    episode_returns: list[float]
    wall_time: float
    cpu_time: float
    steps: int = 0
    interrupted: bool = False




# --8<-- [start:streams]
def run_streams(seed: int) -> tuple[np.random.Generator, int, torch.Generator,
                                    np.random.Generator]:
    """The independent random streams of one run, each from its own `[seed, k]`.

    `k` starts at 1: numpy reads `[seed, 0]` as the same seed as `seed` itself.

    Returns:
        `(rng, env_seed, generator, eval_rng)`: the generator of the epsilon-greedy
        choices and the replay sampling (`[seed, 1]`); the seed of the environment's
        first `reset`, drawn from `[seed, 2]`; the torch generator of the initial
        weights (`[seed, 3]`); the generator of the evaluations' reset seeds (`[seed, 4]`).
    """
    check_nonneg_int("seed", seed)
    # --8<-- [start:streams_body]
    rng = np.random.default_rng([seed, 1])
    env_seed = int(np.random.default_rng([seed, 2]).integers(SEED_DRAW_BOUND))
    generator = torch.Generator().manual_seed(
        int(np.random.default_rng([seed, 3]).integers(2**63)))
    return rng, env_seed, generator, np.random.default_rng([seed, 4])
    # --8<-- [end:streams_body]
# --8<-- [end:streams]


# --8<-- [start:train]
def train(config: DQNConfig, *, progress: bool = False,
          callback: Callable[[dict[str, float]], None] | None = None) -> TrainResult:
    """Train DQN (Mnih et al. 2015, Algorithm 1) on a gymnasium env with vector observations.

    Ctrl-C (`KeyboardInterrupt`) stops the run and returns what it learned so far, with
    `interrupted=True` and the step reached.

    Args:
        config: hyperparameters; `config.seed` fixes every random choice.
        progress: show a tqdm progress bar.
        callback: called with each evaluation's row of the history.

    Raises:
        DivergenceError: if the loss, a Q-value or a weight becomes non-finite or passes
            the book's one bound ([`check_diverged`][fa_book.validate.check_diverged]).
    """
    if not isinstance(config, DQNConfig):
        raise ValueError(f"config must be a DQNConfig, got {type(config).__name__}")
    cfg = config
    t_wall, t_cpu = time.perf_counter(), time.process_time()
    rng, env_seed, gen, eval_rng = run_streams(cfg.seed)  # never one seed for two streams
    env, obs_dim, n_actions = make_vector_env(cfg.env_id)
    q_net = QNetwork(obs_dim, n_actions, cfg.hidden, gen)
    target_net = copy.deepcopy(q_net) if cfg.target_network else q_net
    optimizer = torch.optim.Adam(q_net.parameters(), lr=cfg.learning_rate)
    q_act = NumpyQ(q_net)
    buffer = ReplayBuffer(cfg.buffer_size, (obs_dim,))
    n_step = NStepAccumulator(cfg.n_step, cfg.gamma)
    n_rounds = max(1, (cfg.total_steps - cfg.learning_starts) // cfg.train_freq)

    history: list[dict[str, float]] = []
    episode_returns: list[float] = []
    losses: list[float] = []
    updates, G, t, interrupted = 0, 0.0, 0, False
    s, _ = env.reset(seed=env_seed)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=cfg.total_steps, desc=f"DQN {cfg.env_id} seed {cfg.seed}",
                   unit="step", mininterval=0.5)
    try:
        # --8<-- [start:train_loop]
        for t in range(1, cfg.total_steps + 1):
            # act epsilon-greedily with respect to Q(s, .; theta)
            epsilon = epsilon_schedule(t, cfg.eps_start, cfg.eps_end, cfg.eps_duration)
            if t <= cfg.learning_starts or rng.random() < epsilon:
                a = int(rng.integers(n_actions))
            else:
                a = int(q_act(s).argmax())
            s_next, r, terminated, truncated, _ = env.step(a)
            # truncated: s_next still bootstraps; n_step > 1 stores n-step transitions
            for transition in n_step.push(s, a, r, s_next, terminated, truncated):
                buffer.add(*transition)
            G += float(r)
            s = s_next
            if terminated or truncated:
                episode_returns.append(G)
                G = 0.0
                s, _ = env.reset()

            # every train_freq steps: gradient steps on minibatches from U(D)
            if t > cfg.learning_starts and t % cfg.train_freq == 0:
                done = min(1.0, ((t - cfg.learning_starts) // cfg.train_freq) / n_rounds)
                for group in optimizer.param_groups:
                    group["lr"] = cfg.learning_rate * (1 - (1 - cfg.lr_final_fraction) * done)
                for _ in range(cfg.gradient_steps):
                    idx = (buffer.sample_indices(cfg.batch_size, rng) if cfg.replay
                           else buffer.recent_indices(cfg.batch_size))
                    updates += 1
                    losses.append(gradient_step(q_net, target_net, optimizer,
                                                buffer.batch(idx), cfg, updates))
        # --8<-- [end:train_loop]

            if t % cfg.eval_every == 0 or t == cfg.total_steps:
                seen = buffer.s[buffer.recent_indices(1000)] if len(buffer) else s[None]
                q_seen = q_act(seen)
                check_diverged("DQN Q-values", q_seen, updates, cfg.learning_rate)
                check_diverged("DQN weights", nn.utils.parameters_to_vector(
                    q_net.parameters()).detach().numpy(), updates, cfg.learning_rate)
                G_eval = evaluate(q_net, cfg.env_id, cfg.eval_episodes,
                                  seed=int(eval_rng.integers(SEED_DRAW_BOUND)))
                row = {"step": t, "eval_mean": float(G_eval.mean()),
                       "eval_std": float(G_eval.std()), "epsilon": epsilon,
                       "loss": float(np.mean(losses)) if losses else float("nan"),
                       "q_mean": float(q_seen.max(1).mean()),
                       "episodes": len(episode_returns), "updates": updates,
                       "wall": time.perf_counter() - t_wall,
                       "cpu": time.process_time() - t_cpu}
                losses.clear()
                history.append(row)
                if callback is not None:
                    callback(row)
                if bar is not None:
                    bar.set_postfix(eval=f"{row['eval_mean']:.0f}", eps=f"{epsilon:.2f}")
            if bar is not None and t % 500 == 0:
                bar.update(500)
    except KeyboardInterrupt:  # Ctrl-C: keep what was learned, marked as interrupted
        interrupted = True
    finally:
        env.close()
        if bar is not None:
            bar.close()
    return TrainResult(cfg, q_net, history, episode_returns, time.perf_counter() - t_wall,
                       time.process_time() - t_cpu, t, interrupted)
# --8<-- [end:train]


def train_and_judge(config: DQNConfig, held_out: Sequence[int] = HELD_OUT_SEEDS
                    ) -> tuple[TrainResult, np.ndarray]:
    """Train with `config`, then play the final policy greedily on the held-out reset seeds
    `held_out` ([`evaluate_held_out`][fa_book.dqn.evaluate_held_out]): one seed's run as
    `bench/dqn.py` and the DQN page's figures report it.

    The held-out episodes are played after `train` returns, so they are not in the run's
    `wall_time` or `cpu_time`.

    Args:
        config: hyperparameters, as for [`train`][fa_book.dqn_runs.train].
        held_out: distinct reset seeds, each >= `RESET_SEED_LIMIT` (so no training run or
            evaluation during training used them), 1 to `MAX_EVAL_EPISODES` of them.

    Returns:
        `(result, G)`: what `train` returned, and the held-out episodes' undiscounted
        returns, shape `(len(held_out),)`.
    """
    if not isinstance(config, DQNConfig):
        raise ValueError(f"config must be a DQNConfig, got {type(config).__name__}")
    if (isinstance(held_out, (str, bytes)) or not isinstance(held_out, Sequence)
            or not 1 <= len(held_out) <= MAX_EVAL_EPISODES
            or any(isinstance(k, bool) or not isinstance(k, (int, np.integer))
                   or k < RESET_SEED_LIMIT for k in held_out)
            or len(set(held_out)) != len(held_out)):  # checked before the run, not after
        raise ValueError(f"held_out must be 1 to {MAX_EVAL_EPISODES} distinct integer reset "
                         f"seeds >= RESET_SEED_LIMIT = {RESET_SEED_LIMIT}, got "
                         f"{held_out!r:.200}")
    result = train(config)
    return result, evaluate_held_out(result.q_net, config.env_id, held_out)
