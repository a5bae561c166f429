"""Chapter 11 — ReLU with a movable point and its slope: 1 to the right of 0, 0 to the left."""
from components.figures import _controls as c
from components.figures._plot import GREEN, beside, curve_with_tangent, fmt, readout, show, vec

_XS = [-4.0, 0.0, 4.0]
_YS = [0.0, 0.0, 4.0]


def render(values: dict, *, key: str) -> None:
    incoming = values.get("x")
    entries = incoming if isinstance(incoming, list) else None
    first = entries[0] if entries else incoming
    x = c.slider(f"{key}.x", "x", first, 1.5, -4.0, 4.0, 0.1)
    y = max(0.0, x)
    slope = 1.0 if x > 0 else 0.0  # at exactly 0 we use 0, as PyTorch does
    fig = curve_with_tangent(_XS, _YS, x, y, slope, name="ReLU(x) = max(0, x)", half_width=1.2,
                             title=f"ReLU({fmt(x, 2)}) = {fmt(y, 2)}, slope {fmt(slope)}")
    if entries:
        fig.add_scatter(x=entries, y=[max(0.0, e) for e in entries], mode="markers", name="your x",
                        marker=dict(color=GREEN, size=9, symbol="diamond"))
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    rows = [("x", fmt(x, 2)), ("ReLU(x) = max(0, x)", f"**{fmt(y, 2)}**"),
            ("slope", f"{fmt(slope)} ({'on: gradient passes' if slope else 'off: gradient stops'})")]
    if entries:
        rows += [("your x", vec(entries)), ("ReLU of each", vec([max(0.0, e) for e in entries])),
                 ("slopes", vec([1.0 if e > 0 else 0.0 for e in entries]))]
    readout(rows, container=right)
