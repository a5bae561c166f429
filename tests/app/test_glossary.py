"""The symbol glossary: each symbol stays apart from its name, and the links back are never cut."""
import re

from streamlit.proto.Block_pb2 import Block

from core.content import chapter_by_slug


def _open(at, slug):
    at.switch_page(chapter_by_slug(slug).page_file).run()
    assert not at.exception, at.exception
    return at


def _walk(node, parents=()):
    for child in getattr(node, "children", {}).values():
        yield child, parents
        yield from _walk(child, (*parents, child))


def test_a_symbol_and_its_name_read_as_two_words(app):
    at, chapter = _open(app, "attention"), chapter_by_slug("attention")
    text = [re.sub(r"<[^>]+>", "", m.value) for m in at.markdown]
    for sym in chapter.glossary:
        cell = f"${sym.latex}$: "                      # the ": " is there for a screen reader
        assert cell in text, f"{sym.latex}: {[t for t in text if sym.latex in t]}"
    assert text[text.index("$\\text{Attention}$: ") + 1].endswith("**attention output**")


def test_links_to_earlier_chapters_wrap_instead_of_being_cut(app):
    at = _open(app, "softmax")
    links = [(e, parents) for e, parents in _walk(at.main) if e.type == "page_link"
             and e.proto.icon == ":material/undo:"]
    assert [e.proto.label for e, _ in links] == ["Ch. 2: Vector Norm", "Ch. 6: Matrix–Vector Product",
                                                 "Ch. 10: Sigmoid"]
    for link, parents in links:
        row = parents[-1].proto
        # one row that wraps (not a third of the width each): a link as wide as its label
        assert row.flex_container.direction == Block.FlexContainer.HORIZONTAL and row.flex_container.wrap
    lead = [e for e, p in _walk(at.main) if p and p[-1] is links[0][1][-1] and e.type == "markdown"]
    assert [m.value for m in lead] == ["First seen in"]
