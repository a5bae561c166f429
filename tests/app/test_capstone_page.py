"""The capstone page: start a short run, watch it, stop it; the page never blocks."""
import time

import pytest

from capstone.job import JobRegistry


@pytest.fixture
def capstone_app(app):
    app.switch_page("app_pages/capstone.py").run()
    assert not app.exception, app.exception
    yield app
    # stop whatever this test started (threads an app starts keep running)
    import gc
    for reg in [o for o in gc.get_objects() if isinstance(o, JobRegistry)]:
        reg.stop_all(wait=30)


def test_capstone_page_renders_its_five_parts(capstone_app):
    at = capstone_app
    assert [s.value for s in at.subheader] == [
        "1 · Press start", "2 · Watch it learn", "3 · Your checkpoint", "4 · Make it talk", "5 · The credits"]
    assert any("65 characters in the vocabulary" in c.value for c in at.caption)
    assert any(e.label.startswith("`capstone/model.py` · ") for e in at.expander)


def test_start_watch_and_stop_a_run(capstone_app):
    at = capstone_app
    at.slider(key="capstone.run.steps.default").set_value(5000)
    at.button(key="capstone.run.start").click().run()
    assert not at.exception, at.exception
    assert at.button(key="capstone.run.start").disabled and not at.button(key="capstone.run.stop").disabled
    deadline = time.time() + 600          # generous: a busy 2-core machine can be slow to start
    while time.time() < deadline:
        time.sleep(1)
        at.run()
        text = [p.proto.text for p in at.get("progress")][0]
        if not text.startswith("step 0 /"):
            break
    assert "/ 5,000" in text and not text.startswith("step 0 /"), text
    assert at.get("plotly_chart"), "the loss chart is drawn"
    at.button(key="capstone.run.stop").click().run()
    assert not at.exception, at.exception
    deadline = time.time() + 300
    while time.time() < deadline and not at.success:
        time.sleep(0.5)
        at.run()
    assert any(s.value.startswith("Training stopped at step") for s in at.success)
    assert not at.button(key="capstone.run.start").disabled
    # the stopped run's weights are offered as a checkpoint, and the model can talk
    assert any(b.label.startswith("Download checkpoint") for b in at.get("download_button"))
    assert at.text_input(key="capstone.talk.prompt").value == "ROMEO:\n"
    at.button(key="capstone.talk.generate").click().run()
    assert not at.exception, at.exception
    assert any(c.value.startswith("ROMEO:\n") and len(c.value) > 100 for c in at.code)


def test_a_refused_checkpoint_is_explained(capstone_app):
    # AppTest cannot drive a file uploader; put the refusal where the uploader's handler puts it
    at = capstone_app
    at.session_state["capstone.ckpt.error"] = "upload junk.safetensors: not a checkpoint"
    at.run()
    assert not at.exception
    assert "refused" in at.error[0].value
