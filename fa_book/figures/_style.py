"""Shared plotting helpers: one look for every figure of the book."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

plt.rcParams.update({
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
})


def mean_band(values: np.ndarray, axis: int = 0, z: float = 1.96):
    """Mean and a normal-approximation confidence band (±z standard errors) over `axis`."""
    values = np.asarray(values, dtype=float)
    n = values.shape[axis]
    mean = values.mean(axis)
    se = values.std(axis, ddof=1) / np.sqrt(n) if n > 1 else np.zeros_like(mean)
    return mean, mean - z * se, mean + z * se


def png_path(out_dir: Path, name: str) -> Path:
    """`out_dir/name.png`, creating `out_dir`; for figures saved by the caller."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / f"{name}.png"


def save(fig, out_dir: Path, name: str) -> Path:
    """Save `fig` as `out_dir/name.png` and close it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.png"
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


def results_dir(out_dir: Path) -> Path:
    """`docs/results` next to `docs/figures` (or a `results` folder beside `out_dir`)."""
    path = Path(out_dir).parent / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_table(out_dir: Path, name: str, markdown: str) -> Path:
    """Write a generated markdown table to the results folder."""
    path = results_dir(out_dir) / f"{name}.md"
    path.write_text(markdown, encoding="utf-8")
    return path
