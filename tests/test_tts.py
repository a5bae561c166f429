"""core.tts: each offline engine for real, the fallback chain, the disk cache, precompute.

Only gTTS's network call is replaced (it would need the internet): by its own offline
error, or by bytes standing in for Google's answer.
"""
import io
import time
import wave

import pytest
from gtts import gTTS
from gtts.tts import gTTSError

from components.voice.mathml import steps_mathml
from core import tts
from core.content import chapter_by_slug

LINE = "e to the z sub i, divided by the sum."


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMULA_LAB_VOICE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("FORMULA_LAB_PIPER_VOICE", raising=False)
    monkeypatch.setattr(tts.GttsEngine, "_failed_at", None)
    return tmp_path / "cache"


def engines(monkeypatch, names):
    monkeypatch.setenv("FORMULA_LAB_VOICE_ENGINES", names)


def seconds(wav_bytes):
    with wave.open(io.BytesIO(wav_bytes)) as w:
        return w.getnframes() / w.getframerate()


def count_calls(monkeypatch, cls):
    """Record every call that reaches an engine, and let it through to the real one."""
    calls, real = [], cls.synthesize

    def spy(self, text):
        calls.append(text)
        return real(self, text)
    monkeypatch.setattr(cls, "synthesize", spy)
    return calls


def test_piper_from_its_package_speaks_and_the_cache_answers_the_second_time(monkeypatch, fresh):
    engines(monkeypatch, "piper,espeak")
    calls = count_calls(monkeypatch, tts.PiperEngine)
    first = tts.synthesize(LINE)
    assert (first.engine, first.voice, first.mime) == ("piper", "en_US-joe-medium", "audio/wav")
    assert first.label == "Piper · en_US-joe-medium"
    assert first.audio[:4] == b"RIFF" and 1.0 < seconds(first.audio) < 8.0
    again = tts.synthesize("  e to the z sub i,   divided by the sum. ")   # same words, other spacing
    assert again == first and calls == [LINE]
    assert tts.cached(LINE) == first and len(list(fresh.iterdir())) == 1


def test_espeak_ng_speaks_when_it_is_the_only_engine(monkeypatch):
    engines(monkeypatch, "espeak")
    calls = count_calls(monkeypatch, tts.EspeakEngine)
    speech = tts.synthesize(LINE)
    assert (speech.engine, speech.mime) == ("espeak", "audio/wav")
    assert speech.audio[:4] == b"RIFF" and seconds(speech.audio) > 1.0
    assert tts.synthesize(LINE).audio == speech.audio and len(calls) == 1


def test_gtts_offline_falls_through_to_espeak_and_is_not_retried_for_a_while(monkeypatch):
    engines(monkeypatch, "gtts,espeak")
    tried = []

    def offline(self, fp):
        tried.append(self.text)
        raise gTTSError("Failed to connect. Probable cause: Unknown")
    monkeypatch.setattr(gTTS, "write_to_fp", offline)
    assert tts.synthesize(LINE).engine == "espeak"
    assert tts.synthesize("a second line").engine == "espeak"
    assert tried == [LINE], "gTTS was asked once, then skipped"
    assert tts.active_voice().engine == "espeak"
    monkeypatch.setattr(tts.GttsEngine, "_failed_at", time.monotonic() - tts.GTTS_RETRY_S - 1)
    tts.synthesize("a third line")
    assert tried == [LINE, "a third line"], "tried again once the wait was over"


def test_gtts_online_gives_mp3_with_keyword_arguments(monkeypatch):
    engines(monkeypatch, "gtts,espeak")
    made = []

    def online(self, fp):
        made.append((self.text, self.lang))
        fp.write(b"ID3\x04fake-mp3-frames")
    monkeypatch.setattr(gTTS, "write_to_fp", online)
    speech = tts.synthesize(LINE)
    assert (speech.engine, speech.mime, speech.audio[:3]) == ("gtts", "audio/mpeg", b"ID3")
    assert tts.synthesize(LINE) == speech and made == [(LINE, "en")]


def test_no_server_voice_leaves_the_browser(monkeypatch, tmp_path):
    engines(monkeypatch, "none")
    assert tts.synthesize(LINE) is tts.BROWSER and tts.cached(LINE) is tts.BROWSER
    assert tts.active_voice().label == "your browser · speechSynthesis"
    engines(monkeypatch, "piper,espeak")          # a voice file that is not there: skipped quietly
    monkeypatch.setenv("FORMULA_LAB_PIPER_VOICE", str(tmp_path / "missing.onnx"))
    assert tts.synthesize(LINE).engine == "espeak"
    with pytest.raises(ValueError, match="empty"):
        tts.synthesize("   ")


def test_precompute_fills_the_cache_in_the_background(monkeypatch):
    engines(monkeypatch, "espeak")
    chapter = chapter_by_slug("softmax")
    lines = tts.chapter_sentences(chapter)
    assert chapter.pronunciation in lines and all(s.say in lines for s in chapter.steps)
    assert all(g.spoken in lines for g in chapter.glossary)
    assert all(tts.cached(t) is None for t in lines)
    worker = tts.Precomputer().start()
    try:
        worker.add(lines[:3])
        worker.add(lines[3:], urgent=True)
        deadline = time.monotonic() + 120
        while worker.done < len(lines) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.stop()
    assert all(tts.cached(t).engine == "espeak" for t in lines)


def test_each_step_marks_only_the_tokens_it_adds():
    steps = steps_mathml(("z_i", "e^{z_i}", "e^{z_i}"))
    assert [s["new"] for s in steps] == [2, 1, 0]
    assert steps[1]["mathml"].count('class="fl-new"') == 1 and "<mi class=\"fl-new\">e</mi>" in steps[1]["mathml"]
    assert 'display="block"' in steps[0]["mathml"]


def test_a_matrix_keeps_its_brackets_without_a_math_font():
    (step,) = steps_mathml((r"\det \begin{bmatrix} a & b \\ c & d \end{bmatrix} = ad - bc",))
    assert 'class="fl-brackets"' in step["mathml"] and "<mo>[</mo>" not in step["mathml"]
    assert ">(</mo>" in steps_mathml(("(x)",))[0]["mathml"], "a one-line bracket stays a glyph"
    assert "<mtext" in steps_mathml((r"\frac{",))[0]["mathml"], "unknown LaTeX is shown as written"
