"""Keyboard shortcuts, server side: where N and P lead, the hint helpers, page switching."""
import pytest
from streamlit.testing.v1 import AppTest

from components.hotkeys import ACTIONS, SHORTCUTS, neighbours, shortcut_hint, with_shortcut

COURSE = ["vectors", "vector-norm", "unit-vector", "capstone"]


def test_neighbours_walk_the_course_and_start_it_from_outside():
    assert neighbours(COURSE, "vectors") == (None, "vector-norm")
    assert neighbours(COURSE, "vector-norm") == ("vectors", "unit-vector")
    assert neighbours(COURSE, "capstone") == ("unit-vector", None)
    assert neighbours(COURSE, "home") == (None, "vectors")      # N from Home starts chapter 1
    assert neighbours(COURSE, "") == (None, "vectors")
    assert neighbours([], "home") == (None, None)


def test_hints_name_the_key():
    assert with_shortcut("Hear it", "hear") == "Hear it · H"
    assert with_shortcut("Say it back", "record") == "Say it back · R"
    assert shortcut_hint("animate") == "Keyboard shortcut: A"
    assert shortcut_hint("type") == "Keyboard shortcut: T"
    assert set(ACTIONS) == {"hear", "record", "animate", "type"}
    assert len(set(SHORTCUTS.values())) == len(SHORTCUTS)       # no key does two things
    with pytest.raises(ValueError, match="no shortcut for 'sing'"):
        shortcut_hint("sing")


def test_target_container_follows_the_convention():
    def page():
        import streamlit as st

        from components.hotkeys import shortcut_target, with_shortcut
        with shortcut_target("hear", key="softmax"):
            st.button(with_shortcut("Hear it", "hear"), key="hear_btn")
        try:
            shortcut_target("dance", key="x")
        except ValueError as exc:
            st.write(str(exc))

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert at.get_by_key("fl-hk-hear-softmax").type == "flex_container"
    assert at.button(key="hear_btn").label == "Hear it · H"
    assert "unknown shortcut action 'dance'" in at.markdown[0].value


def test_listener_is_mounted_once_and_a_key_switches_page(app):
    assert app.get_by_key("fl.hotkeys") is not None
    assert any("keyboard shortcuts" in c.value for c in app.sidebar.caption)
    # What the browser sends when 3 is pressed: the page's url path, as a trigger value.
    app.session_state["fl.hotkeys"] = {"go": "unit-vector"}
    app.run()
    assert not app.exception
    assert app.title[0].value == "Unit Vector"
    labels = [e.proto.label for e in app.get("page_link")]
    assert "Ch. 2: Vector Norm · P" in labels and "Ch. 4: Dot Product · N" in labels
    app.run()                                   # the trigger lasts one run: no switch again
    assert app.title[0].value == "Unit Vector"


def test_an_unknown_target_changes_nothing(app):
    for go in ["no-such-page", 7, None, "home", ["vectors"]]:
        app.session_state["fl.hotkeys"] = {"go": go}
        app.run()
        assert not app.exception, go
        assert app.title[0].value == "Formula Lab", go
