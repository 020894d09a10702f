"""Where a DQN run's time goes: fa_book's `DQNConfig()` run and SB3's RL-Zoo run, split
into gradient steps, environment steps, the greedy evaluations of the shared protocol, and
the rest (acting, replay, bookkeeping).

Each part is timed by wrapping the function that does it (wall and process CPU seconds),
in the same process as `bench/dqn.py` runs them, so the parts add up to the run:

* fa_book: `gradient_step` (one update each), `env.step` / `env.reset` of the training
  env, `evaluate` (every `eval_every` steps, `eval_episodes` greedy episodes), the replay
  buffer's sampling and batching, and the numpy forward pass that picks each action;
* SB3: `model.train` (its `gradient_steps` updates every `train_freq` steps), the training
  env's `step`, and the same `evaluate` calls `bench/dqn.py` makes in its callback.

    python bench/dqn_profile.py --seed 0   # writes docs/results/bench_dqn_profile.md

The breakdown answers one question: which part a cheaper configuration could cut. The
evaluations belong to the benchmark's protocol and both sides pay them, per 1000 steps.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import platform
import time
from pathlib import Path

import torch

import fa_book.dqn_runs as runs
from fa_book.dqn import DQNConfig

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_dqn", ROOT / "bench" / "dqn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Clock:
    """Wall and CPU seconds spent inside the wrapped functions, per part."""

    def __init__(self):
        self.parts: dict[str, list[float]] = {}

    def wrap(self, part: str, func):
        self.parts.setdefault(part, [0.0, 0.0, 0])

        def timed(*args, **kwargs):
            w, c = time.perf_counter(), time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                acc = self.parts[part]
                acc[0] += time.perf_counter() - w
                acc[1] += time.process_time() - c
                acc[2] += 1
        return timed


def profile_fa_book(config: DQNConfig) -> tuple[Clock, float, float]:
    clock = Clock()
    make_env = runs.make_vector_env

    def make_timed_env(env_id):
        env, obs_dim, n_actions = make_env(env_id)
        env.step = clock.wrap("environment steps (training env)", env.step)
        env.reset = clock.wrap("environment resets (training env)", env.reset)
        return env, obs_dim, n_actions

    class TimedBuffer(runs.ReplayBuffer):
        sample_indices = clock.wrap("replay: sampling and batching",
                                    runs.ReplayBuffer.sample_indices)
        batch = clock.wrap("replay: sampling and batching", runs.ReplayBuffer.batch)

    class TimedQ(runs.NumpyQ):
        __call__ = clock.wrap("acting: Q(s) forward pass (numpy)", runs.NumpyQ.__call__)

    names = ("gradient_step", "evaluate", "make_vector_env", "ReplayBuffer", "NumpyQ")
    saved = {n: getattr(runs, n) for n in names}
    runs.gradient_step = clock.wrap("gradient steps", runs.gradient_step)
    runs.evaluate = clock.wrap("greedy evaluations (the protocol)", runs.evaluate)
    runs.make_vector_env = make_timed_env
    runs.ReplayBuffer, runs.NumpyQ = TimedBuffer, TimedQ
    try:
        result = runs.train(config)
    finally:
        for n, v in saved.items():
            setattr(runs, n, v)
    return clock, result.wall_time, result.cpu_time


def profile_sb3(seed: int, config: DQNConfig, total_steps: int) -> tuple[Clock, float, float]:
    from stable_baselines3 import DQN
    from stable_baselines3.common.callbacks import BaseCallback

    bench = _bench()
    clock = Clock()
    eval_rng = runs.run_streams(seed)[3]
    evaluate = clock.wrap("greedy evaluations (the protocol)", bench.evaluate)

    class GreedyEval(BaseCallback):  # bench/dqn.py's callback, timed
        def _on_step(self) -> bool:
            t = self.num_timesteps
            if t % config.eval_every == 0 or t == total_steps:
                evaluate(bench.SB3Greedy(self.model), "CartPole-v1", config.eval_episodes,
                         seed=int(eval_rng.integers(bench.SEED_DRAW_BOUND)))
            return True

    w, c = time.perf_counter(), time.process_time()
    model = DQN("MlpPolicy", "CartPole-v1", seed=seed, device="cpu", verbose=0,
                **bench.SB3_ZOO)
    model.train = clock.wrap("gradient steps", model.train)
    model.env.step = clock.wrap("environment steps (training env)", model.env.step)
    model.learn(total_timesteps=total_steps, callback=GreedyEval())
    return clock, time.perf_counter() - w, time.process_time() - c


def table(rows: list[tuple[str, Clock, float, float]], seed: int, config: DQNConfig,
          sb3_steps: int) -> str:
    parts = []
    for _, clock, _, _ in rows:
        parts += [p for p in clock.parts if p not in parts]
    head = " | ".join(f"{name}: CPU s (share of the run)" for name, *_ in rows)
    lines = [f"| part | {head} |", "|---|" + "---|" * len(rows)]
    for part in parts:
        cells = []
        for _, clock, _, cpu in rows:
            if part in clock.parts:
                _, c, n = clock.parts[part]
                cells.append(f"{c:.1f} ({100 * c / cpu:.0f}%, {n} calls)")
            else:
                cells.append("—")
        lines.append(f"| {part} | {' | '.join(cells)} |")
    rest = []
    for _, clock, _, cpu in rows:
        c = cpu - sum(v[1] for v in clock.parts.values())
        rest.append(f"{c:.1f} ({100 * c / cpu:.0f}%)")
    lines.append("| the rest (n-step accumulator, epsilon, bookkeeping; SB3: its acting and "
                 f"replay) | {' | '.join(rest)} |")
    whole = [f"{cpu:.1f} (wall {w:.1f})" for _, _, w, cpu in rows]
    lines.append(f"| whole run | {' | '.join(whole)} |")
    evals = [clock.parts["greedy evaluations (the protocol)"][1] for _, clock, _, _ in rows]
    outside = [cpu - e for (_, _, _, cpu), e in zip(rows, evals, strict=True)]
    if len(rows) == 2:
        lines += ["", "| ratio fa_book / SB3 | CPU |", "|---|---|",
                  f"| whole run | {rows[0][3] / rows[1][3]:.3f} |",
                  f"| without the greedy evaluations | {outside[0] / outside[1]:.3f} |",
                  f"| the greedy evaluations alone | {evals[0] / evals[1]:.3f} |"]
    lines += ["", f"One run each, seed {seed}: fa_book `DQNConfig()` defaults "
              f"({config.total_steps} steps), SB3 with the RL-Zoo settings of `bench/dqn.py` "
              f"({sb3_steps} steps); both evaluated greedily, {config.eval_episodes} episodes "
              f"every {config.eval_every} steps. CPU seconds of the process inside each "
              f"wrapped function; load average (1 min) at the end "
              f"{os.getloadavg()[0]:.2f}; {platform.machine()}, {os.cpu_count()} cores, "
              f"torch {torch.__version__} with 1 thread "
              f"(`python bench/dqn_profile.py --seed {seed}`)."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-sb3", action="store_true", help="profile fa_book alone")
    parser.add_argument("--smoke", action="store_true", help="tiny budgets, to check")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "docs" / "results" / "bench_dqn_profile.md")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    bench = _bench()
    config, sb3_steps = DQNConfig(seed=args.seed), bench.SB3_STEPS
    if args.smoke:
        config = dataclasses.replace(config, total_steps=2_000, eval_every=1_000,
                                     eval_episodes=2)
        sb3_steps = 2_000
    rows = [("fa_book", *profile_fa_book(config))]
    print(table(rows, args.seed, config, sb3_steps), flush=True)
    if not args.no_sb3 and bench.sb3_available():
        rows.append(("SB3", *profile_sb3(args.seed, config, sb3_steps)))
    text = table(rows, args.seed, config, sb3_steps)
    print(text)
    args.out.write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
