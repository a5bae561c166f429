// A curve with a point on it and the tangent there (the tangent, sigmoid and ReLU figures).
//
// The server sends the curve sampled at every step of the figure's x slider (x, f(x) and the
// slope at each), so a drag snaps to the nearest sample and the live label shows exactly the
// numbers the readout table will show after the drop: nothing is worked out again here.
// Only the drop goes to the server: flSend "drop" {x}.

const CW = 420, CH = 300, CL = 46, CR = 14, CT = 34, CB = 54;
const BLUE = "#2563eb", ORANGE = "#ea580c", GREEN = "#16a34a";

function curveBuild(root) {
  const svg = flSvg("svg", { viewBox: `0 0 ${CW} ${CH}`, role: "img" }, root);
  const fl = { svg, d: null, i: 0, dragging: false };
  fl.grid = flSvg("g", { class: "fl-grid" }, svg);
  fl.axes = flSvg("g", { class: "fl-axis" }, svg);
  fl.ticks = flSvg("g", {}, svg);
  fl.bg = flSvg("rect", { x: CL, y: CT, width: CW - CL - CR, height: CH - CT - CB, fill: "transparent",
                          class: "fl-plot" }, svg);
  fl.curve = flSvg("polyline", { fill: "none", stroke: BLUE, "stroke-width": 3, "stroke-linejoin": "round",
                                 "pointer-events": "none" }, svg);
  fl.marks = flSvg("g", { "pointer-events": "none" }, svg);
  fl.tangent = flSvg("line", { stroke: ORANGE, "stroke-width": 2.5, "stroke-dasharray": "7 5",
                               "pointer-events": "none" }, svg);
  fl.handle = flSvg("g", { "data-fl-drag": "point", "aria-label": "drag the point along the curve" }, svg);
  flSvg("circle", { r: 22, fill: "transparent", class: "fl-hit" }, fl.handle);
  flSvg("circle", { r: 7, fill: ORANGE, stroke: "var(--st-background-color, #fff)", "stroke-width": 2,
                    class: "fl-dot" }, fl.handle);
  fl.label = flSvg("text", { x: CL, y: 18, class: "fl-title fl-live" }, svg);
  fl.legend = flSvg("g", { class: "fl-legend" }, svg);

  const drag = {
    onStart: (pt) => { fl.dragging = !!fl.d; curveMoveTo(fl, pt); },
    onMove: (pt) => curveMoveTo(fl, pt),
    onEnd: () => {
      fl.dragging = false;
      if (fl.d && fl.i !== fl.sentI) {
        fl.sentI = fl.i;
        flSend(fl.setStateValue, "drop", { x: fl.d.xs[fl.i] });
      }
    },
  };
  flDrag(svg, fl.handle, drag);
  flDrag(svg, fl.bg, drag);            // a press anywhere on the plot takes the point there
  return fl;
}

function curveScale(fl) {
  const { x0, x1, y0, y1 } = fl.d.range;
  fl.X = (x) => CL + (x - x0) / (x1 - x0) * (CW - CL - CR);
  fl.Y = (y) => CT + (y1 - y) / (y1 - y0) * (CH - CT - CB);
  fl.toX = (px) => x0 + (px - CL) / (CW - CL - CR) * (x1 - x0);
}

// A tick step of 1, 2 or 5 times a power of ten, giving about `n` ticks over `span`.
function curveTickStep(span, n) {
  const raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw;
}

// Grid, axes, ticks, the curve and the legend: drawn again only when the server's data change.
function curveDraw(fl) {
  const d = fl.d, { x0, x1, y0, y1 } = d.range;
  for (const g of [fl.grid, fl.axes, fl.ticks, fl.marks, fl.legend]) g.replaceChildren();
  const sx = curveTickStep(x1 - x0, 8), sy = curveTickStep(y1 - y0, 6);
  for (let t = Math.ceil(x0 / sx) * sx; t <= x1 + 1e-9; t += sx) {
    const v = Math.round(t * 1e6) / 1e6;
    flSvg("line", { x1: fl.X(v), y1: CT, x2: fl.X(v), y2: CH - CB }, v === 0 ? fl.axes : fl.grid);
    flSvg("text", { x: fl.X(v), y: CH - CB + 15, "text-anchor": "middle", class: "fl-tick" }, fl.ticks)
      .textContent = flFmt(v);
  }
  for (let t = Math.ceil(y0 / sy) * sy; t <= y1 + 1e-9; t += sy) {
    const v = Math.round(t * 1e6) / 1e6;
    flSvg("line", { x1: CL, y1: fl.Y(v), x2: CW - CR, y2: fl.Y(v) }, v === 0 ? fl.axes : fl.grid);
    flSvg("text", { x: CL - 6, y: fl.Y(v) + 4, "text-anchor": "end", class: "fl-tick" }, fl.ticks)
      .textContent = flFmt(v);
  }
  fl.curve.setAttribute("points", d.xs.map((x, k) => `${fl.X(x).toFixed(1)},${fl.Y(d.ys[k]).toFixed(1)}`).join(" "));
  for (const [x, y] of d.marks || [])
    flSvg("path", { d: `M${fl.X(x)},${fl.Y(y) - 6} l6,6 l-6,6 l-6,-6 z`, fill: GREEN }, fl.marks);
  const items = [["line", BLUE, d.name], ["dash", ORANGE, "tangent"], ["dot", ORANGE, "the point: drag it"]];
  if ((d.marks || []).length) items.push(["mark", GREEN, d.marks_name || "yours"]);
  let x = CL, y = CH - 22;
  for (const [kind, color, text] of items) {
    const width = 37 + text.length * 6.6;
    if (x > CL && x + width > CW - CR) { x = CL; y += 18; }   // a narrow legend wraps

    if (kind === "dot") flSvg("circle", { cx: x + 9, cy: y - 4, r: 5, fill: color }, fl.legend);
    else if (kind === "mark") flSvg("path", { d: `M${x + 9},${y - 10} l6,6 l-6,6 l-6,-6 z`, fill: color }, fl.legend);
    else flSvg("line", { x1: x, y1: y - 4, x2: x + 18, y2: y - 4, stroke: color, "stroke-width": kind === "line" ? 3 : 2.5,
                         "stroke-dasharray": kind === "dash" ? "5 3" : null }, fl.legend);
    const label = flSvg("text", { x: x + 23, y }, fl.legend);
    label.textContent = text;
    x += 23 + (label.getComputedTextLength() || text.length * 6.6) + 14;
  }
  fl.svg.setAttribute("viewBox", `0 0 ${CW} ${y + 10}`);
}

// Where the point is now (sample i): the handle, the tangent and the live label.
function curveShow(fl, i) {
  const d = fl.d, x = d.xs[i], y = d.ys[i], s = d.slopes[i], { x0, x1, y0, y1 } = d.range;
  fl.i = i;
  fl.handle.setAttribute("transform", `translate(${fl.X(x)},${fl.Y(y)})`);
  // the tangent over x ± half, cut where it leaves the plot
  let a = Math.max(x0, x - d.half), b = Math.min(x1, x + d.half);
  if (s !== 0) {
    const ya = (yy) => x + (yy - y) / s;
    const [lo, hi] = s > 0 ? [ya(y0), ya(y1)] : [ya(y1), ya(y0)];
    a = Math.max(a, lo); b = Math.min(b, hi);
  }
  const line = (u) => y + s * (u - x);
  fl.tangent.setAttribute("x1", fl.X(a)); fl.tangent.setAttribute("y1", fl.Y(line(a)));
  fl.tangent.setAttribute("x2", fl.X(b)); fl.tangent.setAttribute("y2", fl.Y(line(b)));
  const [nx, ny, ns] = d.labels, [dx, dy, ds] = d.digits;
  fl.label.textContent = `${nx} = ${flFmt(x, dx)} · ${ny} = ${flFmt(y, dy)} · ${ns} = ${flFmt(s, ds)}`;
}

function curveMoveTo(fl, pt) {
  const d = fl.d;
  if (!d) return;
  const x = flClamp(fl.toX(pt.x), d.range.x0, d.range.x1);
  const i = flClamp(Math.round((x - d.xs[0]) / d.step), 0, d.xs.length - 1);
  if (i !== fl.i) curveShow(fl, i);
}

function curveValid(d) {
  return d && Array.isArray(d.xs) && d.xs.length > 1 && d.ys && d.slopes && d.range;
}

export default function ({ parentElement, data, setStateValue }) {
  const root = parentElement.querySelector(".fl-touch");
  if (!root.__fl) root.__fl = curveBuild(root);
  const fl = root.__fl;
  fl.setStateValue = setStateValue;
  if (!curveValid(data)) return;
  const same = fl.d && JSON.stringify(fl.d.range) === JSON.stringify(data.range) && fl.d.xs.length === data.xs.length
    && fl.d.name === data.name && JSON.stringify(fl.d.marks) === JSON.stringify(data.marks);
  fl.d = data;
  fl.sentI = data.i;
  fl.svg.setAttribute("aria-label", `${data.name}: a point on the curve and its tangent; drag the point`);
  curveScale(fl);
  if (!same) curveDraw(fl);
  if (!fl.dragging) curveShow(fl, flClamp(data.i | 0, 0, data.xs.length - 1));
}
