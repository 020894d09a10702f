r"""Tile coding: several offset grids over a box, one active tile per grid.

Tile coding (瓦片编码, Sutton & Barto 2018, §9.5.4) turns a point $s$ of a box
$[\ell, h] \subset \mathbb R^k$ into a sparse binary feature vector $\mathbf x(s)$.
It lays $n$ *tilings* (grids) over the box, each shifted by a different fraction of a
tile width; in every tiling exactly one tile contains $s$, so exactly $n$ features are
1 and the rest are 0.  A linear value $\hat v(s) = \boldsymbol\theta^\top\mathbf x(s)$ is
then the sum of $n$ weights, one per tiling, and a gradient step moves only those $n$
weights.  Two points share as many tiles as tilings in which they fall in the same cell,
which is how the coder *generalizes*: nearby points share most tiles, far points none.

**Offsets.**  Following Sutton's `tiles3` (incompleteideas.net/tiles/tiles3.html), tiling
$i = 0, \dots, n-1$ is displaced by $i\,(1, 3, 5, \dots, 2k-1)/n$ tile widths: the
"asymmetric" displacement vector of odd integers, which S&B (§9.5.4, Figure 9.11)
recommend over the uniform $i\,(1, 1, \dots, 1)/n$, since uniform offsets line all tilings
up along the diagonal and generalize in diagonal streaks.  Both are available
(`offsets="asymmetric"` or `"uniform"`).

In units of tile widths, with $f_j = m_j (s_j - \ell_j)/(h_j - \ell_j)$ the scaled
coordinate ($m_j$ tiles across dimension $j$), the active tile of tiling $i$ has integer
coordinates

$$
c_{ij} = \left\lfloor \frac{\lfloor n f_j \rfloor + (i\,o_j \bmod n)}{n} \right\rfloor,
\qquad o_j = 2j + 1 \text{ (asymmetric) or } 1 \text{ (uniform)},
$$

exactly `tiles3`'s formula, except that `tiles3` adds $i\,o_j$ where we add
$i\,o_j \bmod n$: the two differ by the whole number $\lfloor i\,o_j / n \rfloor$ of
tiles, a relabeling that leaves the partition unchanged and keeps $c_{ij}$ in
$\{0, \dots, m_j\}$.  Each tiling therefore has $\prod_j (m_j + 1)$ tiles (one more per
dimension than $m_j$, to cover the shifted edge).  Points outside the box are clipped
to it.

**Indices.**  Without hashing, tile $c_{i\cdot}$ of tiling $i$ gets the dense index
$i \prod_j (m_j+1) + \mathrm{ravel}(c_{i\cdot})$, so `n_features` is
$n \prod_j (m_j + 1)$ and no two tiles collide.  (`tiles3` instead hands out consecutive
indices in the order tiles are first seen, through its `IHT` dictionary; without
collisions the two differ only by a permutation of feature indices, which changes
nothing a linear learner with zero-initialized weights does.)  With
`hash_size=H`, the coordinates $(i, c_{i\cdot})$ are hashed into $\{0, \dots, H-1\}$: for
high-dimensional boxes, where $\prod_j (m_j+1)$ is astronomically large but only a small
part of the space is ever visited, memory stays $H$ at the price of occasional collisions
(two tiles sharing one weight).  The hash is a fixed integer function (SplitMix64's
finalizer), so the same point always maps to the same indices, with no state.

Everything is vectorized: a batch of points of shape `(..., k)` gives indices of shape
`(..., n)`.

```python
import numpy as np
from fa_book.tiles import TileCoder

coder = TileCoder(low=[-1.2, -0.07], high=[0.6, 0.07], n_tiles=8, n_tilings=8)
idx = coder.indices(np.array([[-0.5, 0.0], [-0.49, 0.001]]))
assert idx.shape == (2, 8) and coder.n_features == 8 * 9 * 9
```
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from fa_book.validate import MAX_SIZE, check_float_array, check_size

__all__ = ["TileCoder", "TileLayout"]


class TileLayout(NamedTuple):
    """A [`TileCoder`][fa_book.tiles.TileCoder]'s constants (see `TileCoder.layout`)."""

    scale: np.ndarray
    r"""Per coordinate $m_j / (\text{high}_j - \text{low}_j)$, shape `(k,)`."""
    q_max: np.ndarray
    """Per coordinate, tiles times `n_tilings`: the clip of `coords`, shape `(k,)`."""
    strides: np.ndarray | None
    """Row-major strides of a tiling's grid, shape `(k,)` (`None` when hashing)."""
    per_tiling: int
    """Tiles per tiling."""
    shift: np.ndarray
    """Offset of each tiling in units of 1/`n_tilings` of a tile, shape `(n, k)`."""

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def _splitmix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer: a fixed bijection of uint64 that mixes all bits."""
    z = z.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z


class TileCoder:
    r"""Tile coding of a box $[\ell, h] \subset \mathbb R^k$ with `n_tilings` offset grids.

    Args:
        low: lower corner $\ell$ of the box, shape `(k,)`.
        high: upper corner $h$ of the box, shape `(k,)`, with `high > low`.
        n_tiles: tiles $m_j$ across each dimension of one tiling (an int for all
            dimensions, or one per dimension), each $\ge 1$.
        n_tilings: number of tilings $n \ge 1$ (S&B: a power of two $\ge 4k$).
        offsets: `"asymmetric"` (displacements $i(1, 3, 5, \dots)/n$, as `tiles3`) or
            `"uniform"` (displacements $i(1, \dots, 1)/n$).
        hash_size: if given, hash tiles into this many features (for large spaces);
            if `None`, index every tile densely, without collisions.

    Raises:
        ValueError: on non-finite or mismatched `low`/`high`, `high <= low`, counts
            outside `[1, MAX_SIZE]` (or, without hashing, more than `MAX_SIZE`
            features in all) or an unknown `offsets`.
    """

    def __init__(self, low: Sequence[float], high: Sequence[float],
                 n_tiles: int | Sequence[int], n_tilings: int, *,
                 offsets: str = "asymmetric", hash_size: int | None = None):
        low = check_float_array("low", low).reshape(-1)
        high = check_float_array("high", high).reshape(-1)
        if low.shape != high.shape or low.size == 0:
            raise ValueError(f"low and high must be non-empty with the same shape, "
                             f"got {low.shape} and {high.shape}")
        if not np.all(high > low):
            raise ValueError("high must be > low in every dimension")
        k = low.size
        tiles = np.asarray(n_tiles)
        if (tiles.ndim > 1 or (tiles.ndim == 1 and tiles.size != k)
                or not np.issubdtype(tiles.dtype, np.integer) or np.any(tiles < 1)
                or np.any(tiles > MAX_SIZE)):
            raise ValueError(f"n_tiles must be an integer in [1, {MAX_SIZE}] or {k} such "
                             f"integers, got {n_tiles!r}")
        tiles = np.broadcast_to(tiles, (k,))
        self.n_tilings = check_size("n_tilings", n_tilings)
        if offsets not in ("asymmetric", "uniform"):
            raise ValueError(f"offsets must be 'asymmetric' or 'uniform', got {offsets!r}")
        per_tiling = math.prod(int(m) + 1 for m in tiles)  # exact: Python integers
        if hash_size is not None:
            check_size("hash_size", hash_size)
        elif self.n_tilings * per_tiling > MAX_SIZE:
            raise ValueError(f"n_tilings * prod(n_tiles + 1) = {self.n_tilings * per_tiling} "
                             f"features is more than MAX_SIZE = {MAX_SIZE}: use fewer "
                             "tiles or tilings, or hash_size")
        self.low, self.high = low, high
        self.n_tiles = tiles.astype(np.int64)
        self.offsets = offsets
        self.hash_size = hash_size
        self.n_dims = k
        odd = 2 * np.arange(k) + 1 if offsets == "asymmetric" else np.ones(k, dtype=np.int64)
        i = np.arange(self.n_tilings)[:, None]
        # displacement of tiling i along dimension j, in 1/n-ths of a tile, reduced mod n
        self._shift = (i * odd[None, :]) % self.n_tilings          # (n, k)
        self._dims = self.n_tiles + 1                                # tiles per dim per tiling
        self._per_tiling = per_tiling
        self._strides = None  # row-major strides, stride_j = prod_{l > j} (m_l + 1):
        if hash_size is None:  # only without hashing, where they cannot overflow
            self._strides = np.r_[np.cumprod(self._dims[::-1])[::-1][1:], 1].astype(np.int64)
        self._scale = self.n_tiles / (high - low)
        self._q_max = self.n_tiles * self.n_tilings

    @property
    def n_features(self) -> int:
        r"""Length $d$ of $\mathbf x(s)$: `hash_size`, or $n \prod_j (m_j + 1)$."""
        if self.hash_size is not None:
            return self.hash_size
        return self.n_tilings * self._per_tiling

    def layout(self) -> TileLayout:
        """The constants of [`coords`][fa_book.tiles.TileCoder.coords] and
        [`features`][fa_book.tiles.TileCoder.features], for a runner that inlines them
        (copies: changing them does not change the coder)."""
        return TileLayout(self._scale.copy(), np.array(self._q_max),
                          None if self._strides is None else self._strides.copy(),
                          int(self._per_tiling), self._shift.copy())

    # --8<-- [start:tile_coords]
    def coords(self, s: np.ndarray) -> np.ndarray:
        r"""Integer coordinates $c_{ij}$ of the active tile in every tiling.

        Args:
            s: points, shape `(..., k)`; clipped to the box.

        Returns:
            int array of shape `(..., n, k)`, entries in $\{0, \dots, m_j\}$.
        """
        s = self.check_points(s)  # finite, shape (..., k)
        f = (np.clip(s, self.low, self.high) - self.low) * self._scale    # f_j in [0, m_j]
        q = np.floor(f * self.n_tilings).astype(np.int64)                  # in 1/n tiles
        q = np.minimum(q, self._q_max)                     # f = m_j may round above m_j
        return (q[..., None, :] + self._shift) // self.n_tilings          # (TILE)
    # --8<-- [end:tile_coords]

    def check_points(self, s) -> np.ndarray:
        """Require finite points of shape `(..., k)`; returns them as a float array."""
        s = check_float_array("s", s)
        if s.shape[-1:] != (self.n_dims,):
            raise ValueError(f"s must have shape (..., {self.n_dims}), got {s.shape}")
        return s

    def indices(self, s: np.ndarray) -> np.ndarray:
        r"""Indices of the $n$ active features of $\mathbf x(s)$, one per tiling.

        Args:
            s: points, shape `(..., k)`.

        Returns:
            int64 array of shape `(..., n)`, entries in $\{0, \dots, d-1\}$.  Without
            hashing, entry $i$ lies in tiling $i$'s block
            $[i \prod_j(m_j+1), (i+1)\prod_j(m_j+1))$, so the $n$ entries are distinct.
        """
        c = self.coords(s)
        tiling = np.arange(self.n_tilings)
        if self.hash_size is None:
            return tiling * self._per_tiling + c @ self._strides
        # hash (i, c_i0, c_i1, ...) one coordinate at a time: no overflow in any dimension
        key = np.broadcast_to(tiling.astype(np.uint64), c.shape[:-1])
        with np.errstate(over="ignore"):
            for j in range(self.n_dims):
                key = _splitmix64(key ^ (c[..., j].astype(np.uint64) + np.uint64(j + 1)
                                         * np.uint64(0x9E3779B97F4A7C15)))
        return (key % np.uint64(self.hash_size)).astype(np.int64)

    def features(self, s: np.ndarray) -> np.ndarray:
        r"""The dense binary feature vector $\mathbf x(s)$.

        Args:
            s: points, shape `(..., k)`.

        Returns:
            float array of shape `(..., d)` with exactly $n$ ones per point when there
            is no hashing (with hashing, two tilings may collide on one index, which then
            holds the count 2).
        """
        idx = self.indices(s)
        x = np.zeros(idx.shape[:-1] + (self.n_features,))
        np.add.at(x.reshape(-1, self.n_features),
                  (np.arange(int(np.prod(idx.shape[:-1])))[:, None],
                   idx.reshape(-1, self.n_tilings)), 1.0)
        return x

    def __repr__(self) -> str:
        return (f"TileCoder(n_tilings={self.n_tilings}, n_tiles={self.n_tiles.tolist()}, "
                f"offsets={self.offsets!r}, hash_size={self.hash_size}, "
                f"n_features={self.n_features})")
