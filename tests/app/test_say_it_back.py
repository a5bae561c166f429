"""Say it back on a chapter page: a recording through st.audio_input is transcribed, scored,
shown as a word diff and stored; typed readings and bad recordings too."""
from core.content import load_chapters
from tests.app.conftest import submit
from tests.speech_audio import espeak_wav, piper_wav

BY_SLUG = {c.slug: c for c in load_chapters()}


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
