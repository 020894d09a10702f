r"""`fa_book/GridMaze-v0`: Sutton & Barto's Dyna maze (2018, Figure 8.2), chapter 1."""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium as gym
import numpy as np

from fa_book.envs.episode import EpisodeMixin
from fa_book.oracles import FiniteMDP
from fa_book.validate import MAX_SIZE, check_discount, check_int_range

DYNA_MAZE: tuple[str, ...] = (
    ".......#G",
    "..#....#.",
    "S.#....#.",
    "..#......",
    ".....#...",
    ".........",
)
"""Sutton & Barto's Dyna maze: `.` free, `#` wall, `S` start, `G` goal."""

MOVES = np.array([(-1, 0), (0, 1), (1, 0), (0, -1)])
"""Actions 0–3: up, right, down, left, as (row, column) steps."""

MAX_CELLS = 10**6
r"""The largest maze accepted (cells). Its exact model, `to_finite_mdp`, has
$4\,(\text{rows} \cdot \text{cols})^2$ transition entries and is refused above
`fa_book.validate.MAX_SIZE` entries (about 15 800 cells)."""


# --8<-- [start:grid_maze]
class GridMaze(EpisodeMixin, gym.Env[np.int64, np.int64]):
    r"""A deterministic grid maze; registered as `fa_book/GridMaze-v0`.

    ## Description

    A maze of free cells `.` and walls `#` with one start `S` and one goal `G`; the
    default layout is the Dyna maze of Sutton & Barto (2018, Figure 8.2), 6 × 9 cells.

    ## Observation Space

    `Discrete(rows * cols)`: the cell index $s = \text{row} \cdot \text{cols} +
    \text{col}$. Wall cells are never observed.

    ## Action Space

    `Discrete(4)`: 0 up, 1 right, 2 down, 3 left. A move into a wall or off the board
    leaves the agent where it is.

    ## Rewards

    $+1$ on entering the goal, $0$ on every other step.

    ## Starting State

    The `S` cell, or any free non-goal cell given as `reset(options={"start": s})`.

    ## Episode End

    Terminated on entering the goal; truncated after `max_episode_steps` steps when it is
    not `None`. A layout whose goal cannot be reached from the start is refused, so every
    episode of a policy that tries every action ends.

    Args:
        layout: rows of the maze, using `.`, `#`, `S` (one start) and `G` (one goal).
        max_episode_steps: truncate after this many steps (`None`: never).
    """

    metadata = {"render_modes": []}

    def __init__(self, layout: Sequence[str] = DYNA_MAZE, max_episode_steps: int | None = None):
        if isinstance(layout, str) or not isinstance(layout, Sequence) or not all(
                isinstance(r, str) for r in layout):
            raise ValueError("layout must be a sequence of strings (the rows of the maze), "
                             f"got {type(layout).__name__}")
        rows = list(layout)
        if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
            raise ValueError("layout must be a non-empty list of equal-length rows")
        if len(rows) * len(rows[0]) > MAX_CELLS:
            raise ValueError(f"layout has {len(rows) * len(rows[0])} cells; at most "
                             f"{MAX_CELLS} are accepted")
        text = "".join(rows)
        if set(text) - set(".#SG"):
            raise ValueError(f"layout may only use '.', '#', 'S', 'G', got {set(text)}")
        if text.count("S") != 1 or text.count("G") != 1:
            raise ValueError("layout must contain exactly one 'S' and one 'G'")
        self.layout = tuple(rows)
        self.rows, self.cols = len(rows), len(rows[0])
        self.wall = np.array([[c == "#" for c in r] for r in rows])
        self.start = text.index("S")
        self.goal = text.index("G")
        if self.goal not in self._reachable(self.start):
            raise ValueError("layout's goal 'G' cannot be reached from its start 'S'")
        self._setup(self.rows * self.cols, 4, max_episode_steps)
        self._s = self.start

    def next_state(self, s: int, a: int) -> int:
        """The cell reached from cell `s` by action `a` (walls and edges block).

        Raises:
            ValueError: if `s` is not a cell index in `[0, rows * cols)` or `a` not in
                {0, 1, 2, 3}.
        """
        check_int_range("s", s, 0, self.rows * self.cols - 1)
        check_int_range("a", a, 0, 3)
        return self._move(s, a)

    def _move(self, s: int, a: int) -> int:
        r, c = divmod(int(s), self.cols)
        nr, nc = r + MOVES[a][0], c + MOVES[a][1]
        if 0 <= nr < self.rows and 0 <= nc < self.cols and not self.wall[nr, nc]:
            return int(nr * self.cols + nc)
        return int(s)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        allowed = set(self.free_cells.tolist()) - {self.goal}
        self._s = self._start(seed, options, allowed, "a free cell other than the goal",
                              default=self.start)
        return np.int64(self._s), {}

    def step(self, action):
        a = self._check_running(action, 4, "in {0, 1, 2, 3}")
        self._s = self._move(self._s, a)
        terminated, truncated = self._end(self._s == self.goal)
        return np.int64(self._s), float(terminated), terminated, truncated, {}
# --8<-- [end:grid_maze]

    def _reachable(self, s0: int) -> set[int]:
        seen, stack = {s0}, [s0]
        while stack:
            s = stack.pop()
            for a in range(4):
                s2 = self._move(s, a)
                if s2 not in seen:
                    seen.add(s2)
                    stack.append(s2)
        return seen

    @property
    def free_cells(self) -> np.ndarray:
        """Indices of the cells that are not walls, shape `(n_free,)`."""
        return np.flatnonzero(~self.wall.ravel())

    def to_finite_mdp(self, gamma: float) -> FiniteMDP:
        r"""The maze as exact arrays: $P(s' \mid s, a)$ deterministic, the goal terminal
        (its rows are zero), wall cells unreachable, $d_0$ on the start cell.

        Raises:
            ValueError: if `gamma` is not in [0, 1], or the maze has so many cells that
                $P$ would have more than `fa_book.validate.MAX_SIZE` entries.
        """
        check_discount("gamma", gamma)
        S = self.rows * self.cols
        if 4 * S * S > MAX_SIZE:
            raise ValueError(f"the maze has {S} cells: its exact model would have "
                             f"4 * {S}^2 = {4 * S * S} > MAX_SIZE = {MAX_SIZE} entries")
        P = np.zeros((S, 4, S))
        R = np.zeros((S, 4))
        for s in self.free_cells:
            if s == self.goal:
                continue
            for a in range(4):
                s2 = self._move(s, a)
                P[s, a, s2] = 1.0
                R[s, a] = float(s2 == self.goal)
        d0 = np.zeros(S)
        d0[self.start] = 1.0
        return FiniteMDP(P, R, gamma, d0)
