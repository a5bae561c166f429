"""Figure controls that follow the plug-in panel and keep their value across reruns.

Every control's state lives under the figure's key. Before a widget is drawn, `_seed` decides its
value: a value the learner just plugged in wins (the figure follows the panel); otherwise the
widget keeps what it had, even after a visit to another page (Streamlit drops the state of
widgets it did not draw, so a plain copy under ``<widget key>.keep`` brings it back).
"""
from __future__ import annotations

import streamlit as st

from components.figures._plot import sub


def row(spec, *, container=st):
    """Columns for a row of controls: they stay side by side on a phone (no stacking)."""
    return container.columns(spec, gap="small", wrap=False)


def _seed(wkey: str, incoming, default) -> None:
    ss = st.session_state
    seen = f"{wkey}.seen"
    if incoming is not None and ss.get(seen) != incoming:
        ss[wkey] = incoming
    elif wkey not in ss:
        ss[wkey] = ss.get(f"{wkey}.keep", default)
    ss[seen] = incoming


def _keep(wkey: str, value):
    st.session_state[f"{wkey}.keep"] = value
    return value


def number(wkey: str, label: str, incoming: float | None, default: float, *, step: float = 0.5,
           container=st, **kw) -> float:
    """A number input seeded from the plug-in value (or the default)."""
    _seed(wkey, None if incoming is None else float(incoming), float(default))
    return _keep(wkey, float(container.number_input(label, key=wkey, step=step, format="%g", **kw)))


def slider(wkey: str, label: str, incoming: float | None, default: float, lo: float, hi: float,
           step: float, *, container=st, **kw) -> float:
    """A slider; a plugged-in value outside its range is clamped to the nearest end."""
    if incoming is not None:
        incoming = min(max(float(incoming), lo), hi)
    _seed(wkey, incoming, float(default))
    value = container.slider(label, min_value=float(lo), max_value=float(hi), step=float(step),
                             key=wkey, **kw)
    return _keep(wkey, float(value))


def choice(wkey: str, label: str, options: list, default, *, container=st, **kw):
    """A select box over ``options`` (no plug-in value: the figure's own knob). With one option
    there is nothing to choose: no select box is drawn, and that option is returned."""
    if len(options) == 1:
        return options[0]
    if st.session_state.get(wkey) not in options:
        st.session_state[wkey] = st.session_state.get(f"{wkey}.keep", default)
        if st.session_state[wkey] not in options:
            st.session_state[wkey] = default
    return _keep(wkey, container.selectbox(label, options, key=wkey, **kw))


def toggle(wkey: str, label: str, default: bool, *, container=st) -> bool:
    _seed(wkey, None, bool(default))
    return _keep(wkey, bool(container.toggle(label, key=wkey)))


def fits(value, shape: tuple[int, ...]) -> bool:
    """True if ``value`` (a float, a list or a list of lists) has exactly ``shape``."""
    if not shape:
        return isinstance(value, (int, float))
    if not isinstance(value, (list, tuple)) or len(value) != shape[0]:
        return False
    return all(fits(v, shape[1:]) for v in value)


def fitting(value, shape: tuple[int, ...], label: str):
    """``value`` if it has ``shape``; otherwise None, with a caption saying why it is not drawn."""
    if value is None or fits(value, shape):
        return value
    want = "×".join(map(str, shape)) if len(shape) > 1 else f"{shape[0]}-entry"
    st.caption(f"The figure draws a {want} {label}; the {label} you plugged in has another shape, "
               "so the figure keeps its own.")
    return None


def vectors(specs, *, step: float = 0.5) -> list[list[float]]:
    """Several vectors' entries as number inputs in one flat row (no nested columns, so they
    still fit a phone). ``specs``: (widget key, label, plugged-in value or None, default)."""
    fitted = [(wkey, label, fitting(incoming, (len(default),), label), default)
              for wkey, label, incoming, default in specs]
    cols = iter(row(sum(len(d) for *_, d in fitted)))
    return [[number(f"{wkey}.{i}", f"{label}{sub(i + 1)}", None if incoming is None else incoming[i],
                    default[i], step=step, container=next(cols)) for i in range(len(default))]
            for wkey, label, incoming, default in fitted]


def vector(wkey: str, label: str, incoming, default: list[float], *, step: float = 0.5) -> list[float]:
    """One vector's entries as number inputs side by side."""
    return vectors([(wkey, label, incoming, default)], step=step)[0]


def matrix(wkey: str, label: str, incoming, default: list[list[float]], *, step: float = 0.5
           ) -> list[list[float]]:
    """A grid of number inputs for a small matrix (row by row)."""
    r, c = len(default), len(default[0])
    incoming = fitting(incoming, (r, c), label)
    st.markdown(f"**{label}**")
    out = []
    for i in range(r):
        cols = row(c)
        out.append([number(f"{wkey}.{i}{j}", f"{label}{sub(i + 1)}{sub(j + 1)}",
                           None if incoming is None else incoming[i][j], default[i][j], step=step,
                           container=cols[j]) for j in range(c)])
    return out

