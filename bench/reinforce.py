"""Benchmark of chapter 10 (REINFORCE) against the references of issues 7 and 14.

* CartPole-v1, 5 seeds (`CARTPOLE_SEEDS`, 0-4), the settings of `CartPoleConfig()`.
  Learning-time criterion: the first check (every `eval_every` training episodes) whose
  greedy mean over `eval_episodes` episodes on *fresh* reset seeds (never used before,
  `check_seeds`) reaches 475; the run stops there.  The final policy is then judged on
  the 100 held-out reset seeds `HELDOUT_SEEDS`, which no training episode, check or
  tuning run used.  Per seed and as medians: episodes to the criterion, the held-out
  greedy mean, wall and CPU seconds (training and checks, not the held-out judgement).
  Targets (issue 14): at least 4 of 5 seeds with a held-out mean >= 475, median episodes
  <= 200.  Reference (DESIGN.md, this kind of machine): a PyTorch-example REINFORCE
  reaches a greedy evaluation >= 475 after about 300 episodes, about 50 s.
* Short corridor, Sutton & Barto Figures 13.1 and 13.2 at full size (100 trials x 1000
  episodes per line, as the figure functions run them).  Reference: the companion code's
  Figure 13.1 takes about 530 CPU s.  Target: at least 20 times faster.

Run: `nice -n 10 python bench/reinforce.py`.  Prints the table and writes it to
`docs/results/bench_reinforce.md`.  The machine is shared: the load average is recorded
with every timing, and CPU time is reported beside wall time.

`python bench/reinforce.py --tune` runs the candidate settings `CANDIDATES` on the tuning
seeds `TUNING_RUN_SEEDS` (5-24, never the reported 0-4), judges each final policy on
`TUNING_EVAL_SEEDS` (never the held-out `HELDOUT_SEEDS`), and writes
`docs/results/reinforce_tuning.md`.
"""

from __future__ import annotations

import argparse
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
    HELDOUT_SEEDS,
    TUNING_EVAL_SEEDS,
    TUNING_RUN_SEEDS,
    CartPoleConfig,
    corridor_reinforce,
    greedy_returns,
    reinforce_cartpole,
)

REF_CARTPOLE_EPISODES = 300
REF_CARTPOLE_WALL = 50.0
REF_FIG13_1_CPU = 530.0
SEEDS = CARTPOLE_SEEDS
RESULTS = Path(__file__).resolve().parents[1] / "docs" / "results"
OUT = RESULTS / "bench_reinforce.md"
OUT_TUNING = RESULTS / "reinforce_tuning.md"

CANDIDATES = {
    "`eval_episodes=5` (the setting before tuning)": {"eval_episodes": 5},
    "`eval_episodes=10`": {"eval_episodes": 10},
    "`eval_episodes=20` (chosen: the default)": {"eval_episodes": 20},
    "`baseline=\"loo\"`": {"baseline": "loo"},
    "`baseline=\"loo\"`, `batch_episodes=4`": {"baseline": "loo", "batch_episodes": 4},
    "`baseline=\"value\"`": {"baseline": "value"},
    "`baseline=\"none\"`": {"baseline": "none"},
}
"""The settings tried on the tuning seeds, as changes to `CartPoleConfig()`.  Only
`eval_episodes` was chosen from them; the baselines are shown for comparison."""


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def timed(fn):
    w, c, before = time.perf_counter(), time.process_time(), load()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c, before


def cartpole_table(cfg: CartPoleConfig) -> list[str]:
    reinforce_cartpole(replace(cfg, max_episodes=2, seed=99, heldout_episodes=0))  # warm-up
    lines = ["**CartPole-v1: episodes to the learning-time criterion, and the final policy on "
             "held-out episodes**",
             "",
             f"Criterion: the first check (every {cfg.eval_every} training episodes) at which "
             f"the greedy policy's mean return over {cfg.eval_episodes} episodes on fresh "
             f"reset seeds (never used before) is >= {cfg.target:g}; the run stops there "
             f"(at most {cfg.max_episodes} episodes).  Held-out: the greedy mean of that "
             f"final policy over the {len(HELDOUT_SEEDS)} held-out reset seeds, disjoint "
             "from every seed of training, checks and tuning.  Times cover training and "
             "checks, not the held-out judgement.",
             "",
             "| seed | episodes to the criterion | held-out greedy mean "
             f"({len(HELDOUT_SEEDS)} episodes) | wall s | CPU s | load (1/5/15 min) before |",
             "|---|---|---|---|---|---|"]
    eps, held, walls, cpus = [], [], [], []
    for seed in SEEDS:
        run, _, _, before = timed(lambda s=seed: reinforce_cartpole(replace(cfg, seed=s)))
        solved = run.solved_at if run.solved_at is not None else float("inf")
        eps.append(solved)
        held.append(run.heldout_mean)
        walls.append(run.wall_seconds)
        cpus.append(run.cpu_seconds)
        shown = run.solved_at if run.solved_at is not None else f"not in {cfg.max_episodes}"
        lines.append(f"| {seed} | {shown} | {run.heldout_mean:.1f} | {run.wall_seconds:.2f} | "
                     f"{run.cpu_seconds:.2f} | {before} |")
    med_eps, med_wall, med_cpu = np.median(eps), np.median(walls), np.median(cpus)
    n_good = sum(h >= cfg.target for h in held)
    lines += ["",
              f"Median over {len(eps)} seeds: **{med_eps:g} episodes** to the criterion "
              f"(target <= 200; reference about {REF_CARTPOLE_EPISODES}); held-out greedy "
              f"mean **>= {cfg.target:g} on {n_good} of {len(held)} seeds** (target >= 4), "
              f"median {np.median(held):.1f}; **{med_wall:.2f} s wall** "
              f"({REF_CARTPOLE_WALL / med_wall:.0f}x faster than the reference's about "
              f"{REF_CARTPOLE_WALL:g} s; target >= 3x), {med_cpu:.2f} s CPU.",
              ""]
    return lines


def corridor_table() -> list[str]:
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
    return rows


def main() -> str:
    torch.set_num_threads(1)
    lines = cartpole_table(CartPoleConfig()) + corridor_table()
    return "\n".join(lines) + "\n\n" + (
        f"Load average after the run: {load()}.  Machine: {os.cpu_count()} CPUs, "
        "shared with other jobs; torch uses 1 thread.  "
        "Command: `nice -n 10 python bench/reinforce.py`.\n")


def tune() -> str:
    """Every candidate of `CANDIDATES` on the tuning seeds, judged on the tuning reset seeds."""
    torch.set_num_threads(1)
    n_eval = len(TUNING_EVAL_SEEDS)
    rows = [f"| setting | median episodes to the criterion | seeds with a final greedy mean "
            f">= 475 ({n_eval} tuning episodes) | median final greedy mean |",
            "|---|---|---|---|"]
    for label, change in CANDIDATES.items():
        cfg = replace(CartPoleConfig(), heldout_episodes=0, **change)
        eps, final = [], []
        for seed in TUNING_RUN_SEEDS:
            run = reinforce_cartpole(replace(cfg, seed=seed))
            eps.append(run.solved_at if run.solved_at is not None else float("inf"))
            final.append(greedy_returns(run.policy, list(TUNING_EVAL_SEEDS)).mean())
            print(label, seed, run.solved_at, round(final[-1], 1), flush=True)
        good = sum(f >= cfg.target for f in final)
        rows.append(f"| {label} | {np.median(eps):g} | {good} of {len(final)} | "
                    f"{np.median(final):.1f} |")
    seeds = f"{TUNING_RUN_SEEDS[0]}-{TUNING_RUN_SEEDS[-1]}"
    return (f"Tuning runs: seeds {seeds} ({len(TUNING_RUN_SEEDS)} runs per setting, never the "
            f"reported seeds {SEEDS[0]}-{SEEDS[-1]}); each final policy judged greedily on "
            f"{n_eval} tuning reset seeds (not the held-out ones); other settings as "
            "`CartPoleConfig()`.  Command: `python bench/reinforce.py --tune`.\n\n"
            + "\n".join(rows) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true",
                        help="run the tuning candidates on the tuning seeds instead")
    args = parser.parse_args()
    out, text = (OUT_TUNING, tune()) if args.tune else (OUT, main())
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
