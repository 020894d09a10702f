r"""Reference solutions of chapter 2's programming exercises."""

import numpy as np


# --8<-- [start:ex2_2]
def staircase_error(slope: float, edges: np.ndarray) -> float:
    r"""Exercise 2.2: bucket $i$ holds the share $w_i/L$ of the uniform measure and, by
    (STAIR), a mean squared error $b^2 w_i^2/12$; so the mean squared error is
    $\sum_i (w_i/L)\, b^2 w_i^2/12$ and its root is $|b|\sqrt{\sum_i w_i^3/(12L)}$."""
    w = np.diff(np.asarray(edges, dtype=float))
    return abs(slope) * np.sqrt(np.sum(w**3) / (12 * w.sum()))
# --8<-- [end:ex2_2]


# --8<-- [start:ex2_5]
def bucket_values(groups: np.ndarray, v: np.ndarray, mu: np.ndarray) -> np.ndarray:
    r"""Exercise 2.5: (AGG) with two weighted counts per bucket."""
    d = int(groups.max()) + 1
    num = np.bincount(groups, weights=mu * v, minlength=d)  # sum of mu(s) v(s) in bucket i
    den = np.bincount(groups, weights=mu, minlength=d)  # sum of mu(s) in bucket i
    return np.divide(num, den, out=np.zeros(d), where=den > 0)
# --8<-- [end:ex2_5]


# --8<-- [start:ex2_8]
def cell_index(edges: list[np.ndarray], s: np.ndarray) -> np.ndarray:
    r"""Exercise 2.8: (CELL) by a search over the inner boundaries, (INDEX) row-major."""
    s_bar = np.zeros(len(s), dtype=np.int64)
    for j, e in enumerate(edges):
        i_j = np.searchsorted(e[1:-1], s[:, j], side="right")  # inner boundaries <= s_j
        s_bar = s_bar * (len(e) - 1) + i_j  # Horner's rule for sum_j i_j prod_{m>j} k_m
    return s_bar
# --8<-- [end:ex2_8]


# --8<-- [start:ex2_9]
def q_learning_steps(Q: np.ndarray, s: np.ndarray, a: np.ndarray, r: np.ndarray,
                     s_next: np.ndarray, terminated: np.ndarray, truncated: np.ndarray,
                     alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 2.9: (QL), one transition after the other; `truncated` is not used."""
    Q = np.array(Q, dtype=float)
    for t in range(len(s)):
        bootstrap = 0.0 if terminated[t] else Q[s_next[t]].max()
        delta = r[t] + gamma * bootstrap - Q[s[t], a[t]]
        Q[s[t], a[t]] += alpha * delta
    return Q
# --8<-- [end:ex2_9]
