"""Progress: the per-chapter table and the activity chart, from the database."""
import json


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
