"""Which device to train on, how many CPU threads to use, in what precision, and one
CPU setting."""

import contextlib
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


PRECISIONS = ("auto", "float32", "bfloat16")


def native_bfloat16(device):
    """Whether the device multiplies bfloat16 numbers in hardware: CUDA GPUs from the
    Ampere generation on, and CPUs with the AVX-512 BF16 instructions (AMD Zen 4 and
    later, Intel Xeons from Cooper Lake). Elsewhere bfloat16 is emulated and slower than
    float32 (measured on a 2-core Xeon without them: 190 ms a step against 125 ms)."""
    if device == "cuda":
        return torch.cuda.is_bf16_supported(including_emulation=False)
    if device == "cpu":
        check = getattr(torch.cpu, "_is_avx512_bf16_supported", None)
        return bool(check and check())
    return False   # MPS: float32 throughout


def autocast_dtype(device, precision="auto"):
    """The dtype training's forward pass runs its matrix products in under torch.autocast,
    or None for float32 throughout. "auto": bfloat16 where the device has it natively.
    The weights, the optimiser and every evaluation stay float32 either way; bfloat16
    keeps float32's range with fewer digits (8 bits of mantissa), which a matrix product
    of this size can spare: the default preset ends within run-to-run noise of float32."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; use auto, float32 or bfloat16")
    if precision == "float32" or device == "mps":
        return None
    if precision == "bfloat16" or native_bfloat16(device):
        return torch.bfloat16
    return None


def forward_context(device, amp):
    """What a training step's forward pass runs inside: torch.autocast to amp (a dtype
    from autocast_dtype), or nothing at all when amp is None (float32 throughout)."""
    return torch.autocast(device, dtype=amp) if amp is not None else contextlib.nullcontext()


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


def describe_device(device=None, threads=None, precision="auto"):
    """Plain dict describing the chosen device, for display. threads: the CPU thread
    count to report (default: what torch uses in this process now); precision: the
    setting, reported as the dtype it comes to (autocast_dtype)."""
    device = device or pick_device()
    amp = autocast_dtype(device, precision)
    info = {"device": device, "cpu_threads": threads or torch.get_num_threads(),
            "cpu_count": usable_cpus(), "torch": torch.__version__,
            "precision": "bfloat16" if amp is not None else "float32"}
    if device == "cuda":
        info["name"] = torch.cuda.get_device_name(0)
    elif device == "mps":
        info["name"] = "Apple GPU (MPS)"
    else:
        n = info["cpu_threads"]
        info["name"] = f"CPU ({n} thread{'' if n == 1 else 's'})"
    if amp is not None:
        info["name"] += ", bfloat16"
    return info
