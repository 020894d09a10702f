"""Figures and tables of chapter 4, "Linear prediction with MC and TD targets":
Sutton & Barto's Figures 9.1, 9.2 (both panels) and 9.5 at full size on the 1000-state
random walk, each with the exact answer from `fa_book.oracles` drawn alongside."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from fa_book._doc import config_table
from fa_book.figures._style import BAND, mean_band, save, t_half, write_table
from fa_book.oracles import projection_weights, rmsve
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


def _fmt(x: float) -> str:
    return f"{x:.4f}"


def _states():
    return np.arange(1, N_STATES + 1)  # the book's numbering on the x axis


def _aggregation_run(cfg, quick: bool, run, color: str, label: str, limit: str,
                     limit_label: str):
    """Run Figure 9.1's or 9.2 (left)'s state-aggregation experiment (a short one with a
    larger step size if `quick`) and start its plot: v_pi, the learned values and the
    exact limit `ex[limit]`.  Returns `(cfg, truth, ex, run's output, fig, ax)`."""
    if quick:
        cfg = dataclasses.replace(cfg, n_episodes=2000, alpha=2e-3)
    truth = walk_truth(N_STATES, MAX_JUMP)
    ex = exact_limits(cfg.n_groups)
    out = run(cfg, N_STATES, MAX_JUMP)
    theta = out[0] if isinstance(out, tuple) else out
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(_states(), truth.v, color="k", lw=1.2, label=r"true value $v_\pi$")
    ax.plot(_states(), ex["X"] @ theta, color=color, lw=2,
            label=f"{label}, {cfg.n_episodes:,} episodes")
    ax.plot(_states(), ex[limit], "--", color="C3", lw=1.2, label=limit_label)
    ax.set_xlabel("state")
    ax.set_ylabel("value")
    ax.set_ylim(-1, 1)
    return cfg, truth, ex, out, fig, ax


def _run_table(cfg, truth, values: np.ndarray, rows: str) -> str:
    """The table under Figure 9.1 or 9.2 (left): the run's error, `rows`, its settings."""
    return ("| quantity | value |\n|---|---|\n"
            f"| $\\sqrt{{\\overline{{VE}}}}$ of this run | {_fmt(rmsve(values, *truth[2:]))} |\n"
            + rows +
            f"| episodes, runs, $\\alpha$, seed | {cfg.n_episodes:,}, 1, {cfg.alpha:g}, "
            f"{cfg.seed} |\n")


# --------------------------------------------------------------------------- Figure 9.1


def figure_prediction_mc(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Figure 9.1: gradient Monte Carlo with state aggregation, next to v_pi, the exact
    gradient-MC limit and the on-policy distribution mu."""
    cfg, truth, ex, (theta, visits), fig, ax = _aggregation_run(
        GradientMCConfig(), quick, run_gradient_mc, "C0", "gradient MC", "v_mc",
        r"exact limit $\Pi v_\pi$ ($\mu$-projection)")
    X = ex["X"]
    ax2 = ax.twinx()
    ax2.fill_between(_states(), visits / visits.sum(), color="0.8", alpha=0.6, step="mid",
                     label=r"visit frequency (this run)")
    ax2.plot(_states(), truth.mu, color="0.4", lw=0.8, label=r"exact $\mu$")
    ax2.set_ylim(0, 2.5 * np.sort(truth.mu)[-2])  # the start state's spike is clipped
    # a visible right spine, ticks inside it and labels in units of 10^-3: a lone outward
    # tick before "0.0040" read like a minus sign
    ax2.spines["right"].set_visible(True)
    ax2.tick_params(axis="y", direction="in")
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{1e3 * y:g}"))
    ax2.set_ylabel(r"distribution $\mu$ ($\times 10^{-3}$)")
    ax2.grid(False)
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper left")
    table = _run_table(cfg, truth, X @ theta, (
        f"| $\\sqrt{{\\overline{{VE}}}}$ of the exact gradient-MC limit | "
        f"{_fmt(rmsve(ex['v_mc'], truth.v, truth.mu))} |\n"
        f"| $\\lVert \\hat v - \\Pi v_\\pi \\rVert_\\mu$ (distance of this run to the limit) | "
        f"{_fmt(rmsve(X @ theta, ex['v_mc'], truth.mu))} |\n"))
    return [save(fig, out_dir, "prediction_mc"), write_table(out_dir, "prediction_mc", table)]


# --------------------------------------------------------------------- Figure 9.2, left


def figure_prediction_td(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Figure 9.2 (left): semi-gradient TD(0) with state aggregation, next to v_pi, the
    exact TD fixed point and the exact gradient-MC limit."""
    cfg, truth, ex, theta, fig, ax = _aggregation_run(
        SemiGradientTDConfig(), quick, run_semi_gradient_td, "C2", "semi-gradient TD(0)",
        "v_td", r"exact TD fixed point $\Phi A^{-1} b$")
    X = ex["X"]
    ax.plot(_states(), ex["v_mc"], ":", color="C0", lw=1.2,
            label=r"exact gradient-MC limit $\Pi v_\pi$")
    ax.legend(fontsize=8, loc="upper left")
    e_td = rmsve(ex["v_td"], truth.v, truth.mu)
    e_mc = rmsve(ex["v_mc"], truth.v, truth.mu)
    table = _run_table(cfg, truth, X @ theta, (
        f"| $\\sqrt{{\\overline{{VE}}}}$ of the exact TD fixed point | {_fmt(e_td)} |\n"
        f"| $\\sqrt{{\\overline{{VE}}}}$ of the exact gradient-MC limit | {_fmt(e_mc)} |\n"
        f"| ratio TD / MC | {e_td / e_mc:.2f} |\n"
        f"| $\\lVert \\hat v - \\Phi\\theta_{{TD}} \\rVert_\\mu$ (distance of this run to the "
        f"fixed point) | {_fmt(rmsve(X @ theta, ex['v_td'], truth.mu))} |\n"))
    return [save(fig, out_dir, "prediction_td"), write_table(out_dir, "prediction_td", table)]


# -------------------------------------------------------------------- Figure 9.2, right


def figure_prediction_nstep(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Figure 9.2 (right): n-step semi-gradient TD, RMS error over the 1000 states
    averaged over the first 10 episodes, against alpha, for n = 1 .. 512."""
    cfg = NStepSweepConfig()
    if quick:
        cfg = dataclasses.replace(cfg, ns=(1, 4), alphas=(0.0, 0.4), n_runs=3)
    truth = walk_truth(N_STATES, MAX_JUMP)
    errors = run_n_step_sweep(cfg, N_STATES, MAX_JUMP)  # (ns, alphas, runs)
    X = aggregation_features(cfg.n_groups)
    uniform = np.full(N_STATES, 1.0 / N_STATES)
    floor = rmsve(X @ projection_weights(X, truth.v, uniform), truth.v, uniform)
    at_zero = rmsve(np.zeros(N_STATES), truth.v, uniform)
    fig, ax = plt.subplots(figsize=(7.5, 4))
    # neighbouring n get clearly different colours (tab10), markers and line styles
    colors = plt.get_cmap("tab10").colors
    markers = "osD^vP*Xph"
    for i, n in enumerate(cfg.ns):
        mean, lo, hi = mean_band(errors[i], axis=1)
        color = colors[i % len(colors)]
        ax.plot(cfg.alphas, mean, color=color, ls=("-", "--")[i % 2],
                marker=markers[i % len(markers)], ms=4, label=f"n={n}")
        ax.fill_between(cfg.alphas, lo, hi, color=color, alpha=0.2)
    ax.axhline(at_zero, ls=":", color="k", lw=1, label=r"exact: error of $\hat v = 0$")
    ax.text(0.5, 0.255, f"exact floor (best 20-group fit): {floor:.3f}, below the axis",
            ha="center", fontsize=8, color="C3")
    ax.set_xlabel(r"step size $\alpha$")
    ax.set_ylabel("RMS error over 1000 states,\naveraged over the first 10 episodes")
    ax.set_ylim(0.25, 0.6)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    mean = errors.mean(-1)
    i, j = np.unravel_index(np.argmin(mean), mean.shape)
    half = t_half(errors, axis=-1)
    table = (
        "| quantity | value |\n|---|---|\n"
        f"| best (n, $\\alpha$) | ({cfg.ns[i]}, {cfg.alphas[j]:g}) |\n"
        f"| its error (mean ± {BAND}, {cfg.n_runs} runs) | "
        f"{_fmt(mean[i, j])} ± {half[i, j]:.4f} |\n"
        f"| exact floor: best 20-group fit, uniform weights | {_fmt(floor)} |\n"
        f"| exact error of $\\hat v = 0$ (every $\\alpha = 0$ cell) | {_fmt(at_zero)} |\n"
        f"| largest deviation of the $\\alpha = 0$ cells from it | "
        f"{np.abs(errors[:, list(cfg.alphas).index(0.0)] - at_zero).max():.1e} |\n"
        f"| runs per (n, $\\alpha$), episodes, seed | {cfg.n_runs}, {cfg.n_episodes}, "
        f"{cfg.seed} |\n")
    return [save(fig, out_dir, "prediction_nstep"),
            write_table(out_dir, "prediction_nstep", table)]


# --------------------------------------------------------------------------- Figure 9.5


def figure_prediction_bases(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Figure 9.5: gradient MC with polynomial and Fourier bases of order 5, 10, 20;
    sqrt(VE) after each episode, mean over runs with a 95% band, and each basis's exact
    asymptote (the mu-projection of v_pi onto its span)."""
    cfg = BasisSweepConfig()
    if quick:
        cfg = dataclasses.replace(cfg, orders=(5,), n_episodes=30, n_runs=2)
    truth = walk_truth(N_STATES, MAX_JUMP)
    rmsve_curves, rmse_curves = run_basis_sweep(cfg, N_STATES, MAX_JUMP)
    fig, ax = plt.subplots(figsize=(7, 4))
    episodes = np.arange(1, cfg.n_episodes + 1)
    rows = ["| basis | order | $\\sqrt{\\overline{VE}}$ after the last episode "
            f"(mean ± {BAND}) | exact asymptote $\\lVert \\Pi v_\\pi - v_\\pi \\rVert_\\mu$ | "
            "unweighted RMS error (companion code's axis) |", "|---|---|---|---|---|"]
    for b, kind in enumerate(("polynomial", "fourier")):
        for o, order in enumerate(cfg.orders):
            X = basis_features(kind, order, N_STATES)
            limit = rmsve(X @ projection_weights(X, truth.v, truth.mu), truth.v, truth.mu)
            mean, lo, hi = mean_band(rmsve_curves[b, o], axis=0)
            color = ("C0", "C1", "C2")[o % 3] if b == 0 else ("C3", "C4", "C5")[o % 3]
            ls = "-" if b == 0 else "-."
            ax.plot(episodes, mean, ls, color=color, lw=1.2, label=f"{kind} order {order}")
            ax.fill_between(episodes, lo, hi, color=color, alpha=0.2)
            ax.axhline(limit, color=color, ls=":", lw=1)
            last = rmsve_curves[b, o, :, -1]
            rows.append(f"| {kind} | {order} | {_fmt(last.mean())} ± {t_half(last):.4f} | "
                        f"{_fmt(limit)} | {_fmt(rmse_curves[b, o, :, -1].mean())} |")
    ax.set_xlabel("episodes")
    ax.set_ylabel(r"$\sqrt{\overline{VE}}$, mean over runs (log scale)")
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 0.6)
    # outside the axes: inside, it covered the dotted asymptotes
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              title="dotted: each basis's\nexact asymptote", title_fontsize=7)
    rows.append(f"\nRuns per basis: {cfg.n_runs}; episodes: {cfg.n_episodes:,}; "
                f"seed {cfg.seed}.\n")
    return [save(fig, out_dir, "prediction_bases"),
            write_table(out_dir, "prediction_bases", "\n".join(rows))]


# ------------------------------------------------------------------------------ tables


def table_prediction_exact(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The exact answers for the 1000-state random walk with state aggregation."""
    truth = walk_truth(N_STATES, MAX_JUMP)
    rows = ["| groups | $\\sqrt{\\overline{VE}}$ of the gradient-MC limit $\\Pi v_\\pi$ | "
            "$\\sqrt{\\overline{VE}}$ of the TD fixed point | ratio TD / MC |",
            "|---|---|---|---|"]
    for n_groups in (5, 10, 20, 50) if not quick else (10,):
        ex = exact_limits(n_groups)
        e_mc = rmsve(ex["v_mc"], truth.v, truth.mu)
        e_td = rmsve(ex["v_td"], truth.v, truth.mu)
        rows.append(f"| {n_groups} | {_fmt(e_mc)} | {_fmt(e_td)} | {e_td / e_mc:.2f} |")
    return [write_table(out_dir, "prediction_exact", "\n".join(rows) + "\n")]


def table_prediction_configs(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The settings of the four figures, rendered from their frozen dataclasses."""
    parts = []
    for title, cfg in (("Figure 9.1", GradientMCConfig), ("Figure 9.2, left",
                                                          SemiGradientTDConfig),
                       ("Figure 9.2, right", NStepSweepConfig), ("Figure 9.5",
                                                                 BasisSweepConfig)):
        parts.append(f"**{title}** (`{cfg.__name__}`)\n\n{config_table(cfg)}")
    return [write_table(out_dir, "prediction_configs", "\n".join(parts))]
