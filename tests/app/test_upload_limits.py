"""Upload limits: Streamlit refuses any upload over the server's cap, and Say it back refuses a
recording over its own bound (or one that would decode to hours) with a sentence, unread."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
import wave
from pathlib import Path

import av
import numpy as np

from core.content import load_chapters
from core.speech.transcribe import MAX_RECORDING_BYTES, RATE

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_CAP_MB = 20
CHAPTER = {c.slug: c for c in load_chapters()}["unit_vector"]


def test_streamlit_reads_the_upload_cap_from_the_project_config():
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        assert tomllib.load(f)["server"]["maxUploadSize"] == UPLOAD_CAP_MB
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    done = subprocess.run([sys.executable, "-c", "from streamlit import config; "
                           "print(config.get_option('server.maxUploadSize'))"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == str(UPLOAD_CAP_MB)
    assert MAX_RECORDING_BYTES < UPLOAD_CAP_MB * 2**20        # the recording bound is the tighter one
    from capstone.checkpoint import MAX_BYTES                # the largest uploader still fits
    assert MAX_BYTES < UPLOAD_CAP_MB * 2**20


def _record(at, data: bytes, name: str = "recording.wav") -> list[str]:
    at.audio_input(key=f"{CHAPTER.slug}.say_it_back.audio").set_value((name, data, "audio/wav")).run()
    assert not at.exception, at.exception
    return [w.value for w in at.warning]


def _silent_flac(seconds: int) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format="flac") as c:
        s = c.add_stream("flac", rate=RATE, options={"frame_size": "65535"})
        s.layout = "mono"
        frame = av.AudioFrame.from_ndarray(np.zeros((1, seconds * RATE), np.int16), format="s16",
                                           layout="mono")
        frame.sample_rate, frame.pts = RATE, 0
        for p in [*s.encode(frame), *s.encode(None)]:
            c.mux(p)
    return buf.getvalue()


def test_an_oversized_or_endless_recording_gets_a_sentence_and_is_not_stored(app, db):
    at = app
    at.switch_page(CHAPTER.page_file).run()
    assert not at.exception, at.exception

    # Nine MB of WAV (about five minutes): refused by its size, before it is read.
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(RATE)
        w.writeframes(bytes(9 * 2**20))
    warnings = _record(at, buf.getvalue())
    assert any(w.startswith("That file is 9.0 MB; Say it back takes recordings of up to 8 MB")
               for w in warnings), warnings

    # Half an hour of silence as FLAC named .wav (a few hundred KB): refused by its length.
    warnings = _record(at, _silent_flac(1800))
    assert any(w.startswith("That recording is 1800 seconds long;") for w in warnings), warnings

    assert db.query("SELECT count(*) FROM pronunciation_attempts")[0][0] == 0
