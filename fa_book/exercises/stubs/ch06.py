r"""Chapter 6 exercises: fill in a function, then check it with

    python -m fa_book.exercises check 6.7 this_file.py
"""

import numpy as np
import torch  # noqa: F401 - exercise 6.7 is to be done with torch


# --8<-- [start:ex6_7]
def semi_gradient_loss_grad(w: np.ndarray, x: np.ndarray, r: np.ndarray,
                            x_next: np.ndarray, terminated: np.ndarray,
                            gamma: float) -> np.ndarray:
    r"""Exercise 6.7: the gradient autograd gives for the TD loss, target detached.

    With the linear $\hat v(s, \mathbf w) = \mathbf w^\top\mathbf x(s)$, build in torch
    the batch loss $L(\mathbf w) = \frac1B\sum_i \tfrac12\delta_i^2$ with
    $\delta_i = \text{target}_i - \hat v(S_i, \mathbf w)$ (DELTA) and
    $\text{target}_i = R_i + \gamma\,\hat v(S'_i, \mathbf w)$ (TARGET), where
    $\hat v(S'_i) = 0$ if $S'_i$ is terminal and the target is **detached** (it carries
    no gradient); call `backward()` and return $\nabla_{\mathbf w}L$.

    Args:
        w: weights $\mathbf w$, shape `(d,)`.
        x: features $\mathbf x(S_i)$ of a batch of $B$ transitions, shape `(B, d)`.
        r: rewards $R_i$, shape `(B,)`.
        x_next: features $\mathbf x(S'_i)$, shape `(B, d)`.
        terminated: whether $S'_i$ is terminal, bool, shape `(B,)`.
        gamma: discount $\gamma \in [0, 1]$.

    Returns:
        $\nabla_{\mathbf w}L$ as a numpy array (e.g. `w_t.grad.numpy()`), shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex6_7]


# --8<-- [start:ex6_8]
def double_sample_step(w: np.ndarray, x: np.ndarray, r: float, x_next: np.ndarray,
                       x_next2: np.ndarray, gamma: float, alpha: float) -> np.ndarray:
    r"""Exercise 6.8: one double-sample residual-gradient step (Baird 1995).

    From the same state $S$ two independent transitions were drawn, to $S'$ and to
    $S'_2$. The TD error comes from the first,
    $\delta = R + \gamma\,\mathbf w^\top\mathbf x(S') - \mathbf w^\top\mathbf x(S)$
    (TDERR), the gradient bracket of (RG) from the second:
    $\mathbf w \leftarrow \mathbf w + \alpha\,\delta\,[\mathbf x(S) - \gamma\,
    \mathbf x(S'_2)]$, an unbiased step on the Bellman error.

    Args:
        w: weights $\mathbf w$, shape `(d,)` (do not modify it).
        x: $\mathbf x(S)$, shape `(d,)`.
        r: the reward $R$ of the first transition.
        x_next: $\mathbf x(S')$, shape `(d,)`, all zeros if $S'$ is terminal.
        x_next2: $\mathbf x(S'_2)$, shape `(d,)`, all zeros if $S'_2$ is terminal.
        gamma: discount $\gamma \in [0, 1]$.
        alpha: step size $\alpha > 0$.

    Returns:
        The new $\mathbf w$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex6_8]


# --8<-- [start:ex6_9]
def off_policy_td_step(w: np.ndarray, x: np.ndarray, r: float, x_next: np.ndarray,
                       pi_a: float, b_a: float, gamma: float, alpha: float) -> np.ndarray:
    r"""Exercise 6.9: one off-policy semi-gradient TD(0) step (RHO).

    The action $A$ was drawn from the behaviour policy $b$; the values learned are the
    target policy $\pi$'s. With $\rho = \pi(A \mid S)/b(A \mid S)$ and
    $\delta = R + \gamma\,\mathbf w^\top\mathbf x(S') - \mathbf w^\top\mathbf x(S)$
    (TDERR): $\mathbf w \leftarrow \mathbf w + \alpha\,\rho\,\delta\,\mathbf x(S)$.

    Args:
        w: weights $\mathbf w$, shape `(d,)` (do not modify it).
        x: $\mathbf x(S)$, shape `(d,)`.
        r: the reward $R$.
        x_next: $\mathbf x(S')$, shape `(d,)` (all zeros if $S'$ is terminal).
        pi_a: $\pi(A \mid S) \in [0, 1]$.
        b_a: $b(A \mid S) \in (0, 1]$.
        gamma: discount $\gamma \in [0, 1]$.
        alpha: step size $\alpha > 0$.

    Returns:
        The new $\mathbf w$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex6_9]
