r"""Reference solutions of chapter 6's programming exercises."""

import numpy as np
import torch


# --8<-- [start:ex6_7]
def semi_gradient_loss_grad(w: np.ndarray, x: np.ndarray, r: np.ndarray,
                            x_next: np.ndarray, terminated: np.ndarray,
                            gamma: float) -> np.ndarray:
    r"""Exercise 6.7: autograd's gradient of the mean $\tfrac12\delta^2$, target detached."""
    w_t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    x_t, x_next_t = torch.tensor(x), torch.tensor(x_next)
    v_next = torch.where(torch.tensor(terminated), 0.0, x_next_t @ w_t)  # v_hat(end) = 0
    target = torch.tensor(r) + gamma * v_next.detach()  # (TARGET): no gradient
    delta = target - x_t @ w_t  # (DELTA)
    (0.5 * delta**2).mean().backward()
    return w_t.grad.numpy()  # = -mean(delta x): minus the semi-gradient update (SEMI)
# --8<-- [end:ex6_7]


# --8<-- [start:ex6_8]
def double_sample_step(w: np.ndarray, x: np.ndarray, r: float, x_next: np.ndarray,
                       x_next2: np.ndarray, gamma: float, alpha: float) -> np.ndarray:
    r"""Exercise 6.8: the residual-gradient step (RG) with an independent second sample."""
    delta = r + gamma * w @ x_next - w @ x  # (TDERR), from the first sample
    return w + alpha * delta * (x - gamma * x_next2)  # (RG), the bracket from the second
# --8<-- [end:ex6_8]


# --8<-- [start:ex6_9]
def off_policy_td_step(w: np.ndarray, x: np.ndarray, r: float, x_next: np.ndarray,
                       pi_a: float, b_a: float, gamma: float, alpha: float) -> np.ndarray:
    r"""Exercise 6.9: off-policy semi-gradient TD(0) (RHO)."""
    rho = pi_a / b_a  # importance-sampling ratio, target over behaviour
    delta = r + gamma * w @ x_next - w @ x  # (TDERR)
    return w + alpha * rho * delta * x  # (RHO)
# --8<-- [end:ex6_9]
