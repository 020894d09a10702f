"""A typical wrong answer to exercise 6.9: on-policy TD(0), no importance ratio."""



MISTAKE = 'no importance ratio'  # the checker must name it


def off_policy_td_step(w, x, r, x_next, pi_a, b_a, gamma, alpha):
    delta = r + gamma * w @ x_next - w @ x
    return w + alpha * delta * x
