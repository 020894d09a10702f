"""A typical wrong answer to exercise 6.8: the first next state in the bracket too."""



MISTAKE = 'the same next state in delta and in the gradient'  # the checker must name it


def double_sample_step(w, x, r, x_next, x_next2, gamma, alpha):
    delta = r + gamma * w @ x_next - w @ x
    return w + alpha * delta * (x - gamma * x_next)
