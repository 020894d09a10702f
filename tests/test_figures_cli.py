"""`python -m fa_book.figures`: a misspelt chapter or function name is an error, not a
silent no-op."""

from __future__ import annotations

import pytest

from fa_book.figures.__main__ import main


@pytest.mark.parametrize(("argv", "message"), [
    (["nochapter"], "unknown chapter 'nochapter'; choose from tabular"),
    (["tabular", "--only", "misspelt"], "--only 'misspelt' names no figure or table"),
    (["--quikc"], "unrecognized arguments: --quikc"),
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
