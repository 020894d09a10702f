"""Benchmark of chapter 10 (REINFORCE) against the references of issue 7.

* CartPole-v1, 5 seeds, the settings of `CartPoleConfig()`: training episodes and wall /
  CPU time until the greedy policy's mean return over 5 evaluation episodes first reaches
  475.  Reference (DESIGN.md, this kind of machine): a PyTorch-example REINFORCE reaches a
  greedy evaluation >= 475 after about 300 episodes, about 50 s.  Targets: median <= 200
  episodes and <= 1/3 of the reference's wall time.
* Short corridor, Sutton & Barto Figures 13.1 and 13.2 at full size (100 trials x 1000
  episodes per line, as the figure functions run them).  Reference: the companion code's
  Figure 13.1 takes about 530 CPU s.  Target: at least 20 times faster.

Run: `nice -n 10 python bench/reinforce.py`.  Prints the table and writes it to
`docs/results/bench_reinforce.md`.  The machine is shared: the load average is recorded
with every timing, and CPU time is reported beside wall time.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from fa_book.reinforce_runs import (
    CARTPOLE_SEEDS,
    FIG_13_1,
    FIG_13_2,
    CartPoleConfig,
    corridor_reinforce,
    reinforce_cartpole,
)

REF_CARTPOLE_EPISODES = 300
REF_CARTPOLE_WALL = 50.0
REF_FIG13_1_CPU = 530.0
SEEDS = CARTPOLE_SEEDS
OUT = Path(__file__).resolve().parents[1] / "docs" / "results" / "bench_reinforce.md"


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def timed(fn):
    w, c, before = time.perf_counter(), time.process_time(), load()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c, before


def main() -> str:
    torch.set_num_threads(1)
    cfg = CartPoleConfig()
    reinforce_cartpole(replace(cfg, max_episodes=2, seed=99))  # warm-up: torch's lazy init
    lines = ["**CartPole-v1: episodes and time to a greedy mean of 475**",
             "",
             f"Criterion: the first evaluation (every {cfg.eval_every} episodes) at which "
             f"the greedy policy's mean return over {cfg.eval_episodes} episodes is "
             f">= 475; the time includes the evaluations.",
             "",
             "| seed | episodes | wall s | CPU s | load (1/5/15 min) before |",
             "|---|---|---|---|---|"]
    eps, walls, cpus = [], [], []
    for seed in SEEDS:
        run, _, _, before = timed(lambda s=seed: reinforce_cartpole(replace(cfg, seed=s)))
        solved = run.solved_at if run.solved_at is not None else float("nan")
        eps.append(solved)
        walls.append(run.wall_seconds)
        cpus.append(run.cpu_seconds)
        lines.append(f"| {seed} | {solved} | {run.wall_seconds:.2f} | {run.cpu_seconds:.2f} | "
                     f"{before} |")
    med_eps, med_wall, med_cpu = np.median(eps), np.median(walls), np.median(cpus)
    lines += ["",
              f"Median over {len(eps)} seeds: **{med_eps:g} episodes** (target <= 200; "
              f"reference about {REF_CARTPOLE_EPISODES}), **{med_wall:.2f} s wall** "
              f"({REF_CARTPOLE_WALL / med_wall:.0f}x faster than the reference's about "
              f"{REF_CARTPOLE_WALL:g} s; target >= 3x), {med_cpu:.2f} s CPU.",
              ""]
    rows = ["**Short corridor, Figures 13.1 and 13.2 at full size**", "",
            "| figure | lines x trials x episodes | wall s | CPU s | speed-up vs 530 CPU s "
            "| load before |", "|---|---|---|---|---|---|"]
    for name, configs, seed in (("13.1", FIG_13_1, 0), ("13.2", FIG_13_2, 1)):
        cs = list(configs.values())
        _, wall, cpu, before = timed(lambda cs=cs, s=seed: corridor_reinforce(
            cs, np.random.default_rng(s)))
        size = f"{len(cs)} x {cs[0].n_trials} x {cs[0].n_episodes}"
        speed = f"{REF_FIG13_1_CPU / cpu:.0f}x" if name == "13.1" else (
            "no measured reference")
        rows.append(f"| {name} | {size} | {wall:.1f} | {cpu:.1f} | {speed} | {before} |")
    text = "\n".join(lines + rows) + "\n\n" + (
        f"Load average after the run: {load()}.  Machine: {os.cpu_count()} CPUs, "
        "shared with other jobs; torch uses 1 thread.  "
        "Command: `nice -n 10 python bench/reinforce.py`.\n")
    return text


if __name__ == "__main__":
    table = main()
    print(table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(table, encoding="utf-8")
