"""capstone.optim.AdamW against torch's own AdamW, and its gradient clipping."""

import copy

import torch

from capstone.device import default_threads, usable_cpus
from capstone.model import GPT, GPTConfig


def test_matches_torch_adamw_with_clipping_and_lr_changes():
    ours = GPT(GPTConfig(vocab_size=65, tie_head=True), generator=torch.Generator().manual_seed(0))
    ref = copy.deepcopy(ours)
    opt = ours.configure_optimizer(3e-3, 0.1, (0.9, 0.99))
    ref_params = list(ref.parameters())
    ref_opt = torch.optim.AdamW(ref.param_groups(0.1), lr=3e-3, betas=(0.9, 0.99),
                                foreach=False)
    g = torch.Generator().manual_seed(1)
    for step in range(6):
        lr = 3e-3 * (step + 1) / 6
        for o in (opt, ref_opt):
            for group in o.param_groups:
                group["lr"] = lr
        x = torch.randint(65, (4, 64), generator=g)
        y = torch.randint(65, (4, 64), generator=g)

        opt.zero_grad()
        ours(x, y)[1].backward()
        norm = opt.clip_grad_norm_(0.5)
        opt.step()

        ref_opt.zero_grad()
        ref(x, y)[1].backward()
        ref_norm = torch.nn.utils.clip_grad_norm_(ref_params, 0.5)
        ref_opt.step()
        assert abs(norm.item() - ref_norm.item()) < 1e-4 * ref_norm.item()

    for (name, a), b in zip(ours.named_parameters(), ref_params):
        assert torch.allclose(a, b, atol=1e-5), name
    # the tied head still shares its matrix with the token embedding
    assert ours.lm_head.weight.data_ptr() == ours.transformer.wte.weight.data_ptr()


def test_gradients_land_in_the_flat_buffer_and_zero_grad_clears_them():
    model = GPT(GPTConfig(vocab_size=65), generator=torch.Generator().manual_seed(0))
    opt = model.configure_optimizer(1e-3, 0.1, (0.9, 0.99))
    x = torch.randint(65, (2, 16))
    model(x, x)[1].backward()
    assert sum(g.grad.abs().sum().item() for g in opt._groups) > 0
    for p in model.parameters():   # every gradient is a view into a group's buffer
        assert any(p.grad.data_ptr() >= g.grad.data_ptr() and
                   p.grad.data_ptr() < g.grad.data_ptr() + g.grad.numel() * 4
                   for g in opt._groups)
    opt.zero_grad()
    assert all(g.grad.abs().sum().item() == 0 for g in opt._groups)


def test_server_jobs_leave_a_core_free():
    n = usable_cpus()
    assert default_threads() == min(n, 8)
    assert default_threads(leave_one_free=True) == (min(n - 1, 8) if n > 1 else 1)
