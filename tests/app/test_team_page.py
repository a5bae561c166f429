"""The Team page: a lead sees everyone's progress; anyone else cannot reach it or see others."""
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.store import open_store

APP = Path(__file__).resolve().parents[2] / "app.py"

LEAD = {"is_logged_in": True, "email": "Lead@Example.com", "name": "Lee", "iss": "idp", "sub": "lead-1"}
LEARNER = {"is_logged_in": True, "email": "ann@example.com", "name": "Ann", "iss": "idp", "sub": "ann-1"}
OTHER = "idp|other-learner-7"
SECRET = "secret note body plugh"


@pytest.fixture
def seeded(db_path, monkeypatch):
    monkeypatch.setenv("FORMULA_LAB_LEADS", "lead@example.com, boss@example.com")
    s = open_store(db_path)
    now = datetime.now()
    s.record_study(OTHER, "dot_product", 900, now - timedelta(hours=1))
    s.record_attempt(OTHER, "dot_product", 4, "wrong-answer-42", "wrong", now)
    s.record_attempt(OTHER, "dot_product", 1, "3", "correct", now)
    s.save_note(OTHER, "dot_product", SECRET)
    return s


def visit(user):
    at = AppTest.from_file(str(APP), default_timeout=60)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def shown(at) -> str:
    """Everything a page put on screen, as text."""
    parts = [str(e.value) for e in at.markdown] + [str(e.value) for e in at.title]
    parts += [str(e.value) for e in at.header] + [str(e.value) for e in at.caption]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(parts)


def test_lead_sees_roster_heatmap_and_misses(seeded):
    at = visit(LEAD)
    at.switch_page("app_pages/team.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Team"]
    roster = at.dataframe[0].value
    row = roster[roster["Learner"] == "other-learner-7"].iloc[0]
    assert row["This week"] == "15m" and row["Accuracy"] == 50 and bool(row["Has notes"])
    assert "wrong-answer-42" in shown(at)
    assert len(at.get("plotly_chart")) == 1
    assert SECRET not in shown(at) and SECRET not in str(at.get("plotly_chart")[0].proto)


@pytest.mark.parametrize("user", [LEARNER, None], ids=["signed-in learner", "anonymous"])
def test_others_cannot_reach_the_page(seeded, user):
    at = visit(user)
    with pytest.raises(ValueError, match="Could not find a navigation page"):   # not registered for them
        at.switch_page("app_pages/team.py")
    at.run()
    assert not at.exception, at.exception
    assert "Team" not in [t.value for t in at.title]
    text = shown(at)
    assert "other-learner-7" not in text and "wrong-answer-42" not in text and SECRET not in text
