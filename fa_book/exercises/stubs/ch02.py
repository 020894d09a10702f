r"""Chapter 2 exercises: fill in a function, then check it with

    python -m fa_book.exercises check 2.2 this_file.py

(and likewise 2.5, 2.8, 2.9).
"""

import numpy as np


# --8<-- [start:ex2_2]
def staircase_error(slope: float, edges: np.ndarray) -> float:
    r"""Exercise 2.2: the staircase error of buckets of unequal widths.

    The true value is a line, $v(s) = b\,s + c$, on the interval $[e_0, e_k]$ of length
    $L = e_k - e_0$, cut into $k$ buckets $[e_{i-1}, e_i)$ of widths $w_i = e_i - e_{i-1}$.
    A table holds one constant per bucket, at best the bucket's mean of $v$. Return the
    RMS error of that staircase under the uniform distribution on $[e_0, e_k]$ (for equal
    widths it is (STAIR), $|b|\,w/\sqrt{12}$).

    Args:
        slope: the slope $b$ of the line (its intercept $c$ does not matter).
        edges: the bucket boundaries $e_0 < e_1 < \dots < e_k$, shape `(k + 1,)`.

    Returns:
        The RMS error, a float $\ge 0$.
    """
    raise NotImplementedError
# --8<-- [end:ex2_2]


# --8<-- [start:ex2_5]
def bucket_values(groups: np.ndarray, v: np.ndarray, mu: np.ndarray) -> np.ndarray:
    r"""Exercise 2.5: the best value of each bucket, (AGG).

    State $s$ is in bucket $g(s)$ = `groups[s]`; every bucket $0, \dots, d-1$ holds at
    least one state. The best one-value-per-bucket fit of $v$ in the $\mu$-weighted
    squared error gives bucket $i$ the value
    $w_i = \sum_{s:\,g(s)=i} \mu(s)\,v(s) \,/\, \sum_{s:\,g(s)=i} \mu(s)$, and 0 to a
    bucket whose states all have $\mu(s) = 0$.

    Args:
        groups: the bucket $g(s)$ of each state, integers in `0 .. d - 1`, shape `(S,)`.
        v: the values $v_\pi(s)$, shape `(S,)`.
        mu: the weighting $\mu(s) \ge 0$, shape `(S,)`; it need not sum to one.

    Returns:
        $\mathbf w$, shape `(d,)` with $d$ = `groups.max() + 1`.
    """
    raise NotImplementedError
# --8<-- [end:ex2_5]


# --8<-- [start:ex2_8]
def cell_index(edges: list[np.ndarray], s: np.ndarray) -> np.ndarray:
    r"""Exercise 2.8: the cell of each state, (CELL) and (INDEX).

    Dimension $j$ has boundaries $e_{j,0} < \dots < e_{j,k_j}$ (`edges[j]`), so $k_j$
    cells. The cell of coordinate $s_j$ is the number of *inner* boundaries at or below
    it, $i_j = \#\{i \in \{1, \dots, k_j - 1\} : e_{j,i} \le s_j\}$ (CELL): a point on a
    boundary belongs to the cell above it, the box's upper edge to the last cell, and a
    point outside the box to the nearest outer cell. The cells are numbered row-major,
    $\bar s = \sum_j i_j \prod_{m > j} k_m$ (INDEX).

    Args:
        edges: one increasing array of boundaries per dimension, `n` arrays.
        s: the states, one row each, shape `(N, n)`.

    Returns:
        The cell index $\bar s$ of each state, integers, shape `(N,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex2_8]


# --8<-- [start:ex2_9]
def q_learning_steps(Q: np.ndarray, s: np.ndarray, a: np.ndarray, r: np.ndarray,
                     s_next: np.ndarray, terminated: np.ndarray, truncated: np.ndarray,
                     alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 2.9: tabular Q-learning on the cells, (QL).

    Apply, for $t = 0, 1, \dots$ in order, to transition $t$ from cell $\bar s$ =
    `s[t]` with action $a$ = `a[t]`, reward $r$ = `r[t]` and next cell $\bar s'$ =
    `s_next[t]`:
    $Q(\bar s, a) \leftarrow Q(\bar s, a) + \alpha\,[r + \gamma\,(1 - \text{terminated})
    \max_{a'} Q(\bar s', a') - Q(\bar s, a)]$, each update using the table as the
    updates before it left it. `truncated[t]` says that a time limit ended the episode
    after this step; only `terminated` zeroes the bootstrap.

    Args:
        Q: the table before the first transition, shape `(S, A)`.
        s: the cells $\bar s$, integers, shape `(T,)`.
        a: the actions, integers, shape `(T,)`.
        r: the rewards, shape `(T,)`.
        s_next: the next cells $\bar s'$, integers, shape `(T,)`.
        terminated: whether $\bar s'$ is terminal, booleans, shape `(T,)`.
        truncated: whether a time limit ended the episode there, booleans, shape `(T,)`.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        The table after the $T$ updates, shape `(S, A)`.
    """
    raise NotImplementedError
# --8<-- [end:ex2_9]
