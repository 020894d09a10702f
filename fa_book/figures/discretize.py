"""Figures and tables of chapter 2, discretization and bucketing.

`python -m fa_book.figures discretize` regenerates them (`--quick` for a cut-down check).
"""

from __future__ import annotations

import math
from pathlib import Path

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullFormatter, ScalarFormatter

from fa_book._doc import config_table
from fa_book.discretize import (
    DiscreteQConfig,
    DiscretizeObservation,
    Grid,
    MountainCarBatch,
    aggregate_by_clustering,
    aggregate_by_key,
    aggregated_values,
    bucket_fit,
    cell_transition_counts,
    cells_visited_fraction,
    n_cells,
    push_with_velocity,
    q_learning_discretized,
    staircase_rms,
)
from fa_book.figures._style import write_table
from fa_book.oracles import FiniteMDP, on_policy_distribution, v_pi

Z95 = 1.96
"""Normal quantile for the 95% bands (mean +- 1.96 standard errors over runs)."""


def _save(fig, out_dir: Path, name: str) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path


def _smooth(x: np.ndarray, w: int) -> np.ndarray:
    """Moving average over the last axis (window w, 'valid' part)."""
    c = np.cumsum(np.pad(x, [(0, 0)] * (x.ndim - 1) + [(1, 0)]), axis=-1, dtype=float)
    return (c[..., w:] - c[..., :-w]) / w


# ---------------------------------------------------------------------------- config

def table_discretize_config(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The hyperparameters of tabular Q-learning on the discretized Mountain Car."""
    return [write_table(out_dir, "discretize_config", config_table(DiscreteQConfig()))]


# ---------------------------------------------------------------------------- staircase

def figure_discretize_staircase(out_dir: Path, *, quick: bool = False) -> list[Path]:
    r"""The notes' picture: a straight-line value function as a staircase of buckets, and
    the error against the number of buckets, exact and learned from N noisy samples."""
    slope, intercept, L = 1.0, 0.0, 1.0
    sigma = 0.1
    ks = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128][::4 if quick else 1]
    Ns = [100, 1000] if quick else [100, 1000, 10000]
    reps = 3 if quick else 200
    rng = np.random.default_rng(0)
    grid_s = (np.arange(20000) + 0.5) / 20000 * L
    v_true = slope * grid_s + intercept

    def rms(v_hat):
        return float(np.sqrt(np.mean((v_hat - v_true) ** 2)))

    learned = {N: np.zeros((len(ks), reps)) for N in Ns}
    line = {N: np.zeros(reps) for N in Ns}
    for N in Ns:
        for r in range(reps):
            s = rng.uniform(0, L, N)
            v = slope * s + intercept + sigma * rng.standard_normal(N)
            for i, k in enumerate(ks):
                edges = np.linspace(0, L, k + 1)
                w, _ = bucket_fit(s, v, edges)
                learned[N][i, r] = rms(w[Grid([edges]).index(grid_s[:, None])])
            b, a = np.polyfit(s, v, 1)
            line[N][r] = rms(b * grid_s + a)
    exact = [staircase_rms(slope, L / k) for k in ks]

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4.2))
    s = rng.uniform(0, L, 100)
    v = slope * s + intercept + sigma * rng.standard_normal(100)
    ax0.plot(s, v, ".", color="0.6", ms=4, label="100 noisy samples ($\\sigma=0.1$)")
    ax0.plot(grid_s, v_true, "k-", lw=1, label="true $v(s) = s$")
    for k, c in [(4, "C0"), (16, "C1")]:
        edges = np.linspace(0, L, k + 1)
        w, _ = bucket_fit(s, v, edges)
        ax0.step(edges, np.append(w, w[-1]), where="post", color=c, label=f"{k} buckets")
    b, a = np.polyfit(s, v, 1)
    ax0.plot(grid_s, b * grid_s + a, "C3--", label="line, 2 parameters")
    ax0.set(xlabel="state $s$", ylabel="value", title="buckets vs a two-parameter line")
    ax0.legend(fontsize=8)
    ax1.loglog(ks, exact, "k-", label=r"exact $v$, best buckets: $|b|w/\sqrt{12}$")
    for j, N in enumerate(Ns):
        m = learned[N].mean(1)
        se = learned[N].std(1, ddof=1) / math.sqrt(reps)
        ax1.loglog(ks, m, "o-", color=f"C{j}", ms=3, label=f"buckets from N={N} samples")
        ax1.fill_between(ks, m - Z95 * se, m + Z95 * se, color=f"C{j}", alpha=0.25)
        ax1.axhline(line[N].mean(), color=f"C{j}", ls="--", lw=1,
                    label=f"line from N={N}")
    ax1.set(xlabel="number of buckets $k$", ylabel="RMS error over $[0, 1]$",
            title=f"error vs buckets ({reps} repetitions, 95% band)")
    ax1.legend(fontsize=7)
    paths = [_save(fig, out_dir, "discretize_staircase")]

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
    paths = [_save(fig, out_dir, "discretize_curse")]
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

def _grid_world(n: int, gamma: float = 0.95) -> tuple[FiniteMDP, np.ndarray]:
    """An n x n grid world: 4 moves (+x, -x, +y, -y; walls keep you in place), reward -1
    per step, and the corner (n-1, n-1) is the goal, which ends the episode.
    Returns the MDP and the (x, y) coordinates of each state."""
    S = n * n
    xy = np.stack(np.divmod(np.arange(S), n), axis=1)
    P = np.zeros((S, 4, S))
    R = np.zeros((S, 4))
    goal = S - 1
    for s, (x, y) in enumerate(xy):
        if s == goal:
            continue                           # terminal: no transitions, no reward
        for a, (dx, dy) in enumerate([(1, 0), (-1, 0), (0, 1), (0, -1)]):
            x2, y2 = min(max(x + dx, 0), n - 1), min(max(y + dy, 0), n - 1)
            R[s, a] = -1.0
            if x2 * n + y2 != goal:
                P[s, a, x2 * n + y2] = 1.0     # entering the goal ends the episode
    d0 = np.full(S, 1.0 / (S - 1))
    d0[goal] = 0.0
    return FiniteMDP(P, R, gamma, d0), xy


DRIFT = np.array([0.4, 0.1, 0.4, 0.1])
"""The grid world's policy: +x and +y (towards the goal) with probability 0.4 each,
-x and -y with 0.1 each."""


def figure_discretize_buckets(out_dir: Path, *, quick: bool = False) -> list[Path]:
    r"""Bucketing a 900-state grid world by prior knowledge: square blocks of $(x, y)$,
    k-means on $(x, y)$, and k-means on a better prior feature, the distance to the goal.
    Error of the best one-value-per-bucket fit (the $\mu$-weighted projection) vs buckets."""
    n = 12 if quick else 30
    mdp, xy = _grid_world(n)
    pi = np.tile(DRIFT, (mdp.n_states, 1))
    v, mu = v_pi(mdp, pi), on_policy_distribution(mdp, pi)
    dist = (n - 1 - xy).sum(1)[:, None].astype(float)      # Manhattan distance to goal
    blocks = [b for b in [2, 3, 5, 6, 10, 15] if n % b == 0]
    ks = sorted({(n // b) ** 2 for b in blocks} | {4, 9, 16, 36, 60, 100, 150})
    ks = [k for k in ks if k <= mdp.n_states][:2 if quick else None]
    rng = np.random.default_rng(0)

    def err(agg):
        w = aggregated_values(agg, v, mu)
        return float(np.sqrt(mu @ (v - w[agg.groups]) ** 2))

    res = {"blocks of (x, y)": [], "k-means on (x, y)": [], "k-means on distance": []}
    for b in blocks:
        agg = aggregate_by_key(xy // b)
        res["blocks of (x, y)"].append((agg.d, err(agg)))
    for k in ks:
        agg = aggregate_by_clustering(xy.astype(float), k, rng)
        res["k-means on (x, y)"].append((agg.d, err(agg)))
        kk = min(k, 2 * n - 1)                     # only 2n-1 distinct distances
        agg = aggregate_by_clustering(dist, kk, rng)
        res["k-means on distance"].append((agg.d, err(agg)))

    # two figures of about 11 x 4.2 inches, so that the text stays legible when the page
    # scales them to its width (~700 px)
    with plt.rc_context({"font.size": 12}):
        fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
        im = ax0.imshow(v.reshape(n, n).T, origin="lower", cmap="viridis")
        ax0.set(title="$v_\\pi$: drift to the goal (top right)", xlabel="x", ylabel="y")
        agg = aggregate_by_clustering(xy.astype(float), 16, np.random.default_rng(1))
        w = aggregated_values(agg, v, mu)
        ax1.imshow(w[agg.groups].reshape(n, n).T, origin="lower", cmap="viridis",
                   vmin=v.min(), vmax=v.max())
        ax1.set(title="16 buckets from k-means on (x, y)", xlabel="x", ylabel="y")
        fig.colorbar(im, ax=[ax0, ax1], shrink=0.9, label="value (same scale)")
        paths = [_save(fig, out_dir, "discretize_buckets")]

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
        paths.append(_save(fig, out_dir, "discretize_buckets_error"))
    rows = ["| bucketing | buckets $d$ | $\\mu$-weighted RMS error |", "|---|---|---|"]
    for name, pts in res.items():
        for d, e in sorted(set(pts)):
            rows.append(f"| {name} | {d} | {e:.4f} |")
    note = (f"\n{n}x{n} grid world, policy drifting to the goal corner (up/right 0.4 each, "
            f"down/left 0.1 each), reward -1 per step, $\\gamma = {mdp.gamma}$; exact "
            "$v_\\pi$ and on-policy $\\mu$ from "
            "`fa_book.oracles`; k-means seeded with `default_rng(0)`.\n")
    paths.append(write_table(out_dir, "discretize_buckets", "\n".join(rows) + "\n" + note))
    return paths


# ---------------------------------------------------------------------------- Q-learning

def _band(ax, x, runs_by_episode, color, label):
    m = runs_by_episode.mean(0)
    se = runs_by_episode.std(0, ddof=1) / math.sqrt(runs_by_episode.shape[0])
    ax.plot(x, m, color=color, label=label)
    ax.fill_between(x, m - Z95 * se, m + Z95 * se, color=color, alpha=0.25)


def figure_discretize_learning(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Tabular Q-learning on the discretized Mountain Car: learning curves for three grid
    resolutions (mean and 95% band over runs), and the learned cost-to-go of one run with
    a greedy episode played in the real gymnasium environment."""
    runs, episodes = (2, 4) if quick else (20, 1000)
    window = 2 if quick else 20
    bins_list = [6, 12, 32]
    results = {}
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for j, k in enumerate(bins_list):
        config = DiscreteQConfig(bins=(k, k), episodes=episodes)
        res = q_learning_discretized(config, np.random.default_rng(k), runs=runs)
        results[k] = res
        sm = _smooth(res.steps.astype(float), window)
        _band(ax, np.arange(window, episodes + 1), sm, f"C{j}",
              f"{k}x{k} grid ({k * k} cells)")
    ax.set(xlabel="episode", ylabel=f"steps per episode ({window}-episode average)",
           title=f"Q-learning, discretized MountainCar-v0 ({runs} runs, 95% band)",
           yscale="log")
    ax.legend(fontsize=8)
    paths = [_save(fig, out_dir, "discretize_learning")]

    # cost-to-go of run 0 of the 12 x 12 grid, and one greedy episode in gymnasium
    res = results[12]
    grid, Q = res.grid, res.Q[0]
    cost = -Q.max(axis=1).reshape(grid.bins)
    env = DiscretizeObservation(gym.make("MountainCar-v0", max_episode_steps=1000),
                                grid=grid)
    raw = []
    s, _ = env.reset(seed=0)
    raw.append(env.unwrapped.state.copy())
    for _ in range(1000):
        a = int(np.argmax(Q[s]))
        s, _, terminated, truncated, _ = env.step(a)
        raw.append(np.array(env.unwrapped.state, dtype=float))
        if terminated or truncated:
            break
    raw = np.array(raw)
    # a cell whose every Q is still exactly q_init was never left by any step: every
    # update from it moves Q away from q_init (reward -1, Q <= 0), so these are unvisited
    untouched = (Q == DiscreteQConfig().q_init)
    never = untouched.all(axis=1).reshape(grid.bins)
    partly = (untouched.any(axis=1) & ~untouched.all(axis=1)).reshape(grid.bins)
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
    paths.append(_save(fig, out_dir, "discretize_value"))
    return paths


def table_discretize_resolution(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The grid-resolution study: final performance (mean steps over the last 100
    episodes) and total steps, per number of bins per dimension."""
    ks = [4, 6] if quick else [3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48]
    runs, episodes = (2, 3) if quick else (10, 500)
    last = 2 if quick else 100
    finals, means, reached = [], [], []
    limit = DiscreteQConfig().max_episode_steps
    for k in ks:
        config = DiscreteQConfig(bins=(k, k), episodes=episodes)
        steps = q_learning_discretized(config, np.random.default_rng(100 + k), runs=runs).steps
        finals.append(steps[:, -last:].mean(1))
        means.append(steps.mean(1))
        reached.append(int((steps[:, -last:] < limit).all(1).sum()))
    finals, means = np.array(finals), np.array(means)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for j, (arr, name) in enumerate([(finals, f"last {last} episodes"),
                                     (means, f"all {episodes} episodes")]):
        m = arr.mean(1)
        se = arr.std(1, ddof=1) / math.sqrt(runs)
        ax.errorbar(ks, m, yerr=Z95 * se, fmt="o-", color=f"C{j}", capsize=3,
                    label=f"mean steps per episode, {name}")
    ax.set(xscale="log", xlabel="bins per dimension $k$ ($k^2$ cells)",
           ylabel="steps per episode (limit 1000)",
           title=f"grid resolution, Q-learning on MountainCar ({runs} runs, 95% CI)")
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.minorticks_off()
    ax.legend(fontsize=8)
    paths = [_save(fig, out_dir, "discretize_resolution")]
    rows = ["| bins $k$ | cells $k^2$ | steps/episode, last "
            f"{last} (mean ± 1.96 SE) | steps/episode, all {episodes} | runs reaching the "
            f"goal in every one of the last {last} |", "|---|---|---|---|---|"]
    for i, k in enumerate(ks):
        se = finals[i].std(ddof=1) / math.sqrt(runs)
        rows.append(f"| {k} | {k * k} | {finals[i].mean():.0f} ± {Z95 * se:.0f} | "
                    f"{means[i].mean():.0f} | {reached[i]} of {runs} |")
    note = (f"\nMountainCar-v0 with a {limit}-step limit; hyperparameters as in the table "
            f"above except `bins` and `episodes={episodes}`; {runs} runs per row, seeds "
            "`default_rng(100 + k)`.\n")
    paths.append(write_table(out_dir, "discretize_resolution", "\n".join(rows) + "\n" + note))
    return paths


# ---------------------------------------------------------------------------- not Markov

def _stay(N: np.ndarray, s: int, a: int, p: int) -> tuple[float, int]:
    """Estimate of P(s' = s | s, a, previous cell p) and its number of samples."""
    n = int(N[p, s, a].sum())
    return (N[p, s, a, s] / n if n else math.nan), n


def _z(p1: float, n1: int, p2: float, n2: int) -> float:
    """Difference of two rates in standard errors, pooled as under 'they are equal'."""
    q = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(q * (1 - q) * (1 / n1 + 1 / n2))
    return (p1 - p2) / se if se > 0 else 0.0


def table_discretize_markov(out_dir: Path, *, quick: bool = False) -> list[Path]:
    r"""The discretized Mountain Car is not Markov: on a 4 x 4 grid under the fixed policy
    "push with the velocity", the chance of staying in a cell depends on the cell the car
    came from. With a control: the same estimate from an independent second data set."""
    cars, steps, min_n = (50, 150, 20) if quick else (1000, 300, 100)
    grid = Grid.for_space(MountainCarBatch.observation_space, 4)
    pi = push_with_velocity(grid)
    N = cell_transition_counts(grid, pi, np.random.default_rng(0), cars=cars, steps=steps)
    N2 = cell_transition_counts(grid, pi, np.random.default_rng(1), cars=cars, steps=steps)
    lo, hi = grid.bounds(np.arange(grid.d))
    arrow = {0: "left", 1: "none", 2: "right"}
    rows = ["| cell $(i_x, i_{\\dot x})$: $x$, $\\dot x$ | push | came from | "
            "$P(\\text{stay} \\mid \\text{came from})$ (samples) | "
            "from the same cell (samples) | difference in SE | "
            "control: same cell, 2nd data set, in SE |",
            "|---|---|---|---|---|---|---|"]
    for s in range(grid.d):
        a = int(pi[s].argmax())
        before = N[:, s, a].sum(1)
        before[s] = 0
        other = int(before.argmax())
        (p_same, n_same), (p_other, n_other) = _stay(N, s, a, s), _stay(N, s, a, other)
        p_ctrl, n_ctrl = _stay(N2, s, a, s)
        if min(n_same, n_other, n_ctrl) < min_n:
            continue
        ix, iv = grid.unravel(s)
        jx, jv = grid.unravel(other)
        rows.append(
            f"| $({ix}, {iv})$: $[{lo[s, 0]:.2f}, {hi[s, 0]:.2f})$, "
            f"$[{lo[s, 1]:.3f}, {hi[s, 1]:.3f})$ | {arrow[a]} | $({jx}, {jv})$ | "
            f"{p_other:.3f} ({n_other}) | {p_same:.3f} ({n_same}) | "
            f"{_z(p_other, n_other, p_same, n_same):+.1f} | "
            f"{_z(p_ctrl, n_ctrl, p_same, n_same):+.1f} |")
    note = (f"\nMountain Car dynamics (`MountainCarBatch`, identical to gymnasium's), "
            f"{cars} cars x {steps} steps, starts and actions from `default_rng(0)` "
            f"(second data set for the control: `default_rng(1)`); a car that reaches the "
            f"flag starts a new episode. 4 x 4 uniform grid over the observation box, "
            f"cells $(i_x, i_{{\\dot x}})$ counted from the bottom left; fixed policy: "
            f"push right in the upper half of the velocities, left in the lower half. "
            f"\"came from\" is the most frequent other cell before the current one; only "
            f"cells where every estimate has at least {min_n} samples are listed. "
            f"SE: pooled standard error of a difference of two rates.\n")
    return [write_table(out_dir, "discretize_markov", "\n".join(rows) + "\n" + note)]
