r"""Reference solutions of chapter 4's programming exercises."""

import numpy as np


# --8<-- [start:ex4_2]
def gradient_mc_one_over_k(visits: list[np.ndarray], G: np.ndarray,
                           n_groups: int) -> np.ndarray:
    r"""Exercise 4.2: gradient MC with aggregation and $\alpha_k = 1/k$ per group.

    With $\alpha_k = 1/k$ the update $\theta_g \leftarrow \theta_g + (G - \theta_g)/k$
    is the running mean: after $k$ visits $\theta_g$ is the average of the $k$ returns
    seen in group $g$ (every-visit Monte Carlo), whatever the order.
    """
    theta = np.zeros(n_groups)
    k = np.zeros(n_groups, dtype=np.int64)  # updates of each group so far
    for groups, G_e in zip(visits, G, strict=True):
        for g in groups:
            k[g] += 1
            theta[g] += (G_e - theta[g]) / k[g]
    return theta
# --8<-- [end:ex4_2]


# --8<-- [start:ex4_6]
def n_step_returns(rewards: np.ndarray, v: np.ndarray, terminated: bool, n: int,
                   gamma: float) -> np.ndarray:
    r"""Exercise 4.6: $G_{t:t+n}$ (NSTEP) for every $t$ of one episode."""
    T = len(rewards)
    G = np.zeros(T)
    for t in range(T):
        h = min(t + n, T)  # the bootstrap state S_h
        k = np.arange(h - t)  # R_{t+1+k} is discounted by gamma^k
        G[t] = (gamma**k) @ rewards[t:h]
        if not (h == T and terminated):  # a terminal state has value 0
            G[t] += gamma ** (h - t) * v[h]  # (NSTEP)
    return G
# --8<-- [end:ex4_6]


# --8<-- [start:ex4_7]
def n_step_td(theta: np.ndarray, x: np.ndarray, rewards: np.ndarray, terminated: bool,
              n: int, alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 4.7: n-step semi-gradient TD (NSTEP), (NSTEPTD) along one episode."""
    theta = np.array(theta, dtype=float)  # a copy: the caller's array is not changed
    T = len(rewards)
    for tau in range(T):
        h = min(tau + n, T)
        G = sum(gamma**k * rewards[tau + k] for k in range(h - tau))  # (NSTEP)
        if not (h == T and terminated):  # only termination drops the bootstrap
            G += gamma ** (h - tau) * (theta @ x[h])  # read with the current theta
        theta += alpha * (G - theta @ x[tau]) * x[tau]  # (NSTEPTD): x(S_tau) only
    return theta
# --8<-- [end:ex4_7]
