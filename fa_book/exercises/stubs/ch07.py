r"""Chapter 7 exercises (DQN): fill in a function, then check it with

    python -m fa_book.exercises check 7.4 this_file.py

(7.6 and 7.7 the same way). The inputs are numpy arrays; use torch inside if you like, and
return a numpy array or a float (`tensor.numpy()`, `tensor.item()`).
"""

import numpy as np


# --8<-- [start:ex7_4]
def n_step_targets(rewards: np.ndarray, q: np.ndarray, terminated: bool, n: int,
                   gamma: float) -> np.ndarray:
    r"""Exercise 7.4: the $n$-step DQN targets of every step of one episode.

    The episode visits $s_0, s_1, \dots, s_T$; `rewards[t]` is $R_{t+1}$, the reward that
    follows the action $a_t$ taken in $s_t$. For each $t = 0, \dots, T-1$ the transition
    stored for time $t$ sums $m = \min(n, T - t)$ rewards (NSTEP),
    $R_t^{(m)} = R_{t+1} + \gamma R_{t+2} + \dots + \gamma^{m-1} R_{t+m}$, and its target
    is (TARGET) with $\gamma^m$:

    $$y_t = R_t^{(m)} + \gamma^m\,(1 - \text{terminated}_t)\,\max_{a'} Q(s_{t+m}, a'; \theta^-)$$

    where $\text{terminated}_t = 1$ only if the episode *terminated* and $t + m = T$
    (the return reaches the terminal state $s_T$). If the episode was cut by a time limit
    (`terminated=False`: truncated), $s_T$ is not terminal and every target bootstraps.

    Args:
        rewards: $R_1, \dots, R_T$, shape `(T,)`.
        q: $Q(s_t, \cdot\,; \theta^-)$ for $t = 0, \dots, T$, shape `(T + 1, A)` (row $T$
            is what the target network outputs at $s_T$, terminal or not).
        terminated: True if $s_T$ is terminal, False if the episode was truncated at $T$.
        n: the number of rewards $n \ge 1$ before bootstrapping.
        gamma: the discount $\gamma$.

    Returns:
        $y_0, \dots, y_{T-1}$, shape `(T,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex7_4]


# --8<-- [start:ex7_6]
def double_dqn_target(r: np.ndarray, terminated: np.ndarray, q_next_online: np.ndarray,
                      q_next_target: np.ndarray, gamma: float) -> np.ndarray:
    r"""Exercise 7.6: the Double-DQN target of a minibatch of one-step transitions.

    $a^*_j = \arg\max_{a'} Q(s'_j, a'; \theta)$ is chosen by the online network and
    valued by the target network:
    $y_j = r_j + \gamma\,(1 - \text{terminated}_j)\,Q(s'_j, a^*_j; \theta^-)$.
    (Ties in the argmax go to the lowest action index, as `argmax` does.)

    Args:
        r: rewards $r_j$, shape `(B,)`.
        terminated: 1.0 where $s'_j$ is terminal, else 0.0, shape `(B,)`.
        q_next_online: $Q(s'_j, \cdot\,; \theta)$, shape `(B, A)`.
        q_next_target: $Q(s'_j, \cdot\,; \theta^-)$, shape `(B, A)`.
        gamma: the discount $\gamma$.

    Returns:
        $y$, shape `(B,)`.
    """
    raise NotImplementedError
# --8<-- [end:ex7_6]


# --8<-- [start:ex7_7]
def huber_loss(y: np.ndarray, q: np.ndarray) -> float:
    r"""Exercise 7.7: the Huber loss (HUBER) of a minibatch, $\delta = 1$.

    With the errors $e_j = y_j - Q(s_j, a_j; \theta)$, the loss is
    $\frac1B \sum_j h(e_j)$ with $h(e) = \tfrac12 e^2$ for $|e| \le 1$ and
    $h(e) = |e| - \tfrac12$ for $|e| > 1$.

    Args:
        y: the targets $y_j$, shape `(B,)`.
        q: the predictions $Q(s_j, a_j; \theta)$, shape `(B,)`.

    Returns:
        the loss, a float.
    """
    raise NotImplementedError
# --8<-- [end:ex7_7]
