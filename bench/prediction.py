"""Benchmark: Sutton & Barto's Figures 9.1, 9.2 (both panels) and 9.5 at full size.

Prints, for each figure, the CPU and wall time of the learning runs, the error of the
result against the exact answer from `fa_book.oracles`, and the speed-up over the
reference times of the book's companion code measured on this kind of machine (issue 4,
`../shared/DESIGN.md`).  The same text goes to `docs/results/bench_prediction.md`:
a timing table, then each figure's result against its exact answer.

    python bench/prediction.py            # full size (the book's episodes, runs, steps)

Times are CPU seconds of this process (`time.process_time`), which a busy machine
inflates less than wall time; the load average at the start and end is recorded.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np

from fa_book.oracles import projection_weights, rmsve
from fa_book.prediction import gradient_mc_episode, semi_gradient_td_episode
from fa_book.prediction_engine import sample_episodes
from fa_book.prediction_runs import (
    BasisSweepConfig,
    GradientMCConfig,
    NStepSweepConfig,
    SemiGradientTDConfig,
    aggregation_features,
    basis_features,
    exact_limits,
    run_basis_sweep,
    run_gradient_mc,
    run_n_step_sweep,
    run_semi_gradient_td,
    walk_truth,
)

N_STATES, MAX_JUMP = 1000, 100
"""The book's random walk (Example 9.1)."""

REFERENCE_CPU_S = {"9.1": 65.0, "9.2 left": 75.0, "9.2 right": 290.0, "9.5": 600.0}
"""Companion code (pure-Python loops), full size, CPU seconds on this kind of machine."""

OUT = Path(__file__).resolve().parents[1] / "docs" / "results" / "bench_prediction.md"


def timed(func, *args):
    c0, w0 = time.process_time(), time.perf_counter()
    out = func(*args)
    return out, time.process_time() - c0, time.perf_counter() - w0


def main() -> None:
    load0 = os.getloadavg()[0]
    truth, t_cpu, t_wall = timed(walk_truth, N_STATES, MAX_JUMP)
    rows = []  # (figure, what runs, CPU s, wall s, result vs the exact answer)

    ex10 = exact_limits(10)
    X10 = ex10["X"]
    (theta, _), cpu, wall = timed(run_gradient_mc, GradientMCConfig(), N_STATES, MAX_JUMP)
    rows.append(("9.1", "gradient MC, 10 groups, 100,000 episodes, 1 run", cpu, wall,
                 f"√VE {rmsve(X10 @ theta, truth.v, truth.mu):.4f} vs exact limit "
                 f"{rmsve(ex10['v_mc'], truth.v, truth.mu):.4f}; "
                 f"‖v̂ − Πv‖ (μ-weighted) = {rmsve(X10 @ theta, ex10['v_mc'], truth.mu):.4f}"))

    theta, cpu, wall = timed(run_semi_gradient_td, SemiGradientTDConfig(), N_STATES, MAX_JUMP)
    rows.append(("9.2 left", "semi-gradient TD(0), 10 groups, 100,000 episodes, 1 run", cpu,
                 wall, f"√VE {rmsve(X10 @ theta, truth.v, truth.mu):.4f} vs exact fixed "
                 f"point {rmsve(ex10['v_td'], truth.v, truth.mu):.4f}; "
                 f"‖v̂ − Φθ_TD‖ (μ-weighted) = {rmsve(X10 @ theta, ex10['v_td'], truth.mu):.4f}"))

    cfg = NStepSweepConfig()
    errors, cpu, wall = timed(run_n_step_sweep, cfg, N_STATES, MAX_JUMP)
    uniform = np.full(N_STATES, 1.0 / N_STATES)
    X20 = aggregation_features(20)
    floor = rmsve(X20 @ projection_weights(X20, truth.v, uniform), truth.v, uniform)
    at_zero = rmsve(np.zeros(N_STATES), truth.v, uniform)
    dev0 = np.abs(errors[:, list(cfg.alphas).index(0.0)] - at_zero).max()
    rows.append(("9.2 right", "n-step TD, 10 n × 11 α × 100 runs × 10 episodes, 20 groups",
                 cpu, wall, f"best mean error {errors.mean(-1).min():.4f} ≥ exact floor "
                 f"{floor:.4f}; α=0 cells vs exact {at_zero:.4f}: largest difference {dev0:.1e}"))

    cfg = BasisSweepConfig()
    (curves, _), cpu, wall = timed(run_basis_sweep, cfg, N_STATES, MAX_JUMP)
    basis_rows = []  # (basis, order, final sqrt(VE) averaged over runs, exact asymptote)
    for b, kind in enumerate(("polynomial", "fourier")):
        for o, order in enumerate(cfg.orders):
            X = basis_features(kind, order, N_STATES)
            limit = rmsve(X @ projection_weights(X, truth.v, truth.mu), truth.v, truth.mu)
            basis_rows.append((kind, order, curves[b, o, :, -1].mean(), limit))
    rows.append(("9.5", f"gradient MC, polynomial and Fourier bases of orders "
                 f"{', '.join(map(str, cfg.orders))} × {cfg.n_runs} runs × "
                 f"{cfg.n_episodes:,} episodes", cpu, wall,
                 "final √VE against each basis's exact asymptote in the table below"))
    # the same algorithms as plain per-step loops (this repo's one-episode reference
    # functions), on a few episodes, extrapolated to the figures' 100,000 episodes
    n_loop = 300
    ep = sample_episodes(np.random.default_rng(0), n_loop, N_STATES, MAX_JUMP)
    loops = {}
    for name, run in (("9.1", lambda x, rw, th: gradient_mc_episode(th, x[:-1], rw, 2e-5)),
                      ("9.2 left", lambda x, rw, th: semi_gradient_td_episode(th, x, rw, True,
                                                                              2e-4))):
        theta = np.zeros(10)
        c0 = time.process_time()
        for e in range(n_loop):
            x = np.vstack([X10[ep.episode(e)], np.zeros(10)])
            rewards = np.zeros(ep.lengths[e])
            rewards[-1] = ep.final_reward[e]
            theta = run(x, rewards, theta)
        loops[name] = (time.process_time() - c0) / n_loop * 100_000
    load1 = os.getloadavg()[0]

    # a compact timing table; what each row runs and its result vs the exact answer
    # follow as a list (a wide table squeezes that text into a narrow column)
    lines = [
        "| figure | CPU s | wall s | reference CPU s | speed-up (CPU) |",
        "|---|---|---|---|---|",
    ]
    for fig, _, cpu, wall, _ in rows:
        ref = REFERENCE_CPU_S[fig]
        lines.append(f"| {fig} | {cpu:.1f} | {wall:.1f} | {ref:.0f} | {ref / cpu:.0f}× |")
    lines += ["", "What each row runs (full size), and its result against the exact answer:",
              ""]
    for fig, what, _, _, result in rows:
        lines.append(f"- **{fig}**: {what}. {result[0].upper()}{result[1:]}.")
    lines += ["", f"Figure 9.5, final √VE (mean over {cfg.n_runs} runs, after episode "
              f"{cfg.n_episodes:,}) and each basis's exact asymptote ‖Πv − v‖ (μ-weighted):", "",
              "| basis | order | final √VE | exact asymptote |", "|---|---|---|---|"]
    for kind, order, final, limit in basis_rows:
        lines.append(f"| {kind} | {order} | {final:.3f} | {limit:.1e} |")
    lines.append("")
    lines.append("The same updates as plain per-step Python loops (`gradient_mc_episode`, "
                 f"`semi_gradient_td_episode`), timed on {n_loop} episodes and extrapolated "
                 f"to 100,000: Figure 9.1 ≈ {loops['9.1']:.0f} CPU s, Figure 9.2 left ≈ "
                 f"{loops['9.2 left']:.0f} CPU s.")
    lines.append("")
    lines.append(f"Exact answers (`walk_truth`, two 1000×1000 solves): {t_cpu:.1f} CPU s, "
                 f"computed once and not included above. Load average {load0:.1f} at the "
                 f"start, {load1:.1f} at the end, on {os.cpu_count()} cores "
                 f"({platform.processor() or platform.machine()}, numpy {np.__version__}). "
                 f"Figure 9.5 runs the book's {cfg.n_runs} runs; the companion code behind "
                 "its reference time runs 1.")
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
