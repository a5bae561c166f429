"""The capstone page: start a short run, watch it, stop it; the page never blocks.
Where a full run would be slow, a finished job is put in the page's registry instead."""
import gc
import json
import time
from pathlib import Path

import pytest
import torch

from capstone.checkpoint import save_checkpoint
from capstone.inspect import softmax_rows
from capstone.job import JobRegistry, TrainingJob
from capstone.model import GPT, GPTConfig
from capstone.prepare import Vocab
from capstone.presets import make_config
from capstone.train import seed_from_text
from components.capstone.watch import describe_left, time_left
from tests.app.outline import skipped_levels

CAPSTONE = Path(__file__).resolve().parents[2] / "capstone"


@pytest.fixture
def capstone_app(app):
    app.switch_page("app_pages/capstone.py").run()
    assert not app.exception, app.exception
    yield app
    # stop whatever this test started (threads an app starts keep running), forget injected jobs
    for reg in _registries():
        reg.stop_all(wait=30)
        reg.remove(app.session_state["user"])


def _registries():
    # type(), not isinstance(): isinstance reads each object's __class__, and one of torch's
    # deprecated objects warns when that is read
    return [o for o in gc.get_objects() if type(o) is JobRegistry]


def _figure(at, index=0):
    return json.loads(at.get("plotly_chart")[index].proto.spec)


SAMPLES = [(200, "Thee ane the wo"), (400, "KING:\nWhat the lord"), (600, "ROMEO:\nI will not sleep")]


@pytest.fixture
def finished_run(capstone_app):
    """A finished default run of 600 steps, as the job would hold it, with a random model's weights."""
    at = capstone_app
    data_vocab = Vocab(list("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    model = GPT(GPTConfig(vocab_size=len(data_vocab)), generator=torch.Generator().manual_seed(1))
    job = TrainingJob(make_config("default", max_iters=600), None, learner_id=at.session_state["user"])
    job._state.update(status="finished", step=600, elapsed_s=42.0, tokens_per_s=30_000.0,
                      started_at=time.time() - 50, ended_at=time.time() - 8, device={"name": "CPU"},
                      history=[(0, 4.2, 4.2), (250, 2.6, 2.7), (500, 2.2, 2.3), (600, 2.1, 2.2)],
                      samples=list(SAMPLES))
    job._ckpt = save_checkpoint(model, data_vocab)
    (registry,) = _registries()
    registry._jobs[at.session_state["user"]] = job
    at.run()
    assert not at.exception, at.exception
    return at, model, data_vocab


def test_before_the_first_evaluation_the_page_says_so_on_a_chart_from_0_to_5(capstone_app):
    """A running job whose step-0 evaluation has not come in yet (a busy machine can hold it
    back a while): the page says what it is waiting for, and the empty chart sits on the
    scale the first points will land on, not Plotly's default of -1 to 4."""
    at = capstone_app
    job = TrainingJob(make_config("default", max_iters=600), None, learner_id=at.session_state["user"])
    job._state.update(status="running", step=0, elapsed_s=3.0, tokens_per_s=0.0,
                      started_at=time.time() - 3, device={"name": "CPU"}, history=[])
    (registry,) = _registries()
    registry._jobs[at.session_state["user"]] = job
    at.run()
    assert not at.exception, at.exception
    assert any("Measuring the untrained model's loss" in c.value for c in at.caption)
    layout = _figure(at)["layout"]
    assert layout["yaxis"]["range"] == [0, 5]
    assert layout["annotations"][0]["text"] == "the curves start at the first evaluation"
    job._state.update(status="stopped")        # nothing to stop: no process was started


def test_the_time_left_reads_estimating_until_the_pace_is_measured_long_enough(capstone_app):
    at = capstone_app
    job = TrainingJob(make_config("default", max_iters=600), None, learner_id=at.session_state["user"])
    job._state.update(status="running", step=40, elapsed_s=12.0, tokens_per_s=9000.0,
                      started_at=time.time() - 12, device={"name": "CPU"},
                      history=[(0, 4.2, 4.2)], eta_s=200.0, eta_steady=False)
    job._eta_at = (200.0, time.time())
    (registry,) = _registries()
    registry._jobs[at.session_state["user"]] = job
    at.run()
    text = [p.proto.text for p in at.get("progress")][0]
    assert "estimating the time left…" in text and "min left" not in text, text
    job._state["eta_steady"] = True
    at.run()
    text = [p.proto.text for p in at.get("progress")][0]
    assert "about 3 min left" in text, text
    job._state.update(status="stopped")


def test_capstone_page_renders_its_five_parts(capstone_app):
    at = capstone_app
    assert [s.value for s in at.header] == [
        "1 · Press start", "2 · Watch it learn", "3 · Your checkpoint", "4 · Make it talk", "5 · The credits"]
    assert skipped_levels(at) == []                 # H1, then H2 for each part
    assert any("65 characters in the vocabulary" in c.value for c in at.caption)
    from capstone.job import MAX_STEPS               # the slider offers no more than a run may take
    steps = next(s for s in at.slider if s.label == "Training steps")
    assert steps.max == MAX_STEPS == 5000
    # the credits: the learning engine first, with its own line count, then the plumbing
    engine = ["prepare.py", "model.py", "optim.py", "train.py", "sample.py"]
    lines = {f.name: len(f.read_text(encoding="utf-8").splitlines()) for f in CAPSTONE.glob("*.py")}
    files = [e.label.split("`")[1].removeprefix("capstone/") for e in at.expander if e.label.startswith("`capstone/")]
    assert files[:5] == engine and sorted(files[5:]) == sorted(set(lines) - set(engine))
    assert "inspect.py" in files[5:] and "job.py" in files[5:]
    heads = [m.value for m in at.markdown if m.value.startswith("**The ")]
    assert heads[0].startswith(f"**The learning engine: {sum(lines[n] for n in engine):,} lines** of Python in 5 files")
    assert heads[1].startswith(f"**The plumbing: {sum(lines[n] for n in lines if n not in engine):,} lines**")


def test_the_seed_is_text_and_the_page_shows_the_integer(capstone_app):
    at = capstone_app
    assert at.text_input(key="capstone.run.seed").value == "1337"
    assert any("Seed used: **1337**" in c.value for c in at.caption)
    at.text_input(key="capstone.run.seed").input("to be or not to be").run()
    assert not at.exception, at.exception
    seed = seed_from_text("to be or not to be")
    assert any(f"Seed used: **{seed}**" in c.value for c in at.caption)
    assert seed == seed_from_text(" to be or not to be ") != seed_from_text("to be or not to be?")
    assert seed >= 0 and seed_from_text("42") == 42


def test_time_left_uses_the_jobs_estimate_else_the_pace_so_far():
    snap = {"status": "running", "step": 250, "total_steps": 1000, "elapsed_s": 60.0}
    assert time_left(snap) == pytest.approx(180.0)                # 60 s for 250 steps, 750 to go
    assert time_left({**snap, "eta_s": 30.0}) == 30.0
    assert time_left({**snap, "step": 0}) is None and time_left({**snap, "status": "finished"}) is None
    assert describe_left(180.0) == "about 3 min left" and describe_left(20) == "under a minute left"
    assert describe_left(2 * 3600 + 5 * 60) == "about 2 h 05 min left"


def test_scrub_through_every_sample_of_a_finished_run(finished_run):
    at, _, _ = finished_run
    job = _registries()[0].get(at.session_state["user"])
    slider = at.select_slider(key="capstone.watch.sample_step")
    assert slider.options == ["200", "400", "600"] and slider.value == 600      # the newest by default
    assert any(c.value == "ROMEO:\nI will not sleep" for c in at.code)
    assert "step 600 / 600" in at.get("progress")[0].proto.text
    # the page keeps every sample it has seen (a job that reattaches may hold fewer), and follows the newest
    job._state["samples"] = [(800, "KING RICHARD III:\nNow is")]
    at.run()
    assert at.select_slider(key="capstone.watch.sample_step").options == ["200", "400", "600", "800"]
    assert at.select_slider(key="capstone.watch.sample_step").value == 800
    at.select_slider(key="capstone.watch.sample_step").set_value(200).run()
    assert not at.exception, at.exception
    assert any(c.value == "Thee ane the wo" for c in at.code)
    assert any(c.value == "Sample at step 200" for c in at.caption)
    job._state["samples"].append((1000, "GLOUCESTER:\nthe winter"))
    at.run()
    assert at.select_slider(key="capstone.watch.sample_step").value == 200       # the learner's pick stays
    assert any(c.value == "Thee ane the wo" for c in at.code)


def test_a_new_run_draws_the_earlier_one_behind_it(finished_run):
    at, _, _ = finished_run
    assert len(_figure(at)["data"]) == 2
    at.selectbox(key="capstone.run.preset").set_value("batch_1").run()
    at.slider(key="capstone.run.steps.batch_1").set_value(50).run()
    at.button(key="capstone.run.start").click().run()
    assert not at.exception, at.exception
    assert at.session_state["capstone.watch.previous"]["title"] == "Default"
    traces = _figure(at)["data"]
    earlier = [t for t in traces if "(earlier run)" in t["name"]]
    assert [t["name"] for t in earlier] == ["train · Default (earlier run)", "validation · Default (earlier run)"]
    assert earlier[0]["y"] == [4.2, 2.6, 2.2, 2.1] and all(t["opacity"] <= 0.5 for t in earlier)
    # the step axis spans the longer of the two runs from the start
    span = max(50, *earlier[0]["x"])
    assert _figure(at)["layout"]["xaxis"]["range"] == [-0.02 * span, 1.02 * span]
    assert any("the earlier run (Default)" in c.value for c in at.caption)
    assert any("What to look for:** Each step sees a single sequence" in c.value for c in at.caption)


def test_the_softmax_table_and_the_attention_map(finished_run):
    at, model, vocab = finished_run
    # the bars are a softmax: the table shows the model's logits, z / T and softmax(z / T)
    at.slider(key="capstone.talk.temperature").set_value(0.5).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    expected = softmax_rows(model, vocab, "ROMEO:\n", 0.5, top=8)
    assert list(table.columns) == ["character", "logit z", "z / T (T = 0.5)", "probability"]
    assert list(table["probability"]) == [round(r["prob"], 4) for r in expected]
    assert list(table["z / T (T = 0.5)"]) == [round(r["logit"] / 0.5, 3) for r in expected]
    links = {e.proto.page: e.proto.label for e in at.get("page_link")}
    assert links["softmax"].startswith("Chapter 12 · Softmax") and links["attention"].startswith("Chapter 17")
    # the attention map: one row per prompt character, each adding up to 1, nothing above the diagonal
    at.selectbox(key="capstone.talk.look.layer").set_value(3).run()
    at.selectbox(key="capstone.talk.look.head").set_value(2).run()
    assert not at.exception, at.exception
    heat = next(t for f in range(len(at.get("plotly_chart"))) for t in _figure(at, f)["data"] if t["type"] == "heatmap")
    z = heat["z"]
    assert len(z) == len("ROMEO:\n") and all(abs(sum(v for v in row if v is not None) - 1) < 1e-5 for row in z)
    assert all(v is None for t, row in enumerate(z) for v in row[t + 1:])
    fig = next(_figure(at, f) for f in range(len(at.get("plotly_chart"))) if _figure(at, f)["data"][0]["type"] == "heatmap")
    assert fig["layout"]["xaxis"]["ticktext"] == ["R", "O", "M", "E", "O", ":", "⏎"]


def test_an_empty_prompt_writes_from_a_new_line_and_greedy_shows_a_dash(finished_run):
    at, model, vocab = finished_run
    def romeo():
        return [c.value for c in at.code if c.value.startswith("ROMEO:\n")]

    at.button(key="capstone.talk.generate").click().run()
    with_romeo = romeo()                       # the newest sample, and the text written now
    assert any(len(t) >= 300 for t in with_romeo)
    at.text_input(key="capstone.talk.prompt").input("").run()
    assert not at.exception, at.exception
    assert any("starts from a new line" in c.value for c in at.caption)
    assert len(romeo()) == len(with_romeo) - 1          # the old prompt's text is gone
    before = {c.value for c in at.code}
    at.button(key="capstone.talk.generate").click().run()
    assert not at.exception, at.exception
    written = [c.value for c in at.code if c.value not in before]
    assert len(written) == 1 and len(written[0]) == 300, written
    at.slider(key="capstone.talk.temperature").set_value(0.0).run()
    assert at.dataframe[0].proto.placeholder == "—"          # no z / T at T = 0: a dash, not None


def test_start_watch_and_stop_a_run(capstone_app):
    at = capstone_app
    at.slider(key="capstone.run.steps.default").set_value(5000)
    at.text_input(key="capstone.run.seed").input("hello")
    at.button(key="capstone.run.start").click().run()
    assert not at.exception, at.exception
    (registry,) = _registries()
    assert registry.get(at.session_state["user"]).cfg.seed == seed_from_text("hello")
    assert at.button(key="capstone.run.start").disabled and not at.button(key="capstone.run.stop").disabled
    deadline = time.time() + 600          # generous: a busy 2-core machine can be slow to start
    while time.time() < deadline:
        time.sleep(1)
        at.run()
        text = [p.proto.text for p in at.get("progress")][0]
        if not text.startswith("step 0 /") and "estimating" not in text:
            break
    assert "/ 5,000" in text and not text.startswith("step 0 /"), text
    assert " min left · " in text or "under a minute left" in text or " h " in text, text
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
