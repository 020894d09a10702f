r"""Reference solutions of chapter 3's programming exercises."""

import numpy as np


# --8<-- [start:ex3_1]
def best_weights(phi: np.ndarray, v: np.ndarray, mu: np.ndarray) -> np.ndarray:
    r"""Exercise 3.1: $\sum_s \mu(s)\,[\mathbf x(s)^\top\theta - v(s)]^2$ is an ordinary
    least-squares problem in the rows $\sqrt{\mu(s)}\,\mathbf x(s)$ and targets
    $\sqrt{\mu(s)}\,v(s)$; solving it directly avoids forming $\Phi^\top D\Phi$, whose
    condition number is the square of theirs."""
    sw = np.sqrt(mu)
    theta, *_ = np.linalg.lstsq(sw[:, None] * phi, sw * v, rcond=None)
    return theta
# --8<-- [end:ex3_1]


# --8<-- [start:ex3_3]
def sgd_exact_targets(theta: np.ndarray, x: np.ndarray, U: np.ndarray,
                      alpha: float) -> np.ndarray:
    r"""Exercise 3.3: one (SGD) step per sample; the gradient of $\theta^\top\mathbf x$ is
    $\mathbf x$ (vlin)."""
    theta = np.array(theta, dtype=float)
    for x_t, U_t in zip(x, U, strict=True):
        theta += alpha * (U_t - theta @ x_t) * x_t
    return theta
# --8<-- [end:ex3_3]


# --8<-- [start:ex3_8]
def linear_td_fixed_point(P: np.ndarray, r: np.ndarray, phi: np.ndarray, mu: np.ndarray,
                   gamma: float) -> np.ndarray:
    r"""Exercise 3.8: $A$ and $b$ with $D\Phi$ formed once, then one linear solve."""
    D_phi = mu[:, None] * phi  # D Phi
    A = D_phi.T @ (phi - gamma * P @ phi)  # phi^T D (I - gamma P) phi
    b = D_phi.T @ r
    return np.linalg.solve(A, b)
# --8<-- [end:ex3_8]
