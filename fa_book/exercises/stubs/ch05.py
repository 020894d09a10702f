r"""Chapter 5 exercises: fill in a function, then check it with

    python -m fa_book.exercises check 5.1 this_file.py
"""

import numpy as np


# --8<-- [start:ex5_1]
def epsilon_greedy(q: np.ndarray, epsilon: float) -> np.ndarray:
    r"""Exercise 5.1: the ε-greedy probabilities $\pi(\cdot \mid s)$ (EPSG), ties shared.

    With $\mathcal G = \arg\max_b \hat q(s, b)$ (all the tied maxima),
    $\pi(a \mid s) = \varepsilon/|\mathcal A| + (1 - \varepsilon)\,
    \mathbb 1[a \in \mathcal G]/|\mathcal G|$: a uniformly random action with probability
    $\varepsilon$, otherwise a greedy action chosen uniformly among the ties.

    Args:
        q: the action values $\hat q(s, a)$ of one state, shape `(A,)`.
        epsilon: $\varepsilon \in [0, 1]$.

    Returns:
        $\pi(a \mid s)$ for every action, shape `(A,)`, summing to one.
    """
    raise NotImplementedError
# --8<-- [end:ex5_1]


# --8<-- [start:ex5_3]
def expected_sarsa_epsilon(theta: np.ndarray, x_sa: np.ndarray, r: float,
                           X_next: np.ndarray, terminated: bool, epsilon: float,
                           alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 5.3: one semi-gradient expected-SARSA step, ε-greedy target policy.

    $\pi(\cdot \mid S')$ is ε-greedy in $\hat q(S', \cdot, \boldsymbol\theta)$ (EPSG),
    ties shared; $\delta = R + \gamma\sum_{a'}\pi(a' \mid S')\,\hat q(S', a',
    \boldsymbol\theta) - \hat q(S, A, \boldsymbol\theta)$ (ESARSA), with the bootstrap
    term 0 if $S'$ is terminal; then $\boldsymbol\theta \leftarrow \boldsymbol\theta +
    \alpha\,\delta\,\mathbf x(S, A)$ (UPDATE). Linear: $\hat q(s, a) =
    \boldsymbol\theta^\top\mathbf x(s, a)$ (QHAT).

    Args:
        theta: $\boldsymbol\theta$, shape `(d,)` (do not modify it).
        x_sa: $\mathbf x(S, A)$, shape `(d,)`.
        r: the reward $R$.
        X_next: $\mathbf x(S', a')$ for every action $a'$, shape `(A, d)`.
        terminated: whether $S'$ is terminal.
        epsilon: $\varepsilon$ of the target policy, in $[0, 1]$.
        alpha: step size $\alpha > 0$.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        The new $\boldsymbol\theta$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex5_3]


# --8<-- [start:ex5_5]
def tile_sarsa_step(w: np.ndarray, active: np.ndarray, r: float, active_next: np.ndarray,
                    terminated: bool, alpha: float, gamma: float) -> np.ndarray:
    r"""Exercise 5.5: one semi-gradient SARSA step with binary tile features.

    $\mathbf x(S, A)$ has a 1 at each of the $n$ indices `active` (one tile per tiling,
    in the block of action $A$) and 0 elsewhere, so $\hat q(S, A) =
    \sum_{i \in \text{active}} w_i$; likewise $\hat q(S', A')$ with `active_next`.
    $\delta = R + \gamma\,\hat q(S', A') - \hat q(S, A)$ (SARSA), with $\hat q(S', A') = 0$
    if $S'$ is terminal, then the update (UPDATE) with the step size $\alpha/n$ per
    weight: $\mathbf w \leftarrow \mathbf w + \frac{\alpha}{n}\,\delta\,\mathbf x(S, A)$.

    Args:
        w: the weights $\mathbf w$, shape `(N,)` (do not modify it).
        active: the $n$ active tiles of $(S, A)$, distinct integers, shape `(n,)`.
        r: the reward $R$.
        active_next: the $n$ active tiles of $(S', A')$, shape `(n,)`.
        terminated: whether $S'$ is terminal.
        alpha: $\alpha > 0$ (the weights move by $\alpha/n$ times $\delta$).
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        The new $\mathbf w$, shape `(N,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex5_5]
