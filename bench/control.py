"""Time S&B Figures 10.1 and 10.2 (Mountain Car, semi-gradient SARSA) at full size.

    python bench/control.py            # writes docs/results/bench_control.md
    python bench/control.py --quick    # cut-down runs, to check that it works (no file)

References (../shared/DESIGN.md, Sutton & Barto's companion code on this kind of
machine): Fig 10.1 (one run, 9000 episodes) ~ 140 CPU s; Fig 10.2 (3 step sizes x 10 runs
x 500 episodes) ~ 450 CPU s.  Printed: CPU time (time.process_time) and wall time of

* Figure 10.1 full size: `cost_to_go_run`, the run of `figure_control_cost_to_go` (one run
  of 9000 episodes, with the five snapshots);
* Figure 10.2 with the reference's statistics: 3 step sizes x 10 runs x 500 episodes;
* Figure 10.2 full size as S&B: `step_size_runs`, the runs of `figure_control_step_sizes`
  (3 x 100 runs x 500 episodes), compared with 10x the 10-run reference;

with the machine's load average (a compact timing table), and the learning statistics of
each (a list below it).  The same text goes to docs/results/bench_control.md.  Only the
learning is timed: the benchmark imports no figures module (the plots take about a second).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fa_book.control_runs import (  # noqa: E402
    COST_TO_GO_EPISODES,
    SEED,
    STEP_SIZES,
    cost_to_go_run,
    step_size_runs,
)

REF_10_1, REF_10_2 = 140.0, 450.0


def timed(fn):
    load = os.getloadavg()[0]
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0, load


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="cut-down runs, to check the script; writes no file")
    args = parser.parse_args(argv)
    rows, stats = [], []
    episodes, ten, hundred, E = (((1, 12), 2, 3, 5) if args.quick else
                                 (COST_TO_GO_EPISODES, 10, 100, 500))

    (_, res), cpu, wall, load = timed(lambda: cost_to_go_run(episodes))
    s = res.steps[0]
    rows.append(("10.1, one run", cpu, wall, load, REF_10_1))
    stats.append(f"**10.1** (1 run x {s.size} episodes, alpha = 0.3/8): mean steps per "
                 f"episode {s[:100].mean():.0f} in episodes 1-100, {s[-100:].mean():.0f} "
                 f"in episodes {max(s.size - 99, 1)}-{s.size}; {s.sum()} steps in all.")

    (_, res), cpu, wall, load = timed(lambda: step_size_runs(ten, E))
    per_alpha = ", ".join(f"{res.steps[ten * j:ten * (j + 1)].mean():.0f} (alpha = {a}/8)"
                          for j, a in enumerate(STEP_SIZES))
    rows.append((f"10.2, {ten} runs", cpu, wall, load, REF_10_2))
    stats.append(f"**10.2, {ten} runs** ({len(STEP_SIZES)} step sizes x {ten} runs x "
                 f"{res.steps.shape[1]} episodes): mean steps per episode {per_alpha}.")

    _, cpu, wall, load = timed(lambda: step_size_runs(hundred, E))
    rows.append((f"10.2, {hundred} runs", cpu, wall, load, 10 * REF_10_2))
    stats.append(f"**10.2, {hundred} runs** ({len(STEP_SIZES)} step sizes x {hundred} runs "
                 f"x {E} episodes): the statistics are the table under Figure 10.2 "
                 "(`control_step_sizes.md`, the same runs).")

    lines = ["| run | CPU s | wall s | load | reference CPU s | speed-up |",
             "|---|--:|--:|--:|--:|--:|"]
    for name, cpu, wall, load, ref in rows:
        lines.append(f"| {name} | {cpu:.1f} | {wall:.1f} | {load:.1f} | {ref:.0f} | "
                     f"{ref / cpu:.0f}x |")
    table = "\n".join(lines) + "\n"
    legend = ("\nRuns: **10.1, one run**: `cost_to_go_run`, one run of 9000 episodes with "
              "the five snapshots of Figure 10.1; **10.2, 10 runs**: 3 step sizes x 10 runs "
              "x 500 episodes, as the reference; **10.2, 100 runs**: `step_size_runs`, the "
              "3 x 100 runs x 500 episodes of Figure 10.2, against 10x the 10-run reference "
              "(the companion code's loops are sequential). Learning only, no plotting. "
              "*Load*: 1-minute load average at the start; *speed-up*: reference CPU s / "
              "CPU s.\n")
    learning = "\nLearning statistics:\n\n" + "\n".join(f"* {x}" for x in stats) + "\n"
    note = (f"\nMeasured by `python bench/control.py` (seed {SEED}) on 2 shared cores. "
            "Load averages above 2 mean other jobs shared the cores, which inflates wall "
            "time more than CPU time.\n")
    text = table + legend + learning + note
    print(text)
    if not args.quick:
        (ROOT / "docs" / "results" / "bench_control.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
