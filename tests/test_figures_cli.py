"""`python -m fa_book.figures`: a misspelt chapter or function name is an error, not a
silent no-op."""

from __future__ import annotations

import pytest

from fa_book.figures.__main__ import main


@pytest.mark.parametrize(("argv", "message"), [
    (["nochapter"], "unknown chapter 'nochapter'; choose from tabular"),
    (["tabular", "--only", "misspelt"], "--only 'misspelt' names no figure or table"),
    (["--quikc"], "unrecognized arguments: --quikc"),
    (["--jobs", "0"], "--jobs: must be an integer >= 1, got '0'"),
])
def test_bad_arguments_exit_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_only_runs_the_named_function(tmp_path, capsys):
    main(["tabular", "--only", "table_table_sizes", "--quick", "--out", str(tmp_path / "f")])
    out = capsys.readouterr().out
    assert "tabular.table_table_sizes" in out and "figure_" not in out
    assert (tmp_path / "results" / "tabular_table_sizes.md").is_file()


def test_outputs_do_not_depend_on_the_number_of_workers(tmp_path, capsys):
    """Every figure function seeds its own runs: one worker or two, the same bytes."""
    chapters = ["tabular", "policy_gradient", "reinforce"]
    for jobs in (1, 2):
        main([*chapters, "--quick", "--jobs", str(jobs), "--out", str(tmp_path / f"j{jobs}" /
                                                                    "figures")])
    files = sorted(p.relative_to(tmp_path / "j1") for p in (tmp_path / "j1").rglob("*")
                   if p.is_file())
    assert any(f.suffix == ".md" for f in files) and any(f.suffix == ".png" for f in files)
    assert files == sorted(p.relative_to(tmp_path / "j2")
                           for p in (tmp_path / "j2").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "j1" / f).read_bytes() == (tmp_path / "j2" / f).read_bytes(), f


def test_a_split_sweep_gives_the_same_bytes_cell_by_cell_in_parallel(tmp_path, capsys):
    """The resolution study is split into one cell per grid: with 2 workers its cells run
    in separate processes (the run prints each cell), and the table and the figure are
    the bytes one worker writes, and those of a plain call of the function."""
    from fa_book.figures.discretize import table_discretize_resolution

    only = ["discretize", "--only", "table_discretize_resolution", "--quick"]
    for jobs in (1, 2):
        main([*only, "--jobs", str(jobs), "--out", str(tmp_path / f"j{jobs}" / "figures")])
    out = capsys.readouterr().out
    n = len(table_discretize_resolution.cells(True))
    assert n >= 2 and all(f"cell {i} of {n}" in out for i in range(1, n + 1))
    table_discretize_resolution(tmp_path / "plain" / "figures", quick=True)
    files = sorted(p.relative_to(tmp_path / "j1") for p in (tmp_path / "j1").rglob("*")
                   if p.is_file())
    assert {f.suffix for f in files} == {".md", ".png"}
    for other in ("j2", "plain"):
        assert files == sorted(p.relative_to(tmp_path / other)
                               for p in (tmp_path / other).rglob("*") if p.is_file())
        for f in files:
            assert (tmp_path / "j1" / f).read_bytes() == (tmp_path / other / f).read_bytes()
