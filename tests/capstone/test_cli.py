import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from capstone.checkpoint import load_checkpoint
from capstone.train import seed_from_text

REPO_ROOT = Path(__file__).resolve().parents[2]


def run(args, corpus_path):
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), FORMULA_LAB_CORPUS=str(corpus_path))
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def train_cli(out, corpus_path, seed="3"):
    return run(["capstone.train", "--steps", "6", "--seed", seed, "--preset", "default",
                "--out", str(out), "--data", str(corpus_path), "--device", "cpu",
                "--batch-size", "4", "--eval-every", "3", "--eval-iters", "1"], corpus_path)


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_train_then_sample_cli(corpus_path, tmp_path):
    out = tmp_path / "cli.safetensors"
    p = train_cli(out, corpus_path)
    assert p.returncode == 0, p.stderr
    lines = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert [r["step"] for r in lines] == [0, 3, 6]      # step 0: where the curves start
    for r in lines:
        assert {"step", "train_loss", "val_loss", "tokens_per_s", "elapsed_s"} <= set(r)
    assert out.is_file()

    # the same seed in another process: the very same file, byte for byte
    twin = tmp_path / "twin.safetensors"
    assert train_cli(twin, corpus_path).returncode == 0
    assert sha256(twin) == sha256(out)
    other = tmp_path / "other.safetensors"               # a seed given as text
    p = train_cli(other, corpus_path, seed="Ada Lovelace")
    assert p.returncode == 0, p.stderr
    assert sha256(other) != sha256(out)
    assert load_checkpoint(other).info["seed"] == seed_from_text("Ada Lovelace")

    p = run(["capstone.sample", "--ckpt", str(out), "--prompt", "ROMEO:",
             "--temperature", "0.8", "--top-k", "10", "--top-p", "0.9", "--n", "40"],
            corpus_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("ROMEO:") and len(p.stdout) >= 46

    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a checkpoint at all")
    p = run(["capstone.sample", "--ckpt", str(bad), "--prompt", "A", "--n", "5"], corpus_path)
    assert p.returncode == 2 and "error" in p.stderr
