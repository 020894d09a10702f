"""Tests for fa_book.dqn_cli: the dataclass -> argparse helper, the output folder checks,
the log written as the run goes, and Ctrl-C."""

from __future__ import annotations

import csv
import dataclasses
import json
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pytest
import torch

import fa_book.dqn_cli as dqn_cli
import fa_book.dqn_runs as dqn_runs
from fa_book.dqn import DQNConfig, NatureQNetwork
from fa_book.dqn_cli import atari_env, config_from_args, config_parser, main, parse_args
from fa_book.dqn_io import RUN_FILES, RunLog, check_out_dir, load_checkpoint


@dataclass(frozen=True)
class Toy:
    """A config with one field of each supported kind."""

    name: str = "a"
    """The name."""
    steps: int = 3
    """How many steps; 100% of them."""
    rate: float = 0.5
    """A rate."""
    widths: tuple[int, ...] = (4, 5)
    """Layer widths."""
    fast: bool = False
    """Go fast."""
    kind: Literal["x", "y"] = "x"
    """Which kind."""
    clip: float | None = None
    """An optional clip."""


def test_config_parser_one_option_per_field_with_type_default_and_help():
    parser = config_parser(Toy)
    assert config_from_args(Toy, parser.parse_args([])) == Toy()
    args = parser.parse_args(["--name", "b", "--steps", "7", "--rate", "-1e-3", "--widths",
                              "1", "2", "3", "--fast", "--kind", "y", "--clip", "2.5"])
    assert config_from_args(Toy, args) == Toy("b", 7, -1e-3, (1, 2, 3), True, "y", 2.5)
    args = parser.parse_args(["--no-fast", "--clip", "none", "--steps", "-4"])
    assert config_from_args(Toy, args) == Toy(fast=False, clip=None, steps=-4)
    text = parser.format_help()
    for field in dataclasses.fields(Toy):
        assert "--" + field.name in text
    assert "How many steps; 100% of them." in " ".join(text.split())
    assert "--fast, --no-fast" in text and "{x,y}" in text


@pytest.mark.parametrize("argv, message", [
    (["--steps", "2.5"], "invalid int value"),
    (["--kind", "z"], "invalid choice"),
    (["--rate", "fast"], "invalid float value"),
    (["--clip", "big"], "invalid float or none value"),
    (["--stpes", "3"], "did you mean --steps"),
    (["extra"], "unrecognized arguments: extra"),
])
def test_config_parser_errors_are_argparse_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(config_parser(Toy, prog="toy"), argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_config_parser_refuses_what_it_cannot_map():
    with pytest.raises(TypeError, match="dataclass"):
        config_parser(int)

    @dataclass
    class Odd:
        x: dict = dataclasses.field(default_factory=dict)
        """A dict."""
    with pytest.raises(TypeError, match="'x'"):
        config_parser(Odd)


def test_every_dqn_config_field_is_an_option_with_its_docstring():
    from fa_book._doc import field_docs

    text = " ".join(config_parser(DQNConfig).format_help().split())
    for name, doc in field_docs(DQNConfig).items():
        assert f"--{name.replace('_', '-')}" in text and doc in text


TINY = ["--total-steps", "600", "--learning-starts", "200", "--eval-every", "300",
        "--eval-episodes", "2", "--hidden", "16", "--batch-size", "32", "--buffer-size",
        "1000", "--no-progress"]


@pytest.mark.parametrize("argv, message", [
    (["--learning-rate", "-1e-3"], "learning_rate must be a finite number > 0"),
    (["--gamma", "nan"], "gamma must be in [0, 1]"),
    (["--env-id", "CartPol-v1"], "env_id must be a registered gymnasium environment id"),
    (["--hidden", "0"], "hidden must be a non-empty tuple"),
    (["--totl-steps", "5"], "did you mean --total-steps"),
    (["--env-id", "Pendulum-v1"], "discrete actions"),
])
def test_bad_options_end_with_a_clear_error_before_training(capsys, tmp_path, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main([*TINY, "--out", str(tmp_path / "run"), *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "run" / "progress.csv").exists()


def test_out_folder_is_checked_before_training(tmp_path, monkeypatch, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for out, message in [(a_file, "is a file"), (a_file / "sub", "is a file")]:
        with pytest.raises(ValueError, match=message):
            check_out_dir(out)
    monkeypatch.setattr("fa_book.dqn_io.os.access", lambda path, mode: False)
    with pytest.raises(ValueError, match="not writable"):
        check_out_dir(tmp_path / "ro")
    monkeypatch.undo()
    calls = []
    monkeypatch.setattr(dqn_cli, "train", lambda *a, **k: calls.append(1))
    with pytest.raises(SystemExit):
        main([*TINY, "--out", str(a_file)])
    assert calls == [] and "is a file" in capsys.readouterr().err


def test_a_run_is_never_overwritten_silently_and_overwrite_leaves_nothing_stale(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "summary.json").write_text('{"old": true}')
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="already holds a run"):
        check_out_dir(out)
    check_out_dir(out, overwrite=True)
    assert not any((out / name).exists() for name in RUN_FILES)
    assert (out / "notes.txt").read_text() == "mine"  # only the run's own files go


def test_log_is_written_and_flushed_one_line_per_evaluation(tmp_path):
    log = RunLog(tmp_path)
    seen = []
    for step in (1, 2, 3):
        log({"step": step, "eval_mean": 10.0 * step})
        seen.append(len(list(csv.DictReader(log.csv_path.open()))))  # read while open
    log.close()
    assert seen == [1, 2, 3]


def test_ctrl_c_saves_the_checkpoint_and_the_log_marked_interrupted(tmp_path, monkeypatch):
    """Ctrl-C at the second evaluation (step 600 of 900): the log holds the first row,
    summary.json says interrupted at step 600, and model.pt loads; no file of an earlier
    run in the folder survives (--overwrite)."""
    out = tmp_path / "run"
    out.mkdir()
    (out / "model.pt").write_bytes(b"an older run")
    calls, real = [], dqn_runs.evaluate

    def interrupt_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)
    monkeypatch.setattr(dqn_runs, "evaluate", interrupt_second)
    code = main([*TINY, "--total-steps", "900", "--out", str(out), "--overwrite"])
    assert code == 130
    rows = list(csv.DictReader((out / "progress.csv").open()))
    assert [int(r["step"]) for r in rows] == [300]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["steps"] == 600
    net, config = load_checkpoint(out / "model.pt")
    assert config.total_steps == 900
    blob = torch.load(out / "model.pt", weights_only=True)
    assert blob["meta"] == {"interrupted": True, "steps": 600}


def test_a_diverging_run_keeps_its_log_and_exits_1(tmp_path, capsys):
    assert main([*TINY, "--learning-rate", "1e8", "--loss", "mse", "--out",
                 str(tmp_path)]) == 1
    assert "diverged" in capsys.readouterr().err


def test_a_finished_run_says_so(tmp_path):
    assert main([*TINY, "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["interrupted"] is False and summary["steps"] == 600
    assert len(list(csv.DictReader((tmp_path / "progress.csv").open()))) == 2


def test_python_m_fa_book_dqn_is_the_command_line():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "fa_book.dqn", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--total-steps" in done.stdout


def test_atari_runs_when_the_extra_is_installed_and_says_how_to_get_it_otherwise():
    try:
        import ale_py  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r"fa_book\[atari\]"):
            atari_env("ALE/Pong-v5")
        return
    env = atari_env("ALE/Pong-v5", seed=0)
    net = NatureQNetwork(int(env.action_space.n), torch.Generator().manual_seed(0))
    s, _ = env.reset(seed=0)
    assert s.shape == (4, 84, 84)
    for _ in range(5):
        a = int(net(torch.from_numpy(np.asarray(s))[None]).argmax())
        s, *_ = env.step(a)
    env.close()


def test_same_seed_same_numbers_and_logs(tmp_path):
    argv = ["--total-steps", "1200", "--learning-starts", "300", "--eval-every", "600",
            "--eval-episodes", "3", "--hidden", "32", "32", "--seed", "5", "--no-progress"]
    main([*argv, "--out", str(tmp_path / "a")])
    main([*argv, "--out", str(tmp_path / "b")])
    rows = [list(csv.DictReader((tmp_path / d / "progress.csv").open())) for d in "ab"]
    assert len(rows[0]) == 2
    keys = ["step", "eval_mean", "eval_std", "epsilon", "loss", "episodes", "updates"]
    assert [[r[k] for k in keys] for r in rows[0]] == [[r[k] for k in keys] for r in rows[1]]
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["config"]["hidden"] == [32, 32] and summary["config"]["seed"] == 5
    a, _ = load_checkpoint(tmp_path / "a" / "model.pt")
    b, config = load_checkpoint(tmp_path / "b" / "model.pt")
    assert config.total_steps == 1200
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)


def test_new_options_reach_the_command_line_and_the_config_table(tmp_path):
    from fa_book._doc import config_table

    main(["--total-steps", "600", "--learning-starts", "200", "--eval-every", "600",
          "--eval-episodes", "2", "--hidden", "16", "--n-step", "3",
          "--max-grad-norm", "2.5", "--no-progress", "--out", str(tmp_path)])
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["config"]["n_step"] == 3 and summary["config"]["max_grad_norm"] == 2.5
    _, config = load_checkpoint(tmp_path / "model.pt")
    assert config.n_step == 3 and config.max_grad_norm == 2.5
    table = config_table(DQNConfig)
    assert f"| `n_step` | `{DQNConfig().n_step}` |" in table
    assert "| `max_grad_norm` | `None` |" in table
    assert "gamma^n" in table and "norm" in table
