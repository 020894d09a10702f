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
