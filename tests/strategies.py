"""Shared hypothesis strategies: finite, bounded inputs representable in float64.

Every chapter's tests draw their random MDPs, policies and feature matrices from here,
so that "a random small MDP" means the same thing everywhere.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from fa_book.oracles import FiniteMDP

seeds = st.integers(min_value=0, max_value=2**32 - 1)
"""Seeds for `np.random.default_rng`: the arrays below are drawn from a seeded generator,
which keeps them well conditioned and lets hypothesis shrink towards seed 0."""

small_sizes = st.integers(min_value=2, max_value=6)
discounts = st.floats(min_value=0.0, max_value=0.95)
bounded_floats = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False,
                           allow_infinity=False)


def stochastic_matrix(rng: np.random.Generator, rows: int, cols: int,
                      min_prob: float = 0.0) -> np.ndarray:
    """Rows are probability vectors; with `min_prob > 0` every entry is at least that."""
    m = rng.dirichlet(np.ones(cols), size=rows)
    return (1 - cols * min_prob) * m + min_prob


def full_rank_features(rng: np.random.Generator, n_states: int, d: int) -> np.ndarray:
    """A feature matrix Phi of shape `(n_states, d)` with `d <= n_states` and rank `d`,
    condition number below 1e3."""
    assert d <= n_states
    while True:
        phi = rng.standard_normal((n_states, d))
        if np.linalg.cond(phi) < 1e3:
            return phi


@st.composite
def finite_mdps(draw, gamma=discounts, n_states=small_sizes, n_actions=small_sizes,
                episodic: bool = False) -> FiniteMDP:
    """A random dense MDP. `episodic=True` adds a termination probability in [0.05, 0.5]
    to every step and allows gamma = 1."""
    rng = np.random.default_rng(draw(seeds))
    S, A = draw(n_states), draw(n_actions)
    g = draw(st.floats(0.0, 1.0)) if episodic else draw(gamma)
    stop = draw(st.floats(0.05, 0.5)) if episodic else 0.0
    P = stochastic_matrix(rng, S * A, S).reshape(S, A, S) * (1 - stop)
    R = rng.uniform(-1, 1, size=(S, A))
    d0 = stochastic_matrix(rng, 1, S)[0]
    return FiniteMDP(P, R, g, d0)


@st.composite
def policies_for(draw, mdp: FiniteMDP, min_prob: float = 0.01) -> np.ndarray:
    """A stochastic policy for `mdp` with every probability at least `min_prob`."""
    rng = np.random.default_rng(draw(seeds))
    return stochastic_matrix(rng, mdp.n_states, mdp.n_actions, min_prob=min_prob)


@st.composite
def logits(draw, shape, bound: float = 10.0) -> np.ndarray:
    """Finite logits in [-bound, bound], shape `shape`."""
    rng = np.random.default_rng(draw(seeds))
    return rng.uniform(-bound, bound, size=shape)
