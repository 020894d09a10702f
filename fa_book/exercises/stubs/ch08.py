r"""Chapter 8 exercises (policy gradients): fill in a function, then check it with

    python -m fa_book.exercises check 8.3 this_file.py

(8.6 and 8.7 the same way).
"""

import numpy as np


# --8<-- [start:ex8_3]
def gaussian_score(theta: np.ndarray, x: np.ndarray, a: float) -> np.ndarray:
    r"""Exercise 8.3: the score $\nabla_\theta \log\pi_\theta(a\mid s)$ of the Gaussian policy.

    $\pi_\theta(a\mid s) = \mathcal N(a;\ \mu(s), \sigma^2)$ with
    $\mu(s) = \theta_\mu^\top \mathbf x(s)$ and $\sigma = e^{\theta_\sigma}$; `theta` is
    $[\theta_\mu, \theta_\sigma]$. Return (GSCOREMU) then (GSCORESIGMA):
    $\frac{a - \mu(s)}{\sigma^2}\mathbf x(s)$ (the $\theta_\mu$ part) and
    $\frac{(a - \mu(s))^2}{\sigma^2} - 1$ (the $\theta_\sigma$ part).

    Args:
        theta: $[\theta_\mu, \theta_\sigma]$, shape `(d + 1,)`.
        x: the state features $\mathbf x(s)$, shape `(d,)`.
        a: the action taken, a float.

    Returns:
        the score, shape `(d + 1,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex8_3]


# --8<-- [start:ex8_6]
def softmax_score(theta: np.ndarray, X: np.ndarray, a: int) -> np.ndarray:
    r"""Exercise 8.6: the score (SCORE) of the softmax policy in one state $s$.

    The preferences are $h(s, b, \theta) = \theta^\top \mathbf x(s, b)$ (PREF), the
    policy $\pi_\theta(b\mid s) \propto e^{h(s, b, \theta)}$, and the score is
    $\nabla_\theta \log\pi_\theta(a\mid s) = \mathbf x(s, a) - \sum_b \pi_\theta(b\mid s)\,
    \mathbf x(s, b)$. Compute $\pi_\theta$ stably: preferences can be far apart
    (LOGSOFTMAX).

    Args:
        theta: $\theta$, shape `(d,)`.
        X: the action features $\mathbf x(s, b)$ of every action $b$, shape `(A, d)`.
        a: the action taken, an integer in `0 .. A - 1`.

    Returns:
        the score, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex8_6]


# --8<-- [start:ex8_7]
def lr_estimate(theta: np.ndarray, X: np.ndarray, R: np.ndarray, s: np.ndarray,
                a: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    r"""Exercise 8.7: the likelihood-ratio estimate (LR) of $\nabla J$ from a batch.

    The pairs $(s_i, a_i)$, $i = 1, \dots, n$, were sampled with $S \sim d$,
    $A \sim \pi_\theta(\cdot\mid S)$ for the softmax policy on the action features $X$.
    Return the mean of the one-sample estimates,
    $\frac1n \sum_i \nabla\log\pi_\theta(a_i\mid s_i)\,\big(r_{s_i a_i} - b(s_i)\big)$,
    with the score (SCORE).

    Args:
        theta: $\theta$, shape `(d,)`.
        X: the action features $\mathbf x(s, a)$ of every state, shape `(S, A, d)`.
        R: the rewards $r_{sa}$, shape `(S, A)`.
        s: the sampled states, integers, shape `(n,)`.
        a: the sampled actions, integers, shape `(n,)`.
        baseline: $b(s)$ for every state, shape `(S,)`.

    Returns:
        the estimate, shape `(d,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex8_7]
