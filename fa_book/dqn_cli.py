r"""`fa-book-dqn`, the command line of chapter 7, and the Atari wiring.

The options are generated from [`DQNConfig`][fa_book.dqn.DQNConfig] by
[`config_parser`][fa_book.dqn_cli.config_parser], a small dataclass → argparse helper
that works for any config of the book: one option `--field-name` per field, its type from
the annotation, its default from the dataclass, its help from the field's docstring,
booleans as `--x/--no-x`, `Literal[...]` as choices, tuples as lists of values.

    fa-book-dqn --seed 0 --out runs/dqn          # progress.csv as it goes, then
                                                 # summary.json and model.pt
    fa-book-dqn --no-replay --no-target-network  # the 'neither' ablation

The output folder is checked before training; Ctrl-C saves the checkpoint and the log so
far, marked `"interrupted": true` in `summary.json`.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import re
import sys
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gymnasium as gym
import torch

from fa_book._doc import field_docs
from fa_book.dqn import DQNConfig
from fa_book.dqn_checks import check_env_id
from fa_book.dqn_io import RunLog, check_out_dir, save_checkpoint, steps_to_stay
from fa_book.dqn_runs import train
from fa_book.validate import DivergenceError, check_nonneg_int

__all__ = ["atari_env", "config_from_args", "config_parser", "main", "parse_args"]

NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-inf$")
"""What argparse should read as a (negative) value, not an option: `-3`, `-1e-3`, `-inf`."""


def option_kwargs(name: str, annotation: Any, default: Any) -> dict[str, Any]:
    """The `add_argument` keywords for one dataclass field (see `config_parser`)."""
    kwargs: dict[str, Any] = {"default": default} if default is not dataclasses.MISSING else {
        "required": True}
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    optional = origin in (typing.Union, types.UnionType) and type(None) in args
    if optional:
        (annotation,) = [a for a in args if a is not type(None)]
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is bool:
        return {**kwargs, "action": argparse.BooleanOptionalAction}
    if origin is typing.Literal:
        return {**kwargs, "choices": args, "type": type(args[0])}
    if origin is tuple and args and args[0] in (int, float, str):
        nargs = "+" if len(args) == 2 and args[1] is Ellipsis else len(args)
        return {**kwargs, "nargs": nargs, "type": args[0]}
    if annotation in (int, float, str):
        if not optional:
            return {**kwargs, "type": annotation}

        def number_or_none(text: str, kind=annotation):
            return None if text.lower() == "none" else kind(text)
        number_or_none.__name__ = f"{annotation.__name__} or none"
        return {**kwargs, "type": number_or_none}
    raise TypeError(f"config_parser: field {name!r} has annotation {annotation!r}; "
                    "supported are bool, int, float, str, Literal[...], tuple[X, ...] and "
                    "X | None")


def config_parser(cls: type, parser: argparse.ArgumentParser | None = None,
                  **parser_kwargs: Any) -> argparse.ArgumentParser:
    """An argparse parser with one option per field of the dataclass `cls`.

    `--field-name` for `field_name`; the type from the annotation, the default from the
    dataclass, the help from the docstring written under the field; `bool` fields as
    `--x/--no-x`; `Literal[...]` as choices; `tuple[int, ...]` as one or more values;
    `X | None` accepts `none`. Negative numbers (`--learning-rate -1e-3`) are read as
    values. Read the parsed options back with
    [`config_from_args`][fa_book.dqn_cli.config_from_args].

    Args:
        cls: a dataclass (its annotations may be strings, as under
            `from __future__ import annotations`).
        parser: add the options to this parser; by default a new one, built with
            `parser_kwargs` and argparse's default-showing help formatter.

    Raises:
        TypeError: if `cls` is not a dataclass or a field has an unsupported annotation.
    """
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"cls must be a dataclass, got {cls!r}")
    if parser is None:
        parser = argparse.ArgumentParser(
            formatter_class=argparse.ArgumentDefaultsHelpFormatter, **parser_kwargs)
    parser._negative_number_matcher = NEGATIVE_NUMBER  # argparse's private hook
    hints, docs = typing.get_type_hints(cls), field_docs(cls)
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        default = (f.default if f.default is not dataclasses.MISSING else f.default_factory()
                   if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
        parser.add_argument("--" + f.name.replace("_", "-"), dest=f.name,
                            help=docs.get(f.name, " ").replace("%", "%%"),
                            **option_kwargs(f.name, hints[f.name], default))
    return parser


def config_from_args(cls: type, args: argparse.Namespace | dict[str, Any]):
    """Build `cls` from parsed options (extra options are ignored; lists become tuples)."""
    values = vars(args) if isinstance(args, argparse.Namespace) else dict(args)
    return cls(**{f.name: tuple(values[f.name]) if isinstance(values[f.name], list)
                  else values[f.name] for f in dataclasses.fields(cls)
                  if f.init and f.name in values})


def parse_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None
               ) -> argparse.Namespace:
    """`parser.parse_args(argv)`, but a misspelt option's error names the closest option
    (`unrecognized arguments: --totl-steps (did you mean --total-steps?)`); exit code 2."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        options = [s for a in parser._actions for s in a.option_strings]
        hints = [m for e in extra if e.startswith("-")
                 for m in difflib.get_close_matches(e.split("=")[0], options, n=1)]
        parser.error(f"unrecognized arguments: {' '.join(extra)}"
                     + (f" (did you mean {', '.join(hints)}?)" if hints else ""))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """`fa-book-dqn`: train on a gymnasium env, write logs and a checkpoint.

    Every field of [`DQNConfig`][fa_book.dqn.DQNConfig] is an option
    (`--total-steps 40000`, `--no-replay`, `--hidden 128 128`, ...), plus `--out`,
    `--overwrite` and `--no-progress`. A bad option or value, or an output folder that
    cannot take the run, ends with a clear error (exit 2) *before* training.

    Returns:
        0 when the run finished, 130 when it was interrupted (Ctrl-C), 1 when it diverged.
    """
    parser = config_parser(DQNConfig, prog="fa-book-dqn", description="Train DQN on a "
                           "gymnasium env; write progress.csv, summary.json and model.pt.")
    parser.add_argument("--out", type=Path, default=Path("runs/dqn"),
                        help="folder for progress.csv, summary.json and model.pt")
    parser.add_argument("--overwrite", action="store_true",
                        help="delete a run already in --out instead of refusing")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parse_args(parser, argv)
    try:
        config = config_from_args(DQNConfig, args)
        out = check_out_dir(args.out, args.overwrite)
    except ValueError as err:
        parser.error(str(err))
    torch.set_num_threads(1)
    log = RunLog(out)
    try:
        result = train(config, progress=not args.no_progress, callback=log)
    except DivergenceError as err:
        print(f"fa-book-dqn: {err}; the log so far is in {log.csv_path}", file=sys.stderr)
        return 1
    except ValueError as err:  # the env cannot be learned by DQN: refused before any step
        parser.error(str(err))
    finally:
        log.close()
    paths = [log.csv_path, log.write_summary(result), save_checkpoint(
        out / "model.pt", result.q_net, config,
        {"interrupted": result.interrupted, "steps": result.steps})]
    if result.interrupted:
        print(f"interrupted at step {result.steps} of {config.total_steps}: saved the "
              "network and the log so far", file=sys.stderr)
    if result.history:
        last = result.history[-1]
        print(f"final greedy eval {last['eval_mean']:.1f} +- {last['eval_std']:.1f} over "
              f"{config.eval_episodes} episodes; stays >= 475 from step "
              f"{steps_to_stay(result.history)}; wall {result.wall_time:.1f} s, "
              f"cpu {result.cpu_time:.1f} s")
    for p in paths:
        if p.exists():
            print(f"wrote {p}")
    return 130 if result.interrupted else 0


def atari_env(game: str = "ALE/Pong-v5", seed: int = 0) -> gym.Env:
    """A real Atari env preprocessed as in the paper: 84x84 grey, frame skip 4, 4 stacked.

    Needs the optional extra `pip install "fa_book[atari]"` (ale-py).

    Raises:
        ImportError: with the install command, if ale-py is not installed.
        ValueError: if `game` is not a registered Atari id or `seed` is not an integer
            >= 0.
    """
    check_nonneg_int("seed", seed)
    try:
        import ale_py
    except ImportError as err:
        raise ImportError('Atari needs the optional extra: pip install "fa_book[atari]" '
                          "(it installs ale-py)") from err
    gym.register_envs(ale_py)
    env = gym.make(check_env_id("game", game), frameskip=1, repeat_action_probability=0.0)
    env = gym.wrappers.AtariPreprocessing(env, frame_skip=4, screen_size=84,
                                          grayscale_obs=True, noop_max=30)
    env = gym.wrappers.FrameStackObservation(env, 4)
    env.reset(seed=seed)
    return env


if __name__ == "__main__":
    sys.exit(main())
