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
