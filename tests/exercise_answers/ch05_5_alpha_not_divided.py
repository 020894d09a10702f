"""A typical wrong answer to exercise 5.5: every active weight moves by alpha delta."""



MISTAKE = 'the step size not divided by the number of tilings'  # the checker must name it


def tile_sarsa_step(w, active, r, active_next, terminated, alpha, gamma):
    q_next = 0.0 if terminated else w[active_next].sum()
    delta = r + gamma * q_next - w[active].sum()
    w = w.copy()
    w[active] += alpha * delta
    return w
