"""Chapter 2's figure and table functions run (quick mode) and write what they promise."""

from __future__ import annotations

import pytest

from fa_book.figures import figure_functions


@pytest.mark.parametrize("func", figure_functions("discretize"), ids=lambda f: f.__name__)
def test_figure_function_writes_its_files(func, tmp_path):
    paths = func(tmp_path / "figures", quick=True)
    assert paths and all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert all(p.suffix in (".png", ".md") for p in paths)
