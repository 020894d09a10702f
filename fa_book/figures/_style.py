"""Shared plotting helpers: one look for every figure of the book."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.text import Text
from scipy import stats

DPI = 150
"""Pixels per inch of every saved figure: sharp when the lightbox shows it full size."""
COLUMN_PX = 740
"""Width in CSS px at which a page shows a wide figure at a 1280 px viewport: the content
column (`tests/test_layout.py` measures it in a real browser)."""
MIN_TEXT_PX = 10
"""The smallest text, in CSS px, that a figure may show on its page at 1280 px."""

plt.rcParams.update({
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.family": "DejaVu Sans",
    "mathtext.fontset": "dejavusans",
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


def _texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _png_width(fig) -> int:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return struct.unpack(">I", buf.getvalue()[16:20])[0]  # the IHDR chunk's width


def legible(fig) -> float:
    """Raise every text of `fig` to at least `MIN_TEXT_PX` CSS px as the page shows it
    (a figure wider than `COLUMN_PX` is shrunk to it); return the smallest font size, pt."""
    for _ in range(4):  # larger text can widen the tight bounding box: check again
        scale = min(1.0, COLUMN_PX / _png_width(fig))
        floor = MIN_TEXT_PX * 72 / (DPI * scale)
        small = [t for t in _texts(fig) if t.get_fontsize() < floor - 1e-6]
        if not small:
            break
        for ax in fig.axes:  # tick labels are remade at each draw: set them on the axis
            for axis in ("x", "y"):
                labels = getattr(ax, f"get_{axis}ticklabels")()
                if labels and min(t.get_fontsize() for t in labels) < floor:
                    ax.tick_params(axis=axis, which="both", labelsize=floor)
        for t in small:
            t.set_fontsize(floor)
    return min(t.get_fontsize() for t in _texts(fig))


def save(fig, out_dir: Path, name: str) -> Path:
    """Make `fig` legible (`legible`), save it as `out_dir/name.png` with its smallest font
    size and dpi in the PNG's metadata (the layout test reads them), and close it."""
    smallest = legible(fig)
    path = png_path(out_dir, name)
    fig.savefig(path, dpi=DPI, bbox_inches="tight",
                metadata={"fa_book:min_font_pt": f"{smallest:.3f}", "fa_book:dpi": str(DPI)})
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
