"""Benchmark of chapter 2: discretizing observations and tabular Q-learning on Mountain Car.

Targets (issue 3): a batch of 10^6 observations in well under a second; tabular Q-learning at
>= 10^5 environment steps per second per core where the environment allows it, with the
environment's own step cost as the floor.

    python bench/discretize.py   # prints the table, writes docs/results/bench_discretize.md

Times are wall-clock and CPU (`time.process_time`) seconds, best of `REPEATS`; the machine's
load average at the start is written with the table, since a shared machine inflates them.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from fa_book.discretize import DiscretizeObservation, Grid
from fa_book.discretize_runs import DiscreteQConfig, q_learning_discretized

REPEATS = 3
OUT = Path(__file__).resolve().parents[1] / "docs" / "results" / "bench_discretize.md"


def best_of(fn, repeats: int = REPEATS) -> tuple[float, float, object]:
    """(best wall seconds, CPU seconds of that repeat, last result)."""
    best = (float("inf"), float("inf"), None)
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        w, c = time.perf_counter() - w, time.process_time() - c
        if w < best[0]:
            best = (w, c, out)
    return best


def env_steps(env, n: int, seed: int = 0) -> int:
    actions = np.random.default_rng(seed).integers(3, size=n).tolist()
    env.reset(seed=seed)
    for a in actions:
        _, _, terminated, truncated, _ = env.step(a)
        if terminated or truncated:
            env.reset()
    return n


def main() -> None:
    load = os.getloadavg()
    rows = []

    grid = Grid.for_space(gym.make("MountainCar-v0").observation_space, 12)
    obs = np.random.default_rng(0).uniform(grid.low, grid.high, size=(10**6, 2))
    obs = obs.astype(np.float32)
    w, c, _ = best_of(lambda: grid.index(obs))
    rows.append(("discretize 10^6 float32 observations (12x12 grid, `Grid.index`)",
                 f"{w:.3f} s", f"{c:.3f} s", f"{1e6 / w:.3g} obs/s", "target < 1 s",
                 f"{1.0 / w:.1f}x under"))

    n = 20_000
    for name, make in [
        ("gymnasium `MountainCar-v0` step, unwrapped (the floor)",
         lambda: gym.make("MountainCar-v0").unwrapped),
        ("gymnasium `MountainCar-v0` step, as made (TimeLimit etc.)",
         lambda: gym.make("MountainCar-v0")),
        ("... plus `DiscretizeObservation` (12x12)",
         lambda: DiscretizeObservation(gym.make("MountainCar-v0"), 12)),
    ]:
        env = make()
        w, c, _ = best_of(lambda env=env: env_steps(env, n))
        rows.append((name, f"{1e6 * w / n:.1f} µs/step", f"{1e6 * c / n:.1f} µs/step",
                     f"{n / w:.3g} steps/s", "", ""))

    config = DiscreteQConfig(bins=(12, 12), episodes=10)
    for backend, runs in [("gymnasium", 1), ("numpy", 1), ("numpy", 10), ("numpy", 100),
                          ("numpy", 300)]:
        def run(backend=backend, runs=runs):
            return q_learning_discretized(config, np.random.default_rng(0), runs=runs,
                                          backend=backend).steps.sum()
        w, c, steps = best_of(run, repeats=1 if backend == "gymnasium" else REPEATS)
        rate, cpu_rate = steps / w, steps / c
        rows.append((f"Q-learning, `{backend}` backend, {runs} run(s) x 10 episodes "
                     f"({steps} env steps)", f"{w:.2f} s", f"{c:.2f} s",
                     f"{rate:.3g} steps/s ({cpu_rate:.3g} per CPU-s)", "target 1e5 steps/s",
                     f"{cpu_rate / 1e5:.2f}x"))

    head = ("| what | wall | CPU | rate | target | ratio (CPU rate / target) |\n"
            "|---|---|---|---|---|---|\n")
    table = head + "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n"
    note = (f"\nMeasured by `python bench/discretize.py` on {platform.machine()} "
            f"({os.cpu_count()} cores, shared), Python {platform.python_version()}, "
            f"numpy {np.__version__}, gymnasium {gym.__version__}; load average at start "
            f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min), so wall times "
            f"are inflated; CPU times are the better guide. Best of {REPEATS} (Q-learning "
            "with the gymnasium backend: 1 repeat).\n")
    print(table + note)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(table + note, encoding="utf-8")


if __name__ == "__main__":
    main()
