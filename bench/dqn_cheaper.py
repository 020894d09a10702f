"""Would a cheaper DQN configuration keep the benchmark's learning targets? Runs candidate
settings on the tuning seeds (100-109, never the benchmark's 0-4) and reports, per seed,
the step from which the greedy evaluation stays >= 475, the last evaluation in training
and the run's CPU time, next to the defaults' CPU time on the same seeds.

Only the evaluations during training are read (as for every tuning choice of the book):
the held-out reset seeds `HELD_OUT_SEEDS` are not played here, so they stay unseen by any
choice of settings.

    python bench/dqn_cheaper.py --seeds 100 101 102 103 104 \\
        --candidate train_freq=4,gradient_steps=1

writes docs/results/bench_dqn_cheaper.md (after every run, so an interrupted invocation
leaves the runs it finished).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
from pathlib import Path

import numpy as np
import torch

from fa_book.dqn import DQNConfig
from fa_book.dqn_io import steps_to_stay
from fa_book.dqn_runs import train

ROOT = Path(__file__).resolve().parents[1]
TUNING_SEEDS = range(100, 110)


def parse_candidate(text: str) -> dict:
    """`field=value,field=value` -> overrides of `DQNConfig` (ints, floats or tuples)."""
    fields = {f.name: f for f in dataclasses.fields(DQNConfig)}
    out = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        if name not in fields:
            raise argparse.ArgumentTypeError(f"unknown DQNConfig field {name!r}")
        out[name] = (tuple(int(v) for v in value.split("x")) if name == "hidden"
                     else type(getattr(DQNConfig(), name))(value))
    return out


def label(overrides: dict) -> str:
    if not overrides:
        return "defaults"
    return ", ".join(f"`{k} = {'x'.join(map(str, v)) if isinstance(v, tuple) else v}`"
                     for k, v in overrides.items())


def table(rows: list[dict], planned: int) -> str:
    lines = ["| settings | seed | step it stays >= 475 | last evaluation in training "
             "| CPU (s) | load (1 min) |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['label']} | {r['seed']} | "
                     f"{'never' if r['stay'] is None else r['stay']} | {r['last']:.1f} | "
                     f"{r['cpu']:.1f} | {r['load']:.2f} |")
    lines += ["", "| settings | runs | median step it stays >= 475 | runs that never stay "
              "| median CPU (s) |", "|---|---|---|---|---|"]
    for name in dict.fromkeys(r["label"] for r in rows):
        group = [r for r in rows if r["label"] == name]
        stays = [np.inf if r["stay"] is None else r["stay"] for r in group]
        m = float(np.median(stays))
        lines.append(f"| {name} | {len(group)} | {'never' if np.isinf(m) else f'{m:.0f}'} | "
                     f"{sum(r['stay'] is None for r in group)} of {len(group)} | "
                     f"{statistics.median(r['cpu'] for r in group):.1f} |")
    if len(rows) < planned:
        lines += ["", f"**Partial: {len(rows)} of {planned} runs done.**"]
    lines += ["", "Tuning seeds only (`python bench/dqn_cheaper.py`); each run "
              f"{DQNConfig().total_steps} steps, otherwise `DQNConfig()` defaults; greedy "
              f"evaluation of {DQNConfig().eval_episodes} episodes every "
              f"{DQNConfig().eval_every} steps; the held-out seeds were not played. "
              f"{os.cpu_count()} cores, torch {torch.__version__} with 1 thread."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(TUNING_SEEDS[:5]))
    parser.add_argument("--candidate", type=parse_candidate, action="append", default=[],
                        help="DQNConfig overrides, e.g. train_freq=4,gradient_steps=1")
    parser.add_argument("--with-defaults", action="store_true",
                        help="also run the defaults on the same seeds")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "docs" / "results" / "bench_dqn_cheaper.md")
    args = parser.parse_args(argv)
    if any(s not in TUNING_SEEDS for s in args.seeds):
        parser.error(f"--seeds must be tuning seeds {TUNING_SEEDS.start}-"
                     f"{TUNING_SEEDS.stop - 1} (never the benchmark's 0-4)")
    torch.set_num_threads(1)
    settings = ([{}] if args.with_defaults else []) + args.candidate
    planned, rows = len(settings) * len(args.seeds), []
    for overrides in settings:
        for seed in args.seeds:
            result = train(DQNConfig(**{**overrides, "seed": seed}))
            rows.append({"label": label(overrides), "seed": seed,
                         "stay": steps_to_stay(result.history, 475.0),
                         "last": result.history[-1]["eval_mean"], "cpu": result.cpu_time,
                         "load": os.getloadavg()[0]})
            print(rows[-1], flush=True)
            args.out.write_text(table(rows, planned))
    print(table(rows, planned))


if __name__ == "__main__":
    main()
