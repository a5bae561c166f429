"""Progress: the per-chapter table and the activity chart, from the database."""
import json

from tests.app.outline import outline


def test_progress_page(app, db):
    user = app.session_state["user"]
    db.record_attempt(user, "vectors", 1, "5", "correct")
    db.record_attempt(user, "vectors", 2, "1", "wrong")
    db.record_study(user, "vectors", 120)
    db.save_note(user, "vectors", "hello")
    app.switch_page("app_pages/progress.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Progress"
    table = app.dataframe[0].value
    assert len(table) == 17
    first = table.iloc[0]
    assert (first["Chapter"], first["Solved"], first["Attempts"], first["Accuracy"]) == ("1. Vectors", 1, 2, 50)
    assert (first["Study (min)"], first["Note (chars)"], bool(first["Mastered"])) == (2.0, 5, False)
    chart = json.loads(app.get("plotly_chart")[0].proto.spec)
    names = [trace["name"] for trace in chart["data"]]
    assert names == ["Study minutes", "Problems solved"]
    # today's minutes: the 2 recorded above plus whatever the app's own study clock added
    today_minutes = db.query("SELECT sum(seconds) / 60 FROM study_time WHERE user_id = ?", [user])[0][0]
    assert chart["data"][0]["y"][-1] == round(today_minutes, 1) >= 2.0
    assert chart["data"][1]["y"][-1] == 1


def test_progress_page_when_empty(app):
    app.switch_page("app_pages/progress.py").run()
    assert not app.exception
    assert any("Nothing yet" in c.value for c in app.caption)
    assert [h for h, _ in outline(app)] == [1, 2, 2]                 # H1 Progress, then H2 sections


def test_no_data_reads_as_a_dash_and_solved_ticks_are_whole_numbers(app, db):
    user = app.session_state["user"]
    db.record_attempt(user, "vectors", 1, "5", "correct")
    # "a" is missed, and only ever the first key, so it has no time per key to show
    for _ in range(3):
        db.record_typing(user, "vectors", chars=3, errors=1, seconds=1, best_streak=2, target="ab",
                         keystrokes=[("x", 0, False), ("Backspace", 90, True), ("a", 200, True),
                                     ("b", 350, True)])
    app.switch_page("app_pages/progress.py").run()
    assert not app.exception, app.exception
    chapters, weak = app.dataframe
    assert chapters.value["Accuracy"].isna().sum() == 16 and weak.value["Time per key (ms)"].isna().any()
    assert chapters.proto.placeholder == weak.proto.placeholder == "—"
    solved_axis = json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]["yaxis2"]
    assert (solved_axis["tickformat"], solved_axis["tick0"], solved_axis["dtick"]) == (",d", 0, 1)


def test_solved_ticks_stay_whole_and_few_on_a_busy_day(app, db):
    user = app.session_state["user"]
    for n in range(1, 11):
        for slug in ("vectors", "relu", "softmax"):
            db.record_attempt(user, slug, n, "x", "correct")
    app.switch_page("app_pages/progress.py").run()
    solved_axis = json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]["yaxis2"]
    assert solved_axis["dtick"] == 6 and solved_axis["tickformat"] == ",d"   # 30 solved: 0, 6, …, 30
