"""Figures and tables of chapter 2, discretization and bucketing.

`python -m fa_book.figures discretize` regenerates them (`--quick` for a cut-down check).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullFormatter, ScalarFormatter

from fa_book._doc import config_table
from fa_book.discretize import cells_visited_fraction, n_cells
from fa_book.discretize_runs import (
    DiscreteQConfig,
)
from fa_book.discretize_studies import (
    BucketConfig,
    LearningConfig,
    MarkovConfig,
    ResolutionConfig,
    StaircaseConfig,
    bucket_study,
    cell_kinds,
    greedy_episode,
    learning_study,
    markov_study,
    moving_average,
    resolution_cell,
    resolution_study,
    staircase_study,
)
from fa_book.figures import split
from fa_book.figures._style import BAND, mean_band, save, write_table

# ---------------------------------------------------------------------------- config

def table_discretize_config(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The hyperparameters of tabular Q-learning on the discretized Mountain Car."""
    return [write_table(out_dir, "discretize_config", config_table(DiscreteQConfig()))]


# ---------------------------------------------------------------------------- staircase

def figure_discretize_staircase(out_dir: Path, *, quick: bool = False) -> list[Path]:
    r"""The notes' picture: a straight-line value function as a staircase of buckets, and
    the error against the number of buckets, exact and learned from N noisy samples."""
    config = StaircaseConfig.quick() if quick else StaircaseConfig()
    ks, Ns, reps, sigma = config.bins, config.n_samples, config.reps, config.sigma
    exact, learned, line, (s, v), fits, (b, a) = staircase_study(config)

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4.2))
    ends = np.array([0.0, config.length])
    ax0.plot(s, v, ".", color="0.6", ms=4, label=f"100 noisy samples ($\\sigma={sigma}$)")
    ax0.plot(ends, config.slope * ends + config.intercept, "k-", lw=1,
             label="true $v(s) = s$")
    for (k, (edges, w)), c in zip(fits.items(), ["C0", "C1"], strict=True):
        ax0.step(edges, np.append(w, w[-1]), where="post", color=c, label=f"{k} buckets")
    ax0.plot(ends, b * ends + a, "C3--", label="line, 2 parameters")
    ax0.set(xlabel="state $s$", ylabel="value", title="buckets vs a two-parameter line")
    ax0.legend(fontsize=8)
    ax1.loglog(ks, exact, "k-", label=r"exact $v$, best buckets: $|b|w/\sqrt{12}$")
    for j, N in enumerate(Ns):
        m, lo, hi = mean_band(learned[N], axis=1)
        ax1.loglog(ks, m, "o-", color=f"C{j}", ms=3, label=f"buckets from N={N} samples")
        ax1.fill_between(ks, lo, hi, color=f"C{j}", alpha=0.25)
        ax1.axhline(line[N].mean(), color=f"C{j}", ls="--", lw=1,
                    label=f"line from N={N}")
    ax1.set(xlabel="number of buckets $k$", ylabel="RMS error over $[0, 1]$",
            title=f"error vs buckets ({reps} repetitions, 95% band)")
    ax1.legend(fontsize=7)
    paths = [save(fig, out_dir, "discretize_staircase")]

    rows = ["| buckets $k$ | exact RMS $\\lvert b\\rvert w/\\sqrt{12}$ | "
            + " | ".join(f"learned, N={N}" for N in Ns) + " |",
            "|---|---|" + "---|" * len(Ns)]
    for i, k in enumerate(ks):
        rows.append(f"| {k} | {exact[i]:.4f} | "
                    + " | ".join(f"{learned[N][i].mean():.4f}" for N in Ns) + " |")
    rows.append("| line (2 parameters) | 0 | "
                + " | ".join(f"{line[N].mean():.4f}" for N in Ns) + " |")
    note = (f"\nTrue value $v(s) = s$ on $[0, 1]$, targets with Gaussian noise "
            f"$\\sigma = {sigma}$, uniform sample states; RMS error against $v$ over $[0,1]$, "
            f"mean of {reps} repetitions (seed 0). An empty bucket predicts 0.\n")
    paths.append(write_table(out_dir, "discretize_staircase", "\n".join(rows) + "\n" + note))
    return paths


# ---------------------------------------------------------------------------- curse

def figure_discretize_curse(out_dir: Path, *, quick: bool = False) -> list[Path]:
    r"""$|\bar{\mathcal S}| = k^n$, and the fraction of cells a fixed budget of samples hits."""
    ns = np.arange(1, 13)
    ks = [5, 10, 20]
    budgets = [10**4, 10**6, 10**8]
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4))
    n_long = np.arange(1, 201)
    for j, k in enumerate(ks):
        ax0.semilogy(n_long, [float(n_cells(k, int(n))) for n in n_long], "-",
                     color=f"C{j}", label=f"$k={k}$ bins per dimension")
    ax0.axhline(1e170, color="0.5", ls=":", lw=1, label="$10^{170}$ (Go positions)")
    ax0.set(xlabel="state dimensions $n$", ylabel="cells $k^n$",
            title="the curse of dimensionality")
    ax0.legend(fontsize=8)
    for j, N in enumerate(budgets):
        ax1.plot(ns, [cells_visited_fraction(n_cells(10, int(n)), N) for n in ns], "o-",
                 color=f"C{j}", ms=3, label=f"$N=10^{{{int(math.log10(N))}}}$ samples")
    ax1.set(xlabel="state dimensions $n$ ($k = 10$)",
            ylabel="expected fraction of cells visited",
            title="uniform samples, $1-(1-k^{-n})^N$")
    ax1.legend(fontsize=8)
    paths = [save(fig, out_dir, "discretize_curse")]
    head = "| $n$ | " + " | ".join(f"$k={k}$: $k^n$" for k in ks) + " | " + " | ".join(
        f"visited, $k=10$, $N=10^{{{int(math.log10(N))}}}$" for N in budgets) + " |"
    rows = [head, "|---|" + "---|" * (len(ks) + len(budgets))]
    for n in [1, 2, 3, 4, 6, 8, 10, 12]:
        cells = [f"{n_cells(k, n):.3g}" for k in ks]
        frac = [f"{cells_visited_fraction(n_cells(10, n), N):.3g}" for N in budgets]
        rows.append(f"| {n} | " + " | ".join(cells + frac) + " |")
    paths.append(write_table(out_dir, "discretize_curse", "\n".join(rows) + "\n"))
    return paths


# ---------------------------------------------------------------------------- buckets

def figure_discretize_buckets(out_dir: Path, *, quick: bool = False) -> list[Path]:
    r"""Bucketing a 900-state grid world by prior knowledge: square blocks of $(x, y)$,
    k-means on $(x, y)$, and k-means on a better prior feature, the distance to the goal.
    Error of the best one-value-per-bucket fit (the $\mu$-weighted projection) vs buckets."""
    config = BucketConfig.quick() if quick else BucketConfig()
    n = config.n
    res, v, mu, example = bucket_study(config)

    # two figures of about 11 x 4.2 inches, so that the text stays legible when the page
    # scales them to its width (~700 px)
    with plt.rc_context({"font.size": 12}):
        fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
        im = ax0.imshow(v.reshape(n, n).T, origin="lower", cmap="viridis")
        ax0.set(title="$v_\\pi$: drift to the goal (top right)", xlabel="x", ylabel="y")
        ax1.imshow(example.reshape(n, n).T, origin="lower", cmap="viridis",
                   vmin=v.min(), vmax=v.max())
        ax1.set(title=f"{config.example_k} buckets from k-means on (x, y)", xlabel="x",
                ylabel="y")
        fig.colorbar(im, ax=[ax0, ax1], shrink=0.9, label="value (same scale)")
        paths = [save(fig, out_dir, "discretize_buckets")]

        fig, ax2 = plt.subplots(figsize=(11, 4.2), layout="constrained")
        for j, (name, pts) in enumerate(res.items()):
            d, e = np.array(pts).T
            order = np.argsort(d)
            ax2.loglog(d[order], e[order], "o-", color=f"C{j}", ms=4, label=name)
        ticks = []
        for d in sorted({d for pts in res.values() for d, _ in pts}):
            if not ticks or d > 1.1 * ticks[-1]:      # 59 and 60 would overprint
                ticks.append(int(d))
        ax2.set_xticks(ticks)
        lo_e = min(e for pts in res.values() for _, e in pts)
        hi_e = max(e for pts in res.values() for _, e in pts)
        ax2.set_yticks([y for y in [0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5]
                        if lo_e / 1.2 <= y <= hi_e * 1.2])
        for axis in (ax2.xaxis, ax2.yaxis):          # plain numbers, not 10^x, on log axes
            axis.set_major_formatter(ScalarFormatter())
            axis.set_minor_formatter(NullFormatter())
        ax2.set_xlabel("number of buckets $d$ (log scale)", labelpad=6)
        ax2.set_ylabel("$\\mu$-weighted RMS error (log scale)", labelpad=8)
        ax2.set_title("best fit, one value per bucket (AGG)")
        ax2.grid(True, which="major", color="0.9")
        ax2.legend()
        paths.append(save(fig, out_dir, "discretize_buckets_error"))
    rows = ["| bucketing | buckets $d$ | $\\mu$-weighted RMS error |", "|---|---|---|"]
    for name, pts in res.items():
        for d, e in sorted(set(pts)):
            rows.append(f"| {name} | {d} | {e:.4f} |")
    note = (f"\n{n}x{n} grid world, policy drifting to the goal corner (up/right 0.4 each, "
            f"down/left 0.1 each), reward -1 per step, $\\gamma = {config.gamma}$; exact "
            "$v_\\pi$ and on-policy $\\mu$ from "
            f"`fa_book.oracles`; k-means seeded with `default_rng({config.seed})`.\n")
    paths.append(write_table(out_dir, "discretize_buckets", "\n".join(rows) + "\n" + note))
    return paths


# ---------------------------------------------------------------------------- Q-learning

def _band(ax, x, runs_by_episode, color, label):
    m, lo, hi = mean_band(runs_by_episode)
    ax.plot(x, m, color=color, label=label)
    ax.fill_between(x, lo, hi, color=color, alpha=0.25)


def figure_discretize_learning(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Tabular Q-learning on the discretized Mountain Car: learning curves for three grid
    resolutions (mean and 95% band over runs), and the learned cost-to-go of one run with
    a greedy episode played in the real gymnasium environment."""
    config = LearningConfig.quick() if quick else LearningConfig()
    runs, episodes = config.runs, config.episodes
    window = 2 if quick else 20
    results = learning_study(config)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for j, (k, res) in enumerate(results.items()):
        _band(ax, np.arange(window, episodes + 1), moving_average(res.steps, window),
              f"C{j}", f"{k}x{k} grid ({k * k} cells)")
    ax.set(xlabel="episode", ylabel=f"steps per episode ({window}-episode average)",
           title=f"Q-learning, discretized MountainCar-v0 ({runs} runs, 95% band)",
           yscale="log")
    ax.legend(fontsize=8)
    paths = [save(fig, out_dir, "discretize_learning")]

    # cost-to-go of run 0 of the 12 x 12 grid, and one greedy episode in gymnasium
    res = results[12]
    grid, Q = res.grid, res.Q[0]
    cost = -Q.max(axis=1).reshape(grid.bins)
    raw = greedy_episode(Q, grid, seed=0, max_steps=DiscreteQConfig().max_episode_steps)
    never, partly = (m.reshape(grid.bins) for m in cell_kinds(Q, DiscreteQConfig().q_init))
    fig, ax = plt.subplots(figsize=(7, 4.8))
    (xe, ve) = grid.edges
    im = ax.pcolormesh(xe, ve, cost.T, cmap="magma_r", shading="flat")
    fig.colorbar(im, ax=ax, label=r"$-\max_a Q(\bar s, a)$ (steps to go)")
    for mask, hatch, name in [(never, "xx", "never visited: every $Q$ still $0$"),
                              (partly, "..", "some action never tried: max $Q$ still $0$")]:
        n_mask = int(mask.sum())
        for n_hit, (i, j) in enumerate(zip(*np.nonzero(mask), strict=True)):
            ax.add_patch(Rectangle((xe[i], ve[j]), xe[i + 1] - xe[i], ve[j + 1] - ve[j],
                                   fill=False, hatch=hatch, edgecolor="0.35", lw=0,
                                   label=f"{name} ({n_mask} cell{'s' * (n_mask != 1)})"
                                   if n_hit == 0 else None))
    ax.plot(raw[:, 0], raw[:, 1], "c.-", ms=2, lw=0.8,
            label=f"greedy episode, gymnasium, seed 0 ({len(raw) - 1} steps)")
    ax.set(xlabel="position $x$", ylabel="velocity $\\dot x$",
           title="learned cost-to-go on the 12x12 grid (run 0)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1,
              framealpha=1)
    paths.append(save(fig, out_dir, "discretize_value"))
    return paths


def _resolution_config(quick: bool) -> ResolutionConfig:
    return ResolutionConfig.quick() if quick else ResolutionConfig()


def _resolution_cells(quick: bool) -> tuple[int, ...]:
    return _resolution_config(quick).bins


def _resolution_cell(k: int, quick: bool):
    return resolution_cell(_resolution_config(quick), k)


@split(_resolution_cells, _resolution_cell)  # one cell per grid: they run in parallel
def table_discretize_resolution(out_dir: Path, cells, *, quick: bool = False) -> list[Path]:
    """The grid-resolution study: final performance (mean steps over the last 100
    episodes) and total steps, per number of bins per dimension."""
    config = _resolution_config(quick)
    ks, runs, episodes, last = config.bins, config.runs, config.episodes, config.last
    finals, means, reached, limit = resolution_study(config, cells)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    bands = []
    for j, (arr, name) in enumerate([(finals, f"last {last} episodes"),
                                     (means, f"all {episodes} episodes")]):
        m, lo, hi = mean_band(arr, axis=1)
        bands.append((m, hi - m))
        ax.errorbar(ks, m, yerr=hi - m, fmt="o-", color=f"C{j}", capsize=3,
                    label=f"mean steps per episode, {name}")
    ax.set(xscale="log", xlabel="bins per dimension $k$ ($k^2$ cells)",
           ylabel=f"steps per episode (limit {limit})",
           title=f"grid resolution, Q-learning on MountainCar ({runs} runs, 95% CI)")
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.minorticks_off()
    ax.legend(fontsize=8)
    paths = [save(fig, out_dir, "discretize_resolution")]
    rows = ["| bins $k$ | cells $k^2$ | steps/episode, last "
            f"{last} (mean ± {BAND}) | steps/episode, all {episodes} | runs reaching the "
            f"goal in every one of the last {last} |", "|---|---|---|---|---|"]
    (m_final, half), (m_all, _) = bands
    for i, k in enumerate(ks):
        rows.append(f"| {k} | {k * k} | {m_final[i]:.0f} ± {half[i]:.0f} | "
                    f"{m_all[i]:.0f} | {reached[i]} of {runs} |")
    note = (f"\nMountainCar-v0 with a {limit}-step limit; hyperparameters as in the table "
            f"above except `bins` and `episodes={episodes}`; {runs} runs per row, seeds "
            f"`default_rng({config.seed} + k)`.\n")
    paths.append(write_table(out_dir, "discretize_resolution", "\n".join(rows) + "\n" + note))
    return paths


# ---------------------------------------------------------------------------- not Markov

def table_discretize_markov(out_dir: Path, *, quick: bool = False) -> list[Path]:
    r"""The discretized Mountain Car is not Markov: on a 4 x 4 grid under the fixed policy
    "push with the velocity", the chance of staying in a cell depends on the cell the car
    came from. With a control: the same estimate from an independent second data set."""
    config = MarkovConfig.quick() if quick else MarkovConfig()
    grid, table = markov_study(config)
    lo, hi = grid.bounds(np.arange(grid.d))
    arrow = {0: "left", 1: "none", 2: "right"}
    rows = ["| cell $(i_x, i_{\\dot x})$: $x$, $\\dot x$ | push | came from | "
            "$P(\\text{stay} \\mid \\text{came from})$ (samples) | "
            "from the same cell (samples) | difference in SE | "
            "control: same cell, 2nd data set, in SE |",
            "|---|---|---|---|---|---|---|"]
    for r in table:
        s = r.s
        ix, iv = grid.unravel(s)
        jx, jv = grid.unravel(r.came_from)
        rows.append(
            f"| $({ix}, {iv})$: $[{lo[s, 0]:.2f}, {hi[s, 0]:.2f})$, "
            f"$[{lo[s, 1]:.3f}, {hi[s, 1]:.3f})$ | {arrow[r.a]} | $({jx}, {jv})$ | "
            f"{r.p_other:.3f} ({r.n_other}) | {r.p_same:.3f} ({r.n_same}) | "
            f"{r.z:+.1f} | {r.z_control:+.1f} |")
    cars, steps, min_n = config.cars, config.steps, config.min_n
    seed, seed2 = config.seeds
    note = (f"\nMountain Car dynamics (`MountainCarBatch`, identical to gymnasium's), "
            f"{cars} cars x {steps} steps, starts and actions from `default_rng({seed})` "
            f"(second data set for the control: `default_rng({seed2})`); a car that reaches "
            f"the flag starts a new episode. {config.bins} x {config.bins} uniform grid over "
            f"the observation box, "
            f"cells $(i_x, i_{{\\dot x}})$ counted from the bottom left; fixed policy: "
            f"push right in the upper half of the velocities, left in the lower half. "
            f"\"came from\" is the most frequent other cell before the current one; only "
            f"cells where every estimate has at least {min_n} samples are listed. "
            f"SE: pooled standard error of a difference of two rates.\n")
    return [write_table(out_dir, "discretize_markov", "\n".join(rows) + "\n" + note)]
