"""Audio bombs: a recording is bounded in bytes, sample rate, channels and length before it is
decoded, so one upload cannot take the server's memory or time. Every file here is real: made
with the ``wave`` module or encoded with PyAV, and decoded as the server decodes it."""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from core.speech.transcribe import (LENGTH_MARGIN_SECONDS, MAX_RECORDING_BYTES, MAX_SECONDS, MIN_SECONDS,
                                    NOT_AUDIO, RATE, decode)

ROOT = Path(__file__).resolve().parent.parent
LIMIT = MAX_SECONDS + LENGTH_MARGIN_SECONDS
REFUSE_WITHIN_S = 2.0           # seconds to refuse a bomb
PEAK_GROWTH_MB = 100            # how much a refusal may raise the process's peak memory


def _wav(samples: np.ndarray, rate: int = RATE, channels: int = 1) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def _tone(seconds: float, rate: int) -> np.ndarray:
    return 0.3 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate)


class _NoSeek(io.RawIOBase):
    """A sink the muxer cannot seek back in, as a live recording is: no length in the header."""
    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def seekable(self):
        return False

    def write(self, b):
        self.data += b
        return len(b)


def _encode(fmt: str, codec: str, seconds: float, *, rate: int = 48_000, layout: str = "mono",
            silent: bool = False, chunk_s: float = 10.0, sink=None, options=None) -> bytes:
    """``seconds`` of a 440 Hz tone (or silence) encoded with PyAV."""
    out = sink if sink is not None else io.BytesIO()
    with av.open(out, "w", format=fmt) as c:
        s = c.add_stream(codec, rate=rate, options=options or {})
        s.layout = layout
        channels = 2 if layout == "stereo" else 1
        done, chunk = 0, int(chunk_s * rate)
        while done < seconds * rate:
            n = min(chunk, int(seconds * rate) - done)
            x = np.zeros(n) if silent else 0.3 * np.sin(2 * np.pi * 440 * np.arange(done, done + n) / rate)
            pcm = np.repeat((x * 32767).astype(np.int16), channels)[None]   # interleaved
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout=layout)
            frame.sample_rate, frame.pts = rate, done
            for p in s.encode(frame):
                c.mux(p)
            done += n
        for p in s.encode(None):
            c.mux(p)
    return bytes(out.data) if sink is not None else out.getvalue()


def _declared_seconds(data: bytes) -> float | None:
    with av.open(io.BytesIO(data)) as c:
        s = c.streams.audio[0]
        return (c.duration / av.time_base if c.duration else
                float(s.duration * s.time_base) if s.duration else None)


@pytest.fixture(scope="module")
def four_hour_flac() -> bytes:
    """Four hours of silence as FLAC: under 3 MB, and 230 million samples once decoded."""
    return _encode("flac", "flac", 4 * 3600, rate=RATE, silent=True, chunk_s=600,
                   options={"frame_size": "65535"})


def _hide_flac_length(flac: bytes) -> bytes:
    """The same FLAC with STREAMINFO's total-samples field zeroed, which means 'unknown'."""
    assert flac[:4] == b"fLaC"
    b = bytearray(flac)
    b[21] &= 0xF0
    b[22:26] = bytes(4)
    return bytes(b)


def _refuse_in_fresh_process(path: Path) -> dict:
    """Decode ``path`` in a new Python process; what it said, how long it took and how much its
    peak memory (VmHWM) grew while deciding, so other tests' memory does not count."""
    script = f"""
import json, sys, time
sys.path.insert(0, {str(ROOT)!r})
import av, numpy
from core.speech.transcribe import decode

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
data = open(sys.argv[1], "rb").read()
before, start = hwm(), time.perf_counter()
try:
    said = "decoded %d samples" % len(decode(data))
except ValueError as err:
    said = str(err)
print(json.dumps(dict(said=said, seconds=time.perf_counter() - start, growth_mb=hwm() - before)))
"""
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _is_a_sentence(text: str) -> bool:
    return text[0].isupper() and text.endswith(".") and "Traceback" not in text


def test_four_hour_flac_named_wav_is_refused_fast_and_small(four_hour_flac, tmp_path):
    assert _declared_seconds(four_hour_flac) == pytest.approx(4 * 3600)
    path = tmp_path / "recording.wav"
    path.write_bytes(four_hour_flac)
    got = _refuse_in_fresh_process(path)
    assert got["said"] == ("That recording is 14400 seconds long; Say it back listens to up to 30 "
                           "seconds. Record just the one sentence."), got
    assert got["seconds"] < REFUSE_WITHIN_S, got
    assert got["growth_mb"] < PEAK_GROWTH_MB, got


def test_four_hours_with_no_length_in_the_header_stop_at_the_limit(four_hour_flac, tmp_path):
    hidden = _hide_flac_length(four_hour_flac)
    assert _declared_seconds(hidden) is None
    path = tmp_path / "recording.flac"
    path.write_bytes(hidden)
    got = _refuse_in_fresh_process(path)
    assert got["said"].startswith(f"That recording is longer than {LIMIT:.0f} seconds;"), got
    assert got["seconds"] < REFUSE_WITHIN_S, got
    assert got["growth_mb"] < PEAK_GROWTH_MB, got


@pytest.mark.parametrize("kind", ["flac", "webm"])
def test_ten_minutes_with_no_length_in_the_header_are_stopped_at_the_limit(kind):
    if kind == "flac":
        data = _hide_flac_length(_encode("flac", "flac", 600, rate=RATE, chunk_s=60))
    else:                                  # a live WebM/Opus recording: its muxer could not seek back
        data = _encode("webm", "libopus", 600, silent=True, sink=_NoSeek())
    assert _declared_seconds(data) is None and len(data) < MAX_RECORDING_BYTES
    start = time.perf_counter()
    with pytest.raises(ValueError) as err:
        decode(data)
    assert time.perf_counter() - start < REFUSE_WITHIN_S
    assert str(err.value) == (f"That recording is longer than {LIMIT:.0f} seconds; Say it back "
                              "listens to up to 30 seconds. Record just the one sentence.")


@pytest.mark.parametrize("rate, channels", [
    (2_000_000_000, 1),     # the resampling arrays of a 2 GHz claim peaked at 1.15 GB
    (1, 1), (4_000, 1), (384_000, 1),
    (16_000, 3), (48_000, 8),
])
def test_a_wav_header_no_microphone_makes_is_refused_before_its_frames(rate, channels, tmp_path):
    frames = 1_500_000 // channels                          # 3 MB of frames after the header
    data = _wav(np.tile(_tone(1, 16_000), frames * channels // 16_000 + 1)[: frames * channels],
                rate=rate, channels=channels)
    path = tmp_path / "recording.wav"
    path.write_bytes(data)
    got = _refuse_in_fresh_process(path)
    assert got["said"] == NOT_AUDIO, got
    assert got["seconds"] < REFUSE_WITHIN_S and got["growth_mb"] < 20, got   # the frames stay unread


def test_a_file_over_the_byte_limit_is_refused_by_its_size():
    too_big = _wav(_tone(MAX_RECORDING_BYTES / 2 / 48_000 + 1, 48_000), rate=48_000)
    assert len(too_big) > MAX_RECORDING_BYTES
    with pytest.raises(ValueError) as err:
        decode(too_big)
    assert str(err.value) == (f"That file is {len(too_big) / 2**20:.1f} MB; Say it back takes "
                              "recordings of up to 8 MB (about 30 seconds). Record just the one sentence.")
    with pytest.raises(ValueError, match="8 MB"):
        decode(b"\x1aE\xdf\xa3" + bytes(MAX_RECORDING_BYTES))        # a WebM start, then nothing


def test_thirty_seconds_as_a_browser_records_it_fits_the_byte_limit():
    """The largest a 30 s browser recording gets: WAV, 48 kHz, 16-bit, stereo (about 5.8 MB)."""
    stereo = np.repeat(_tone(MAX_SECONDS, 48_000), 2)
    data = _wav(stereo, rate=48_000, channels=2)
    assert 5_700_000 < len(data) < MAX_RECORDING_BYTES
    assert len(decode(data)) == pytest.approx(MAX_SECONDS * RATE, abs=2)


CLIPS = {
    "ogg-opus": ("ogg", "libopus", 48_000, "mono"),
    "webm-opus-stereo": ("webm", "libopus", 48_000, "stereo"),
    "mp4-aac": ("mp4", "aac", 44_100, "mono"),
    "mp3-stereo": ("mp3", "libmp3lame", 44_100, "stereo"),
    "flac": ("flac", "flac", 16_000, "mono"),
    "wav-24-bit": ("wav", "pcm_s24le", 22_050, "mono"),
}


@pytest.mark.parametrize("clip", CLIPS)
def test_a_normal_clip_decodes_as_faster_whisper_decodes_it(clip):
    from faster_whisper.audio import decode_audio
    fmt, codec, rate, layout = CLIPS[clip]
    data = _encode(fmt, codec, 3, rate=rate, layout=layout)
    ours = decode(data)
    theirs = decode_audio(io.BytesIO(data), sampling_rate=RATE)
    assert ours.dtype == np.float32 and ours.shape == theirs.shape
    assert abs(len(ours) - 3 * RATE) < 0.05 * RATE
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


def test_a_normal_wav_still_decodes():
    samples = decode(_wav(np.repeat(_tone(3, 44_100), 2), rate=44_100, channels=2))
    assert len(samples) == pytest.approx(3 * RATE, abs=2)
    assert float(np.sqrt(np.mean(samples ** 2))) == pytest.approx(0.3 / np.sqrt(2), rel=0.02)


def test_a_container_that_is_not_an_audio_file_is_not_read():
    """FFmpeg reads hundreds of formats; an upload is only read as one of the audio ones."""
    ts = _encode("mpegts", "mp2", 3)
    with av.open(io.BytesIO(ts)) as c:
        assert c.format.name == "mpegts" and c.streams.audio        # FFmpeg itself would read it
    with pytest.raises(ValueError) as err:
        decode(ts)
    assert str(err.value) == NOT_AUDIO


def _decode_or_refuse(data: bytes) -> None:
    start = time.perf_counter()
    try:
        samples = decode(data)
    except ValueError as err:
        assert _is_a_sentence(str(err)), str(err)
    else:
        assert samples.dtype == np.float32 and samples.ndim == 1
        assert MIN_SECONDS * RATE <= len(samples) <= MAX_SECONDS * RATE
    assert time.perf_counter() - start < REFUSE_WITHIN_S


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.binary(max_size=4096))
def test_any_bytes_decode_or_are_refused_in_a_sentence(data):
    _decode_or_refuse(data)


@PROPERTY
@given(rate=st.integers(0, 2**32 - 1), channels=st.integers(0, 2**16 - 1),
       bits=st.sampled_from([0, 8, 16, 24, 32, 64, 12345]), frames=st.integers(0, 2**32 - 1),
       body=st.binary(max_size=4096))
def test_any_wav_header_decodes_or_is_refused_in_a_sentence(rate, channels, bits, frames, body):
    """A RIFF/WAVE header with whatever numbers a hostile file puts in it."""
    align = max(1, channels * bits // 8) & 0xFFFF
    fmt = struct.pack("<HHIIHH", 1, channels, rate, (rate * align) & 0xFFFFFFFF, align, bits)
    data_chunk = struct.pack("<4sI", b"data", frames) + body
    riff = b"WAVE" + struct.pack("<4sI", b"fmt ", len(fmt)) + fmt + data_chunk
    _decode_or_refuse(struct.pack("<4sI", b"RIFF", len(riff)) + riff)


SMALL_OGG = _encode("ogg", "libopus", 1)


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, len(SMALL_OGG) - 1), st.integers(0, 255)), max_size=20),
       st.integers(0, len(SMALL_OGG)))
def test_a_damaged_recording_decodes_or_is_refused_in_a_sentence(flips, cut):
    """A real Ogg/Opus clip with bytes changed and its end cut off."""
    data = bytearray(SMALL_OGG)
    for at, value in flips:
        data[at] = value
    _decode_or_refuse(bytes(data[:cut]))
