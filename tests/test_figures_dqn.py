"""Chapter 7's figure and table functions run (quick mode) and write what they promise;
the benchmark seeds' table agrees with the runs it reports."""

from __future__ import annotations

import re

import pytest

from fa_book.figures import figure_functions


@pytest.mark.parametrize("func", [f for f in figure_functions("dqn")
                                  if f.__name__ != "table_dqn_config"],  # full size elsewhere
                         ids=lambda f: f.__name__)
def test_figure_function_writes_its_files(func, tmp_path):
    paths = func(tmp_path / "figures", quick=True)
    assert paths and all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert all(p.suffix in (".png", ".md") for p in paths)


def test_the_seeds_table_has_one_row_per_seed_and_a_matching_summary(tmp_path):
    from fa_book.dqn import DQNConfig
    from fa_book.dqn_io import steps_to_stay
    from fa_book.dqn_runs import train_and_judge
    from fa_book.figures.dqn import _held_out, _settings, figure_dqn_seeds

    png, table = figure_dqn_seeds(tmp_path / "figures", quick=True)
    text = table.read_text()
    rows = re.findall(r"^\| (\d+) \| (\d+|never) \| ([\d.]+) \| ([\d.]+) \| (\d+) \|$", text,
                      re.M)
    assert [int(r[0]) for r in rows] == [0, 1]
    _, config = _settings(True)
    result, G = train_and_judge(DQNConfig(**{**config, "seed": 1}), _held_out(True))
    stay = steps_to_stay(result.history, 475.0)  # same seed, same numbers
    assert rows[1][1] == ("never" if stay is None else str(stay))
    assert rows[1][3] == f"{G.mean():.1f}"
    n_ok = sum(float(r[3]) >= 475 for r in rows)
    assert f"{n_ok} of 2 seeds end with a held-out greedy mean >= 475" in text
