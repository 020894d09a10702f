"""Chapter 2's figure and table functions run (quick mode) and write what they promise."""

from __future__ import annotations

import pytest

from fa_book.figures import figure_functions


@pytest.mark.parametrize("func", figure_functions("discretize"), ids=lambda f: f.__name__)
def test_figure_function_writes_its_files(func, tmp_path):
    paths = func(tmp_path / "figures", quick=True)
    assert paths and all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert all(p.suffix in (".png", ".md") for p in paths)


def test_resolution_cells_in_any_order_give_the_study():
    """The study's cells are independent: computed one by one, in reverse order, they
    assemble to the study computed in one go; a missing or foreign cell is refused."""
    import numpy as np

    from fa_book.discretize_studies import ResolutionConfig, resolution_cell, resolution_study

    config = ResolutionConfig.quick()
    whole = resolution_study(config)
    cells = [resolution_cell(config, k) for k in reversed(config.bins)]
    parts = resolution_study(config, cells)
    for a, b in zip(whole, parts, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="cells must be one ResolutionCell for each k"):
        resolution_study(config, cells[:1])
    with pytest.raises(ValueError, match="k must be one of config.bins"):
        resolution_cell(config, 7)
