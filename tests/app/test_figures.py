"""Every chapter's figure: move one of its controls (or click it), and the numbers shown and the
Plotly figure both follow. Then the contract with the plug-in panel: the figure's controls follow
plugged-in values and keep the learner's own moves otherwise."""
import json

import pytest
from streamlit.testing.v1 import AppTest

from core.content import load_chapters

CHAPTERS = {c.slug: c for c in load_chapters()}


def _readout(at) -> str:
    return "\n".join(m.value for m in at.markdown if "| quantity | value |" in m.value)


def _figs(at) -> list[dict]:
    """The Plotly figures' JSON, then each touchable figure's data as {"data": ...}."""
    return ([json.loads(p.proto.spec) for p in at.get("plotly_chart")]
            + [{"data": json.loads(p.proto.json)} for p in at.get("bidi_component") if p.proto.json])


def _trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def _select(at, key, curve, index, **extra):
    at.session_state[key] = {"selection": {"points": [{"curve_number": curve, "point_number": index,
                                                       "point_index": index, **extra}],
                                           "point_indices": [index], "box": [], "lasso": []}}
    return at.run()


def _drop(at, key, value):
    """A drop on the figure's touchable plane, as the browser sends it (components v2 state)."""
    at.session_state[f"{key}.plane"] = {"drop": {**value, "seq": "t1"}}
    return at.run()


def _plane(figs) -> dict:
    """The data the touchable plane was drawn with (its `kind`, range `r` and vectors)."""
    return next(f["data"] for f in figs if isinstance(f.get("data"), dict) and "kind" in f["data"])


def _map_drop(at, key, value):
    """A drop on the figure's touchable linear map (chapters 6, 8, 9), as the browser sends it."""
    at.session_state[f"{key}.touch"] = {"drop": {**value, "seq": "t1"}}
    return at.run()


def _drops(at, key, *values):
    """Drops on a touchable curve or bowl, one rerun each, as the browser sends them."""
    for n, value in enumerate(values):
        at.session_state[key] = {"drop": {**value, "seq": f"t{n}"} if isinstance(value, dict) else value}
        at.run()
    return at


def _touched(figs, field) -> dict:
    return next(f["data"] for f in figs if isinstance(f.get("data"), dict) and field in f["data"])


def _at_point(figs) -> tuple:
    """(x, f(x), slope) where a touchable curve's point is drawn."""
    d = _touched(figs, "slopes")
    return d["xs"][d["i"]], d["ys"][d["i"]], d["slopes"][d["i"]]


_bowl = lambda figs: _touched(figs, "path")


# slug → (what the learner does, what the readout must then say, a check on the figure JSON)
CASES = {
    # the vector figures (chapters 1–5) are touchable planes: a drop injected as the browser sends it
    "vectors": (lambda at, k: _drop(at, k, {"w": [2, -1]}), "**[6, 1]**",
                lambda f: _plane(f)["w"] == [2, -1]),
    "vector_norm": (lambda at, k: _drop(at, k, {"v": [1.5, 2]}), "**2.5**",
                    lambda f: _plane(f)["v"] == [1.5, 2] and _plane(f)["r"] == 3),
    "unit_vector": (lambda at, k: _drop(at, k, {"v": [0, -2]}), "**[0, −1]**",
                    lambda f: _plane(f)["v"] == [0, -2]),
    "dot_product": (lambda at, k: _drop(at, k, {"b": [-3, 1]}), "**−8**",
                    lambda f: _plane(f)["kind"] == "dot" and _plane(f)["b"] == [-3, 1]),
    "cosine_similarity": (lambda at, k: _drop(at, k, {"word": "king"}), "| 1. king | 1 |",
                          lambda f: _plane(f)["a"] == [4.6, 1.0]),
    # the matrix figures (chapters 6, 8, 9) are the touchable linear map: a drop as the browser sends it
    "matrix_vector": (lambda at, k: _map_drop(at, k, {"x": [0, 1]}), "**[1, 1]**",
                      lambda f: _plane(f)["kind"] == "matvec" and _plane(f)["x"] == [0, 1]),
    # 2×2 matrices plugged in (the lower figure draws them), then C₂₂ tapped in the top figure
    # (a touchable piece: its state injected as the browser would send it)
    "matrix_multiplication": (lambda at, k: (
        at.text_input(key="matrix_multiplication.plug_in.A").input("[[1, 2], [3, 4]]").run(),
        at.text_input(key="matrix_multiplication.plug_in.B").input("[[0, 1], [1, 2]]").run(),
        at.session_state.__setitem__(f"{k}.cells", {"pick": {"row": 2, "col": 2, "seq": "t1"}}),
        at.run()), "| C₂₂ | 3·1 + 4·2 = **11** |",
        lambda f: _trace(f[0], "after B then A = A·B")["x"] == [0, 2, 7, 5, 0]),
    "determinant": (lambda at, k: _map_drop(at, k, {"A": [[2, -1], [1, -0.5]]}),
                    "| area factor \\|det A\\| | 0 |", lambda f: _plane(f)["A"] == [[2, -1], [1, -0.5]]),
    "eigenvalues": (lambda at, k: _map_drop(at, k, {"phi": 44.6}), "A·u = λ·u with λ | **3**",
                    lambda f: _plane(f)["kind"] == "eigen" and _plane(f)["phi"] == 45),
    # the curves (chapters 10, 11, 16) and the bowl (15) are touchable: drops as the browser sends
    # them, the last of each list malformed or out of range (untrusted: ignored or clamped)
    "sigmoid": (lambda at, k: _drops(at, f"{k}.touch", {"x": 0.04}, {"x": float("nan")}, {"x": "1"}), "**0.5**",
                lambda f: _at_point(f) == (0, 0.5, 0.25)),
    "relu": (lambda at, k: _drops(at, f"{k}.touch", {"x": -9e9}, {"x": -3.04}, {"x": True}, "junk"),
             "0 (off: gradient stops)", lambda f: _at_point(f) == (-3, 0, 0)),
    "softmax": (lambda at, k: at.slider(key=f"{k}.tau").set_value(0.1).run(), "**z₁** (p = 1)",
                lambda f: f[0]["data"][0]["y"][0] > 0.999 and abs(sum(f[0]["data"][0]["y"]) - 1) < 1e-9),
    "mean_squared_error": (lambda at, k: (at.selectbox(key=f"{k}.source").select("the line ŷ = m·x + c").run(),
                                          at.slider(key=f"{k}.m").set_value(1.0).run(),
                                          at.slider(key=f"{k}.c").set_value(0.0).run()), "**4.667**",
                           lambda f: _trace(f[0], "ŷ")["y"] == [1, 2, 3]),
    "cross_entropy": (lambda at, k: (at.selectbox(key=f"{k}.true").select("cat").run(),
                                     at.slider(key=f"{k}.p").set_value(0.5).run()), "**0.693**",
                      lambda f: f[1]["data"][0]["y"][0] == pytest.approx(-0.5)),
    "gradient_descent": (lambda at, k: (_drops(at, f"{k}.bowl", {"theta0": -2.04}, {"t": 99}, {"theta0": 1e309}),
                                        at.slider(key=f"{k}.eta").set_value(1.0).run()), "**diverging",
                         lambda f: _bowl(f)["path"][0] == -2 and _bowl(f)["t"] == 30 and _bowl(f)["diverging"]),
    "chain_rule": (lambda at, k: (at.number_input(key=f"{k}.w").set_value(1.0).run(),
                                  _drops(at, f"{k}.tangent", {"x": -1.01})), "| 0.881 |",
                   lambda f: "∂L/∂w = −0.05" in f[0]["layout"]["title"]["text"]
                   and _at_point(f) == (-1, 0.25, -0.5)),
    "attention": (lambda at, k: at.toggle(key=f"{k}.scaled").set_value(False).run(), "| [2, 0, 2] |",
                  lambda f: f[0]["layout"]["annotations"][3]["text"] == "scores QKᵀ"),
}


def test_every_chapter_has_a_case():
    assert set(CASES) == set(CHAPTERS)


@pytest.mark.parametrize("slug", list(CASES))
def test_figure_follows_its_control(app, slug):
    at, chapter = app, CHAPTERS[slug]
    at.switch_page(chapter.page_file).run()
    assert not at.exception, at.exception
    before = _figs(at)
    assert before and all(f["data"] for f in before), "the chapter draws a non-empty figure"
    act, expected, check = CASES[slug]
    act(at, f"{slug}.figure")
    assert not at.exception, at.exception
    assert expected in _readout(at), _readout(at)
    after = _figs(at)
    assert check(after), "the figure follows the control"
    assert after != before


def _panel():
    """The figure as the chapter page calls it, with plugged-in values from session state."""
    import streamlit as st

    from components.figures import figure
    from core.content import chapter_by_slug

    figure(chapter_by_slug(st.session_state["slug"]), st.session_state.get("values", {}), key="p")


def test_controls_follow_plugged_in_values_and_keep_the_learners_own():
    at = AppTest.from_function(_panel, default_timeout=30)
    at.session_state["slug"] = "vectors"
    at.session_state["values"] = {"k": -1.0, "v": [1.0, 1.0]}  # w did not parse: absent
    at.run()
    assert not at.exception, at.exception
    assert at.slider(key="p.figure.k").value == -1
    assert at.number_input(key="p.figure.w.0").value == 1  # the figure's own default
    assert "**[0, 1]**" in _readout(at)  # −1·[1, 1] + [1, 2]

    at.slider(key="p.figure.k").set_value(2.0).run()  # the learner moves the figure
    at.run()  # an unrelated rerun with the same values keeps the learner's move
    assert at.slider(key="p.figure.k").value == 2
    assert "**[3, 4]**" in _readout(at)

    at.session_state["values"] = {"k": 0.5, "v": [1.0, 1.0], "w": [0.0, 0.0]}  # a new value plugged in
    at.run()
    assert at.slider(key="p.figure.k").value == 0.5
    assert at.number_input(key="p.figure.w.0").value == 0
    assert "**[0.5, 0.5]**" in _readout(at)

    at.session_state["values"] = {"v": [1.0, 2.0, 3.0]}  # a vector the 2-D figure cannot draw
    at.run()
    assert not at.exception
    assert any("draws a 2-entry v;" in c.value for c in at.caption)
    assert at.number_input(key="p.figure.v.0").value == 1  # kept, not reset


def test_sliders_clamp_plugged_in_values_and_shapes_are_checked():
    at = AppTest.from_function(_panel, default_timeout=30)
    at.session_state["slug"] = "gradient_descent"
    at.session_state["values"] = {"theta": 3.0, "eta": 5.0, "grad": 6.0}
    at.run()
    assert not at.exception, at.exception
    assert at.slider(key="p.figure.eta").value == 1.2  # clamped to the slider's end
    assert at.slider(key="p.figure.theta0").value == 3
    at.session_state["slug"] = "matrix_multiplication"
    at.session_state["values"] = {"A": [[1.0, 2.0]], "B": [[1.0, 2.0]]}
    at.run()
    assert not at.exception, at.exception
    assert any("not defined" in c.value for c in at.caption)
    at.session_state["values"] = {"A": [[2.0, 0.0], [0.0, 1.0]], "B": [[1.0, 1.0], [0.0, 1.0]]}
    at.run()
    assert "**[[2, 2], [0, 1]]**" in _readout(at)


def test_a_figure_keeps_its_state_across_pages_and_chapter_8_links_its_video(app):
    at = app
    at.switch_page(CHAPTERS["vectors"].page_file).run()
    at.slider(key="vectors.figure.k").set_value(-1.5).run()
    at.switch_page(CHAPTERS["determinant"].page_file).run()
    assert not at.exception, at.exception
    video = CHAPTERS["determinant"].video
    # a link card, not an embedded player (tests/app/test_offline_media.py says why)
    assert any(f'href="{video.url}"' in m.value and video.title in m.value for m in at.markdown)
    at.switch_page(CHAPTERS["vectors"].page_file).run()
    assert at.slider(key="vectors.figure.k").value == -1.5
    assert "**[−2, 0.5]**" in _readout(at)  # −1.5·[2, 1] + [1, 2]
    assert not any('class="fl-video"' in m.value for m in at.markdown), "only chapters with a video show one"


K0 = [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
V0 = [[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]]


def _attention(values):
    at = AppTest.from_function(_panel, default_timeout=30)
    at.session_state["slug"] = "attention"
    at.session_state["values"] = values
    at.run()
    assert not at.exception, at.exception
    return at


def test_attention_with_one_query_offers_no_dropdown():
    at = _attention({"Q": [[1.0, 0.0, 1.0, 0.0]], "K": K0, "V": V0})
    assert not at.selectbox, "one query: nothing to choose"
    assert "scores for “q1”" in _readout(at)
    at = _attention({})                                   # the figure's own three tokens
    assert at.selectbox(key="p.figure.query").options == ["the", "cat", "sat"]


def test_attention_labels_the_rows_of_v_like_k():
    fig = _figs(_attention({}))[0]
    k, v = fig["data"][1], fig["data"][2]
    assert k["y"] == v["y"] == ["the", "cat", "sat"]
    assert fig["layout"]["yaxis3"].get("showticklabels", True), "V's rows are named"
    assert fig["layout"]["yaxis2"].get("showticklabels", True)


def test_attention_cells_write_big_and_tiny_numbers_compactly():
    from components.figures.attention import cell
    assert [cell(x) for x in (1e6, -2.5e7, 123456, 3e-5, 0.004)] == [
        "1e+06", "−2.5e+07", "1.23e+05", "3e−05", "0.004"]
    assert [cell(x) for x in (0.0, 0.7311, -1.5, 12.345, 1234.6, 99999)] == [
        "0", "0.73", "−1.5", "12.35", "1235", "99999"]
    fig = _figs(_attention({"V": [[1e6, 0.0], [0.0, 1.0], [5.0, 5.0]], "K": K0, "Q": K0}))[0]
    assert fig["data"][2]["text"][0] == ["1e+06", "0"]


def test_attention_reports_every_key_tied_for_the_top_weight():
    tied_keys = [[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]   # "the" and "cat" alike
    at = _attention({"Q": K0, "K": tied_keys, "V": V0})
    assert "| attends most to | **the** and **cat** (a tie) |" in _readout(at)
    at.slider(key="p.figure.gain").set_value(0.0).run()   # Q scaled to zero: every score 0, every key ties
    assert "| attends most to | **the**, **cat** and **sat** (a tie) |" in _readout(at)
    at.slider(key="p.figure.gain").set_value(1.0).run()
    at.selectbox(key="p.figure.query").select("cat").run()
    assert "| attends most to | **sat** |" in _readout(at)          # scores [0, 0, 2]: one winner


def test_a_plane_takes_only_finite_numbers_inside_its_range():
    """What the browser sends is untrusted: a drop is clamped to the drawn range, anything
    malformed is ignored, and the same drop sent again with a later rerun is not applied twice."""
    at = AppTest.from_function(_panel, default_timeout=30)
    at.session_state["slug"] = "dot_product"
    at.run()
    for junk in ("text", {"drop": [1, 2]}, {"drop": {"a": [1, 2]}}, {"drop": {"seq": 7, "a": [1, 2]}},
                 {"drop": {"a": ["1", None], "b": [float("nan"), 1], "seq": "j1"}},
                 {"drop": {"a": [True, 1], "b": [1, 2, 3], "word": "king", "seq": "j2"}}):
        at.session_state["p.figure.plane"] = junk
        at.run()
        assert not at.exception, (junk, at.exception)
        assert "| a | [3, 1] |" in _readout(at) and "| b | [1, 2] |" in _readout(at), junk
    _drop(at, "p.figure", {"a": [1e300, -7.123]})
    assert "| a | [4, −4] |" in _readout(at), _readout(at)      # the drawn range was ±4
    at.number_input(key="p.figure.a.0").set_value(1.0).run()  # the learner types; the old drop stays in state
    assert "| a | [1, −4] |" in _readout(at)
