r"""Chapter 3 exercises: fill in a function, then check it with

    python -m fa_book.exercises check 3.1 this_file.py

(and likewise 3.3, 3.8).
"""

import numpy as np


# --8<-- [start:ex3_1]
def best_weights(phi: np.ndarray, v: np.ndarray, mu: np.ndarray) -> np.ndarray:
    r"""Exercise 3.1: the best linear fit, (proj).

    Return $\theta^\star = \arg\min_\theta \lVert\Phi\theta - v\rVert_\mu^2
    = \arg\min_\theta \sum_s \mu(s)\,[\mathbf x(s)^\top\theta - v(s)]^2
    = (\Phi^\top D\Phi)^{-1}\Phi^\top D\,v$ with $D = \mathrm{diag}(\mu)$. The checker's
    features are linearly independent on the states, so $\theta^\star$ is unique.

    Args:
        phi: the feature matrix $\Phi$, row $s$ is $\mathbf x(s)^\top$, shape `(S, d)`.
        v: the target values $v_\pi(s)$, shape `(S,)`.
        mu: the weighting $\mu(s) > 0$, shape `(S,)`.

    Returns:
        $\theta^\star$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex3_1]


# --8<-- [start:ex3_3]
def sgd_exact_targets(theta: np.ndarray, x: np.ndarray, U: np.ndarray,
                      alpha: float) -> np.ndarray:
    r"""Exercise 3.3: SGD on the value error with known targets, (SGD) and (vlin).

    For the sampled states $S_0, S_1, \dots, S_{T-1}$, in order, apply
    $\theta \leftarrow \theta + \alpha\,[U_t - \hat v(S_t,\theta)]\,
    \nabla_\theta\hat v(S_t,\theta)$ with $\hat v(s,\theta) = \theta^\top\mathbf x(s)$,
    each step using the $\theta$ the steps before it left.

    Args:
        theta: the weights before the first step, shape `(d,)`.
        x: the features $\mathbf x(S_t)$ of the sampled states, one row each, shape
            `(T, d)`.
        U: the targets $U_t$ (here the true values $v_\pi(S_t)$), shape `(T,)`.
        alpha: the step size $\alpha > 0$.

    Returns:
        $\theta$ after the $T$ steps, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex3_3]


# --8<-- [start:ex3_8]
def linear_td_fixed_point(P: np.ndarray, r: np.ndarray, phi: np.ndarray, mu: np.ndarray,
                   gamma: float) -> np.ndarray:
    r"""Exercise 3.8: where linear TD(0) converges, (A), (b), (TDfp).

    The chain a policy induces moves from $s$ to $s'$ with probability $P_\pi(s, s')$
    (rows may sum to less than one: the rest is the probability that the episode ends)
    and pays $r_\pi(s)$ in expectation on leaving $s$. Return
    $\theta_{TD} = A^{-1}b$ with $A = \Phi^\top D\,(I - \gamma P_\pi)\,\Phi$ and
    $b = \Phi^\top D\,r_\pi$, $D = \mathrm{diag}(\mu)$.

    Args:
        P: $P_\pi$, shape `(S, S)`.
        r: $r_\pi$, shape `(S,)`.
        phi: the feature matrix $\Phi$, shape `(S, d)`.
        mu: the state weighting $\mu$, shape `(S,)`.
        gamma: the discount $\gamma \in [0, 1]$.

    Returns:
        $\theta_{TD}$, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex3_8]
