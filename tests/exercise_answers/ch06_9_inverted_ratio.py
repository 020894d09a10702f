"""A typical wrong answer to exercise 6.9: behaviour over target."""



MISTAKE = 'the ratio inverted'  # the checker must name it


def off_policy_td_step(w, x, r, x_next, pi_a, b_a, gamma, alpha):
    delta = r + gamma * w @ x_next - w @ x
    return w + alpha * (b_a / pi_a) * delta * x
