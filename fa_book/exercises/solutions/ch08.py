r"""Reference solutions of chapter 8's programming exercises (policy gradients)."""

import numpy as np


# --8<-- [start:ex8_3]
def gaussian_score(theta: np.ndarray, x: np.ndarray, a: float) -> np.ndarray:
    r"""Exercise 8.3: (GSCOREMU) and (GSCORESIGMA), with $\sigma = e^{\theta_\sigma}$."""
    mu, sigma = x @ theta[:-1], np.exp(theta[-1])
    z = (a - mu) / sigma  # the action's distance from the mean, in standard deviations
    grad_mu = z / sigma * x  # (a - mu) / sigma^2 x(s)
    grad_log_sigma = z**2 - 1.0  # d/d theta_sigma of -(a - mu)^2 / (2 sigma^2) - theta_sigma
    return np.append(grad_mu, grad_log_sigma)
# --8<-- [end:ex8_3]


# --8<-- [start:ex8_6]
def softmax_score(theta: np.ndarray, X: np.ndarray, a: int) -> np.ndarray:
    r"""Exercise 8.6: $\mathbf x(s, a) - \sum_b \pi_\theta(b\mid s)\,\mathbf x(s, b)$."""
    h = X @ theta  # (PREF)
    e = np.exp(h - h.max())  # every exponent <= 0: no overflow (LOGSOFTMAX)
    pi = e / e.sum()
    return X[a] - pi @ X  # (SCORE)
# --8<-- [end:ex8_6]


# --8<-- [start:ex8_7]
def lr_estimate(theta: np.ndarray, X: np.ndarray, R: np.ndarray, s: np.ndarray,
                a: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    r"""Exercise 8.7: $\frac1n \sum_i \nabla\log\pi_\theta(a_i\mid s_i)\,(r_{s_i a_i} - b(s_i))$."""
    Xs = X[s]  # (n, A, d): the features of each sampled state
    h = Xs @ theta
    pi = np.exp(h - h.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)
    score = Xs[np.arange(len(s)), a] - np.einsum("nb,nbd->nd", pi, Xs)  # (SCORE)
    return (score * (R[s, a] - baseline[s])[:, None]).mean(axis=0)  # (LR)
# --8<-- [end:ex8_7]
