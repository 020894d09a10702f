r"""Checkpoints and logs of a DQN run (chapter 7): files in, files out, every failure clear.

* [`save_checkpoint`][fa_book.dqn_io.save_checkpoint] /
  [`load_checkpoint`][fa_book.dqn_io.load_checkpoint]: the weights, the architecture and
  the config in a file that loads with `torch.load(..., weights_only=True)` (no pickled
  code runs). Loading turns every failure (missing, truncated or corrupted file, not a
  checkpoint, a bad `arch`, non-finite weights, weights that do not fit) into one
  `ValueError` naming the file and the reason.
* [`check_out_dir`][fa_book.dqn_io.check_out_dir]: refuses an output folder that cannot
  be written, or that already holds a run, *before* training starts.
* [`RunLog`][fa_book.dqn_io.RunLog]: `progress.csv` written one flushed line per
  evaluation as the run goes, then `summary.json` (marked `"interrupted"` after Ctrl-C).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from fa_book.dqn import DQNConfig, NatureQNetwork, QNetwork
from fa_book.dqn_runs import TrainResult
from fa_book.validate import check_in_range

__all__ = ["CHECKPOINT_FORMAT", "RUN_FILES", "RunLog", "build_q_network", "check_out_dir",
           "load_checkpoint", "save_checkpoint", "steps_to_stay"]

CHECKPOINT_FORMAT = "fa_book.dqn/1"
"""The `format` entry of every checkpoint this module writes."""

RUN_FILES = ("progress.csv", "summary.json", "model.pt")
"""The files a run writes into its output folder."""

ARCH_KEYS = {"mlp": ("obs_dim", "n_actions", "hidden"), "nature": ("n_actions",)}


def build_q_network(arch: Mapping[str, Any], generator: torch.Generator | None = None
                    ) -> nn.Module:
    """Rebuild a network from its `arch` description (as stored in a checkpoint).

    Raises:
        ValueError: if `arch` is not a dict, has an unknown `kind`, misses a key or holds
            sizes that the network refuses.
    """
    if not isinstance(arch, Mapping):
        raise ValueError(f"arch must be a dict, got {type(arch).__name__}")
    kind = arch.get("kind")
    if kind not in ARCH_KEYS:
        raise ValueError(f"arch['kind'] must be 'mlp' or 'nature', got {kind!r}")
    missing = [k for k in ARCH_KEYS[kind] if k not in arch]
    if missing:
        raise ValueError(f"arch of kind {kind!r} misses the key(s) {missing}, got {dict(arch)}")
    if kind == "mlp":
        if not isinstance(arch["hidden"], (list, tuple)):
            raise ValueError(f"arch['hidden'] must be a list of widths, got {arch['hidden']!r}")
        return QNetwork(arch["obs_dim"], arch["n_actions"], tuple(arch["hidden"]), generator)
    return NatureQNetwork(arch["n_actions"], generator)


def config_dict(config: DQNConfig) -> dict[str, Any]:
    """A config as JSON-like values (tuples as lists)."""
    return {k: list(v) if isinstance(v, tuple) else v
            for k, v in dataclasses.asdict(config).items()}


def save_checkpoint(path: str | Path, q_net: nn.Module, config: DQNConfig | None = None,
                    meta: Mapping[str, Any] | None = None) -> Path:
    """Save the network's weights, its architecture, (optionally) the config and `meta`
    (e.g. `{"interrupted": True, "step": 1200}`).

    The file holds only tensors, strings, numbers and lists, so it loads with
    `torch.load(..., weights_only=True)`; it is written to a temporary file first and then
    renamed, so an interrupted save never leaves a truncated checkpoint.
    """
    arch = getattr(q_net, "arch", None)
    if not isinstance(q_net, (QNetwork, NatureQNetwork)) or arch is None:
        raise ValueError(f"q_net must be a QNetwork or NatureQNetwork, got "
                         f"{type(q_net).__name__}")
    if config is not None and not isinstance(config, DQNConfig):
        raise ValueError(f"config must be a DQNConfig or None, got {type(config).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = {"format": CHECKPOINT_FORMAT, "arch": arch,
            "config": None if config is None else config_dict(config),
            "meta": dict(meta or {}), "state_dict": q_net.state_dict()}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(blob, f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def load_checkpoint(path: str | Path, expected_arch: Mapping[str, Any] | None = None
                    ) -> tuple[nn.Module, DQNConfig | None]:
    """Load a network saved by [`save_checkpoint`][fa_book.dqn_io.save_checkpoint].

    Args:
        path: the checkpoint file.
        expected_arch: if given (e.g. `my_net.arch`), the stored architecture must match.

    Raises:
        ValueError: `"checkpoint <path>: <reason>"` for every failure: no such file, a
            file torch cannot read (truncated, corrupted, random bytes, or a pickle that
            is not weights-only, which is refused and never run), not a DQN checkpoint, a
            bad `arch`, an architecture other than `expected_arch` (both are shown),
            weights of the wrong shapes or not finite, a bad config.
    """
    def fail(reason: str) -> ValueError:
        return ValueError(f"checkpoint {path}: {reason}")

    if not isinstance(path, (str, Path)) or not Path(path).is_file():
        raise fail("no such file")
    try:
        blob = torch.load(Path(path), map_location="cpu", weights_only=True)
    except Exception as err:  # every reader failure becomes one message
        first = str(err).strip().splitlines()[0][:200] if str(err).strip() else ""
        raise fail(f"torch cannot read it as a weights-only file ({type(err).__name__}: "
                   f"{first})") from None
    if not isinstance(blob, dict) or blob.get("format") != CHECKPOINT_FORMAT:
        raise fail("not an fa_book DQN checkpoint (no format entry "
                   f"{CHECKPOINT_FORMAT!r})")
    arch, state = blob.get("arch"), blob.get("state_dict")
    if expected_arch is not None and (not isinstance(arch, Mapping)
                                      or dict(arch) != dict(expected_arch)):
        raise fail(f"holds architecture {arch}, expected {dict(expected_arch)}")
    try:
        net = build_q_network(arch)
    except ValueError as err:
        raise fail(f"bad architecture: {err}") from None
    if not isinstance(state, Mapping) or not all(isinstance(v, torch.Tensor)
                                                 for v in state.values()):
        raise fail("its state_dict is not a dict of tensors")
    bad = [k for k, v in state.items() if not torch.isfinite(v).all()]
    if bad:
        raise fail(f"non-finite weights (NaN or inf) in {bad}")
    try:
        net.load_state_dict(state)
    except RuntimeError as err:  # shapes disagree with the stored arch
        detail = " ".join(str(err).split())[:300]
        raise fail(f"weights do not fit architecture {arch}: {detail}") from None
    cfg = blob.get("config")
    if cfg is not None:
        try:
            cfg = DQNConfig(**{k: tuple(v) if k == "hidden" else v for k, v in cfg.items()})
        except (TypeError, ValueError, AttributeError) as err:
            raise fail(f"bad config: {err}") from None
    return net, cfg


def check_out_dir(out: str | Path, overwrite: bool = False) -> Path:
    """Check (before any training) that `out` can receive a run, and create it.

    Refuses, with a `ValueError` naming the folder: a path that is a file or lies under a
    file, a folder that cannot be written, and a folder that already holds a run (one of
    [`RUN_FILES`][fa_book.dqn_io.RUN_FILES]) unless `overwrite`, in which case those files
    are deleted now, so that nothing of the earlier run is left beside the new one.
    """
    out = Path(out)
    for parent in [out, *out.parents]:
        if parent.exists() and not parent.is_dir():
            raise ValueError(f"out folder {out}: {parent} is a file, not a folder")
        if parent.exists():
            break
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"out folder {out} cannot be created ({err.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ValueError(f"out folder {out} is not writable")
    old = [name for name in RUN_FILES if (out / name).exists()]
    if old and not overwrite:
        raise ValueError(f"out folder {out} already holds a run ({', '.join(old)}); "
                         "choose another folder or pass --overwrite")
    for name in old:
        (out / name).unlink()
    return out


class RunLog:
    """`progress.csv` written as the run goes (one flushed line per evaluation), then
    `summary.json`; use as the `callback` of [`train`][fa_book.dqn_runs.train].

    Args:
        out_dir: a folder checked by [`check_out_dir`][fa_book.dqn_io.check_out_dir].
    """

    def __init__(self, out_dir: str | Path):
        self.out = Path(out_dir)
        self.csv_path, self.json_path = self.out / "progress.csv", self.out / "summary.json"
        self.file = None
        self.writer: csv.DictWriter | None = None

    def __call__(self, row: Mapping[str, float]) -> None:
        """Append one row of the history to `progress.csv` and flush it to disk."""
        if self.writer is None:
            self.file = self.csv_path.open("w", newline="")
            self.writer = csv.DictWriter(self.file, fieldnames=list(row))
            self.writer.writeheader()
        self.writer.writerow(row)
        self.file.flush()

    def close(self) -> None:
        """Close `progress.csv` (idempotent)."""
        if self.file is not None:
            self.file.close()
            self.file = None

    def write_summary(self, result: TrainResult) -> Path:
        """Write `summary.json`: config, final evaluation, `steps_to_stay_475`, episodes,
        times, `steps` reached and `interrupted`."""
        self.close()
        last = result.history[-1] if result.history else {}
        summary = {"config": config_dict(result.config),
                   "interrupted": bool(result.interrupted), "steps": result.steps,
                   "final_eval_mean": last.get("eval_mean"),
                   "steps_to_stay_475": steps_to_stay(result.history, 475.0),
                   "training_episodes": len(result.episode_returns),
                   "wall_time_s": result.wall_time, "cpu_time_s": result.cpu_time}
        self.json_path.write_text(json.dumps(summary, indent=2) + "\n")
        return self.json_path


def steps_to_stay(history: Sequence[Mapping[str, float]], threshold: float = 475.0
                  ) -> float | None:
    """First evaluation step from which *every* later evaluation is >= `threshold`.

    `None` if the last evaluation is below the threshold (the run did not stay there).

    Args:
        history: rows with keys `step` and `eval_mean`, in order
            (as in [`TrainResult.history`][fa_book.dqn_runs.TrainResult]).
        threshold: a finite return.
    """
    check_in_range("threshold", threshold, -math.inf, math.inf)
    if (isinstance(history, (str, bytes)) or not isinstance(history, Sequence)
            or any(not isinstance(row, Mapping) or not {"step", "eval_mean"} <= row.keys()
                   for row in history)):
        raise ValueError("history must be a sequence of rows with keys 'step' and "
                         f"'eval_mean', got {history!r:.200}")
    first = None
    for row in history:
        if row["eval_mean"] >= threshold:
            first = row["step"] if first is None else first
        else:
            first = None
    return first
