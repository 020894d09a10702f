"""Figures and tables of chapter 10, REINFORCE.

Every number comes from [`fa_book.reinforce`][fa_book.reinforce] and
[`fa_book.reinforce_runs`][fa_book.reinforce_runs] (the full-size settings
`FIG_13_1`, `FIG_13_2`, `CARTPOLE_CURVES` and the runs); seeds and sizes are fixed there
and here, and stated in the page captions.  The optimal start value $v_*(s_0)$ of the short
corridor is computed by the exact oracle, not typed in.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fa_book._doc import config_table
from fa_book.figures._style import BAND, mean_band, save, t_half, write_table
from fa_book.reinforce import optimal_corridor_policy
from fa_book.reinforce_runs import (
    CARTPOLE_SEEDS,
    FIG_13_1,
    FIG_13_2,
    CartPoleConfig,
    CorridorConfig,
    cartpole_curves,
    corridor_reinforce,
)

__all__ = [
    "figure_reinforce_cartpole",
    "figure_reinforce_fig13_1",
    "figure_reinforce_fig13_2",
    "table_reinforce_config",
    "table_reinforce_corridor",
]

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
    100 trials x 1000 episodes, seed 0, band = 95% Student-t interval of the mean."""
    return _corridor_figure(out_dir, "reinforce_fig13_1", _quick(FIG_13_1, quick), 0,
                            "REINFORCE on the short corridor (Fig. 13.1)")


def figure_reinforce_fig13_2(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Sutton & Barto Figure 13.2: with and without a learned baseline (moving inside the
    episode as in the book's box), and the baseline frozen within each episode; 100 trials
    x 1000 episodes, seed 1, band = 95% Student-t interval of the mean."""
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
    rows = [f"| setting | mean return, last {last} episodes (± {BAND}, {n_trials} trials)"
            f" | mean π(right) at the last episode | trials ending at a floor "
            f"(π(right) = min_prob or 1 - min_prob) |", "|---|---|---|---|"]
    for label, run in zip(configs, runs, strict=True):
        per_trial = run.returns[:, -last:].mean(1)
        floor, p_end = run.config.min_prob, run.p_right[:, -1]
        at_floor = int(np.sum(np.isclose(p_end, floor) | np.isclose(p_end, 1 - floor)))
        rows.append(f"| {label} | {per_trial.mean():.2f} ± {t_half(per_trial):.2f} | "
                    f"{p_end.mean():.3f} | {at_floor} of {n_trials} |")
    rows.append(f"| exact optimum (oracle) | $v_*(s_0)$ = {v_star:.3f} | $p_*$ = {p_star:.4f} "
                "| — |")
    return [write_table(out_dir, "reinforce_corridor", "\n".join(rows) + "\n")]


def table_reinforce_config(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The hyperparameter tables of the two REINFORCE configurations."""
    return [write_table(out_dir, "reinforce_config_cartpole", config_table(CartPoleConfig())),
            write_table(out_dir, "reinforce_config_corridor", config_table(CorridorConfig()))]


def figure_reinforce_cartpole(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """CartPole-v1 learning curves over seeds 0-4: training return (left) and the greedy
    policy's mean return at each check, on fresh reset seeds (right), band = 95% Student-t
    interval; and the table `reinforce_cartpole` of the final policies on the held-out
    reset seeds."""
    runs = cartpole_curves(quick)
    n_eval = CartPoleConfig().eval_episodes
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
    axes[1].set_title(f"greedy policy, {n_eval} fresh episodes per check")
    axes[1].legend(loc="lower right", fontsize=8)
    return [save(fig, out_dir, "reinforce_cartpole"),
            write_table(out_dir, "reinforce_cartpole", _cartpole_table(runs))]


def _cartpole_table(runs: dict) -> str:
    any_run = next(iter(runs.values()))
    n_seeds, n_held = len(any_run), len(any_run[0].heldout_returns)
    n_episodes = len(any_run[0].train_returns)
    target = CartPoleConfig().target
    rows = [f"| setting | held-out greedy mean of the final policy ({n_held} episodes; mean "
            f"± {BAND} over {n_seeds} seeds) | seeds with a held-out mean >= {target:g} | "
            f"first check >= {target:g}: median episodes |", "|---|---|---|---|"]
    for label, rs in runs.items():
        held = np.array([r.heldout_mean for r in rs])
        first = [r.solved_at if r.solved_at is not None else np.inf for r in rs]
        med = np.median(first)
        shown = f"{med:g}" if np.isfinite(med) else f"not in {n_episodes}"
        rows.append(f"| {label} | {held.mean():.1f} ± {t_half(held):.1f} | "
                    f"{int((held >= target).sum())} of {n_seeds} | {shown} |")
    return (f"After {n_episodes} training episodes (no early stop), seeds "
            f"{', '.join(str(s) for s in CARTPOLE_SEEDS[:n_seeds])}; the held-out reset "
            "seeds are `HELDOUT_SEEDS`.\n\n" + "\n".join(rows) + "\n")
