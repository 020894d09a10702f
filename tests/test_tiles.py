"""Tile coding: exactly n active tiles, shared tiles for nearby points, tiles3's partition."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book.tiles import TileCoder
from tests.strategies import seeds
from tests.test_features_bad_input import BAD, FIXED, INT_KINDS, assert_refused, cases_for

powers_of_two = st.sampled_from([1, 2, 4, 8, 16])


@st.composite
def coders(draw, hash_size=None):
    k = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(seeds))
    low = rng.uniform(-5, 5, size=k)
    high = low + rng.uniform(0.1, 10, size=k)
    n_tiles = draw(st.lists(st.integers(1, 10), min_size=k, max_size=k))
    return TileCoder(low, high, n_tiles, draw(powers_of_two),
                     offsets=draw(st.sampled_from(["asymmetric", "uniform"])),
                     hash_size=hash_size)


def points(coder: TileCoder, rng: np.random.Generator, n: int) -> np.ndarray:
    """Points in (and a little outside) the box."""
    width = coder.high - coder.low
    return rng.uniform(coder.low - 0.1 * width, coder.high + 0.1 * width,
                       size=(n, coder.n_dims))


# --8<-- [start:exactly_n]
@given(coders(), seeds)
def test_every_point_activates_exactly_n_tilings_tiles(coder, seed):
    s = points(coder, np.random.default_rng(seed), 50)
    idx = coder.indices(s)
    n, per = coder.n_tilings, coder.n_features // coder.n_tilings
    assert idx.shape == (50, n)
    # one tile per tiling: entry i lies in tiling i's block of indices
    assert np.all(idx // per == np.arange(n))
    x = coder.features(s)
    assert np.array_equal(x.sum(1), np.full(50, n)) and set(np.unique(x)) <= {0.0, 1.0}
# --8<-- [end:exactly_n]


# --8<-- [start:nearby]
@given(coders(), seeds)
def test_nearby_points_share_tiles_and_far_points_none(coder, seed):
    rng = np.random.default_rng(seed)
    n, k = coder.n_tilings, coder.n_dims
    tile = (coder.high - coder.low) / coder.n_tiles          # a tile's width per dimension
    s = rng.uniform(coder.low, coder.high, size=(40, k))
    shared = lambda a, b: (coder.indices(a) == coder.indices(b)).sum(-1)  # noqa: E731
    assert np.all(shared(s, s) == n)
    # closer than 1/n of a tile in every dimension: at most one tiling per dimension
    # changes cell (n a power of two and odd offsets make i -> i*(2j+1) mod n a bijection)
    near = np.clip(s + rng.uniform(-1, 1, size=s.shape) * tile / n * 0.999, coder.low,
                   coder.high)
    assert np.all(shared(s, near) >= n - k)
    # more than a tile and 1/n apart in some dimension: no tiling has them in one cell
    far = s.copy()
    far[:, 0] = s[:, 0] + tile[0] * (1 + 1.001 / n)
    inside = far[:, 0] <= coder.high[0]
    assert np.all(shared(s[inside], far[inside]) == 0)
# --8<-- [end:nearby]


def tiles3_labels(coder: TileCoder, s: np.ndarray) -> list[tuple]:
    """Sutton's tiles3 `tiles()` written out (incompleteideas.net/tiles/tiles3.py), on
    the box-scaled floats, returning its hashed coordinate tuples instead of IHT slots."""
    out = []
    n = coder.n_tilings
    for point in s:
        f = (np.clip(point, coder.low, coder.high) - coder.low) * coder._scale
        qfloats = [math.floor(v * n) for v in f]
        row = []
        for tiling in range(n):
            tiling_x2 = tiling * 2 if coder.offsets == "asymmetric" else 0
            coords, b = [tiling], tiling
            for q in qfloats:
                coords.append((q + b) // n)
                b += tiling_x2
            row.append(tuple(coords))
        out.append(row)
    return out


# --8<-- [start:tiles3]
@given(coders(), seeds)
def test_same_partition_as_tiles3(coder, seed):
    """Our dense indices and tiles3's coordinates are relabelings of each other."""
    s = points(coder, np.random.default_rng(seed), 60)
    ours = coder.indices(s).ravel().tolist()
    theirs = [c for row in tiles3_labels(coder, s) for c in row]
    forward, backward = {}, {}
    for i, c in zip(ours, theirs, strict=True):
        assert forward.setdefault(i, c) == c and backward.setdefault(c, i) == i
# --8<-- [end:tiles3]


@given(coders(hash_size=97), seeds)
def test_hashing_stays_in_range_and_is_a_function_of_the_tile(coder, seed):
    s = points(coder, np.random.default_rng(seed), 50)
    idx = coder.indices(s)
    assert idx.shape == (50, coder.n_tilings) and coder.n_features == 97
    assert idx.min() >= 0 and idx.max() < 97
    dense = TileCoder(coder.low, coder.high, coder.n_tiles, coder.n_tilings,
                      offsets=coder.offsets)
    # same tile -> same hashed index
    d = dense.indices(s).ravel()
    h = idx.ravel()
    for tile in np.unique(d):
        assert len(set(h[d == tile])) == 1


def test_hashing_handles_many_dimensions():
    coder = TileCoder(np.zeros(40), np.ones(40), 10, 16, hash_size=4096)
    idx = coder.indices(np.random.default_rng(0).random((100, 40)))
    assert idx.min() >= 0 and idx.max() < 4096
    # with 16 * 11**40 tiles hashed into 4096 slots the slots are used roughly evenly
    counts = np.bincount(idx.ravel(), minlength=4096)
    assert counts.max() <= 8


def test_bad_input():
    with pytest.raises(ValueError, match="high"):
        TileCoder([0, 0], [1, 0], 4, 4)
    with pytest.raises(ValueError, match="n_tilings"):
        TileCoder([0], [1], 4, 0)
    with pytest.raises(ValueError, match="n_tiles"):
        TileCoder([0, 0], [1, 1], [4, 4, 4], 4)
    with pytest.raises(ValueError, match="n_tiles"):
        TileCoder([0], [1], 2.5, 4)
    with pytest.raises(ValueError, match="offsets"):
        TileCoder([0], [1], 4, 4, offsets="random")
    with pytest.raises(ValueError, match="hash_size"):
        TileCoder([0], [1], 4, 4, hash_size=0)
    with pytest.raises(ValueError, match="shape"):
        TileCoder([0, 0], [1, 1], 4, 4).indices(np.zeros((3, 3)))


# ------------------------------------------------------------------ bad input, by kind

TILE_CASES = [
    *cases_for("TileCoder", "low", "nan, inf, string, none, string array",
               lambda b: TileCoder([b, 0.0], [1.0, 1.0], 4, 4)),
    *cases_for("TileCoder", "low", "wrong shape",
               lambda b: TileCoder([0.0, 0.0, 0.0], [1.0, 1.0], 4, 4), names="low and high"),
    *cases_for("TileCoder", "high", "negative, zero, negative float",
               lambda b: TileCoder([0.0], [b], 4, 4)),
    *cases_for("TileCoder", "n_tiles", INT_KINDS, lambda b: TileCoder([0.0], [1.0], b, 4)),
    *cases_for("TileCoder", "n_tiles", "wrong shape",
               lambda b: TileCoder([0.0, 0.0], [1.0, 1.0], [4, 4, 4], 4)),
    *cases_for("TileCoder", "n_tilings", INT_KINDS, lambda b: TileCoder([0.0], [1.0], 4, b)),
    *cases_for("TileCoder", "offsets", "string, none, negative",
               lambda b: TileCoder([0.0], [1.0], 4, 4, offsets=b)),
    *cases_for("TileCoder", "hash_size", INT_KINDS.replace(", none", ""),
               lambda b: TileCoder([0.0], [1.0], 4, 4, hash_size=b)),
    *cases_for("TileCoder", "n_tiles", "too many features",
               lambda b: TileCoder([0.0] * 3, [1.0] * 3, 10**4, 8), names="MAX_SIZE"),
    *cases_for("TileCoder.coords", "s", "nan, inf, string, nan array, string array",
               lambda b: TileCoder([0.0], [1.0], 4, 4).coords(
                   np.full((3, 1), b) if np.ndim(b) == 0 else np.asarray(b)[:, None])),
    *cases_for("TileCoder.indices", "s", "nan, inf, string, wrong shape",
               lambda b: TileCoder([0.0, 0.0], [1.0, 1.0], 4, 4, hash_size=64).indices(
                   np.ones((3, 3)) if b is FIXED else np.full((3, 2), b))),
    *cases_for("TileCoder.features", "s", "nan, inf, string, wrong shape",
               lambda b: TileCoder([0.0, 0.0], [1.0, 1.0], 4, 4).features(
                   np.ones(3) if b is FIXED else np.full((3, 2), b))),
]


@pytest.mark.parametrize("case", TILE_CASES, ids=lambda c: c.id)
@settings(max_examples=5)
@given(data=st.data())
def test_bad_input_is_refused_naming_the_argument(case, data):
    assert_refused(case, data.draw(BAD[case.kind]) if case.kind in BAD else FIXED)


def test_huge_sizes_neither_overflow_nor_allocate():
    # the issue: n_tiles=10**10 overflowed int64 into negative indices
    with pytest.raises(ValueError, match="n_tiles"):
        TileCoder([0.0], [1.0], 10**10, 8)
    coder = TileCoder([0.0] * 4, [1.0] * 4, 10**6, 8, hash_size=1024)  # hashed: fine
    idx = coder.indices(np.full((5, 4), 0.999))
    assert idx.min() >= 0 and idx.max() < 1024
    with pytest.raises(ValueError, match="s must contain only finite"):
        TileCoder([0.0, 0.0], [1.0, 1.0], 4, 4).indices([np.nan, 0.5])
