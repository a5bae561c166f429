"""A chapter page with its voice: Hear it everywhere, the voice caption, Animate's steps."""
import json
import threading

from components.voice import serve
from core import tts
from core.content import chapter_by_slug

SLUG = "softmax"


def data(at, key):
    return json.loads(at.get_by_key(key).proto.json)


def test_hear_it_and_animate_with_the_server_voice(app, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMULA_LAB_VOICE_CACHE", str(tmp_path / "voice"))
    monkeypatch.setenv("FORMULA_LAB_VOICE_ENGINES", "piper,espeak")
    monkeypatch.setenv("FORMULA_LAB_VOICE_PRECOMPUTE", "1")
    chapter, at = chapter_by_slug(SLUG), app
    try:
        at.switch_page(chapter.page_file).run()
        assert not at.exception, at.exception
        assert "voice-precompute" in [t.name for t in threading.enumerate()], "started with the page"
    finally:
        monkeypatch.setenv("FORMULA_LAB_VOICE_PRECOMPUTE", "0")
        serve._precomputer().stop()
        serve._precomputer.clear()

    labels = {b.key: b.label for b in at.button}
    assert labels[f"{SLUG}.pronunciation.hear.button"] == "Hear it · H"
    for i, _ in enumerate(chapter.glossary):
        assert labels[f"{SLUG}.glossary.hear.{i}.button"] == "Hear it"
    assert "voice: Piper · en_US-joe-medium" in [c.value for c in at.caption]

    # The animation: every step at once, as MathML with its sentence.
    fig = data(at, f"{SLUG}.animate.figure")
    assert [s["say"] for s in fig["steps"]] == [s.say for s in chapter.steps]
    assert all(s["mathml"].startswith("<math") and 'class="fl-new"' in s["mathml"] for s in fig["steps"])
    assert fig["browser"] is False

    # Hear it: each press is a new number, which the browser plays once. The newest press
    # and its audio go out with every run after it, so a run cut short loses nothing.
    hear = f"{SLUG}.pronunciation.hear"
    assert data(at, f"{hear}.player") == {"id": hear, "press": 0,
                                          "box": f"st-key-fl-hear-{SLUG}-pronunciation-hear"}
    at.button(key=f"{hear}.button").click().run()
    assert not at.exception, at.exception
    first = data(at, f"{hear}.player")
    assert first["press"] == 1 and first["engine"] == "piper" and first["src"]
    at.run()                                         # another run: the same press, not a new one
    assert data(at, f"{hear}.player")["press"] == 1 and data(at, f"{hear}.player")["src"]
    at.button(key=f"{hear}.button").click().run()
    assert data(at, f"{hear}.player")["press"] == 2 and data(at, f"{hear}.player")["src"]
    assert tts.cached(chapter.pronunciation).engine == "piper"

    # In a browser each click is a token hear.js keeps as the player's state value, sent
    # with every later run: a new token is one press, the same token again is none, and the
    # button's own click no longer counts (it would count the same press twice).
    at.session_state[f"{hear}.player"] = {"press": "k1-1"}
    at.run()
    assert data(at, f"{hear}.player")["press"] == 3
    at.run()
    at.button(key=f"{hear}.button").click().run()
    assert data(at, f"{hear}.player")["press"] == 3
    at.session_state[f"{hear}.player"] = {"press": "k1-2"}
    at.run()
    assert data(at, f"{hear}.player")["press"] == 4

    sym = f"{SLUG}.glossary.hear.1"
    at.button(key=f"{sym}.button").click().run()
    assert data(at, f"{sym}.player")["text"] == chapter.glossary[1].spoken

    # Play asked for the steps' audio (the figure's trigger sets this flag): all of it comes.
    at.session_state[f"{SLUG}.animate.want_audio"] = True
    at.run()
    assert not at.exception, at.exception
    assert all(s["src"] for s in data(at, f"{SLUG}.animate.figure")["steps"])


def test_without_a_server_voice_the_browser_speaks(app, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMULA_LAB_VOICE_CACHE", str(tmp_path / "voice"))
    monkeypatch.setenv("FORMULA_LAB_VOICE_ENGINES", "none")
    chapter, at = chapter_by_slug("vectors"), app
    at.switch_page(chapter.page_file).run()
    assert not at.exception, at.exception
    assert "voice: your browser's own (the server has none)" in [c.value for c in at.caption]
    assert data(at, "vectors.animate.figure")["browser"] is True
    at.button(key="vectors.pronunciation.hear.button").click().run()
    played = data(at, "vectors.pronunciation.hear.player")
    assert played["press"] == 1 and played["src"] == "" and played["text"] == chapter.pronunciation
    assert played["engine"] == "browser"
