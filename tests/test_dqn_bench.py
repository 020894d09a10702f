"""bench/dqn.py without training: the tables it writes, the ratios it computes (between
two runs of the same invocation, never against a stored number), and what it does
without stable-baselines3."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from fa_book.dqn import DQNConfig

BENCH = Path(__file__).resolve().parents[1] / "bench" / "dqn.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_dqn", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(name, seed, stay, held_out, wall, cpu):
    return {"name": name, "seed": seed, "steps": 30_000, "stay": stay, "last_eval": 500.0,
            "held_out": held_out, "held_out_min": held_out - 10, "wall": wall, "cpu": cpu,
            "load": 1.0}


def test_pair_ratios_divide_the_two_runs_of_each_seed(bench):
    ours = [_row("fa_book", 0, 10_000, 500.0, 30.0, 20.0),
            _row("fa_book", 1, None, 400.0, 60.0, 40.0)]
    sb3 = [_row("SB3", 1, 45_000, 500.0, 120.0, 100.0),
           _row("SB3", 0, 40_000, 480.0, 90.0, 80.0)]
    pairs = {p["seed"]: p for p in bench.pair_ratios(ours, sb3)}
    assert pairs[0] == {"seed": 0, "wall": 30 / 90, "cpu": 20 / 80, "stay": 10_000 / 40_000}
    assert pairs[1] == {"seed": 1, "wall": 0.5, "cpu": 0.4, "stay": None}
    text = bench.table([ours[0], sb3[1], ours[1], sb3[0]], "2.x", DQNConfig())
    assert "| 0 | 0.333 | 0.250 | 0.25 |" in text and "| 1 | 0.500 | 0.400 | — |" in text
    assert "| median | 0.417 | 0.325 | |" in text
    assert "(median pair ratio) | 0.417 | no |" in text  # 0.417 > 1/3
    assert "| 1 of 2 | no |" in text  # seed 1's held-out mean 400 < 475


def test_without_sb3_it_says_so_and_runs_fa_book_alone(bench, monkeypatch, tmp_path, capsys):
    calls = []
    monkeypatch.setattr(bench, "sb3_available", lambda: None)
    monkeypatch.setattr(bench, "run_fa_book", lambda seed, config: calls.append(seed) or _row(
        "fa_book", seed, 12_000, 500.0, 30.0, 30.0))
    monkeypatch.setattr(bench, "run_sb3", lambda *a: pytest.fail("SB3 must not run"))
    out = tmp_path / "bench_dqn.md"
    bench.main(["--seeds", "0", "1", "--out", str(out)])
    assert calls == [0, 1]
    assert "stable-baselines3 is not installed" in capsys.readouterr().out
    text = out.read_text()
    assert "SB3 |" not in text and "fa_book / SB3" not in text
    assert "not measured (stable-baselines3 not installed)" in text


def test_the_benchmark_holds_no_stored_sb3_number():
    source = BENCH.read_text()
    assert "REFERENCE" not in source and "DESIGN.md" not in source


def test_from_log_reads_back_what_each_run_printed(bench, capsys):
    """The line held_out_row prints parses back to the same row (a changed print or a
    changed pattern fails here), and so does a line of the first version (no steps)."""
    history = [{"step": 1000, "eval_mean": 400.0}, {"step": 2000, "eval_mean": 500.0}]
    row = bench.held_out_row("SB3", 3, history, np.array([500.0, 480.0, 470.0]), 50_176,
                             123.45, 67.8)
    line = capsys.readouterr().out.strip()
    (parsed,) = bench.runs_from_log("noise\n" + line + "\nmore noise")
    assert parsed == {**row, "held_out": 483.3, "wall": 123.5, "load": round(row["load"], 2)}
    old = ("fa_book seed 0: stays >= 475 from never, held-out mean 19.1 (min 14), wall "
           "1044.2 s, CPU 122.4 s, load 11.35")
    (parsed,) = bench.runs_from_log(old)
    assert parsed["stay"] is None and parsed["steps"] is None and parsed["cpu"] == 122.4


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH.parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_profile_times_every_update_evaluation_and_step_of_a_run():
    """bench/dqn_profile.py's wrappers see each call of the run once: as many gradient
    steps as the config implies, one evaluation per eval_every steps, one env step per
    step; the parts add up to no more than the run's CPU time."""
    profile = _load("dqn_profile")
    config = DQNConfig(total_steps=600, learning_starts=200, eval_every=300, eval_episodes=2,
                       hidden=(8,), batch_size=16, train_freq=2, gradient_steps=3)
    clock, wall, cpu = profile.profile_fa_book(config)
    calls = {part: n for part, (_, _, n) in clock.parts.items()}
    assert calls["gradient steps"] == (600 - 200) // 2 * 3
    assert calls["greedy evaluations (the protocol)"] == 2
    assert calls["environment steps (training env)"] == 600
    assert sum(c for _, c, _ in clock.parts.values()) <= cpu
    from fa_book import dqn_runs
    assert dqn_runs.gradient_step.__name__ == "gradient_step"  # unwrapped afterwards


def test_the_cheaper_settings_run_only_on_tuning_seeds():
    cheaper = _load("dqn_cheaper")
    assert cheaper.parse_candidate("train_freq=4,hidden=64x64") == {"train_freq": 4,
                                                                   "hidden": (64, 64)}
    with pytest.raises(SystemExit):
        cheaper.main(["--seeds", "0", "--candidate", "train_freq=4"])
