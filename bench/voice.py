"""The voice, in figures: a cached line, a first synthesis per engine, transcription time
per 5 s of audio, and the app's memory with both models loaded.

    python bench/voice.py [--slug softmax] [--repeat 200] [--transcribe-repeat 3]

Targets (2-core machine): a cached line served in under 20 ms; Piper's first synthesis
of a chapter sentence well under its spoken length (each engine runs on a fresh cache);
under 2 s of transcription per 5 s of audio (every chapter's sentence read by the offline
Piper voice, at 16 kHz mono as st.audio_input sends it, transcribed with its sentence as
the hotwords, as the page does); the whole app under 1 GB with Piper and Whisper loaded.
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
from core.content import chapter_by_slug, load_chapters  # noqa: E402
from core.speech import score  # noqa: E402
from core.speech.transcribe import RATE, THREADS_ENV, decode, load_model, model_source, transcribe  # noqa: E402
from tests.speech_audio import piper_wav  # noqa: E402


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


def transcription(repeat: int) -> None:
    chapters = load_chapters()
    clips = [(c, piper_wav(c.pronunciation).read_bytes()) for c in chapters]
    t0 = time.perf_counter()
    load_model()
    print(f"whisper: {model_source()}, {os.environ.get(THREADS_ENV) or 2} threads, "
          f"load {time.perf_counter() - t0:.2f} s")
    transcribe(clips[0][1], expected=clips[0][0].pronunciation)  # warm-up
    per5, scores, total_audio = [], [], 0.0
    for c, wav in clips:
        seconds = len(decode(wav)) / RATE
        runs = []
        for _ in range(repeat):
            heard = transcribe(wav, expected=c.pronunciation)
            runs.append(heard.seconds)
        per5.append(statistics.median(runs) * 5 / seconds)
        scores.append(score(c.pronunciation, heard.text).percent)
        total_audio += seconds
    print(f"transcription per 5 s of audio ({len(clips)} chapter sentences, {total_audio:.0f} s in all): "
          f"median {statistics.median(per5):.2f} s, worst {max(per5):.2f} s (target < 2 s)")
    print(f"word score of those transcripts: median {statistics.median(scores):.0f}%, "
          f"lowest {min(scores):.0f}%")


def memory(sentence: str) -> None:
    import streamlit  # noqa: F401  (what the app holds before any voice)
    import components.chapter  # noqa: F401
    before = rss_mb()
    use("piper")
    tts.synthesize(sentence + " Once more.")
    piper = rss_mb()
    transcribe(piper_wav(sentence).read_bytes(), expected=sentence)
    both = rss_mb()
    print(f"memory (RSS): app modules {before:.0f} MB; with Piper loaded {piper:.0f} MB "
          f"(+{piper - before:.0f}); with Whisper too {both:.0f} MB (+{both - piper:.0f}; "
          "target: the whole app under 1 GB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="softmax", help="chapter whose pronunciation is spoken")
    parser.add_argument("--repeat", type=int, default=200, help="cached requests timed")
    parser.add_argument("--transcribe-repeat", type=int, default=3, help="timed transcriptions per clip")
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sentence = chapter_by_slug(args.slug).pronunciation
    if args.memory:                     # in a fresh process, so nothing else is loaded yet
        return memory(sentence)
    print(f"sentence: {sentence!r} ({len(sentence)} characters)")
    first_synthesis(sentence)
    cached_line(sentence, args.repeat)
    transcription(args.transcribe_repeat)
    load1 = os.getloadavg()[0]
    print(f"host load (1 min): {load1:.1f} on {os.cpu_count()} cores (above the core count, other "
          "work shares the CPU and the times above are inflated by it)")
    subprocess.run([sys.executable, __file__, "--memory", "--slug", args.slug], check=True)


if __name__ == "__main__":
    main()
