"""Shared plotting helpers: one look for every figure of the book."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

plt.rcParams.update({
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
})


BAND = "95% Student-t interval of the mean"
"""What every band and every ± of the book is, in captions and table notes."""


def t_half(values: np.ndarray, axis: int = 0, level: float = 0.95):
    r"""Half-width of the Student-t confidence interval of the mean over `axis`:
    $t_{(1+\text{level})/2,\,n-1}\, s / \sqrt n$ (zero for $n = 1$).

    Its coverage is `level` for normal data whatever $n$; the normal value $1.96\,s/\sqrt n$
    covers only about 0.88 of the time with $n = 5$ and 0.81 with $n = 3$."""
    values = np.asarray(values, dtype=float)
    n = values.shape[axis]
    if n < 2:
        return np.zeros_like(values.mean(axis))
    t = stats.t.ppf((1 + level) / 2, n - 1)
    return t * values.std(axis, ddof=1) / np.sqrt(n)


def mean_band(values: np.ndarray, axis: int = 0):
    """Mean over `axis` and its 95% Student-t interval, as `(mean, low, high)`."""
    values = np.asarray(values, dtype=float)
    mean, half = values.mean(axis), t_half(values, axis)
    return mean, mean - half, mean + half


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
