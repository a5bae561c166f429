"""Which device to train on, how many CPU threads to use, and one CPU setting."""

import os

import torch

# Floats too small for the normal range ("denormals", below about 1e-38) take a slow
# path in x86 CPUs. Training makes some: with the default learning rate they slowed each
# CPU step by about 12% here. Rounding them to zero changes no result a learner can see.
# The setting belongs to a thread, and torch's worker threads copy it when they are
# created, so it is made here, when the capstone is imported, before any tensor work.
torch.set_flush_denormal(True)


def pick_device(pref="auto"):
    """'auto' picks CUDA, then Apple MPS, then CPU. Anything else is checked and used."""
    pref = (pref or "auto").lower()
    has_mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if pref == "auto":
        return "cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu"
    if pref == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' requested but no CUDA GPU is available")
    if pref == "mps" and not has_mps:
        raise RuntimeError("device 'mps' requested but Apple MPS is not available")
    if pref not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unknown device {pref!r}; use auto, cpu, cuda or mps")
    return pref


def usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS / Windows
        return os.cpu_count() or 1


def default_threads(leave_one_free=False):
    """CPU threads for training: the usable cores, at most 8 (a model this small gains
    nothing from more). leave_one_free: keep a core for other work in the same process.
    (A page-started run does not need it: it trains in a child process at a lower
    priority, see worker.py, so the web server gets a core whenever it wants one.)"""
    n = usable_cpus()
    if leave_one_free and n > 1:
        n -= 1
    return min(n, 8)


def set_threads(n=None):
    """Set intra-op CPU threads (default: default_threads()); returns the number set."""
    torch.set_num_threads(max(1, n or default_threads()))
    return torch.get_num_threads()


def describe_device(device=None, threads=None):
    """Plain dict describing the chosen device, for display. threads: the CPU thread
    count to report (default: what torch uses in this process now)."""
    device = device or pick_device()
    info = {"device": device, "cpu_threads": threads or torch.get_num_threads(),
            "cpu_count": usable_cpus(), "torch": torch.__version__}
    if device == "cuda":
        info["name"] = torch.cuda.get_device_name(0)
    elif device == "mps":
        info["name"] = "Apple GPU (MPS)"
    else:
        n = info["cpu_threads"]
        info["name"] = f"CPU ({n} thread{'' if n == 1 else 's'})"
    return info
