"""Figures and tables of chapter 10, REINFORCE.

Every number comes from [`fa_book.reinforce`][fa_book.reinforce]; seeds and sizes are fixed
here and stated in the page captions.  The optimal start value $v_*(s_0)$ of the short
corridor is computed by the exact oracle, not typed in.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from fa_book._doc import config_table
from fa_book.figures._style import mean_band, save, write_table
from fa_book.reinforce import (
    CartPoleConfig,
    CorridorConfig,
    corridor_reinforce,
    optimal_corridor_policy,
    reinforce_cartpole,
)

__all__ = [
    "FIG_13_1",
    "FIG_13_2",
    "cartpole_runs",
    "figure_reinforce_cartpole",
    "figure_reinforce_fig13_1",
    "figure_reinforce_fig13_2",
    "table_reinforce_config",
    "table_reinforce_corridor",
]

FIG_13_1 = {f"$\\alpha = 2^{{-{k}}}$": CorridorConfig(alpha_theta=2.0**-k) for k in (12, 13, 14)}
"""Figure 13.1: REINFORCE without baseline, three step sizes (seed 0)."""
FIG_13_2 = {
    "REINFORCE, $\\alpha = 2^{-13}$": CorridorConfig(alpha_theta=2.0**-13),
    "with baseline, $\\alpha^\\theta = 2^{-9}$, $\\alpha^w = 2^{-6}$":
        CorridorConfig(alpha_theta=2.0**-9, alpha_w=2.0**-6),
}
"""Figure 13.2: with and without a baseline (seed 1)."""
CARTPOLE = {
    "normalized returns (baseline + scale)": CartPoleConfig(stop_when_solved=False),
    "raw returns (no baseline)": CartPoleConfig(baseline="none", stop_when_solved=False),
    "learned baseline $\\hat v(s, \\mathbf{w})$": CartPoleConfig(baseline="value",
                                                            stop_when_solved=False),
}
"""The CartPole learning curves: the benchmark's settings, without a baseline, and with the
learned state-value baseline of the §13.4 box."""
CARTPOLE_SEEDS = tuple(range(5))


def _quick(configs: dict, quick: bool) -> dict:
    if not quick:
        return configs
    return {k: replace(c, n_trials=4, n_episodes=30) for k, c in configs.items()}


def _corridor_figure(out_dir: Path, name: str, configs: dict, seed: int, title: str):
    runs = corridor_reinforce(list(configs.values()), np.random.default_rng(seed))
    p_star, v_star = optimal_corridor_policy()
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    n_episodes = runs[0].returns.shape[1]
    episodes = np.arange(1, n_episodes + 1)
    for label, run in zip(configs, runs, strict=True):
        mean, lo, hi = mean_band(run.returns)
        (line,) = ax.plot(episodes, mean, lw=1.0, label=label)
        ax.fill_between(episodes, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    ax.axhline(v_star, ls="--", color="k", lw=1,
               label=f"$v_*(s_0)$ = {v_star:.2f} (exact, $p_*$ = {p_star:.3f})")
    ax.set_ylim(-90, -5)
    ax.set_xlabel("episode")
    ax.set_ylabel(f"total reward on episode\n(mean of {runs[0].returns.shape[0]} trials)")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return [save(fig, out_dir, name)]


def figure_reinforce_fig13_1(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Sutton & Barto Figure 13.1: REINFORCE on the short corridor, three step sizes,
    100 trials x 1000 episodes, seed 0, band = 95% normal interval of the mean."""
    return _corridor_figure(out_dir, "reinforce_fig13_1", _quick(FIG_13_1, quick), 0,
                            "REINFORCE on the short corridor (Fig. 13.1)")


def figure_reinforce_fig13_2(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Sutton & Barto Figure 13.2: with and without a learned baseline, 100 trials x 1000
    episodes, seed 1, band = 95% normal interval of the mean."""
    return _corridor_figure(out_dir, "reinforce_fig13_2", _quick(FIG_13_2, quick), 1,
                            "REINFORCE with baseline on the short corridor (Fig. 13.2)")


def table_reinforce_corridor(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Last-100-episode statistics of every short-corridor configuration (seed 2, a fresh
    run), beside the exact optimum."""
    configs = _quick({**FIG_13_1, **{k: v for k, v in FIG_13_2.items() if v.alpha_w}}, quick)
    runs = corridor_reinforce(list(configs.values()), np.random.default_rng(2))
    p_star, v_star = optimal_corridor_policy()
    n_trials = runs[0].returns.shape[0]
    last = min(100, runs[0].returns.shape[1])
    rows = [f"| setting | mean return, last {last} episodes (± 1.96 SE over {n_trials} trials)"
            f" | mean π(right) at the last episode |", "|---|---|---|"]
    for label, run in zip(configs, runs, strict=True):
        per_trial = run.returns[:, -last:].mean(1)
        se = per_trial.std(ddof=1) / np.sqrt(n_trials)
        rows.append(f"| {label} | {per_trial.mean():.2f} ± {1.96 * se:.2f} | "
                    f"{run.p_right[:, -1].mean():.3f} |")
    rows.append(f"| exact optimum (oracle) | $v_*(s_0)$ = {v_star:.3f} | $p_*$ = {p_star:.4f} |")
    return [write_table(out_dir, "reinforce_corridor", "\n".join(rows) + "\n")]


def table_reinforce_config(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The hyperparameter tables of the two REINFORCE configurations."""
    return [write_table(out_dir, "reinforce_config_cartpole", config_table(CartPoleConfig())),
            write_table(out_dir, "reinforce_config_corridor", config_table(CorridorConfig()))]


def cartpole_runs(quick: bool = False) -> dict:
    """Every CartPole run of the learning-curve figure: `{label: [CartPoleRun per seed]}`."""
    out = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny networks: extra threads only spin (and burn CPU)
    try:
        for label, cfg in CARTPOLE.items():
            if quick:
                cfg = replace(cfg, max_episodes=10, eval_every=5)
            seeds = CARTPOLE_SEEDS[:2] if quick else CARTPOLE_SEEDS
            out[label] = [reinforce_cartpole(cfg, seed) for seed in seeds]
    finally:
        torch.set_num_threads(threads)
    return out


def figure_reinforce_cartpole(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """CartPole-v1 learning curves over seeds 0-4: training return (left) and the greedy
    policy's mean return over 5 evaluation episodes (right), band = 95% interval."""
    runs = cartpole_runs(quick)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for label, rs in runs.items():
        train = np.array([r.train_returns for r in rs])
        episodes = np.arange(1, train.shape[1] + 1)
        mean, lo, hi = mean_band(train)
        lo, hi = np.clip(lo, 0, 500), np.clip(hi, 0, 500)  # the possible range of a return
        (line,) = axes[0].plot(episodes, mean, lw=1, label=label)
        axes[0].fill_between(episodes, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
        ev = np.array([r.eval_returns for r in rs])
        mean, lo, hi = mean_band(ev)
        lo, hi = np.clip(lo, 0, 500), np.clip(hi, 0, 500)
        axes[1].plot(rs[0].eval_at, mean, lw=1, color=line.get_color(), label=label)
        axes[1].fill_between(rs[0].eval_at, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    target = CartPoleConfig().target
    for ax in axes:
        ax.axhline(target, ls="--", color="k", lw=1, label=f"target {target:g}")
        ax.set_xlabel("training episode")
    axes[0].set_ylabel(f"return (mean of {len(CARTPOLE_SEEDS)} seeds)")
    axes[0].set_title("training episodes (stochastic policy)")
    axes[1].set_title("greedy policy, 5 evaluation episodes")
    axes[1].legend(loc="lower right", fontsize=8)
    return [save(fig, out_dir, "reinforce_cartpole")]
