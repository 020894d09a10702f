r"""Chapter 1 exercises: fill in a function, then check it with

    python -m fa_book.exercises check 1.3 this_file.py

(and likewise 1.4, 1.5).
"""

import numpy as np


# --8<-- [start:ex1_3]
def count_positions(rows: int, cols: int, k: int) -> int:
    r"""Exercise 1.3: how many boards can occur in play?

    The game is tic-tac-toe generalized to a `rows × cols` board: X moves first, the
    players alternate, each puts one mark on an empty cell, and the game stops as soon as
    a player has `k` marks in a row (a horizontal, vertical or diagonal line of `k`
    consecutive cells) or the board is full. Count the distinct boards that can occur
    in play, the empty board included: these are the states a lookup table for this game
    needs. (For the 3 × 3 game with `k = 3` compare with the bound $3^9$ of the table
    sizes.)

    Hint: a search over the game tree from the empty board that stops at a win and
    remembers the boards it has seen; following every move order separately visits over
    half a million nodes on 3 × 3.

    Args:
        rows: number of rows, >= 1.
        cols: number of columns, >= 1 (at most 9 cells in all in the checker).
        k: marks in a row that win, >= 1.

    Returns:
        The number of distinct reachable boards.
    """
    raise NotImplementedError
# --8<-- [end:ex1_3]


# --8<-- [start:ex1_4]
def data_for_a_grid(k: int, n: int, sigma: float, se: float) -> np.ndarray:
    r"""Exercise 1.4: how much data does a grid of $k^n$ cells need?

    Each cell's entry is the mean of the $N$ returns seen from it; returns have standard
    deviation $\sigma$, so the mean has standard error $\sigma/\sqrt N$. Find the number
    of visits $N$ per cell at which the standard error is `se` (a real number: do not
    round it up), and the least number of environment steps that gives every one of the
    $|\bar{\mathcal S}| = k^n$ cells (eq. grid) $N$ visits (one visit per step).

    Args:
        k: bins per dimension, >= 1.
        n: number of dimensions, >= 1.
        sigma: standard deviation $\sigma > 0$ of a return.
        se: the standard error wanted, > 0.

    Returns:
        `[N, steps]`, shape `(2,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex1_4]


# --8<-- [start:ex1_5]
def td0_features_episode(theta: np.ndarray, x: np.ndarray, r: np.ndarray,
                         terminated: bool, alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 1.5: one episode of TD(0) with features.

    The episode visits $S_0, S_1, \dots, S_T$ and pays $R_1, \dots, R_T$. For
    $t = 0, \dots, T-1$, in order, compute the TD error with the current $\theta$,
    $\delta_t = R_{t+1} + \gamma\,\theta^\top\mathbf x(S_{t+1}) - \theta^\top\mathbf x(S_t)$
    (TD-error), and update
    $\theta \leftarrow \theta + \alpha\,\delta_t\,\mathbf x(S_t)$ (TD0-linear). If
    `terminated`, $S_T$ is terminal and its value is 0 whatever its features; if not (a
    time limit cut the episode), the last step bootstraps from
    $\theta^\top\mathbf x(S_T)$ as any other. With one-hot features this is the table
    update (TD0-table).

    Args:
        theta: the weights before the episode, shape `(d,)`.
        x: the features $\mathbf x(S_0), \dots, \mathbf x(S_T)$, one row each, shape
            `(T + 1, d)`.
        r: the rewards $R_1, \dots, R_T$, shape `(T,)`.
        terminated: whether $S_T$ is a terminal state.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        $\theta$ after the $T$ updates, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex1_5]
