"""The lighter recogniser: PocketSphinx, offline, for a server without Whisper.

PocketSphinx ships its US-English acoustic model, dictionary and language model inside
the package, so nothing is downloaded. It is far less accurate than Whisper on a
chapter's sentence, and needs about a tenth of the memory; core.speech.transcribe uses it
only when Whisper cannot be loaded (or the engines setting puts it first).
"""
from __future__ import annotations

import threading

import numpy as np

RATE = 16_000
LABEL = "PocketSphinx (offline, on the server)"

_lock = threading.Lock()      # a decoder holds one utterance at a time
_decoder = None


class Unavailable(RuntimeError):
    """PocketSphinx is not installed or its model could not be loaded."""


def _load():
    global _decoder
    if _decoder is None:
        try:
            from pocketsphinx import Decoder
            _decoder = Decoder(samprate=RATE, loglevel="FATAL")
        except (ImportError, RuntimeError, OSError, ValueError) as exc:
            raise Unavailable(f"PocketSphinx could not be loaded ({exc})") from exc
    return _decoder


def recognise(samples: np.ndarray) -> str:
    """The words heard in float32 samples at 16 kHz mono ('' when none)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    with _lock:
        decoder = _load()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
    return hyp.hypstr.strip() if hyp is not None else ""
