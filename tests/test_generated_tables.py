"""Same seed, same numbers: every generated table that holds no timing is regenerated at
full size and must equal the committed file byte for byte.  A table that moves between
runs (or code that changed without its table being regenerated) fails here."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

RESULTS = Path(__file__).resolve().parents[1] / "docs" / "results"

# (figures chapter module, table function): exact-answer and configuration tables only;
# tables of learning runs that take minutes, and timing tables, are not in this list.
TABLES = [
    ("tabular", "table_table_sizes"),
    ("discretize", "table_discretize_config"),
    ("discretize", "table_discretize_markov"),
    ("parametric", "table_parametric_configs"),
    ("prediction", "table_prediction_exact"),
    ("prediction", "table_prediction_configs"),
    ("control", "table_control_config"),
    ("control", "table_control_gpi"),
    ("semi_gradient", "table_chain_solutions"),
    ("semi_gradient", "table_a_split"),
    ("semi_gradient", "table_a_presplit"),
    ("semi_gradient", "table_figure_captions"),
    ("semi_gradient", "table_settings"),
    ("semi_gradient", "table_baird_divergence"),
    ("dqn", "table_dqn_config"),
    ("policy_gradient", "table_policy_gradient_config"),
    ("policy_gradient", "table_policy_gradient_theorem"),
    ("policy_gradient", "table_policy_gradient_variance"),
    ("reinforce", "table_reinforce_config"),
    ("reinforce", "table_reinforce_corridor"),
]


@pytest.mark.parametrize(("chapter", "name"), TABLES, ids=lambda v: v)
def test_generated_table_matches_the_committed_file(chapter, name, tmp_path):
    func = getattr(importlib.import_module(f"fa_book.figures.{chapter}"), name)
    out = tmp_path / "figures"
    out.mkdir()
    paths = [p for p in func(out, quick=False) if p.suffix == ".md"]
    assert paths, f"{name} wrote no table"
    for p in paths:
        committed = RESULTS / p.name
        assert committed.is_file(), f"{p.name} is generated but not committed"
        assert p.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"docs/results/{p.name} differs from what {chapter}.{name} generates now: "
            f"run `python -m fa_book.figures {chapter} --only {name}` and commit it")
