"""A typical wrong answer to exercise 5.3: Q-learning's max instead of the average."""



MISTAKE = "the max over the next actions (Q-learning's target)"  # the checker must name it


def expected_sarsa_epsilon(theta, x_sa, r, X_next, terminated, epsilon, alpha, gamma):
    v_next = 0.0 if terminated else (X_next @ theta).max()
    delta = r + gamma * v_next - x_sa @ theta
    return theta + alpha * delta * x_sa
