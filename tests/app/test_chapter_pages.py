"""Every chapter page renders, takes an answer and a note, and both reach the database."""
import pytest

from core.content import load_chapters
from tests.app.conftest import submit
from tests.app.outline import outline, skipped_levels

CHAPTERS = load_chapters()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_chapter_page(app, db, chapter):
    at, slug = app, chapter.slug
    at.switch_page(chapter.page_file).run()
    assert not at.exception, at.exception
    assert at.title[0].value == chapter.title
    assert any('data-testid="fl-stats"' in m.value for m in at.markdown), "app.py framed the page"
    assert any(chapter.latex in l.value for l in at.latex)
    assert any("Solved 0 / 10" in (p.proto.text or "") for p in at.get("progress"))
    assert outline(at)[:2] == [(1, chapter.title), (2, "Formula")] and not skipped_levels(at), outline(at)

    # A correct answer to problem 1, written as in the file.
    at.text_input(key=f"{slug}.practice.answer.1").input(chapter.problems[0].answer)
    submit(at, f"{slug}.practice.form.1")
    assert not at.exception, at.exception
    assert [s.value for s in at.success][:1] == ["Correct!"]
    assert db.solved(at.session_state["user"]) == {slug: {1}}

    # A note, saved when the text area changes.
    note = f"My note on {chapter.title}: ∑ works → 🎯"
    at.text_area(key=f"{slug}.notes.text").input(note).run()
    assert not at.exception, at.exception
    assert db.note(at.session_state["user"], slug)[0] == note
