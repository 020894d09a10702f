"""Figures and tables of chapter 1, "Why lookup tables stop working"."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fa_book.envs import GridMaze
from fa_book.figures._style import mean_band, save, write_table
from fa_book.tabular import (
    SpreadConfig,
    block_features,
    go_positions_log10,
    grid_table_size,
    linear_td0_update,
    spread_runs,
    table_bytes,
)

CONFIG = SpreadConfig()
GAMMA, BLOCK = CONFIG.gamma, CONFIG.block
ALPHA_TABLE, ALPHA_FEATURES = CONFIG.alpha_table, CONFIG.alpha_features


def _heat(ax, maze: GridMaze, values: np.ndarray, title: str, vmin=None, vmax=None):
    grid = np.ma.masked_array(values.reshape(maze.rows, maze.cols), mask=maze.wall)
    im = ax.imshow(grid, cmap="viridis", vmin=vmin, vmax=vmax)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for s, ch in ((maze.start, "S"), (maze.goal, "G")):
        r, c = divmod(s, maze.cols)
        ax.text(c, r, ch, ha="center", va="center", color="white", fontsize=9)
    return im


def figure_one_update(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """One TD(0) update of the same transition, by a table and by features that
    generalize: which cells change."""
    maze = GridMaze()
    S = maze.rows * maze.cols
    # the transition: row 3, column 7, moving right into the corridor that leads up to G
    s = 3 * maze.cols + 7
    s_next = maze.next_state(s, 1)
    fig, axes = plt.subplots(1, 2, figsize=(8, 2.6))
    for ax, (name, X, alpha) in zip(axes, [
            ("lookup table", np.eye(S), ALPHA_TABLE),
            (f"table + {BLOCK}×{BLOCK} blocks", block_features(maze, BLOCK), ALPHA_FEATURES)],
            strict=True):
        theta = np.full(X.shape[1], 0.0)
        before = X @ theta
        linear_td0_update(theta, X[s], 1.0, X[s_next], False, alpha, GAMMA)
        change = X @ theta - before
        im = _heat(ax, maze, change, f"{name}: {np.count_nonzero(change)} cell(s) change",
                   vmin=0, vmax=2 * ALPHA_FEATURES)
        r, c = divmod(s, maze.cols)
        ax.plot(c, r, "rs", markerfacecolor="none", markersize=14)
    fig.colorbar(im, ax=axes, shrink=0.8, label="change in V")
    return [save(fig, out_dir, "tabular_one_update")]


def figure_spread(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """How fast value spreads: error over episodes and value maps after a few episodes."""
    config = SpreadConfig(n_runs=3, episodes=10) if quick else CONFIG
    n_runs, episodes = config.n_runs, config.episodes
    errors, first, v, maze = spread_runs(config)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    x = np.arange(1, episodes + 1)
    for i, (label, alpha) in enumerate([("lookup table", ALPHA_TABLE),
                                        (f"table + {BLOCK}×{BLOCK} blocks", ALPHA_FEATURES)]):
        m, lo, hi = mean_band(errors[i])
        ax.plot(x, m, label=f"{label} (α = {alpha})")
        ax.fill_between(x, lo, hi, alpha=0.25)
    ax.set_xlabel("episode")
    ax.set_ylabel("μ-weighted RMS error of V")
    ax.set_title(f"TD(0) on the Dyna maze, γ = {GAMMA}, ε = {config.epsilon}: mean of {n_runs} "
                 "runs, 95% band", fontsize=9)
    ax.legend()
    paths = [save(fig, out_dir, "tabular_spread_error")]

    k = min(5, episodes) - 1
    fig, axes = plt.subplots(1, 3, figsize=(10, 2.6))
    _heat(axes[0], maze, first[0][k], f"table, after {k + 1} episodes", 0, 1)
    _heat(axes[1], maze, first[1][k], f"table + blocks, after {k + 1} episodes", 0, 1)
    im = _heat(axes[2], maze, v, "exact $v_\\pi$", 0, 1)
    fig.colorbar(im, ax=axes, shrink=0.8)
    paths.append(save(fig, out_dir, "tabular_spread_maps"))
    return paths


def table_table_sizes(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """How big the table gets for the notes' examples."""
    rows = [
        ("Dyna maze (this page)", "54 cells × 4 actions", 54 * 4),
        ("tic-tac-toe, 3^9 colourings", "3^9 × 9 moves", 3**9 * 9),
        ("CartPole, 4 dims × 100 bins", "100^4 cells × 2 actions", grid_table_size(100, 4) * 2),
        ("helicopter, 12 dims (position, orientation, and their rates) × 100 bins",
         "100^12 cells", grid_table_size(100, 12)),
    ]
    lines = ["| task | table | entries | memory at 8 bytes/entry |", "|---|---|---|---|"]
    for task, shape, n in rows:
        lines.append(f"| {task} | {shape} | {n:.3g} | {_bytes(table_bytes(n))} |")
    go = go_positions_log10(19)
    lines.append(f"| Go 19×19, 3^361 colourings | V(s) only | 10^{go:.1f} | "
                 f"10^{go + np.log10(8):.1f} bytes |")
    return [write_table(out_dir, "tabular_table_sizes", "\n".join(lines) + "\n")]


def _bytes(n: int) -> str:
    units = ["B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    x = float(n)
    for u in units:
        if x < 1000:
            return f"{x:.3g} {u}"
        x /= 1000
    return f"10^{np.log10(n):.1f} B"
