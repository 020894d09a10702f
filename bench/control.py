"""Time S&B Figures 10.1 and 10.2 (Mountain Car, semi-gradient SARSA) at full size.

    python bench/control.py            # writes docs/figures/control_*.png as a side effect
    python bench/control.py --no-figures

References (../shared/DESIGN.md, Sutton & Barto's companion code on this kind of
machine): Fig 10.1 (one run, 9000 episodes) ~ 140 CPU s; Fig 10.2 (3 step sizes x 10 runs
x 500 episodes) ~ 450 CPU s.  Printed: CPU time (time.process_time) and wall time of

* Figure 10.1 full size: `figure_control_cost_to_go` (one run of 9000 episodes, plus the
  five surfaces);
* Figure 10.2 with the reference's statistics: 3 step sizes x 10 runs x 500 episodes;
* Figure 10.2 full size as S&B: `figure_control_step_sizes` (3 x 100 runs x 500 episodes,
  plus the plot), compared with 10x the 10-run reference;

with the machine's load average, and the learning statistics of each.  The same table
goes to docs/results/bench_control.md.
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

from fa_book.control import (  # noqa: E402
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
    rows = []

    def one_run():
        return mountain_car_sarsa_single(MountainCarConfig(alpha=0.3, episodes=9000),
                                         np.random.default_rng(SEED))
    res, cpu, wall, load = timed(one_run)
    s = res.steps[0]
    rows.append(("Fig 10.1, learning only: 1 run x 9000 episodes", cpu, wall, load, REF_10_1,
                 f"mean steps/episode: episodes 1-100 {s[:100].mean():.0f}, "
                 f"8901-9000 {s[-100:].mean():.0f}; {s.sum()} steps in all"))

    _, cpu, wall, load = timed(lambda: figure_control_cost_to_go(out))
    rows.append(("Fig 10.1 figure function: the same run + 5 surfaces", cpu, wall, load,
                 REF_10_1, "the same run (same seed)"))

    def ten_runs():
        alphas = np.repeat(STEP_SIZES, 10)
        return mountain_car_sarsa(MountainCarConfig(episodes=500),
                                  np.random.default_rng(SEED), runs=alphas.size,
                                  alphas=alphas)
    res, cpu, wall, load = timed(ten_runs)
    stats = ", ".join(f"a={a}/8: {res.steps[10 * j:10 * (j + 1)].mean():.0f}"
                      for j, a in enumerate(STEP_SIZES))
    rows.append(("Fig 10.2 as the reference: 3 alphas x 10 runs x 500 episodes", cpu, wall,
                 load, REF_10_2, "mean steps/episode " + stats))

    _, cpu, wall, load = timed(lambda: figure_control_step_sizes(out))
    rows.append(("Fig 10.2 full size: 3 alphas x 100 runs x 500 episodes (+ plot)", cpu,
                 wall, load, 10 * REF_10_2, "see control_step_sizes.md"))

    lines = ["| run | CPU s | wall s | load (1 min) | reference CPU s | speed-up (CPU) | "
             "statistics |", "|---|---|---|---|---|---|---|"]
    for name, cpu, wall, load, ref, note in rows:
        lines.append(f"| {name} | {cpu:.1f} | {wall:.1f} | {load:.1f} | {ref:.0f} | "
                     f"{ref / cpu:.1f}x | {note} |")
    table = "\n".join(lines) + "\n"
    print(table)
    note = (f"\nMeasured by `python bench/control.py` (seed {SEED}) on 2 shared cores; the "
            "100-run reference is 10x the 10-run one (the companion code's loops are "
            "sequential). Load averages above 2 mean other jobs shared the cores, which "
            "inflates wall time more than CPU time.\n")
    (ROOT / "docs" / "results" / "bench_control.md").write_text(table + note,
                                                                 encoding="utf-8")


if __name__ == "__main__":
    main()
