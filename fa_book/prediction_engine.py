r"""The fast engine behind chapter 4's full-size figures: many random-walk episodes and many
runs at once, giving **the same numbers as the lesson's loops** (the tests compare them to
$10^{-12}$).

The lesson is [`fa_book.prediction`][fa_book.prediction]: the one-step updates and the
plain one-episode loops.  Here:

1. `sample_episodes` simulates many random-walk episodes at once (the walk does not
   depend on $\theta$);
2. `gradient_mc_aggregation` and `semi_gradient_td0_onehot` are exact shortcuts for state
   aggregation;
3. `lane_schedule` and `run_lanes` update the weights of many independent runs
   ("lanes") together, one numpy call per time step for all lanes; `value_errors` scores
   them.

The experiments that use it (configs, exact answers, drivers) are in
[`fa_book.prediction_runs`][fa_book.prediction_runs].  Each function calls one named
check (the `check_*` functions at the end of the module), then does its work.
"""


from __future__ import annotations

from typing import NamedTuple

import numpy as np

from fa_book.envs.random_walk import walk_start
from fa_book.validate import (
    check_discount,
    check_diverged,
    check_features,
    check_finite,
    check_float_array,
    check_in_range,
    check_index,
    check_int_range,
    check_nonneg_int,
    check_positive_int,
    check_size,
    check_step_size,
    check_weighting,
    diverged,
)

__all__ = [
    "Episodes",
    "LaneSchedule",
    "check_aggregation_run",
    "check_episodes",
    "check_lane_layout",
    "check_lane_run",
    "check_lanes",
    "check_onehot_transitions",
    "check_value_errors",
    "check_walk_batch",
    "gradient_mc_aggregation",
    "lane_schedule",
    "run_lanes",
    "sample_episodes",
    "semi_gradient_td0_onehot",
    "value_errors",
]


# ============================================================================================
# Episodes of the random walk, many at once
# ============================================================================================


class Episodes(NamedTuple):
    r"""A batch of random-walk episodes, stored back to back.

    In the random walk the only nonzero reward is the last one, so an episode is its
    states and the sign of its exit.  Episode `e` is
    `states[starts[e] : starts[e] + lengths[e]]`.
    """

    states: np.ndarray
    r"""$S_0, \dots, S_{T-1}$ of every episode, concatenated, shape `(N,)` with
    $N = \sum_e T_e$."""
    lengths: np.ndarray
    """$T$ of each episode, shape `(E,)`."""
    final_reward: np.ndarray
    r"""$R_T \in \{-1, +1\}$ of each episode, shape `(E,)`."""

    @property
    def starts(self) -> np.ndarray:
        """Index in `states` of each episode's $S_0$, shape `(E,)`."""
        return np.cumsum(self.lengths) - self.lengths

    def episode(self, e: int) -> np.ndarray:
        """The states of episode `e` (an integer in `0 .. E - 1`), shape `(T,)`."""
        e = check_int_range("e", e, 0, self.lengths.shape[0] - 1)
        start = int(self.starts[e])
        return self.states[start:start + int(self.lengths[e])]


# --8<-- [start:sample_episodes]
def sample_episodes(rng: np.random.Generator, n_episodes: int, n_states: int = 1000,
                    max_jump: int = 100,
                    start: int | np.ndarray | None = None) -> Episodes:
    r"""Simulate many random-walk episodes at once.

    The process is that of `RandomWalk` under the uniform policy: all unfinished walkers
    jump together, one numpy call per time step.

    Args:
        rng: the random generator.
        n_episodes: number of episodes $E$.
        n_states: number of non-terminal states.
        max_jump: largest jump.
        start: start index (default the middle), or an array of shape `(E,)` of starts.
    """
    s = check_walk_batch(rng, n_episodes, n_states, max_jump, start)  # S_0 of each
    E = s.shape[0]
    jumps = np.concatenate([np.arange(-max_jump, 0), np.arange(1, max_jump + 1)])
    lengths = np.zeros(E, dtype=np.int64)
    final = np.zeros(E)
    alive = np.arange(E)
    record = []  # (who is alive, where they are) at t = 0, 1, ...
    # --8<-- [start:sample_episodes_loop]
    while alive.size:
        record.append((alive, s))
        # a jump of +-1 .. +-max_jump for every walker still alive
        s = s + jumps[rng.integers(0, 2 * max_jump, size=alive.size)]
        out = (s < 0) | (s >= n_states)
        lengths[alive[out]] = len(record)
        final[alive[out]] = np.where(s[out] < 0, -1.0, 1.0)
        alive, s = alive[~out], s[~out]
    # --8<-- [end:sample_episodes_loop]
    starts = np.cumsum(lengths) - lengths
    dtype = np.int16 if n_states < 2**15 else np.int64
    states = np.empty(int(lengths.sum()), dtype=dtype)
    for t, (who, where) in enumerate(record):
        # episode-major: S_t of episode e sits at starts[e] + t
        states[starts[who] + t] = where
    return Episodes(states, lengths, final)
# --8<-- [end:sample_episodes]


# ============================================================================================
# State aggregation: exact shortcuts
# ============================================================================================


# --8<-- [start:mc_aggregation]
def gradient_mc_aggregation(theta: np.ndarray, groups: np.ndarray, episodes: Episodes,
                            alpha: float, step: int = 0) -> np.ndarray:
    r"""Gradient Monte Carlo with state aggregation, $\gamma = 1$, one run, exactly.

    With one-hot (aggregation) features a visit to group $g$ updates only $\theta_g$:
    $\theta_g \leftarrow \theta_g + \alpha (G - \theta_g)$.  In the random walk every
    step of an episode has the same return $G = R_T$, so the $k_g$ visits of an episode
    compose to $\theta_g \leftarrow G + (1 - \alpha)^{k_g} (\theta_g - G)$: the same
    numbers as $T$ sequential updates, at the cost of one vector operation per episode.

    Args:
        theta: weights, shape `(n_groups,)`.
        groups: the group of each state, shape `(n_states,)`.
        episodes: random-walk episodes (only the last reward is nonzero).
        alpha: step size $\alpha \in (0, 1]$.
        step: index of the first episode (for the divergence message).
    """
    theta, groups = check_aggregation_run(theta, groups, episodes, alpha, step)
    # --8<-- [start:mc_aggregation_body]
    n_groups = theta.shape[0]
    E = episodes.lengths.shape[0]
    e_idx = np.repeat(np.arange(E), episodes.lengths)
    g_idx = groups[episodes.states]
    k = np.bincount(e_idx * n_groups + g_idx, minlength=E * n_groups)
    k = k.reshape(E, n_groups)  # visits of every episode to every group
    decay = (1.0 - alpha) ** k  # (1 - alpha)^{k_g} for every episode and group
    for e in range(E):
        G = episodes.final_reward[e]
        theta = G + decay[e] * (theta - G)  # (MCAGG)
    check_diverged("gradient Monte Carlo", theta, step + E, alpha)
    return theta
    # --8<-- [end:mc_aggregation_body]
# --8<-- [end:mc_aggregation]


# --8<-- [start:td0_onehot]
def semi_gradient_td0_onehot(theta: np.ndarray, g: np.ndarray, r: np.ndarray,
                             g_next: np.ndarray, gamma: float,
                             alpha: float) -> np.ndarray:
    r"""Semi-gradient TD(0) with one-hot (aggregation) features, exactly, for one run.

    The run is one long stream of transitions.

    With $\mathbf x(s) = e_{g(s)}$ the update is
    $\theta_g \leftarrow \theta_g + \alpha\,(r + \gamma\,\theta_{g'} - \theta_g)$, with
    $\theta_{g'} = 0$ for a terminal $s'$.  A transition inside one group with $r = 0$
    and $\gamma = 1$ has $\delta = 0$ and is skipped; what is left is one line of Python
    per transition (a single run is a sequence: it cannot be vectorized).

    Args:
        theta: weights, shape `(n_groups,)`.
        g: group of $S_t$, shape `(N,)`.
        r: reward $R_{t+1}$, shape `(N,)`.
        g_next: group of $S_{t+1}$, or `-1` if terminal, shape `(N,)`.
        gamma: discount $\gamma \in [0, 1]$.
        alpha: step size $\alpha > 0$.

    Raises:
        DivergenceError: checked every 100 000 updates, naming the transition index.
    """
    theta, g, r, g_next = check_onehot_transitions(theta, g, r, g_next, gamma, alpha)
    # --8<-- [start:td0_onehot_body]
    n_groups = theta.shape[0]
    # the transitions that change theta (for all others delta = 0)
    step = np.nonzero((g != g_next) | (r != 0) | (gamma != 1.0))[0]
    h = np.where(g_next < 0, n_groups, g_next)  # slot n_groups holds v(terminal) = 0
    w = theta.tolist() + [0.0]
    for chunk in np.array_split(step, max(1, step.size // 100_000)):
        for i, j, rew in zip(g[chunk].tolist(), h[chunk].tolist(), r[chunk].tolist(),
                             strict=True):
            w[i] += alpha * (rew + gamma * w[j] - w[i])  # (TD0AGG)
        if chunk.size:
            check_diverged("semi-gradient TD(0)", w, int(chunk[-1]), alpha)
    return np.array(w[:n_groups])
    # --8<-- [end:td0_onehot_body]
# --8<-- [end:td0_onehot]


# ============================================================================================
# Many independent runs ("lanes") at once
# ============================================================================================


class LaneSchedule(NamedTuple):
    r"""The updates of many independent runs ("lanes"), one row per time step.

    Update $k$ of lane $l$ is
    $\theta_l \leftarrow \theta_l + \alpha_l\,(c + \gamma^n \theta_l^\top \mathbf x_b -
    \theta_l^\top \mathbf x)\,\mathbf x$ with $\mathbf x$ = `X[rows[k, l]]` and
    $\mathbf x_b$ = `X[boot_rows[k, l]]`.  The last row of `X` is zero: a padded update
    changes nothing, and a zero bootstrap row means "no bootstrap".
    """

    rows: np.ndarray
    r"""Row of the feature table for $S_\tau$, shape `(K, L)`."""
    c: np.ndarray
    """The part of the target that does not depend on $\\theta$, shape `(K, L)`."""
    boot_rows: np.ndarray | None
    """Row for $S_{\\tau+n}$, shape `(K, L)`, or `None` (Monte Carlo)."""
    ends: np.ndarray
    """Whether update $k$ is the last of an episode of lane $l$, shape `(K, L)`."""


# --8<-- [start:lane_schedule]
def lane_schedule(episodes: Episodes, n_lanes: int, n: int | None, gamma: float,
                  row_offset: np.ndarray, zero_row: int) -> LaneSchedule:
    r"""Lay out the updates of n-step TD (or Monte Carlo, `n=None`) for many lanes.

    Episode `e` of lane `l` is row `l * E + e` of `episodes` (`E` episodes per lane);
    each lane's episodes are concatenated in order.  In the random walk the only reward
    is $R_T$, so $G_{\tau:\tau+n} = \gamma^{T-\tau-1} R_T$ if $\tau + n \ge T$, and
    $\gamma^n \hat v(S_{\tau+n})$ otherwise.

    Args:
        episodes: `n_lanes * E` episodes, lane-major.
        n_lanes: number of lanes $L$.
        n: steps of the TD target, or `None` for the Monte Carlo return.
        gamma: discount $\gamma$.
        row_offset: where lane `l`'s states start in the feature table, shape `(L,)`.
        zero_row: index of the all-zero row of the feature table.
    """
    row_offset = check_lane_layout(episodes, n_lanes, n, gamma, row_offset, zero_row)
    total_eps = episodes.lengths.shape[0]
    E = total_eps // n_lanes
    lengths = episodes.lengths
    per_lane = lengths.reshape(n_lanes, E).sum(1)
    K = int(per_lane.max())
    # per step of every episode (np.repeat of per-episode values is cheaper than a
    # gather)
    i = np.arange(lengths.sum())  # index into episodes.states
    t_idx = i - np.repeat(episodes.starts, lengths)  # tau within its episode
    T = np.repeat(lengths, lengths)
    lane = np.repeat(np.arange(total_eps) // E, lengths)
    lane_start = np.concatenate([[0], np.cumsum(per_lane)[:-1]])
    # the step's position in its lane
    pos = i - np.repeat(lane_start[np.arange(total_eps) // E], lengths)
    flat = pos * n_lanes + lane  # where update (pos, lane) sits in a (K, L) array
    base = np.repeat(row_offset[np.arange(total_eps) // E], lengths)
    rows = np.full(K * n_lanes, zero_row, dtype=np.int32)
    rows[flat] = base + episodes.states
    tail = np.ones(i.size, dtype=bool) if n is None else t_idx + n >= T
    R_T = np.repeat(episodes.final_reward, lengths)
    # gamma^{T-tau-1} R_T
    G_tail = R_T if gamma == 1.0 else gamma ** (T - 1 - t_idx) * R_T
    c = np.zeros(K * n_lanes)
    c[flat] = np.where(tail, G_tail, 0.0)
    boot_rows = None
    if n is not None:
        boot_rows = np.full(K * n_lanes, zero_row, dtype=np.int32)
        # S_{tau+n}, in the same episode wherever the step is not in the tail
        i_boot = np.minimum(i + n, i.size - 1)
        boot_rows[flat] = np.where(tail, zero_row, base + episodes.states[i_boot])
        boot_rows = boot_rows.reshape(K, n_lanes)
    ends = np.zeros(K * n_lanes, dtype=bool)
    ends[flat] = t_idx == T - 1
    rows, c = rows.reshape(K, n_lanes), c.reshape(K, n_lanes)
    ends = ends.reshape(K, n_lanes)
    return LaneSchedule(rows, c, boot_rows, ends)
# --8<-- [end:lane_schedule]


# --8<-- [start:run_lanes]
def run_lanes(X: np.ndarray, schedule: LaneSchedule, theta: np.ndarray,
              alpha: np.ndarray, gamma_n: float = 1.0, step: int = 0,
              check_every: int = 256) -> tuple[np.ndarray, np.ndarray]:
    r"""Run the updates of many independent lanes together.

    One numpy call per time step serves all lanes.  Each lane's updates happen in its
    own order, with its own weights, exactly as the one-episode reference functions
    would do them.

    Args:
        X: feature table, shape `(rows, d)`, whose row `schedule.rows[k, l]` is
            $\mathbf x(S_\tau)$ of update $k$ of lane $l$; the last row must be zero.
        schedule: the updates, from `lane_schedule`.
        theta: weights of every lane, shape `(L, d)` (updated in place and returned).
        alpha: step size of every lane, shape `(L,)` (or one for all), each $\ge 0$.
        gamma_n: $\gamma^n$, the discount of the bootstrap.
        step: index of the first update (for the divergence message).
        check_every: look for divergence every this many updates.

    Returns:
        `(theta, theta_at_ends)`: the final weights `(L, d)`, and the weights after
        every episode, shape `(number of episode ends, d)`, in the order of
        `np.nonzero(schedule.ends)`.

    Raises:
        DivergenceError: naming the update and the step size of the first lane that left
            [`DIVERGENCE_LIMIT`][fa_book.validate.DIVERGENCE_LIMIT].
    """
    X, alpha = check_lane_run(X, schedule, theta, alpha, gamma_n, step, check_every)
    n_ends = schedule.ends.sum(1).tolist()
    end_lanes = np.nonzero(schedule.ends)[1]
    at_ends = np.empty((end_lanes.size, X.shape[1]))
    p = 0
    # --8<-- [start:run_lanes_loop]
    rows_theta = theta[:, None, :]  # (L, 1, d) view: a batched row-vector times column
    for k in range(schedule.rows.shape[0]):
        x = X[schedule.rows[k]]  # (L, d): x(S_tau) of every lane
        G = schedule.c[k]
        if schedule.boot_rows is not None:
            x_boot = X[schedule.boot_rows[k]]
            G = G + gamma_n * (rows_theta @ x_boot[:, :, None])[:, 0, 0]  # (NSTEP)
        # U - v_hat(S_tau), every lane
        error = G - (rows_theta @ x[:, :, None])[:, 0, 0]
        theta += (alpha * error)[:, None] * x  # (LANES)
        if n_ends[k]:
            at_ends[p:p + n_ends[k]] = theta[end_lanes[p:p + n_ends[k]]]
            p += n_ends[k]
        if k % check_every == 0:
            check_lanes(theta, step + k, alpha)
    check_lanes(theta, step + schedule.rows.shape[0], alpha)
    return theta, at_ends
    # --8<-- [end:run_lanes_loop]
# --8<-- [end:run_lanes]


def check_lanes(theta: np.ndarray, step: int, alpha: np.ndarray) -> None:
    r"""[`check_diverged`][fa_book.validate.check_diverged] for a batch of lanes: raise
    `DivergenceError` naming the first lane whose weights (a row of `theta`, shape
    `(L, d)`) are not finite or left the bound, with that lane's step size (`alpha`,
    shape `(L,)`)."""
    if np.ndim(theta) != 2 or np.shape(alpha) != (np.shape(theta)[0],):
        raise ValueError(f"theta must have shape (L, d) and alpha shape (L,), got "
                         f"{np.shape(theta)} and {np.shape(alpha)}")
    if diverged(theta):
        lane = next(i for i in range(theta.shape[0]) if diverged(theta[i]))
        check_diverged(f"lane {lane} of a batched linear TD/MC run", theta[lane], step,
                       float(alpha[lane]))


# --8<-- [start:value_errors]
def value_errors(theta: np.ndarray, X: np.ndarray, v: np.ndarray,
                 weights: np.ndarray) -> np.ndarray:
    r"""Weighted RMS errors $\sqrt{\sum_s \omega(s)\,(\theta^\top \mathbf x(s) - v(s))^2}$
    of many weight vectors at once, through the quadratic form
    $\theta^\top Q\theta - 2 q^\top\theta + c$ with $Q = X^\top \Omega X$,
    $q = X^\top \Omega v$, $c = v^\top \Omega v$ (so the cost does not grow with the number
    of states).

    Args:
        theta: weights, shape `(N, d)`.
        X: features of every state, shape `(S, d)`.
        v: true values, shape `(S,)`.
        weights: state weighting $\omega$ (normalized here), shape `(S,)`; $\mu$ gives
            $\sqrt{\overline{\mathrm{VE}}}$, uniform gives the companion code's RMS error.

    Returns:
        The errors, shape `(N,)`.
    """
    theta, X, v, weights = check_value_errors(theta, X, v, weights)
    omega = weights / np.sum(weights)
    WX = omega[:, None] * X
    Q, q, c = X.T @ WX, WX.T @ v, float(omega @ v**2)
    sq = np.einsum("nd,de,ne->n", theta, Q, theta) - 2 * theta @ q + c
    return np.sqrt(np.clip(sq, 0.0, None))
# --8<-- [end:value_errors]


# ============================================================================================


def check_walk_batch(rng, n_episodes: int, n_states: int, max_jump: int,
                     start) -> np.ndarray:
    r"""Check the arguments of `sample_episodes`: a `np.random.Generator`,
    `n_episodes`, `n_states` and `max_jump` in $[1,$
    [`MAX_SIZE`][fa_book.validate.MAX_SIZE]$]$, and `start` (`None`, one state index, or
    an integer array of shape `(n_episodes,)` of state indices).  Returns $S_0$ of every
    episode, shape `(n_episodes,)`."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {rng!r}")
    E = check_size("n_episodes", n_episodes)
    check_size("n_states", n_states)
    check_size("max_jump", max_jump)
    if start is None or np.ndim(start) == 0:
        return np.full(E, walk_start(start, n_states), dtype=np.int64)
    s = np.asarray(start)
    if (s.shape != (E,) or s.dtype.kind not in "iu" or s.min() < 0
            or s.max() >= n_states):
        raise ValueError(f"start must be an int or an integer array of shape "
                         f"({E},) with values in [0, {n_states - 1}]")
    return s.astype(np.int64)


def check_episodes(episodes) -> Episodes:
    """Check an [`Episodes`][fa_book.prediction_engine.Episodes] batch: integer states
    `(N,)` $\\ge 0$, positive integer lengths `(E,)` summing to `N`, final rewards `(E,)`
    finite."""
    if not isinstance(episodes, Episodes):
        raise TypeError(f"episodes must be an Episodes batch (from sample_episodes), "
                        f"got {type(episodes).__name__}")
    states, lengths = np.asarray(episodes.states), np.asarray(episodes.lengths)
    if (states.ndim != 1 or states.dtype.kind not in "iu"
            or (states.size and states.min() < 0)):
        raise ValueError("episodes.states must be non-negative integer states, shape (N,)")
    if (lengths.ndim != 1 or lengths.dtype.kind not in "iu" or (lengths < 1).any()
            or lengths.sum() != states.size):
        raise ValueError("episodes.lengths must be integers >= 1, shape (E,), summing to "
                         f"len(states) = {states.size}")
    reward = check_float_array("episodes.final_reward", episodes.final_reward)
    if reward.shape != lengths.shape:
        raise ValueError(f"episodes.final_reward must have shape {lengths.shape}, "
                         f"got {reward.shape}")
    return episodes


def check_aggregation_run(theta, groups, episodes, alpha: float, step: int
                          ) -> tuple[np.ndarray, np.ndarray]:
    r"""Check the arguments of `gradient_mc_aggregation`: finite weights `(n_groups,)`,
    `groups` integer indices in `0 .. n_groups - 1` covering every state of `episodes`
    ([`check_episodes`][fa_book.prediction_engine.check_episodes]), $\alpha \in (0, 1]$
    (the closed form needs $1 - \alpha \ge 0$) and `step` $\ge 0$.  Returns a float copy of
    `theta` and `groups` as an int array."""
    check_step_size("alpha", alpha)
    if alpha > 1:
        raise ValueError(f"alpha must be in (0, 1] for this closed form, got {alpha!r}")
    check_nonneg_int("step", step)
    theta = check_float_array("theta", theta).copy()
    if theta.ndim != 1 or theta.size < 1:
        raise ValueError(f"theta must have shape (n_groups,), got {theta.shape}")
    groups = check_index("groups", groups, theta.shape[0])
    check_episodes(episodes)
    if groups.ndim != 1 or (episodes.states.size and episodes.states.max() >= groups.size):
        raise ValueError(f"groups must have shape (n_states,) covering every state of "
                         f"episodes, got {groups.shape}")
    return theta, groups


def check_onehot_transitions(theta, g, r, g_next, gamma: float, alpha: float
                             ) -> tuple[np.ndarray, ...]:
    r"""Check the arguments of `semi_gradient_td0_onehot`: finite weights `(n_groups,)`;
    `g` `(N,)` group indices; `r` `(N,)` finite; `g_next` `(N,)` group indices or `-1`;
    $\gamma \in [0, 1]$; $\alpha > 0$.  Returns `(theta, g, r, g_next)` as arrays."""
    check_step_size("alpha", alpha)
    check_discount("gamma", gamma)
    theta = check_float_array("theta", theta)
    if theta.ndim != 1 or theta.size < 1:
        raise ValueError(f"theta must have shape (n_groups,), got {theta.shape}")
    n_groups = theta.shape[0]
    g = check_index("g", g, n_groups)
    g_next = np.asarray(g_next)
    if (g_next.dtype.kind not in "iu"
            or (g_next.size and (g_next.min() < -1 or g_next.max() >= n_groups))):
        raise ValueError(f"g_next must be integer group indices in [0, {n_groups - 1}] "
                         f"or -1 (terminal), got {g_next!r}")
    r = check_float_array("r", r)
    if not (g.ndim == 1 and g.shape == r.shape == g_next.shape):
        raise ValueError(f"g, r and g_next must have one shape (N,), got {g.shape}, "
                         f"{r.shape} and {g_next.shape}")
    return theta, g, r, g_next


def check_lane_layout(episodes, n_lanes: int, n: int | None, gamma: float, row_offset,
                      zero_row: int) -> np.ndarray:
    r"""Check the arguments of `lane_schedule`: `episodes`
    ([`check_episodes`][fa_book.prediction_engine.check_episodes]) a multiple of `n_lanes`
    ($\ge 1$) long, `n` $\ge 1$ or `None`, $\gamma \in [0, 1]$, `row_offset` integers
    $\ge 0$ of shape `(n_lanes,)` and `zero_row` $\ge 0$.  Returns `row_offset` as an int
    array."""
    check_episodes(episodes)
    n_lanes = check_size("n_lanes", n_lanes)
    if n is not None:
        check_positive_int("n", n)
    check_discount("gamma", gamma)
    check_nonneg_int("zero_row", zero_row)
    total_eps = episodes.lengths.shape[0]
    if total_eps % n_lanes:
        raise ValueError(f"the number of episodes ({total_eps}) must be a multiple of "
                         f"n_lanes ({n_lanes})")
    row_offset = np.asarray(row_offset)
    if (row_offset.shape != (n_lanes,) or row_offset.dtype.kind not in "iu"
            or (row_offset < 0).any()):
        raise ValueError(f"row_offset must be non-negative integers of shape ({n_lanes},), "
                         f"got {row_offset!r}")
    check_size("len(longest lane) * n_lanes",
               int(episodes.lengths.reshape(n_lanes, -1).sum(1).max()) * n_lanes)
    return row_offset.astype(np.int64)


def check_lane_run(X, schedule, theta, alpha, gamma_n: float, step: int,
                   check_every: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Check the arguments of `run_lanes`: a finite feature table `X` `(rows, d)` whose
    last row is zero; a [`LaneSchedule`][fa_book.prediction_engine.LaneSchedule] of `(K, L)`
    arrays whose rows index `X`; `theta` a C-contiguous float64 array `(L, d)` (it is
    updated in place); step sizes `(L,)` (or one), finite and $\ge 0$;
    $\gamma^n \in [0, 1]$; `step` $\ge 0$; `check_every` $\ge 1$.  Returns `(X, alpha)`
    as float arrays."""
    X = check_features("X", check_float_array("X", X))
    if not isinstance(schedule, LaneSchedule):
        raise TypeError(f"schedule must be a LaneSchedule, got {type(schedule).__name__}")
    if schedule.rows.ndim != 2:
        raise ValueError(f"schedule.rows must have shape (K, L), got {schedule.rows.shape}")
    K, L = schedule.rows.shape
    for name in ("rows", "boot_rows"):
        rows = getattr(schedule, name)
        if rows is not None:
            _check_kl(f"schedule.{name}", rows, (K, L))
            check_index(f"schedule.{name}", rows, X.shape[0])
    _check_kl("schedule.c", check_float_array("schedule.c", schedule.c), (K, L))
    _check_kl("schedule.ends", schedule.ends, (K, L))
    if not (isinstance(theta, np.ndarray) and theta.dtype == np.float64
            and theta.flags.c_contiguous):
        raise ValueError("theta must be a C-contiguous float64 array of shape (L, d)")
    if theta.shape != (L, X.shape[1]):
        raise ValueError(f"theta must have shape (L, d) = ({L}, {X.shape[1]}), "
                         f"got {theta.shape}")
    check_finite("theta", theta)
    if np.any(X[-1] != 0):
        raise ValueError("the last row of X must be all zeros (padding)")
    alpha = check_float_array("alpha", alpha)
    if alpha.shape not in ((), (L,)) or (alpha < 0).any():
        raise ValueError(f"alpha must be step sizes >= 0, one or one per lane ({L},), "
                         f"got shape {alpha.shape}")
    check_in_range("gamma_n", gamma_n, 0.0, 1.0)
    check_nonneg_int("step", step)
    check_positive_int("check_every", check_every)
    return X, np.broadcast_to(alpha, (L,))


def _check_kl(name: str, a, shape: tuple[int, int]) -> None:
    if np.shape(a) != shape:
        raise ValueError(f"{name} must have shape (K, L) = {shape}, got {np.shape(a)}")


def check_value_errors(theta, X, v, weights) -> tuple[np.ndarray, ...]:
    r"""Check the arguments of `value_errors`: finite weights `(N, d)`, features `(S, d)`
    ([`check_features`][fa_book.validate.check_features]), values `(S,)` finite and a
    state weighting `(S,)` ([`check_weighting`][fa_book.validate.check_weighting]).
    Returns them as float arrays."""
    X = check_features("X", check_float_array("X", X))
    S, d = X.shape
    theta = check_float_array("theta", theta)
    if theta.ndim != 2 or theta.shape[1] != d:
        raise ValueError(f"theta must have shape (N, {d}), got {theta.shape}")
    v = check_float_array("v", v)
    if v.shape != (S,):
        raise ValueError(f"v must have shape ({S},), got {v.shape}")
    return theta, X, v, check_weighting("weights", check_float_array("weights", weights), S)

