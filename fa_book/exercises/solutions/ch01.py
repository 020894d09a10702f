r"""Reference solutions of chapter 1's programming exercises."""

import numpy as np


# --8<-- [start:ex1_3]
def count_positions(rows: int, cols: int, k: int) -> int:
    r"""Exercise 1.3: the boards that occur in play, by a search that stops at a win.

    The boards after $t$ moves all hold $t$ marks, so the search goes move by move: from
    the set of boards after $t$ moves (a set, so that a board reached by different move
    orders counts once), every board without $k$ in a row gets every possible next mark.
    """
    n = rows * cols
    lines = []  # every line of k consecutive cells, as tuples of cell indices
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                cells = [(r + i * dr, c + i * dc) for i in range(k)]
                if all(0 <= a < rows and 0 <= b < cols for a, b in cells):
                    lines.append([a * cols + b for a, b in cells])

    def won(board):
        return any(board[line[0]] != 0 and all(board[i] == board[line[0]] for i in line)
                   for line in lines)

    boards = {(0,) * n}  # the boards after t moves
    total = 0
    for t in range(n + 1):
        total += len(boards)
        mark = 1 if t % 2 == 0 else 2  # X moves first
        boards = {b[:i] + (mark,) + b[i + 1:] for b in boards if not won(b)
                  for i in range(n) if b[i] == 0}
    return total
# --8<-- [end:ex1_3]


# --8<-- [start:ex1_4]
def data_for_a_grid(k: int, n: int, sigma: float, se: float) -> np.ndarray:
    r"""Exercise 1.4: $\sigma/\sqrt N = \epsilon$ gives $N = \sigma^2/\epsilon^2$ visits
    per cell, and $k^n$ cells need at least $k^n N$ steps."""
    N = sigma**2 / se**2
    return np.array([N, k**n * N])
# --8<-- [end:ex1_4]


# --8<-- [start:ex1_5]
def td0_features_episode(theta: np.ndarray, x: np.ndarray, r: np.ndarray,
                         terminated: bool, alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 1.5: (TD-error) and (TD0-linear) at every step, in order."""
    theta = np.array(theta, dtype=float)  # a copy: the caller's weights stay as they are
    T = len(r)
    for t in range(T):
        v_next = 0.0 if (terminated and t == T - 1) else theta @ x[t + 1]
        delta = r[t] + gamma * v_next - theta @ x[t]
        theta += alpha * delta * x[t]  # the semi-gradient: x(S_t) only
    return theta
# --8<-- [end:ex1_5]
