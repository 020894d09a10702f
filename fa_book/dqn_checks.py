r"""Argument checks of chapter 7 (DQN): environment ids, layer widths, state tensors,
minibatches, transitions and network pairs. The generic checks are in
[`fa_book.validate`][fa_book.validate]; each raises a `ValueError` naming the argument and
what it accepts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from fa_book.validate import (
    check_choice,
    check_discount,
    check_in_range,
    check_nonneg_int,
    check_positive,
    check_probability,
    check_size,
)

__all__ = ["BATCH_FIELDS", "MAX_EVAL_EPISODES", "check_batch", "check_dqn_config",
           "check_env_id", "check_hidden", "check_same_shapes", "check_states",
           "check_transition", "make_vector_env"]

MAX_EVAL_EPISODES = 10_000
"""The most episodes [`evaluate`][fa_book.dqn.evaluate] runs side by side (one env each)."""

BATCH_FIELDS = ("s", "a", "r", "s_next", "terminated", "steps")
"""The fields of a [`fa_book.dqn.Batch`][fa_book.dqn.Batch], in order."""


def check_env_id(name: str, env_id: str) -> str:
    """Require the id of a registered gymnasium environment (e.g. `"CartPole-v1"`)."""
    if not isinstance(env_id, str):
        raise ValueError(f"{name} must be a gymnasium environment id (a str), "
                         f"got {env_id!r}")
    try:
        gym.spec(env_id)
    except gym.error.Error as err:
        raise ValueError(f"{name} must be a registered gymnasium environment id, got "
                         f"{env_id!r} ({err})") from None
    return env_id


def check_hidden(name: str, hidden: Sequence[int]) -> tuple[int, ...]:
    """Require a non-empty sequence of layer widths, integers in [1, 100000]."""
    if (isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence) or not hidden
            or any(isinstance(h, bool) or not isinstance(h, (int, np.integer))
                   or not 1 <= h <= 100_000 for h in hidden)):
        raise ValueError(f"{name} must be a non-empty tuple of integers in [1, 100000], "
                         f"got {hidden!r}")
    return tuple(int(h) for h in hidden)


def check_states(name: str, s, shape: tuple[int, ...]) -> torch.Tensor:
    """Require a tensor of states, shape `(B, *shape)` with `B >= 1`."""
    want = f"(B, {', '.join(map(str, shape))}) with B >= 1"
    if not isinstance(s, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor of shape {want}, "
                         f"got {type(s).__name__}")
    if s.ndim != 1 + len(shape) or tuple(s.shape[1:]) != tuple(shape) or s.shape[0] < 1:
        raise ValueError(f"{name} must have shape {want}, got {tuple(s.shape)}")
    return s


def check_batch(batch, n_actions: int | None = None):
    """Require a [`Batch`][fa_book.dqn.Batch] of `B >= 1` transitions: tensors with the
    same leading length `B` (`a`, `r`, `terminated`, `steps` of shape `(B,)`), int64
    actions in `[0, n_actions)`, finite rewards."""
    if getattr(batch, "_fields", None) != BATCH_FIELDS:
        raise ValueError(f"batch must be a fa_book.dqn.Batch, got {type(batch).__name__}")
    fields = [f for f in BATCH_FIELDS if getattr(batch, f) is not None]
    for f in fields:
        if not isinstance(getattr(batch, f), torch.Tensor):
            raise ValueError(f"batch.{f} must be a torch.Tensor, got "
                             f"{type(getattr(batch, f)).__name__}")
    B = batch.a.shape[0] if batch.a.ndim == 1 else -1
    bad = [f for f in fields if getattr(batch, f).ndim < 1 or getattr(batch, f).shape[0] != B
           or (f not in ("s", "s_next") and getattr(batch, f).ndim != 1)]
    if B < 1 or bad:
        raise ValueError(f"batch.{', batch.'.join(bad or ['a'])}: every field must hold "
                         f"B >= 1 entries (a, r, terminated, steps of shape (B,)), got "
                         + ", ".join(f"{f} {tuple(getattr(batch, f).shape)}" for f in fields))
    if batch.a.dtype != torch.int64:
        raise ValueError(f"batch.a must be int64 actions, got {batch.a.dtype}")
    if n_actions is not None:
        low, high = (int(x) for x in torch.aminmax(batch.a))
        if low < 0 or high >= n_actions:
            raise ValueError(f"batch.a must be actions in [0, {n_actions - 1}], got values "
                             f"from {low} to {high}")
    if not bool(torch.isfinite(batch.r).all()):
        raise ValueError("batch.r must contain only finite rewards (found NaN or inf)")
    return batch


def check_transition(obs_shape: tuple[int, ...], s, a, r, s_next, steps) -> None:
    """Require states `s`, `s_next` of shape `obs_shape`, an integer action `a >= 0`, a
    finite reward `r` and an integer `steps >= 1`."""
    ok = (np.shape(s) == obs_shape and np.shape(s_next) == obs_shape
          and isinstance(a, (int, np.integer)) and not isinstance(a, bool) and a >= 0
          and isinstance(r, (int, float, np.number)) and math.isfinite(r)
          and isinstance(steps, (int, np.integer)) and steps >= 1)
    if not ok:
        raise ValueError(f"a transition needs s and s_next of shape {obs_shape}, an integer "
                         f"action a >= 0, a finite reward r and an integer steps >= 1; got "
                         f"shapes {np.shape(s)}, {np.shape(s_next)}, a={a!r}, r={r!r}, "
                         f"steps={steps!r}")


def check_same_shapes(target_net: nn.Module, q_net: nn.Module) -> None:
    """Require two networks whose parameters have the same shapes, in the same order."""
    shapes = [[tuple(p.shape) for p in net.parameters()] if isinstance(net, nn.Module)
              else None for net in (target_net, q_net)]
    if shapes[0] is None or shapes[0] != shapes[1]:
        raise ValueError(f"target_net and q_net must be torch modules with the same "
                         f"parameter shapes, got {shapes[0]} and {shapes[1]}")


def make_vector_env(env_id: str) -> tuple[gym.Env, int, int]:
    """`gym.make(env_id)` with its observation length and number of actions; refuses an
    env whose actions are not `Discrete` or whose observations are not a flat `Box`."""
    env = gym.make(check_env_id("env_id", env_id))
    obs, act = env.observation_space, env.action_space
    if not (isinstance(act, gym.spaces.Discrete)
            and isinstance(obs, gym.spaces.Box) and len(obs.shape) == 1):
        env.close()
        raise ValueError(f"env_id must name an env with vector observations and discrete "
                         f"actions, got {env_id!r} with {obs} and {act}")
    return env, int(obs.shape[0]), int(act.n)


def check_dqn_config(cfg) -> None:
    """Validate every field of a [`DQNConfig`][fa_book.dqn.DQNConfig] (its
    `__post_init__`): a `ValueError` naming the field, the value and the accepted range."""
    check_env_id("env_id", cfg.env_id)
    for name in ("total_steps", "buffer_size", "batch_size", "train_freq",
                 "gradient_steps", "target_update", "eps_duration", "eval_every"):
        check_size(name, getattr(cfg, name))
    check_size("eval_episodes", cfg.eval_episodes, MAX_EVAL_EPISODES)
    check_size("n_step", cfg.n_step, 10_000)
    check_nonneg_int("learning_starts", cfg.learning_starts)
    check_nonneg_int("seed", cfg.seed)
    check_hidden("hidden", cfg.hidden)
    check_positive("learning_rate", cfg.learning_rate)
    check_discount("gamma", cfg.gamma)
    check_in_range("tau", cfg.tau, 1e-12, 1.0)
    check_probability("eps_start", cfg.eps_start)
    check_probability("eps_end", cfg.eps_end)
    check_in_range("lr_final_fraction", cfg.lr_final_fraction, 0.0, 1.0)
    check_choice("loss", cfg.loss, ("mse", "huber"))
    for name in ("double", "replay", "target_network"):
        if not isinstance(getattr(cfg, name), bool):
            raise ValueError(f"{name} must be True or False, got {getattr(cfg, name)!r}")
    if cfg.max_grad_norm is not None:
        check_positive("max_grad_norm", cfg.max_grad_norm)
    if cfg.buffer_size < cfg.batch_size:
        raise ValueError(f"buffer_size must be >= batch_size={cfg.batch_size}, "
                         f"got {cfg.buffer_size}")
