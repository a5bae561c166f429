"""AdamW, written out: Adam's running averages plus decoupled weight decay.

For each parameter p with gradient g, at step t (counting from 1):

    p  <- p * (1 - lr * weight_decay)          decay, kept apart from the gradient
    m  <- beta1 * m + (1 - beta1) * g          running mean of the gradient
    v  <- beta2 * v + (1 - beta2) * g * g      running mean of its square
    p  <- p - lr * m_hat / (sqrt(v_hat) + eps)
          where m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)

It does what torch.optim.AdamW does (a test compares the two). Two reasons to have
it here: it reads in a minute, and building torch.optim's optimiser the first time
pulls in its compiler machinery, which takes seconds on a small machine.

One trick for speed: the parameters of a group are moved into one flat tensor (each
parameter becomes a view into it), and so are their gradients. A model this small
has about fifty parameter tensors, each too small to keep a CPU busy; updating one
flat tensor per group turns some four hundred tiny operations per step into a few
large ones. The parameters still look and behave as before from the outside.
"""

import math

import torch


class _FlatGroup:
    """The parameters of one group as views into one flat tensor; gradients likewise."""

    def __init__(self, params, weight_decay, lr):
        self.params = list(params)
        self.weight_decay = weight_decay
        self.lr = lr
        self.data = torch.cat([p.detach().reshape(-1) for p in self.params])
        self.grad = torch.zeros_like(self.data)
        offset = 0
        for p in self.params:
            n = p.numel()
            p.data = self.data[offset:offset + n].view_as(p)
            p.grad = self.grad[offset:offset + n].view_as(p)
            offset += n
        self.m = torch.zeros_like(self.data)  # running mean of g
        self.v = torch.zeros_like(self.data)  # running mean of g*g


class AdamW:

    def __init__(self, param_groups, lr, betas=(0.9, 0.999), eps=1e-8):
        """param_groups: a list of dicts, each with "params" (a list of tensors on one
        device) and "weight_decay". As with torch.optim, a group's "lr" may be changed
        between steps: set it through optimizer.param_groups[i]["lr"]."""
        self.betas = betas
        self.eps = eps
        self.t = 0
        self._groups = [_FlatGroup(g["params"], g["weight_decay"], g.get("lr", lr))
                        for g in param_groups if len(g["params"])]
        self.param_groups = [{"lr": g.lr, "weight_decay": g.weight_decay, "params": g.params}
                             for g in self._groups]

    def zero_grad(self, set_to_none=False):
        """Zero the gradients in place (they must stay views into the flat tensor, so
        set_to_none is accepted for compatibility and ignored)."""
        for g in self._groups:
            g.grad.zero_()

    @torch.no_grad()
    def clip_grad_norm_(self, max_norm):
        """Scale all gradients down so their combined L2 norm is at most max_norm.
        Returns the norm before clipping (a 0-d tensor)."""
        norms = torch.stack([torch.linalg.vector_norm(g.grad) for g in self._groups])
        total = torch.linalg.vector_norm(norms)
        scale = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for g in self._groups:
            g.grad.mul_(scale)
        return total

    @torch.no_grad()
    def step(self):
        self.t += 1
        beta1, beta2 = self.betas
        bias1 = 1 - beta1 ** self.t
        bias2 = 1 - beta2 ** self.t
        for g, settings in zip(self._groups, self.param_groups):
            lr, wd = settings["lr"], settings["weight_decay"]
            if wd:
                g.data.mul_(1 - lr * wd)
            g.m.lerp_(g.grad, 1 - beta1)                         # m += (1 - beta1)(g - m)
            g.v.mul_(beta2).addcmul_(g.grad, g.grad, value=1 - beta2)
            denom = (g.v.sqrt() / math.sqrt(bias2)).add_(self.eps)  # sqrt(v_hat) + eps
            g.data.addcdiv_(g.m, denom, value=-lr / bias1)
