"""A typical wrong answer to exercise 6.7: the terminal state's features bootstrap."""


import torch

MISTAKE = 'bootstrapping from a terminal state'  # the checker must name it


def semi_gradient_loss_grad(w, x, r, x_next, terminated, gamma):
    w_t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    target = torch.tensor(r) + gamma * (torch.tensor(x_next) @ w_t).detach()
    delta = target - torch.tensor(x) @ w_t
    (0.5 * delta**2).mean().backward()
    return w_t.grad.numpy()
