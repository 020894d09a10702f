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
