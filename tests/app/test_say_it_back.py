"""Say it back on a chapter page: a recording through st.audio_input is transcribed, scored,
shown as a word diff and stored; typed readings and bad recordings too."""
import re

import pytest

from components.say_it_back import _LOOK, SPOKEN, typed_placeholder, word_diff_html
from core.content import load_chapters
from core.speech import DEL, INS, SUB, normalise, score
from tests.app.conftest import submit
from tests.speech_audio import espeak_wav, piper_wav

CHAPTERS = load_chapters()
BY_SLUG = {c.slug: c for c in CHAPTERS}


def _record(at, slug, wav: bytes, name="clip.wav"):
    at.audio_input(key=f"{slug}.say_it_back.audio").set_value((name, wav, "audio/wav")).run(timeout=300)
    assert not at.exception, at.exception


def _percent(at) -> str:
    shown = [m.value for m in at.markdown if "fl-say-percent" in m.value]
    assert shown, "no score on the page"
    return shown[-1]


def test_recordings_are_scored_stored_and_counted(app, db):
    at, user = app, app.session_state["user"]
    sig = BY_SLUG["sigmoid"]
    at.switch_page(sig.page_file).run()
    assert not at.exception, at.exception
    assert any("Record yourself" in a.label for a in at.audio_input)

    # A clear reading of its own sentence scores high, shows a diff and is stored.
    _record(at, sig.slug, piper_wav(sig.pronunciation).read_bytes())
    assert 'data-testid="fl-say-diff"' in "".join(m.value for m in at.markdown)
    best = db.chapter_progress(user)["sigmoid"].best_say_back
    assert best is not None and best >= 80, _percent(at)
    assert f"best {best:.0f}%" in _percent(at)
    assert any("counts toward mastering" in s.value for s in at.success)
    assert "say the formula back" not in " ".join(c.value for c in at.caption)

    # Another chapter's sentence read here scores low, is stored, and leaves the best alone.
    other = BY_SLUG["chain_rule"]
    _record(at, sig.slug, espeak_wav(other.pronunciation).read_bytes(), "other.wav")
    rows = db.query("SELECT score FROM pronunciation_attempts WHERE user_id = ? AND slug = 'sigmoid' "
                    "ORDER BY ts", [user])
    assert len(rows) == 2 and rows[1][0] < 50 <= rows[0][0]
    assert db.chapter_progress(user)["sigmoid"].best_say_back == best
    assert any("Word to practise" in i.value for i in at.info)

    # Home shows the best reading on the chapter's card.
    at.switch_page("app_pages/home.py").run()
    assert not at.exception, at.exception
    assert f"Said back: best {best:.0f}%" in [c.value for c in at.caption]


def test_typed_reading_and_bad_recordings(app, db):
    at, user = app, app.session_state["user"]
    ch = BY_SLUG["unit_vector"]
    at.switch_page(ch.page_file).run()
    slug = ch.slug

    # Not audio at all, then silence: a sentence for the learner, no traceback, nothing stored.
    _record(at, slug, b"RIFF this is not a wave file at all", "junk.wav")
    assert any("not a recording" in w.value for w in at.warning), [w.value for w in at.warning]
    import io, wave
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000 * 2)
    _record(at, slug, buf.getvalue(), "quiet.wav")
    assert any("silent" in w.value for w in at.warning), [w.value for w in at.warning]
    assert db.query("SELECT count(*) FROM pronunciation_attempts")[0][0] == 0

    # Typed, with digits and a symbol: normalised, so it matches in full.
    at.text_input(key=f"{slug}.say_it_back.typed").input("v-hat = v / norm of v")
    submit(at, f"{slug}.say_it_back.typed_form")
    assert not at.exception, at.exception
    assert "100%" in _percent(at)
    assert db.chapter_progress(user)[slug].best_say_back == 100.0


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _chips(markup: str) -> list[tuple[str, str]]:
    """(kind, visible text) of each chip in the diff (not the key below it)."""
    diff = markup.split('data-testid="fl-say-diff"')[1].split("Key:")[0]
    chip = r'class="fl-say-(\w+)"[^>]*>(.*?)</span>(?=\s*<span class="fl-say-|</div>)'
    return [(kind, re.sub(r"<[^>]+>", "", body.split("</span>", 1)[-1] if "fl-say-sr" in body else body))
            for kind, body in re.findall(chip, diff)]


def test_a_missed_word_is_not_struck_through():
    """A line through a single letter reads as another symbol (a struck n as π): a missed word
    gets a dashed border instead, is said to a screen reader, and every chip stays legible."""
    markup = word_diff_html(score("n times v", "times"))
    assert "line-through" not in markup and "text-decoration" not in markup
    chip = r'<span class="fl-say-deletion"[^>]*style="([^"]*)"[^>]*>(.*?)</span>(\w+)</span>'
    missed = re.findall(chip, markup)
    assert [word for _, _, word in missed] == ["n", "v"]
    assert all("dashed" in style for style, _, _ in missed)
    assert all(SPOKEN[DEL] in spoken for _, spoken, _ in missed)     # "missed:" for a screen reader
    extra = word_diff_html(score("n times v", "n times v um"))
    assert SPOKEN[INS] in extra and 'aria-hidden="true">+</span>um' in extra
    for op, (fg, bg, border, _) in _LOOK.items():
        assert contrast(fg, bg) >= 4.5, (op, fg, bg)                 # WCAG AA, on any theme
        if "transparent" not in border:
            assert contrast(border.split()[-1], bg) >= 3, op         # the border, beside its chip


def test_a_term_of_several_words_is_one_chip():
    markup = word_diff_html(score("square root of d", "root of d"))
    chips = _chips(markup)
    assert chips[0][0] == SUB and chips[0][1].startswith("square root") and "heard “root”" in chips[0][1]
    assert len(chips) == 3 and not any(kind == DEL for kind, _ in chips)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_the_typed_box_shows_the_chapters_own_sentence(chapter):
    shown = typed_placeholder(chapter.pronunciation)
    assert shown.startswith("e.g. ") and len(shown) <= 70
    start = normalise(shown.removeprefix("e.g. ").removesuffix("…"))
    assert start and normalise(chapter.pronunciation).startswith(start), shown


def test_each_page_has_its_own_example_in_the_typed_box(app):
    at, seen = app, {}
    for slug in ("unit_vector", "matrix_multiplication"):
        ch = BY_SLUG[slug]
        at.switch_page(ch.page_file).run()
        assert not at.exception, at.exception
        seen[slug] = at.text_input(key=f"{slug}.say_it_back.typed").placeholder
        assert seen[slug] == typed_placeholder(ch.pronunciation)
    assert seen["unit_vector"] != seen["matrix_multiplication"]
