r"""Small neural-network helpers shared by the deep chapters (DQN, REINFORCE).

* [`torch_default_init`][fa_book.nets.torch_default_init]: PyTorch's default
  initialisation, drawn from a private `torch.Generator` (never the global one), so that
  a network is a function of its seed;
* [`linear_layers`][fa_book.nets.linear_layers] and
  [`numpy_forward`][fa_book.nets.numpy_forward]: the same MLP evaluated in numpy, for
  acting one observation at a time without autograd or dispatcher overhead (a torch
  forward pass on one observation costs 50-90 µs, the numpy one a few µs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["linear_layers", "numpy_forward", "torch_default_init"]


def torch_default_init(module: nn.Module, generator: torch.Generator) -> None:
    """PyTorch's default init for every `Linear`/`Conv2d` in `module`, drawn from
    `generator` (no global RNG): weights Kaiming-uniform with $a = \\sqrt 5$, biases
    uniform on $\\pm 1/\\sqrt{\\text{fan in}}$."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5), generator=generator)
            if m.bias is not None:
                bound = 1.0 / math.sqrt(m.weight[0].numel())
                nn.init.uniform_(m.bias, -bound, bound, generator=generator)


def linear_layers(net: nn.Module, *, copy: bool = False, dtype: np.dtype | type | None = None
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The `(W, b)` arrays of the `Linear` layers of `net`, in order; `W` has torch's
    layout `(out, in)`.

    Args:
        net: a CPU module whose linear layers form an MLP.
        copy: `False` returns views that share memory with the parameters (in-place
            optimizer steps are seen at once); `True` returns copies (a snapshot).
        dtype: convert to this dtype (implies a copy).
    """
    lins = [m for m in net.modules() if isinstance(m, nn.Linear)]
    if not lins:
        raise ValueError(f"{type(net).__name__} has no torch.nn.Linear layers")
    out = []
    for m in lins:
        W, b = m.weight.detach().numpy(), m.bias.detach().numpy()
        if dtype is not None:
            W, b = W.astype(dtype), b.astype(dtype)
        elif copy:
            W, b = W.copy(), b.copy()
        out.append((W, b))
    return out


def numpy_forward(layers: Sequence[tuple[np.ndarray, np.ndarray]], h: np.ndarray,
                  activation: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    r"""The MLP $h_{k+1} = \sigma(W_k h_k + b_k)$, with no activation after the last
    layer; `h` of shape `(in,)` or `(B, in)`."""
    for k, (W, b) in enumerate(layers):
        h = h @ W.T + b
        if k < len(layers) - 1:
            h = activation(h)
    return h
