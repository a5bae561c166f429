"""Speech in: Whisper tiny.en transcription time per 5 s of audio, and memory with it loaded.

    python bench/voice_in.py [--repeat 3]

Targets (2 cores): under 2 s of transcription per 5 s of audio. The clips are every
chapter's sentence read by the offline Piper voice, at 16 kHz mono as st.audio_input
sends them; each is transcribed with its sentence as the hotwords, as the page does.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.content import load_chapters  # noqa: E402
from core.speech import score  # noqa: E402
from core.speech.transcribe import RATE, THREADS_ENV, decode, load_model, model_source, transcribe  # noqa: E402
from tests.speech_audio import piper_wav  # noqa: E402


def rss_mib() -> float:
    """Resident memory now (Linux), in MiB; the peak where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per clip (median kept)")
    args = parser.parse_args()
    chapters = load_chapters()
    clips = [(c, piper_wav(c.pronunciation).read_bytes()) for c in chapters]

    before = rss_mib()
    t0 = time.perf_counter()
    load_model()
    load_s = time.perf_counter() - t0
    after = rss_mib()
    transcribe(clips[0][1], expected=clips[0][0].pronunciation)  # warm-up
    warm = rss_mib()

    per5, scores, total_audio = [], [], 0.0
    for c, wav in clips:
        seconds = len(decode(wav)) / RATE
        runs = []
        for _ in range(args.repeat):
            heard = transcribe(wav, expected=c.pronunciation)
            runs.append(heard.seconds)
        per5.append(statistics.median(runs) * 5 / seconds)
        scores.append(score(c.pronunciation, heard.text).percent)
        total_audio += seconds

    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"host load (1 min) at the end: {load1:.1f} on {os.cpu_count()} cores: above the core count, "
          "other work shares the CPU and the times below are inflated by it")
    print(f"model: {model_source()}  threads: {os.environ.get(THREADS_ENV) or 2}  cores seen: {os.cpu_count()}")
    print(f"load: {load_s:.2f} s")
    print(f"clips: {len(clips)} chapter sentences, {total_audio:.0f} s of audio in all")
    print(f"transcription per 5 s of audio: median {statistics.median(per5):.2f} s, "
          f"worst {max(per5):.2f} s (target < 2 s)")
    print(f"word score of the transcripts: median {statistics.median(scores):.0f}%, lowest {min(scores):.0f}%")
    print(f"RSS: {before:.0f} MiB before the model, {after:.0f} MiB loaded, {warm:.0f} MiB after a "
          f"transcription (model adds about {warm - before:.0f} MiB)")


if __name__ == "__main__":
    main()
