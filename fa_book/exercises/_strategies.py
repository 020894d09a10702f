"""The small inputs the checkers' hypothesis searches draw from (one home for each).

hypothesis is imported when a strategy is built, not when a chapter module is imported,
so ``python -m fa_book.exercises list`` stays fast.
"""

from __future__ import annotations


def small_ints():
    """-2, -1, 0, 1 or 2, as floats: values a message can show exactly."""
    from hypothesis import strategies as st
    return st.integers(-2, 2).map(float)


def bits():
    """0.0 or 1.0: the entries of a binary feature vector."""
    from hypothesis import strategies as st
    return st.integers(0, 1).map(float)


def rounded(lo: float, hi: float, places: int):
    """A float in [lo, hi] rounded to ``places`` decimals, so labels stay readable."""
    from hypothesis import strategies as st
    return st.floats(lo, hi, allow_nan=False).map(lambda x: round(x, places))
