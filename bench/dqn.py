"""Benchmark: fa_book's DQN and Stable-Baselines3's DQN on CartPole-v1, side by side.

Both run in the same process on the same seeds 0-4, alternating (fa_book seed 0, SB3 seed 0,
fa_book seed 1, ...) so that both see the same machine at the same time:

* fa_book: `DQNConfig()` defaults (30k environment steps);
* SB3: `stable_baselines3.DQN` with the RL-Zoo's tuned CartPole-v1 settings (`SB3_ZOO`,
  50k steps).

Same evaluation protocol for both: every `eval_every` steps a greedy evaluation of
`eval_episodes` episodes (`fa_book.dqn.evaluate`) whose reset seeds are drawn from the
run's own evaluation stream (`run_streams(seed)`, the seeds `train` draws), included in
the run's time. After training, the final policy plays the 100 held-out reset seeds
`fa_book.dqn.HELD_OUT_SEEDS` (`evaluate_held_out`), which no run, evaluation or tuning
ever used. Reported per seed and as medians: the step from which the greedy evaluation
stays >= 475, the held-out greedy mean, wall and CPU seconds, and the ratios pair by pair.

    pip install "fa_book[bench]"   # stable-baselines3
    python bench/dqn.py            # both; without SB3 it says so and runs fa_book alone

Prints the tables and writes them to docs/results/bench_dqn.md (included by the Results
page and the DQN page). Nothing is divided by a stored number: every ratio is between two
runs of this invocation.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import re
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from fa_book.dqn import (
    HELD_OUT_SEEDS,
    SEED_DRAW_BOUND,
    DQNConfig,
    evaluate,
    evaluate_held_out,
)
from fa_book.dqn_io import steps_to_stay
from fa_book.dqn_runs import run_streams, train_and_judge

ROOT = Path(__file__).resolve().parents[1]
SB3_ZOO = dict(learning_rate=2.3e-3, batch_size=64, buffer_size=100_000, learning_starts=1000,
               gamma=0.99, target_update_interval=10, train_freq=256, gradient_steps=128,
               exploration_fraction=0.16, exploration_final_eps=0.04,
               policy_kwargs=dict(net_arch=[256, 256]))
"""rl-baselines3-zoo, hyperparams/dqn.yml, CartPole-v1."""
SB3_STEPS = 50_000
"""The RL-Zoo's n_timesteps for CartPole-v1 (5e4)."""
THRESHOLD = 475.0
TARGETS = {"held_out": 5, "median_stay": 20_000, "wall_ratio": 1 / 3}
"""Issue 14: 5 of 5 seeds held-out >= 475, median stay step <= 20k, wall <= 1/3 of SB3's."""


def sb3_available() -> str | None:
    """The installed stable-baselines3 version, or None."""
    try:
        import stable_baselines3
    except ImportError:
        return None
    return stable_baselines3.__version__


def timed(run) -> tuple[object, float, float]:
    t_wall, t_cpu = time.perf_counter(), time.process_time()
    out = run()
    return out, time.perf_counter() - t_wall, time.process_time() - t_cpu


def held_out_row(name: str, seed: int, history, G: np.ndarray, steps: int, wall: float,
                 cpu: float) -> dict:
    """One run's row, printed as one line (`runs_from_log` reads it back); `G`: the final
    policy's returns on `HELD_OUT_SEEDS`."""
    row = {"name": name, "seed": seed, "steps": steps, "stay": steps_to_stay(history),
           "last_eval": history[-1]["eval_mean"], "held_out": float(G.mean()),
           "held_out_min": float(G.min()), "wall": wall, "cpu": cpu,
           "load": os.getloadavg()[0]}
    stay = "never" if row["stay"] is None else f"{row['stay']:.0f}"
    print(f"{name} seed {seed}: {steps} steps, stays >= 475 from {stay}, last evaluation "
          f"{row['last_eval']:.1f}, held-out mean {row['held_out']:.1f} (min "
          f"{row['held_out_min']:.0f}), wall {wall:.1f} s, CPU {cpu:.1f} s, load "
          f"{row['load']:.2f}", flush=True)
    return row


def run_fa_book(seed: int, config: DQNConfig) -> dict:
    result, G = train_and_judge(dataclasses.replace(config, seed=seed), HELD_OUT_SEEDS)
    return held_out_row("fa_book", seed, result.history, G, result.steps,
                        result.wall_time, result.cpu_time)


class SB3Greedy(torch.nn.Module):
    """An SB3 DQN's online network as a module from a batch of states to Q-values, so that
    `evaluate` and `evaluate_held_out` play it greedily exactly as they play ours."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        return self.model.q_net(s.to(self.model.device))


def run_sb3(seed: int, config: DQNConfig, total_steps: int = SB3_STEPS) -> dict:
    """SB3's DQN with the RL-Zoo settings, evaluated like `train` evaluates ours: every
    `config.eval_every` steps, `config.eval_episodes` greedy episodes whose reset seeds come
    from the same stream as fa_book's run with this seed."""
    from stable_baselines3 import DQN
    from stable_baselines3.common.callbacks import BaseCallback

    eval_rng = run_streams(seed)[3]
    history: list[dict] = []

    class GreedyEval(BaseCallback):
        def _on_step(self) -> bool:
            t = self.num_timesteps
            if t % config.eval_every == 0 or t == total_steps:
                G = evaluate(SB3Greedy(self.model), "CartPole-v1", config.eval_episodes,
                             seed=int(eval_rng.integers(SEED_DRAW_BOUND)))
                history.append({"step": t, "eval_mean": float(G.mean())})
            return True

    def run():
        model = DQN("MlpPolicy", "CartPole-v1", seed=seed, device="cpu", verbose=0, **SB3_ZOO)
        model.learn(total_timesteps=total_steps, callback=GreedyEval())
        return model

    model, wall, cpu = timed(run)
    G = evaluate_held_out(SB3Greedy(model), "CartPole-v1", HELD_OUT_SEEDS)
    return held_out_row("SB3", seed, history, G, model.num_timesteps, wall, cpu)


LOG_LINE = re.compile(
    r"^(?P<name>fa_book|SB3) seed (?P<seed>\d+): (?:(?P<steps>\d+) steps, )?stays >= 475 "
    r"from (?P<stay>\d+|never), (?:last evaluation (?P<last_eval>[\d.]+), )?held-out mean "
    r"(?P<held_out>[\d.]+) \(min (?P<held_out_min>[\d.]+)\), wall (?P<wall>[\d.]+) s, "
    r"CPU (?P<cpu>[\d.]+) s, load (?P<load>[\d.]+)$")
"""One line that `held_out_row` prints per run (older logs lack steps and last evaluation)."""


def runs_from_log(text: str) -> list[dict]:
    """The runs an (interrupted) invocation printed, in order: for `--from-log`."""
    runs = []
    for line in text.splitlines():
        m = LOG_LINE.match(line.strip())
        if m:
            g = m.groupdict()
            runs.append({"name": g["name"], "seed": int(g["seed"]),
                         "steps": None if g["steps"] is None else int(g["steps"]),
                         "stay": None if g["stay"] == "never" else float(g["stay"]),
                         "last_eval": None if g["last_eval"] is None else float(g["last_eval"]),
                         **{k: float(g[k]) for k in ("held_out", "held_out_min", "wall",
                                                     "cpu", "load")}})
    return runs


def _num(x: float | None, fmt: str) -> str:
    return "—" if x is None else format(x, fmt)


def _stay(x: float | None) -> str:
    return "never" if x is None or np.isinf(x) else f"{x:.0f}"


def median_stay(rows: list[dict]) -> float:
    """Median step from which a run stays >= 475; a run that never does counts as never."""
    return float(np.median([np.inf if r["stay"] is None else r["stay"] for r in rows]))


def pair_ratios(ours: list[dict], sb3: list[dict]) -> list[dict]:
    """fa_book / SB3 for each seed both have run."""
    by_seed, pairs = {b["seed"]: b for b in sb3}, []
    for a in ours:
        if a["seed"] not in by_seed:
            continue
        b = by_seed[a["seed"]]
        stay = (a["stay"] / b["stay"] if a["stay"] is not None and b["stay"] is not None
                else None)
        pairs.append({"seed": a["seed"], "wall": a["wall"] / b["wall"],
                      "cpu": a["cpu"] / b["cpu"], "stay": stay})
    return pairs


def table(runs: list[dict], sb3_version: str | None, config: DQNConfig,
          sb3_steps: int = SB3_STEPS, planned: int | None = None) -> str:
    ours = [r for r in runs if r["name"] == "fa_book"]
    sb3 = [r for r in runs if r["name"] == "SB3"]
    lines = ["| run | implementation | seed | env steps | stays >= 475 from step "
             "| last evaluation in training | held-out greedy mean (100 episodes) "
             "| held-out min | wall (s) | CPU (s) | load (1 min) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for k, r in enumerate(runs, 1):
        lines.append(f"| {k} | {r['name']} | {r['seed']} | {_num(r['steps'], 'd')} "
                     f"| {_stay(r['stay'])} | {_num(r['last_eval'], '.1f')} "
                     f"| {r['held_out']:.1f} | {r['held_out_min']:.0f} "
                     f"| {r['wall']:.1f} | {r['cpu']:.1f} | {r['load']:.2f} |")
    lines += ["", "| implementation | median step it stays >= 475 "
              "| seeds with held-out mean >= 475 | median held-out mean | median wall (s) "
              "| median CPU (s) |", "|---|---|---|---|---|---|"]
    for name, rows in (("fa_book", ours), ("SB3", sb3)):
        if rows:
            lines.append(f"| {name} | {_stay(median_stay(rows))} | "
                         f"{sum(r['held_out'] >= THRESHOLD for r in rows)} of {len(rows)} | "
                         f"{statistics.median(r['held_out'] for r in rows):.1f} | "
                         f"{statistics.median(r['wall'] for r in rows):.1f} | "
                         f"{statistics.median(r['cpu'] for r in rows):.1f} |")
    wall_ratio = None
    if sb3:
        pairs = pair_ratios(ours, sb3)
        lines += ["", "| seed | wall fa_book / SB3 | CPU fa_book / SB3 "
                  "| stay step fa_book / SB3 |", "|---|---|---|---|"]
        for p in pairs:
            stay = "—" if p["stay"] is None else f"{p['stay']:.2f}"
            lines.append(f"| {p['seed']} | {p['wall']:.3f} | {p['cpu']:.3f} | {stay} |")
        wall_ratio = statistics.median(p["wall"] for p in pairs)
        lines.append(f"| median | {wall_ratio:.3f} | "
                     f"{statistics.median(p['cpu'] for p in pairs):.3f} | |")
    n_ok = sum(r["held_out"] >= THRESHOLD for r in ours)
    m = median_stay(ours)
    lines += ["", "| target (issue 14) | measured | met |", "|---|---|---|",
              f"| every seed ({TARGETS['held_out']} of 5): held-out mean >= 475 after "
              f"{config.total_steps} steps | {n_ok} of {len(ours)} | "
              f"{'yes' if n_ok == len(ours) >= TARGETS['held_out'] else 'no'} |",
              f"| median step it stays >= 475 at most {TARGETS['median_stay']} | {_stay(m)} | "
              f"{'yes' if m <= TARGETS['median_stay'] else 'no'} |"]
    if wall_ratio is None:
        lines.append("| wall at most 1/3 of SB3's in the same run | not measured "
                     "(stable-baselines3 not installed) | — |")
    else:
        met = "yes" if wall_ratio <= TARGETS["wall_ratio"] else "no"
        lines.append(f"| wall at most 1/3 of SB3's in the same run (median pair ratio) | "
                     f"{wall_ratio:.3f} | {met} |")
        lines.append(f"| (not a target) CPU time, median pair ratio: wall time shifts with "
                     f"the load, CPU time much less | "
                     f"{statistics.median(p['cpu'] for p in pairs):.3f} | — |")
    loads = [r["load"] for r in runs]
    sb3_text = (f"stable-baselines3 {sb3_version}, RL-Zoo settings, {sb3_steps} steps, "
                f"alternating with fa_book seed by seed" if sb3_version else
                "stable-baselines3 is not installed: fa_book ran alone and no ratio is given")
    held = HELD_OUT_SEEDS
    if planned is not None and len(runs) < planned:
        lines += ["", f"**Partial: {len(runs)} of {planned} runs done.**"]
    lines += ["", f"fa_book: `DQNConfig()` defaults, {config.total_steps} steps. {sb3_text}. "
              f"Both: greedy evaluation of {config.eval_episodes} episodes every "
              f"{config.eval_every} steps with the same reset seeds (included in wall and CPU "
              f"time); the held-out mean is the final policy's greedy return on the "
              f"{len(held)} reset seeds {held.start}..{held.stop - 1} (`HELD_OUT_SEEDS`), "
              f"which no training, evaluation or tuning used (not included in the times). "
              f"Load average (1 min) over the runs: mean {statistics.mean(loads):.2f}, max "
              f"{max(loads):.2f}. Machine: {platform.machine()}, {os.cpu_count()} cores, "
              f"torch {torch.__version__} with 1 thread."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--no-sb3", action="store_true", help="run fa_book alone")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "results" / "bench_dqn.md")
    parser.add_argument("--from-log", type=Path, default=None,
                        help="rebuild the table from the per-run lines an interrupted "
                        "invocation printed (its log), without running anything")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny budgets, to check the script (not a benchmark)")
    args = parser.parse_args(argv)
    if any(not 0 <= s < SEED_DRAW_BOUND for s in args.seeds):
        parser.error(f"--seeds must lie in [0, {SEED_DRAW_BOUND})")
    torch.set_num_threads(1)
    config, sb3_steps = DQNConfig(), SB3_STEPS
    if args.from_log is not None:
        runs = runs_from_log(args.from_log.read_text())
        if not runs:
            parser.error(f"--from-log: no run lines in {args.from_log}")
        version = sb3_available() if any(r["name"] == "SB3" for r in runs) else None
        text = table(runs, version, config, sb3_steps, 2 * len(args.seeds))
        text += (f"\nRebuilt with `--from-log` from the lines the invocation printed; it was "
                 f"stopped after {len(runs)} runs (— : not printed by that version).\n")
        print(text)
        args.out.write_text(text)
        return
    if args.smoke:
        config = DQNConfig(total_steps=2_000, eval_every=1_000, eval_episodes=2)
        sb3_steps = 2_000
    version = None if args.no_sb3 else sb3_available()
    if version is None and not args.no_sb3:
        print("stable-baselines3 is not installed (pip install 'fa_book[bench]'): "
              "running fa_book alone, no ratios", flush=True)
    runs, planned = [], len(args.seeds) * (1 if version is None else 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        runs.append(run_fa_book(seed, config))
        args.out.write_text(table(runs, version, config, sb3_steps, planned))
        if version is not None:
            runs.append(run_sb3(seed, config, sb3_steps))
            args.out.write_text(table(runs, version, config, sb3_steps, planned))
    text = table(runs, version, config, sb3_steps, planned)
    print(text)
    args.out.write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
