r"""Chapter 4 exercises: fill in the function, then check it with

    python -m fa_book.exercises check 4.2 this_file.py
"""

import numpy as np


# --8<-- [start:ex4_2]
def gradient_mc_one_over_k(visits: list[np.ndarray], G: np.ndarray,
                           n_groups: int) -> np.ndarray:
    r"""Exercise 4.2: gradient Monte Carlo with state aggregation and $\alpha_k = 1/k$.

    Start from $\theta = 0$. Go through the episodes in order and, in each, through its
    steps in order; at every step (every visit) of episode $e$ to group $g$ apply
    $\theta_g \leftarrow \theta_g + \alpha_k\,(G_e - \theta_g)$ with $\alpha_k = 1/k$,
    where $k$ is the number of updates group $g$ has had so far, this one included.
    (With aggregation features the gradient $\mathbf x(S_t)$ is the one-hot vector of
    the state's group, so a step touches one weight; in the random walk, $\gamma = 1$,
    every step of an episode has the same return $G_e$.)

    Args:
        visits: for each episode $e$, the group $g(S_t)$ of each of its steps, a list of
            integer arrays of shape `(T_e,)` with entries in `0 .. n_groups - 1`.
        G: the return of each episode, shape `(E,)`.
        n_groups: the number of groups $d$.

    Returns:
        $\theta$ after all the updates, shape `(n_groups,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex4_2]


# --8<-- [start:ex4_6]
def n_step_returns(rewards: np.ndarray, v: np.ndarray, terminated: bool, n: int,
                   gamma: float) -> np.ndarray:
    r"""Exercise 4.6: the n-step returns $G_{t:t+n}$ of one episode, for every $t$.

    For $t = 0, \dots, T-1$, with $h = \min(t + n, T)$,
    $G_{t:t+n} = \sum_{k=1}^{h-t}\gamma^{k-1}R_{t+k} + \gamma^{h-t}\,\hat v(S_h)$ (NSTEP),
    where the bootstrap term is dropped when $h = T$ and the episode *terminated*
    ($S_T$ terminal, value 0). A *truncated* episode (cut by a time limit) still
    bootstraps from $\hat v(S_T)$.

    Args:
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        v: the current estimates $\hat v(S_0), \dots, \hat v(S_T)$, shape `(T + 1,)`
            (`v[T]` is not used if the episode terminated).
        terminated: whether $S_T$ is terminal.
        n: the number of steps $n \ge 1$.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        $G_{0:n}, G_{1:1+n}, \dots, G_{T-1:T-1+n}$, shape `(T,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex4_6]


# --8<-- [start:ex4_7]
def n_step_td(theta: np.ndarray, x: np.ndarray, rewards: np.ndarray, terminated: bool,
              n: int, alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 4.7: n-step semi-gradient TD along one episode (NSTEPTD).

    For $\tau = 0, \dots, T-1$ in order, with the *current* $\theta$ (the one the updates
    for $0, \dots, \tau - 1$ left): with $h = \min(\tau + n, T)$, the n-step return
    (NSTEP) is
    $G_{\tau:\tau+n} = \sum_{k=1}^{h-\tau}\gamma^{k-1}R_{\tau+k}
    + \gamma^{h-\tau}\,\theta^\top\mathbf x(S_h)$, where the bootstrap term is dropped
    when $h = T$ and the episode *terminated* ($S_T$ terminal, value 0); a *truncated*
    episode (cut by a time limit) still bootstraps from $\theta^\top\mathbf x(S_T)$.
    Then $\theta \leftarrow \theta + \alpha\,[G_{\tau:\tau+n} - \theta^\top\mathbf
    x(S_\tau)]\,\mathbf x(S_\tau)$ (NSTEPTD): the target is treated as a constant.
    With $n = 1$ this is TD(0) (TDERR), (TD0); with $n \ge T$, gradient Monte Carlo.

    Args:
        theta: the weights before the episode, shape `(d,)` (do not modify it).
        x: features $\mathbf x(S_0), \dots, \mathbf x(S_T)$, shape `(T + 1, d)`.
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        terminated: whether $S_T$ is terminal (else the episode was truncated).
        n: the number of steps $n \ge 1$.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        $\theta$ after the $T$ updates, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex4_7]
