"""A typical wrong answer to exercise 2.9: a time limit treated as a terminal state."""


MISTAKE = 'a time-limit truncation treated as termination'  # the checker must name it


def q_learning_steps(Q, s, a, r, s_next, terminated, truncated, alpha, gamma):
    Q = Q.copy()
    for t in range(len(s)):
        done = terminated[t] or truncated[t]
        target = r[t] + (0.0 if done else gamma * Q[s_next[t]].max())
        Q[s[t], a[t]] += alpha * (target - Q[s[t], a[t]])
    return Q
