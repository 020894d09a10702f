"""Time S&B Figures 10.1 and 10.2 (Mountain Car, semi-gradient SARSA) at full size.

    python bench/control.py            # also rewrites two figures, their captions and
                                       # docs/results/control_step_sizes.md
    python bench/control.py --no-figures

References (../shared/DESIGN.md, Sutton & Barto's companion code on this kind of
machine): Fig 10.1 (one run, 9000 episodes) ~ 140 CPU s; Fig 10.2 (3 step sizes x 10 runs
x 500 episodes) ~ 450 CPU s.  Printed: CPU time (time.process_time) and wall time of

* Figure 10.1 full size: `figure_control_cost_to_go` (one run of 9000 episodes, plus the
  five surfaces);
* Figure 10.2 with the reference's statistics: 3 step sizes x 10 runs x 500 episodes;
* Figure 10.2 full size as S&B: `figure_control_step_sizes` (3 x 100 runs x 500 episodes,
  plus the plot), compared with 10x the 10-run reference;

with the machine's load average (a compact timing table), and the learning statistics of
each (a list below it).  The same text goes to docs/results/bench_control.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fa_book.control_runs import (  # noqa: E402
    MountainCarConfig,
    mountain_car_sarsa,
    mountain_car_sarsa_single,
)
from fa_book.figures import DEFAULT_OUT  # noqa: E402
from fa_book.figures.control import (  # noqa: E402
    SEED,
    STEP_SIZES,
    figure_control_cost_to_go,
    figure_control_step_sizes,
)

REF_10_1, REF_10_2 = 140.0, 450.0


def timed(fn):
    load = os.getloadavg()[0]
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0, load


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-figures", action="store_true",
                        help="write the figures into a temporary folder instead of docs/")
    args = parser.parse_args(argv)
    out = Path(tempfile.mkdtemp()) / "figures" if args.no_figures else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    rows, stats = [], []

    def one_run():
        return mountain_car_sarsa_single(MountainCarConfig(alpha=0.3, episodes=9000),
                                         np.random.default_rng(SEED))
    res, cpu, wall, load = timed(one_run)
    s = res.steps[0]
    rows.append(("10.1, learning only", cpu, wall, load, REF_10_1))
    stats.append(f"**10.1** (1 run x {s.size} episodes, alpha = 0.3/8): mean steps per "
                 f"episode {s[:100].mean():.0f} in episodes 1-100, {s[-100:].mean():.0f} "
                 f"in episodes {s.size - 99}-{s.size}; {s.sum()} steps in all. The figure "
                 "function replays the same run (same seed) and draws the surfaces.")

    _, cpu, wall, load = timed(lambda: figure_control_cost_to_go(out))
    rows.append(("10.1, figure function", cpu, wall, load, REF_10_1))

    def ten_runs():
        alphas = np.repeat(STEP_SIZES, 10)
        return mountain_car_sarsa(MountainCarConfig(episodes=500),
                                  np.random.default_rng(SEED), runs=alphas.size,
                                  alphas=alphas)
    res, cpu, wall, load = timed(ten_runs)
    per_alpha = ", ".join(f"{res.steps[10 * j:10 * (j + 1)].mean():.0f} (alpha = {a}/8)"
                          for j, a in enumerate(STEP_SIZES))
    rows.append(("10.2, 10 runs", cpu, wall, load, REF_10_2))
    stats.append(f"**10.2, 10 runs** ({len(STEP_SIZES)} step sizes x 10 runs x "
                 f"{res.steps.shape[1]} episodes): mean steps per episode {per_alpha}.")

    _, cpu, wall, load = timed(lambda: figure_control_step_sizes(out))
    rows.append(("10.2, 100 runs", cpu, wall, load, 10 * REF_10_2))
    stats.append(f"**10.2, 100 runs** ({len(STEP_SIZES)} step sizes x 100 runs x 500 "
                 "episodes, plus the plot): the statistics are the table under Figure 10.2 "
                 "(`control_step_sizes.md`).")

    lines = ["| run | CPU s | wall s | load | reference CPU s | speed-up |",
             "|---|--:|--:|--:|--:|--:|"]
    for name, cpu, wall, load, ref in rows:
        lines.append(f"| {name} | {cpu:.1f} | {wall:.1f} | {load:.1f} | {ref:.0f} | "
                     f"{ref / cpu:.0f}x |")
    table = "\n".join(lines) + "\n"
    legend = ("\nRuns: **10.1, learning only**: one run of 9000 episodes, no plot; "
              "**10.1, figure function**: `figure_control_cost_to_go`, the same run plus the "
              "surfaces; **10.2, 10 runs**: 3 step sizes x 10 runs x 500 episodes, as the "
              "reference; **10.2, 100 runs**: `figure_control_step_sizes`, 3 x 100 runs x "
              "500 episodes plus the plot, against 10x the 10-run reference (the companion "
              "code's loops are sequential). *Load*: 1-minute load average at the start; "
              "*speed-up*: reference CPU s / CPU s.\n")
    learning = "\nLearning statistics:\n\n" + "\n".join(f"* {x}" for x in stats) + "\n"
    note = (f"\nMeasured by `python bench/control.py` (seed {SEED}) on 2 shared cores. "
            "Load averages above 2 mean other jobs shared the cores, which inflates wall "
            "time more than CPU time.\n")
    text = table + legend + learning + note
    print(text)
    (ROOT / "docs" / "results" / "bench_control.md").write_text(text, encoding="utf-8")

if __name__ == "__main__":
    main()
