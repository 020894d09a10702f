"""Benchmark: DQN on CartPole-v1, 5 seeds, against Stable-Baselines3's tuned DQN.

Target (issue 6): the greedy evaluation (20 episodes) reaches and then *stays* >= 475
within <= 30k environment steps (median over seeds), at least 4 of 5 seeds end >= 475,
and a full training run takes <= 1/3 of SB3's wall time (reference: ~190 s for SB3's
50k steps with the RL-Zoo settings on this kind of machine, see ../shared/DESIGN.md).

    python bench/dqn.py                 # fa_book's DQN, seeds 0-4
    python bench/dqn.py --sb3           # also SB3's DQN, if stable-baselines3 is installed

Prints a table and writes it to docs/results/bench_dqn.md. Wall time depends on the load
of the machine, so the table also gives CPU time and the load average.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from fa_book.dqn import DQNConfig, evaluate, train
from fa_book.dqn_io import steps_to_stay

ROOT = Path(__file__).resolve().parents[1]
SB3_REFERENCE_WALL = 190.0
"""Seconds of wall time for SB3's DQN, 50k steps, RL-Zoo CartPole-v1 settings (DESIGN.md)."""
SB3_ZOO = dict(learning_rate=2.3e-3, batch_size=64, buffer_size=100_000, learning_starts=1000,
               gamma=0.99, target_update_interval=10, train_freq=256, gradient_steps=128,
               exploration_fraction=0.16, exploration_final_eps=0.04,
               policy_kwargs=dict(net_arch=[256, 256]))
"""rl-baselines3-zoo, hyperparams/dqn.yml, CartPole-v1 (n_timesteps 5e4)."""


def run_ours(seeds, config: DQNConfig) -> list[dict]:
    rows = []
    for seed in seeds:
        result = train(dataclasses.replace(config, seed=seed))
        rows.append({"seed": seed, "stay": steps_to_stay(result.history),
                     "final": result.history[-1]["eval_mean"],
                     "wall": result.wall_time, "cpu": result.cpu_time,
                     "load": os.getloadavg()[0]})
        print(f"fa_book seed {seed}: stays >= 475 from {rows[-1]['stay']}, final "
              f"{rows[-1]['final']:.1f}, wall {result.wall_time:.1f} s, "
              f"cpu {result.cpu_time:.1f} s, load {rows[-1]['load']:.1f}", flush=True)
    return rows


def run_sb3(seeds, total_steps: int, eval_every: int, eval_episodes: int) -> list[dict]:
    """SB3's DQN with the RL-Zoo settings, evaluated greedily like ours."""
    from stable_baselines3 import DQN
    from stable_baselines3.common.callbacks import BaseCallback

    class GreedyEval(BaseCallback):
        def __init__(self, seed: int):
            super().__init__()
            self.seed, self.history = seed, []

        def _on_step(self) -> bool:
            t = self.num_timesteps
            if t % eval_every == 0:
                policy = _SB3Greedy(self.model)
                G = evaluate(policy, "CartPole-v1", eval_episodes, seed=self.seed + 10_000 + t)
                self.history.append({"step": t, "eval_mean": float(G.mean())})
            return True

    rows = []
    for seed in seeds:
        t_wall, t_cpu = time.perf_counter(), time.process_time()
        model = DQN("MlpPolicy", "CartPole-v1", seed=seed, device="cpu", **SB3_ZOO)
        callback = GreedyEval(seed)
        model.learn(total_timesteps=total_steps, callback=callback)
        rows.append({"seed": seed, "stay": steps_to_stay(callback.history),
                     "final": callback.history[-1]["eval_mean"],
                     "wall": time.perf_counter() - t_wall, "cpu": time.process_time() - t_cpu,
                     "load": os.getloadavg()[0]})
        print(f"SB3 seed {seed}: stays >= 475 from {rows[-1]['stay']}, final "
              f"{rows[-1]['final']:.1f}, wall {rows[-1]['wall']:.1f} s", flush=True)
    return rows


class _SB3Greedy(torch.nn.Module):
    """Wraps an SB3 DQN so that `fa_book.dqn.evaluate` can call it: Q-values of a batch."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        return self.model.q_net(s.to(self.model.device))


def summarize(name: str, rows: list[dict]) -> dict:
    stay = [r["stay"] if r["stay"] is not None else np.inf for r in rows]
    median_stay = float(np.median(stay))
    return {"name": name, "median_stay": median_stay,
            "n_end": sum(r["final"] >= 475 for r in rows), "n": len(rows),
            "wall": statistics.median(r["wall"] for r in rows),
            "cpu": statistics.median(r["cpu"] for r in rows),
            "load": statistics.mean(r["load"] for r in rows)}


def table(per_seed: dict[str, list[dict]], summaries: list[dict], sb3_wall: float,
          sb3_measured: bool, total_steps: int) -> str:
    lines = ["| implementation | seed | stays >= 475 from step | final greedy return "
             "| wall (s) | CPU (s) | load (1 min) |", "|---|---|---|---|---|---|---|"]
    for name, rows in per_seed.items():
        for r in rows:
            stay = "never" if r["stay"] is None else f"{r['stay']:.0f}"
            lines.append(f"| {name} | {r['seed']} | {stay} | {r['final']:.1f} | "
                         f"{r['wall']:.1f} | {r['cpu']:.1f} | {r['load']:.1f} |")
    lines += ["", "| implementation | median step it stays >= 475 | seeds ending >= 475 "
              "| median wall (s) | median CPU (s) | wall / SB3 wall |", "|---|---|---|---|---|---|"]
    for s in summaries:
        stay = "never" if np.isinf(s["median_stay"]) else f"{s['median_stay']:.0f}"
        lines.append(f"| {s['name']} | {stay} | {s['n_end']} of {s['n']} | {s['wall']:.1f} | "
                     f"{s['cpu']:.1f} | {s['wall'] / sb3_wall:.2f} |")
    ref = ("measured above" if sb3_measured else
           f"the reference {sb3_wall:.0f} s from DESIGN.md (SB3 is not installed here)")
    lines += ["", f"Each run: {total_steps} environment steps, greedy evaluation of 20 episodes "
              f"every 1000 steps (included in the wall time); SB3 wall time: {ref}. "
              f"Machine: {platform.machine()}, {os.cpu_count()} cores, torch "
              f"{torch.__version__} with 1 thread; wall time grows with the load shown."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--sb3", action="store_true", help="also run Stable-Baselines3")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "results" / "bench_dqn.md")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    config = DQNConfig()
    per_seed = {"fa_book": run_ours(args.seeds, config)}
    summaries = [summarize("fa_book", per_seed["fa_book"])]
    sb3_wall, measured = SB3_REFERENCE_WALL, False
    if args.sb3:
        try:
            import stable_baselines3  # noqa: F401
        except ImportError:
            print("stable-baselines3 is not installed: using the reference wall time")
        else:
            per_seed["SB3 (RL-Zoo settings)"] = run_sb3(args.seeds, 50_000, 1000, 20)
            summaries.append(summarize("SB3 (RL-Zoo settings)",
                                       per_seed["SB3 (RL-Zoo settings)"]))
            sb3_wall, measured = summaries[-1]["wall"], True
    text = table(per_seed, summaries, sb3_wall, measured, config.total_steps)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
