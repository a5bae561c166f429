"""The Team aggregates against a small known store: exact numbers, and notes never leak."""
from dataclasses import asdict
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from core import team
from core.store import open_store

NOW = datetime(2026, 3, 10, 12, 0)
SECRET = "my private note body xyzzy"


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "team.duckdb")
    yield s
    s.close()


def fill(s):
    a, b = "local:ann", "iss|bob-sub"
    s.record_study(a, "dot_product", 600, NOW - timedelta(days=1))
    s.record_study(a, "dot_product", 300, NOW - timedelta(days=10))     # not this week
    for p in range(8):                                                  # ann masters dot_product
        s.record_attempt(a, "dot_product", p, "1", "correct", NOW - timedelta(hours=2))
    s.record_attempt(a, "dot_product", 8, "7", "wrong", NOW - timedelta(hours=2))
    s.record_attempt(a, "dot_product", 8, "7", "wrong", NOW - timedelta(hours=2))
    s.record_pronunciation(a, "dot_product", "a dot b", 90.0, NOW - timedelta(hours=1))
    s.record_typing(a, "dot_product", 100, 2, 60.0, 50, NOW - timedelta(minutes=30))
    s.record_attempt(b, "dot_product", 8, "7", "wrong", NOW - timedelta(days=3))
    s.record_attempt(b, "dot_product", 8, "x", "wrong", NOW - timedelta(days=3))
    s.record_attempt(b, "dot_product", 3, "q", "wrong", NOW - timedelta(days=3))
    s.record_attempt(b, "sigmoid", 1, "0.5", "correct", NOW - timedelta(days=3))
    s.save_note(b, "sigmoid", SECRET)
    return a, b


def test_roster_exact(store):
    a, b = fill(store)
    rows = {r.user: r for r in team.roster(store, NOW)}
    assert set(rows) == {a, b}
    ann, bob = rows[a], rows[b]
    assert ann.name == "ann" and bob.name == "bob-sub"
    assert ann.last_active == NOW - timedelta(minutes=30)
    assert ann.week_seconds == 600
    assert (ann.mastered, ann.in_progress) == (1, 0)
    assert ann.accuracy == pytest.approx(8 / 10)
    assert ann.best_say_back == 90.0
    assert ann.wpm == pytest.approx((98 / 5) / 1.0)
    assert not ann.has_notes
    assert (bob.mastered, bob.in_progress) == (0, 1)
    assert bob.accuracy == pytest.approx(1 / 4) and bob.best_say_back is None and bob.wpm == 0.0
    assert bob.has_notes and bob.week_seconds == 0


def test_heatmap_and_misses(store):
    a, b = fill(store)
    users, chapters, matrix = team.heatmap(store, ["dot_product", "sigmoid", "relu"])
    assert users == sorted([a, b]) and chapters == ["dot_product", "sigmoid", "relu"]
    cells = dict(zip(users, matrix))
    assert cells[a] == [1.0, 0.0, 0.0]
    assert cells[b] == [0.0, pytest.approx((1 / 8) / 3, abs=1e-4), 0.0]
    missed = team.misses(store, top=3)
    assert set(missed) == {"dot_product"}
    first, second = missed["dot_product"]
    assert (first.problem, first.wrong, first.answers) == (8, 4, [("7", 3), ("x", 1)])
    assert (second.problem, second.wrong, second.answers) == (3, 1, [("q", 1)])
    assert len(team.misses(store, top=1)["dot_product"]) == 1


def test_notes_never_leak(store):
    fill(store)
    everything = repr([asdict(r) for r in team.roster(store, NOW)]) + repr(team.heatmap(store)) \
        + repr(team.misses(store))
    assert SECRET not in everything and "xyzzy" not in everything


def test_empty_store(store):
    assert team.roster(store, NOW) == [] and team.misses(store) == {}
    assert team.heatmap(store, ["sigmoid"]) == ([], ["sigmoid"], [])


@pytest.mark.parametrize("secret, env, expected", [
    (["Lead@Example.com ", "b@x.org"], None, {"lead@example.com", "b@x.org"}),
    (None, " A@x.org, ,b@y.org ", {"a@x.org", "b@y.org"}),
    (["s@x.org"], "e@x.org", {"e@x.org"}),
    (None, None, set()), ("one@x.org", None, {"one@x.org"}), (42, None, set()), (["not-an-email"], "", set()),
])
def test_leads_from(secret, env, expected):
    assert team.leads_from(secret, env) == frozenset(expected)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(users=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4, unique=True),
       answer=st.text(max_size=200), note=st.text(min_size=20, max_size=60))
def test_any_ids_and_answers(tmp_path_factory, users, answer, note):
    s = open_store(tmp_path_factory.mktemp("h") / "t.duckdb")
    try:
        for u in users:
            s.record_attempt(u, "relu", 2, answer, "wrong", NOW)
            s.save_note(u, "relu", "NOTE:" + note)
        rows = team.roster(s, NOW)
        assert sorted(r.user for r in rows) == sorted(users)
        assert all(r.has_notes and r.accuracy == 0.0 for r in rows)
        (m,) = team.misses(s)["relu"]
        assert m.wrong == len(users) and m.answers == [(answer[:team.MAX_ANSWER_SHOWN], len(users))]
        out = repr([asdict(r) for r in rows]) + repr(team.heatmap(s)) + repr(team.misses(s))
        assert "NOTE:" + note not in out
    finally:
        s.close()


@given(st.text(max_size=40))
def test_display_name_total(user):
    assert isinstance(team.display_name(user), str)
