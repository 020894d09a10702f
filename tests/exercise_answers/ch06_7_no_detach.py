"""A typical wrong answer to exercise 6.7: the target is not detached."""


import torch

MISTAKE = 'the gradient flows through the TD target'  # the checker must name it


def semi_gradient_loss_grad(w, x, r, x_next, terminated, gamma):
    w_t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    v_next = torch.where(torch.tensor(terminated), 0.0, torch.tensor(x_next) @ w_t)
    target = torch.tensor(r) + gamma * v_next  # no .detach(): autograd goes through it
    delta = target - torch.tensor(x) @ w_t
    (0.5 * delta**2).mean().backward()
    return w_t.grad.numpy()
