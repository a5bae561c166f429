"""Speech out, in figures: a cached line, a first synthesis per engine, memory with Piper.

    python bench/voice.py [--slug softmax] [--repeat 200]

Targets (2-core machine): a cached line served in under 20 ms; Piper's first synthesis
of a chapter sentence well under its spoken length. Each engine runs on a fresh cache.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import tts  # noqa: E402
from core.content import chapter_by_slug  # noqa: E402


def rss_mb() -> float:
    """This process's resident memory (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def spoken_seconds(speech: tts.Speech) -> str:
    if speech.mime != "audio/wav":
        return ""
    with wave.open(io.BytesIO(speech.audio)) as w:   # from the data's size: a piped WAV's header guesses
        rate, frame = w.getframerate(), w.getsampwidth() * w.getnchannels()
    return f", {(len(speech.audio) - 44) / (rate * frame):.1f} s of speech"


def use(engines: str) -> None:
    os.environ["FORMULA_LAB_VOICE_ENGINES"] = engines
    os.environ["FORMULA_LAB_VOICE_CACHE"] = tempfile.mkdtemp(prefix="fl-voice-bench-")


def first_synthesis(sentence: str) -> None:
    print("first synthesis of a chapter sentence (fresh cache):")
    for name in ("piper", "gtts", "espeak"):
        use(name)
        t0 = time.perf_counter()
        if name == "piper":
            engine = tts._engines()[0]
            if engine.usable():
                engine.load()
                print(f"  piper load           {1000 * (time.perf_counter() - t0):7.0f} ms")
                t0 = time.perf_counter()
        speech = tts.synthesize(sentence)
        ms = 1000 * (time.perf_counter() - t0)
        if speech.engine == name:
            print(f"  {name:<6} synthesis     {ms:7.0f} ms{spoken_seconds(speech)}")
        else:
            print(f"  {name:<6} unavailable here ({ms:.0f} ms to find out)")


def cached_line(sentence: str, repeat: int) -> None:
    use("piper,espeak")
    speech = tts.synthesize(sentence)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        again = tts.synthesize(sentence)
        times.append(1000 * (time.perf_counter() - t0))
    assert again == speech
    print(f"cached line served ({speech.engine}, {len(speech.audio) // 1024} KiB): "
          f"median {statistics.median(times):.2f} ms, slowest {max(times):.2f} ms (target < 20 ms)")


def memory(sentence: str) -> None:
    import streamlit  # noqa: F401  (what the app holds before any voice)
    import components.chapter  # noqa: F401
    before = rss_mb()
    use("piper")
    tts.synthesize(sentence + " Once more.")
    print(f"memory (RSS): app modules {before:.0f} MB; with the Piper model loaded {rss_mb():.0f} MB "
          f"(+{rss_mb() - before:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="softmax", help="chapter whose pronunciation is spoken")
    parser.add_argument("--repeat", type=int, default=200, help="cached requests timed")
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sentence = chapter_by_slug(args.slug).pronunciation
    if args.memory:                     # in a fresh process, so nothing else is loaded yet
        return memory(sentence)
    print(f"sentence: {sentence!r} ({len(sentence)} characters)")
    first_synthesis(sentence)
    cached_line(sentence, args.repeat)
    subprocess.run([sys.executable, __file__, "--memory", "--slug", args.slug], check=True)


if __name__ == "__main__":
    main()
