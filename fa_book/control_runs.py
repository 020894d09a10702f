r"""Mountain Car with tile coding (Sutton & Barto 2018, Example 10.1): the fast runners
and the full-size configuration of chapter 5's figures.

* [`MountainCarConfig`][fa_book.control_runs.MountainCarConfig]: the hyperparameters,
  checked when the config is made;
* [`mountain_car_sarsa`][fa_book.control_runs.mountain_car_sarsa]: episodic
  semi-gradient SARSA, many independent runs at once, on a numpy copy of gymnasium's
  dynamics ([`MountainCarBatch`][fa_book.discretize.MountainCarBatch]);
* [`mountain_car_sarsa_single`][fa_book.control_runs.mountain_car_sarsa_single]: one long
  run in plain Python; both draw the same random numbers and give the same numbers;
* the full-size runs of Figures 10.1 and 10.2,
  [`cost_to_go_run`][fa_book.control_runs.cost_to_go_run] and
  [`step_size_runs`][fa_book.control_runs.step_size_runs], which the figures and
  `bench/control.py` share.

They are built from chapter 5's pieces ([`fa_book.control`][fa_book.control]:
[`choose_action`][fa_book.control.choose_action] (the sampler of `select_action`, whose
checks the runners make once: a checked config, weights checked by
[`check_diverged`][fa_book.validate.check_diverged], uniforms from `rng`), the SARSA
error (SARSA) and the update (UPDATE)), and a test checks them against a loop written
from those pieces on the real gymnasium environment.

Random streams: a runner takes one generator `rng`.  It first draws one seed per run
for the start states, used as `env.reset(seed=...)` would use it, then draws every
action choice from `rng` itself; the environment's stream is therefore seeded from the
policy's stream, never with the same integer.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from fa_book.control import choose_action
from fa_book.discretize import MountainCarBatch
from fa_book.tiles import TileCoder
from fa_book.validate import (
    DIVERGENCE_LIMIT,
    check_discount,
    check_diverged,
    check_int_range,
    check_positive_int,
    check_probability,
    check_size,
    check_step_size,
)

__all__ = [
    "CHUNK",
    "COST_TO_GO_EPISODES",
    "SEED",
    "STEP_SIZES",
    "check_run_args",
    "cost_to_go_run",
    "MountainCarConfig",
    "MountainCarResult",
    "mountain_car_coder",
    "mountain_car_sarsa",
    "mountain_car_sarsa_single",
    "step_size_runs",
    "uniform_blocks",
]


@dataclass(frozen=True)
class MountainCarConfig:
    r"""Semi-gradient SARSA on Mountain Car with tile coding (S&B Example 10.1).

    Raises:
        ValueError: naming the field, if a field is out of range (checked when made).
    """

    n_tilings: int = 8
    """Number of tilings $n$ (S&B: 8)."""
    n_tiles: int = 8
    """Tiles across position and across velocity in each tiling (S&B: 8, as in tiles3)."""
    alpha: float = 0.5
    r"""Step size per tiling: the weight step is $\alpha / n$ (S&B write $0.5/8$)."""
    epsilon: float = 0.0
    r"""Exploration rate $\varepsilon$ (S&B: 0; zero initial weights are optimistic)."""
    gamma: float = 1.0
    r"""Discount $\gamma$ (undiscounted episodic task)."""
    episodes: int = 500
    """Episodes per run."""
    max_episode_steps: int | None = None
    """Time limit (truncation, which still bootstraps); None = none, as in S&B
    (gymnasium's MountainCar-v0 adds a 200-step limit)."""

    def __post_init__(self):
        n = check_positive_int("n_tilings", self.n_tilings)
        m = check_positive_int("n_tiles", self.n_tiles)
        check_size("n_tilings * (n_tiles + 1)**2 (the tile features)", n * (m + 1) ** 2)
        check_step_size("alpha", self.alpha)
        check_probability("epsilon", self.epsilon)
        check_discount("gamma", self.gamma)
        check_size("episodes", self.episodes)
        if self.max_episode_steps is not None:
            check_positive_int("max_episode_steps", self.max_episode_steps)


class MountainCarResult(NamedTuple):
    """Output of the Mountain Car runners."""

    steps: np.ndarray
    """Steps of each episode, int shape `(runs, episodes)`."""
    W: np.ndarray
    """Final weights, shape `(runs, A, d)`: per-action weights over tile features."""
    snapshots: dict
    """`{episode: W after that episode}` for the requested episodes (1-based)."""


def mountain_car_coder(config: MountainCarConfig) -> TileCoder:
    r"""The tile coder of `config` over the box $[-1.2, 0.5] \times [-0.07, 0.07]$ of
    positions and velocities, as S&B (positions beyond the goal at 0.5 end the episode)."""
    if not isinstance(config, MountainCarConfig):
        raise TypeError(f"config must be a MountainCarConfig, got {type(config).__name__}")
    return TileCoder(low=[MountainCarBatch.min_position, -MountainCarBatch.max_speed],
                     high=[MountainCarBatch.goal_position, MountainCarBatch.max_speed],
                     n_tiles=config.n_tiles, n_tilings=config.n_tilings)


def check_run_args(config: MountainCarConfig, rng: np.random.Generator, runs: int = 1,
                   alphas: Sequence[float] | None = None,
                   snapshot_episodes: Sequence[int] = ()) -> tuple[np.ndarray, set[int]]:
    r"""Check a Mountain Car run's arguments.

    Args:
        config: a [`MountainCarConfig`][fa_book.control_runs.MountainCarConfig].
        rng: a `numpy.random.Generator`.
        runs: number of runs $\ge 1$; `runs * episodes` and the weights
            `runs * 3 * n_features` are refused above `MAX_SIZE`.
        alphas: `None` (every run uses `config.alpha`) or one step size $> 0$ per run.
        snapshot_episodes: episode numbers in `1 .. config.episodes`.

    Returns:
        `(alpha_run, wanted)`: $\alpha$ of each run, shape `(1,)` or `(runs,)`, and the
        set of snapshot episodes.
    """
    coder = mountain_car_coder(config)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    runs = check_size("runs", runs)
    check_size("runs * episodes", runs * config.episodes)
    check_size("runs * 3 * n_features (the weights)", runs * 3 * coder.n_features)
    if isinstance(snapshot_episodes, (str, bytes)) or np.ndim(snapshot_episodes) != 1:
        raise ValueError(f"snapshot_episodes must be a sequence of episode numbers, got "
                         f"{snapshot_episodes!r}")
    wanted = {check_int_range("snapshot_episodes", e, 1, config.episodes)
              for e in snapshot_episodes}
    if alphas is None:
        return np.array([config.alpha]), wanted
    if isinstance(alphas, (str, bytes)) or np.ndim(alphas) > 1:
        raise ValueError(f"alphas must be a sequence of step sizes, got {alphas!r}")
    alphas = np.atleast_1d(np.asarray(alphas, dtype=float))
    if alphas.size not in (1, runs):
        raise ValueError(f"alphas must have one entry per run ({runs}), got {alphas.size}")
    for a in alphas:
        check_step_size("alphas", float(a))
    return alphas, wanted


CHUNK = 512
"""Uniforms are drawn this many steps at a time (both runners, so that they agree)."""


def uniform_blocks(rng: np.random.Generator, n: int) -> Iterator[np.ndarray]:
    """Endless `(n, 2)` blocks of uniforms in [0, 1), drawn `CHUNK` steps at a time."""
    while True:
        block = rng.random((CHUNK, n, 2))
        yield from block


# --8<-- [start:mountain_car_sarsa]
def mountain_car_sarsa(config: MountainCarConfig, rng: np.random.Generator, *,
                       runs: int = 1, alphas: Sequence[float] | None = None,
                       snapshot_episodes: Sequence[int] = ()) -> MountainCarResult:
    r"""Episodic semi-gradient SARSA on Mountain Car, many independent runs at once.

    The algorithm of S&B §10.1 ("Episodic Semi-gradient Sarsa"), with per-action weights
    over tile features, $\hat q(s, a) = \sum_{i \in \text{tiles}(s)} W_{a,i}$.  Each run has
    its own weights, its own car (a numpy copy of gymnasium's `MountainCar-v0` dynamics,
    [`MountainCarBatch`][fa_book.discretize.MountainCarBatch]) and plays
    `config.episodes` episodes; runs that finish early wait with step size 0.

    Args:
        config: hyperparameters.
        rng: random generator: start states (one seed per run, used as
            `env.reset(seed=...)` would) and every action choice come from it.
        runs: number of runs $\ge 1$.
        alphas: optional step size (per tiling) of each run, shape `(runs,)`, overriding
            `config.alpha`; lets one call sweep step sizes.
        snapshot_episodes: 1-based episode numbers after which to copy the weights
            (with several runs: all runs' weights when the first run finishes that
            episode; meant for `runs=1`).

    Returns:
        steps per episode, final weights, snapshots.

    Raises:
        ValueError: on bad arguments (see
            [`check_run_args`][fa_book.control_runs.check_run_args]).
        DivergenceError: if any weight becomes non-finite or explodes.
    """
    alpha_run, wanted = check_run_args(config, rng, runs, alphas, snapshot_episodes)
    coder, n, E = mountain_car_coder(config), config.n_tilings, config.episodes
    T = config.max_episode_steps or 2**62
    A, d = MountainCarBatch.n_actions, coder.n_features
    env_seeds = rng.integers(0, 2**31 - 1, size=runs)
    env_rngs = [np.random.default_rng(int(s)) for s in env_seeds]    # = env.reset(seed=s)
    car = MountainCarBatch(runs)
    car.reset(np.arange(runs), env_rngs)
    W = np.zeros((runs, d, A))                 # stored (run, tile, action); flat view Wf
    Wf = W.reshape(-1)
    step_size = np.broadcast_to(alpha_run / n, (runs,)).copy()        # 0 once a run is done
    all_runs, actions = np.arange(runs), np.arange(A)
    steps = np.zeros((runs, E), dtype=np.int64)
    episode, t = np.zeros(runs, dtype=np.int64), np.zeros(runs, dtype=np.int64)
    snaps = {}
    u = uniform_blocks(rng, runs)

    def tiles(obs, rows=all_runs):             # flat offsets of the n active tiles, (n, runs)
        return ((rows[:, None] * d + coder.indices(obs)) * A).T

    def values(f):                             # q_hat(s, .) = sum of n weights, in order
        g = Wf[f[..., None] + actions]         # (n, runs, A)
        q = g[0].copy()
        for i in range(1, n):
            q += g[i]
        return q

    # --8<-- [start:sarsa_loop]
    what = "semi-gradient SARSA on Mountain Car"
    f = tiles(car.obs())                                              # tiles of S
    a = choose_action(values(f), config.epsilon, next(u))            # A
    total = 0
    while True:
        terminated = car.step(a)                                      # R = -1, S'
        f_next = tiles(car.obs())
        q_next = values(f_next)
        a_next = choose_action(q_next, config.epsilon, next(u))       # A'
        g = Wf[f + a]                                                 # (n, runs)
        q_sa = g[0].copy()                                            # q_hat(S, A), in order
        for i in range(1, n):
            q_sa += g[i]
        bootstrap = np.where(terminated, 0.0, q_next[all_runs, a_next])
        delta = -1.0 + config.gamma * bootstrap - q_sa                # (SARSA)
        Wf[f + a] += step_size * delta                                # (UPDATE)
    # --8<-- [end:sarsa_loop]
        t += 1
        total += 1
        done = (terminated | (t >= T)) & (step_size > 0)
        if not np.abs(delta).max() <= DIVERGENCE_LIMIT or total % 1000 == 0:  # cheap first
            check_diverged(what, delta, total, float(alpha_run.max()) / n)
            check_diverged(what, W, total, float(alpha_run.max()) / n)
        if done.any():
            ended = np.flatnonzero(done)
            steps[ended, episode[ended]] = t[ended]
            episode[ended] += 1
            t[ended] = 0
            for e in wanted & set(episode[ended].tolist()):
                snaps.setdefault(e, W.transpose(0, 2, 1).copy())
            step_size[ended[episode[ended] >= E]] = 0.0
            if (step_size == 0).all():
                break
            live = ended[episode[ended] < E]
            car.reset(live, env_rngs)
            f_next[:, live] = tiles(car.obs()[live], live)
            q_new = values(f_next[:, live])
            a_next[live] = choose_action(q_new, config.epsilon, next(u)[live])
        f, a = f_next, a_next
    return MountainCarResult(steps, W.transpose(0, 2, 1).copy(), snaps)
# --8<-- [end:mountain_car_sarsa]


def mountain_car_sarsa_single(config: MountainCarConfig, rng: np.random.Generator, *,
                              snapshot_episodes: Sequence[int] = ()) -> MountainCarResult:
    r"""One run of [`mountain_car_sarsa`][fa_book.control_runs.mountain_car_sarsa] in plain
    Python floats and lists, for long single runs (Figure 10.1).

    Same algorithm, same random numbers, same order of floating-point operations as
    `mountain_car_sarsa(config, rng, runs=1)`, hence the same result, bit for bit (a test
    checks this); it is faster for one run because it avoids numpy's per-call overhead.
    """
    alpha_run, wanted = check_run_args(config, rng, 1, None, snapshot_episodes)
    alpha = float(alpha_run[0])
    coder, n, E = mountain_car_coder(config), config.n_tilings, config.episodes
    T = config.max_episode_steps or 2**62
    d = coder.n_features
    env_rng = np.random.default_rng(int(rng.integers(0, 2**31 - 1, size=1)[0]))
    W0, W1, W2 = [0.0] * d, [0.0] * d, [0.0] * d            # per-action weights, A = 3
    W = (W0, W1, W2)
    step_size, eps, gamma = alpha / n, config.epsilon, config.gamma
    # tile-coder constants, as in TileCoder.coords / indices (2 dimensions)
    lo0, lo1 = (float(v) for v in coder.low)
    hi0, hi1 = (float(v) for v in coder.high)
    lay = coder.layout()
    sc0, sc1 = (float(v) for v in lay.scale)
    qm0, qm1 = (int(v) for v in lay.q_max)
    st0 = int(lay.strides[0])
    per = lay.per_tiling
    tilings = [(i * per, int(s0), int(s1)) for i, (s0, s1) in enumerate(lay.shift)]
    F, G, VMAX = MountainCarBatch.force, MountainCarBatch.gravity, MountainCarBatch.max_speed
    XMIN, XMAX, GOAL = (MountainCarBatch.min_position, MountainCarBatch.max_position,
                        MountainCarBatch.goal_position)
    cos, floor, pack, unpack = math.cos, math.floor, struct.pack, struct.unpack

    def uniforms():                                # the draws of uniform_blocks(rng, 1)
        while True:
            yield from rng.random((CHUNK, 1, 2)).reshape(CHUNK, 2).tolist()

    u = uniforms()

    def tiles(x, v):
        x, v = unpack("ff", pack("ff", x, v))      # the float32 observation
        q0 = min(floor((min(max(x, lo0), hi0) - lo0) * sc0 * n), qm0)
        q1 = min(floor((min(max(v, lo1), hi1) - lo1) * sc1 * n), qm1)
        return [b + ((q0 + s0) // n) * st0 + (q1 + s1) // n for b, s0, s1 in tilings]

    def choose(idx):                               # returns (a, q(s, .)) as select_action
        i = idx[0]
        q0, q1, q2 = W0[i], W1[i], W2[i]
        for i in idx[1:]:
            q0 += W0[i]
            q1 += W1[i]
            q2 += W2[i]
        u0, u1 = next(u)
        if u0 < eps:
            return min(int(u1 * 3), 2), (q0, q1, q2)
        m = max(q0, q1, q2)
        ties = [b for b, qb in enumerate((q0, q1, q2)) if qb == m]
        return ties[min(int(u1 * len(ties)), len(ties) - 1)], (q0, q1, q2)

    steps = np.zeros((1, E), dtype=np.int64)
    snaps = {}
    total = 0
    for e in range(E):
        x, v = float(env_rng.uniform(low=-0.6, high=-0.4)), 0.0
        idx = tiles(x, v)
        a, _ = choose(idx)
        t = 0
        while True:
            v = v + ((a - 1) * F + cos(3 * x) * (-G))                   # car dynamics
            v = min(max(v, -VMAX), VMAX)
            x = min(max(x + v, XMIN), XMAX)
            if x == XMIN and v < 0:
                v = 0.0
            terminated = x >= GOAL and v >= 0.0
            idx_next = tiles(x, v)
            a_next, q_next = choose(idx_next)
            Wa = W[a]
            q_sa = Wa[idx[0]]
            for i in idx[1:]:
                q_sa += Wa[i]
            delta = -1.0 + gamma * (0.0 if terminated else q_next[a_next]) - q_sa  # (SARSA)
            change = step_size * delta
            for i in idx:
                Wa[i] += change                                          # (UPDATE)
            t += 1
            if not abs(delta) <= DIVERGENCE_LIMIT or t % 1000 == 0:   # cheap test first
                check_diverged("semi-gradient SARSA on Mountain Car", [delta, *Wa],
                               total + t, step_size)
            if terminated or t >= T:
                break
            idx, a = idx_next, a_next
        total += t
        steps[0, e] = t
        if e + 1 in wanted:
            snaps[e + 1] = np.array(W)[None]
    return MountainCarResult(steps, np.array(W)[None], snaps)


# ----------------------------------------------------------------------------------------
# The full-size experiments of chapter 5's figures (and of bench/control.py)
# ----------------------------------------------------------------------------------------

SEED = 2024
"""Seed of every Mountain Car figure of chapter 5 (`np.random.default_rng(SEED)`)."""

STEP_SIZES = (0.1, 0.2, 0.5)
"""S&B Figure 10.2's step sizes, per tiling (the weight step is alpha / 8)."""

COST_TO_GO_EPISODES = (1, 12, 104, 1000, 9000)
"""The episodes after which S&B Figure 10.1 shows the cost-to-go surface."""


def cost_to_go_run(episodes: Sequence[int] = COST_TO_GO_EPISODES,
                   seed: int = SEED) -> tuple[MountainCarConfig, MountainCarResult]:
    """S&B Figure 10.1's run: one run of `max(episodes)` episodes, alpha = 0.3/8 (the
    companion code's value), 8 tilings, epsilon = 0, with the weights after each of
    `episodes` (snapshots)."""
    if isinstance(episodes, (str, bytes)) or np.ndim(episodes) != 1 or len(episodes) == 0:
        raise ValueError(f"episodes must be a non-empty sequence of episode numbers, got "
                         f"{episodes!r}")
    config = MountainCarConfig(alpha=0.3, episodes=max(episodes))
    rng = np.random.default_rng(check_int_range("seed", seed, 0, 2**63 - 1))
    return config, mountain_car_sarsa_single(config, rng, snapshot_episodes=episodes)


def step_size_runs(runs: int = 100, episodes: int = 500, seed: int = SEED
                   ) -> tuple[MountainCarConfig, MountainCarResult]:
    """S&B Figure 10.2's runs: `runs` runs for each of `STEP_SIZES`, all in one
    vectorized call (runs `j * runs .. (j + 1) * runs - 1` have step size
    `STEP_SIZES[j]`)."""
    config = MountainCarConfig(episodes=episodes)
    check_size("runs * len(STEP_SIZES) * episodes",
               check_size("runs", runs) * len(STEP_SIZES) * episodes)
    alphas = np.repeat(STEP_SIZES, runs)
    rng = np.random.default_rng(check_int_range("seed", seed, 0, 2**63 - 1))
    return config, mountain_car_sarsa(config, rng, runs=alphas.size, alphas=alphas)
