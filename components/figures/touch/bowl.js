// The loss bowl L(θ) = k·θ² with a ball on it (gradient descent, chapter 15).
//
// A click or a tap anywhere in the plot drops the ball at that θ (the start slider's step), and
// the ball can be dragged along θ: the drop sends "drop" {theta0}. ▶ roll plays the server's
// path here in the browser, the step line and the legend following the ball; when it ends the
// step reached goes to the server, once: "drop" {t}. When the ball leaves the bowl the axes grow
// to hold it, so it is never pinned at an edge.

const BW = 420, BH = 300, BL = 50, BR = 14, BT = 50, BB = 56;
const BBLUE = "#2563eb", BORANGE = "#ea580c", BRED = "#dc2626", BGREY = "#6b7280";

function bowlBuild(root) {
  const svg = flSvg("svg", { viewBox: `0 0 ${BW} ${BH}`, role: "img",
                             "aria-label": "the loss bowl and the ball: click to drop it, or drag it" }, root);
  const fl = { svg, d: null, r: 0, top: 0, rolling: null, dragging: false };
  fl.grid = flSvg("g", { class: "fl-grid" }, svg);
  fl.axes = flSvg("g", { class: "fl-axis" }, svg);
  fl.ticks = flSvg("g", {}, svg);
  fl.bg = flSvg("rect", { x: BL, y: BT, width: BW - BL - BR, height: BH - BT - BB, fill: "transparent",
                          class: "fl-plot", "aria-label": "drop the ball here" }, svg);
  fl.curve = flSvg("path", { fill: "none", stroke: BBLUE, "stroke-width": 3, "pointer-events": "none" }, svg);
  fl.path = flSvg("polyline", { fill: "none", stroke: BGREY, "stroke-width": 1.5, "stroke-dasharray": "2 4",
                                "pointer-events": "none" }, svg);
  fl.steps = flSvg("g", { fill: BGREY, "pointer-events": "none" }, svg);
  fl.ball = flSvg("g", { "data-fl-drag": "ball", "aria-label": "drag the ball along θ" }, svg);
  flSvg("circle", { r: 22, fill: "transparent", class: "fl-hit" }, fl.ball);
  fl.dot = flSvg("circle", { r: 9, fill: BORANGE, stroke: "var(--st-background-color, #fff)", "stroke-width": 2,
                             class: "fl-dot" }, fl.ball);
  fl.title = flSvg("text", { x: BL - 40, y: 18, class: "fl-title" }, svg);
  fl.live = flSvg("text", { x: BL - 40, y: 38, class: "fl-live" }, svg);
  flSvg("text", { x: BW - BR, y: BH - BB + 30, "text-anchor": "end", class: "fl-axis-name" }, svg).textContent = "θ";
  fl.legend = flSvg("g", { class: "fl-legend" }, svg);
  fl.button = document.createElement("button");
  fl.button.type = "button";
  fl.button.className = "fl-roll";
  fl.button.textContent = "▶ roll";
  fl.button.addEventListener("click", () => bowlRoll(fl));
  root.appendChild(fl.button);

  // a press and a release in the plot, close together, is a click: the ball drops there
  let down = null;
  fl.bg.addEventListener("pointerdown", (e) => { down = flPoint(svg, e); e.preventDefault(); });
  fl.bg.addEventListener("pointerup", (e) => {
    if (!fl.d) return;
    const up = flPoint(svg, e);
    if (down && Math.hypot(up.x - down.x, up.y - down.y) < 12) bowlDrop(fl, bowlTheta(fl, up.x));
    down = null;
  });
  flDrag(svg, fl.ball, {
    onStart: () => { bowlStop(fl); fl.dragging = !!fl.d; fl.moved = false; if (fl.d) bowlRange(fl, fl.d.R); },
    onMove: (pt) => { if (fl.dragging) { fl.moved = true; bowlStart(fl, bowlTheta(fl, pt.x)); } },
    onEnd: () => {
      if (!fl.dragging) return;
      fl.dragging = false;
      if (fl.moved) bowlDrop(fl, fl.theta0);
      else bowlStep(fl, flClamp(fl.d.t | 0, 0, fl.d.path.length - 1));
    },
  });
  return fl;
}

const bowlLoss = (fl, q) => fl.d.k * q * q;

// The start θ under the screen x: in the plot, on the start slider's step.
function bowlTheta(fl, px) {
  const R = fl.d.R;
  return flSnap(flClamp(fl.toT(px), -R, R), fl.d.step);
}

// A tick label: big numbers (a ball far out of the bowl) as powers of ten.
function bowlTick(v) {
  return Math.abs(v) >= 1e4 ? v.toExponential(0).replace("+", "").replace("-", "−") : flFmt(v);
}

function bowlTickStep(span, n) {
  const raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw;
}

// Axes wide (and tall) enough to hold θ in −r…r: the bowl, grid and ticks drawn again.
function bowlRange(fl, r) {
  const d = fl.d, top = Math.max(d.k * d.R * d.R + 0.5, d.k * r * r * 1.08);
  if (r === fl.r && top === fl.top) return;
  fl.r = r; fl.top = top;
  const y0 = -0.06 * top;
  fl.X = (q) => BL + (q + r) / (2 * r) * (BW - BL - BR);
  fl.Y = (l) => BT + (top - l) / (top - y0) * (BH - BT - BB);
  fl.toT = (px) => (px - BL) / (BW - BL - BR) * 2 * r - r;
  for (const g of [fl.grid, fl.axes, fl.ticks]) g.replaceChildren();
  const sx = bowlTickStep(2 * r, 7), sy = bowlTickStep(top, 4);
  for (let t = Math.ceil(-r / sx) * sx; t <= r + 1e-9; t += sx) {
    const v = Math.round(t * 1e6) / 1e6;
    flSvg("line", { x1: fl.X(v), y1: BT, x2: fl.X(v), y2: BH - BB }, v === 0 ? fl.axes : fl.grid);
    flSvg("text", { x: fl.X(v), y: BH - BB + 15, "text-anchor": "middle", class: "fl-tick" }, fl.ticks)
      .textContent = bowlTick(v);
  }
  for (let l = 0; l <= top + 1e-9; l += sy) {
    flSvg("line", { x1: BL, y1: fl.Y(l), x2: BW - BR, y2: fl.Y(l) }, l === 0 ? fl.axes : fl.grid);
    flSvg("text", { x: BL - 6, y: fl.Y(l) + 4, "text-anchor": "end", class: "fl-tick" }, fl.ticks)
      .textContent = bowlTick(l);
  }
  const pts = [];
  for (let i = 0; i <= 80; i++) {
    const q = -r + 2 * r * i / 80;
    pts.push(`${i ? "L" : "M"}${fl.X(q).toFixed(1)},${Math.max(BT - 30, fl.Y(bowlLoss(fl, q))).toFixed(1)}`);
  }
  fl.curve.setAttribute("d", pts.join(""));
}

function bowlBall(fl, q, color) {
  fl.ball.setAttribute("transform", `translate(${fl.X(q)},${fl.Y(bowlLoss(fl, q))})`);
  fl.dot.setAttribute("fill", color);
}

// The legend under the plot, built once: only the ball's entry changes as it moves.
function bowlLegend(fl, text, color) {
  if (!fl.legendBall) {
    const items = [["line", BBLUE, `L(θ) = ${flFmt(fl.d.k)}·θ²`], ["path", BGREY, "path"], ["dot", BORANGE, ""]];
    let x = BL - 40;
    const y = BH - 14;
    for (const [kind, c, label] of items) {
      if (kind === "dot") fl.legendDot = flSvg("circle", { cx: x + 9, cy: y - 4, r: 6, fill: c }, fl.legend);
      else flSvg("line", { x1: x, y1: y - 4, x2: x + 18, y2: y - 4, stroke: c, "stroke-width": kind === "line" ? 3 : 2,
                           "stroke-dasharray": kind === "path" ? "2 3" : null }, fl.legend);
      fl.legendBall = flSvg("text", { x: x + 23, y }, fl.legend);
      fl.legendBall.textContent = label;
      x += 23 + label.length * 6.8 + 14;
    }
  }
  if (fl.legendBall.textContent !== text) fl.legendBall.textContent = text;
  fl.legendDot.setAttribute("fill", color);
}

// The ball at step s of the server's path: the axes grow to hold every step so far.
function bowlStep(fl, s) {
  const d = fl.d, path = d.path.slice(0, s + 1), q = path[s];
  bowlRange(fl, Math.max(d.R, ...path.map((p) => Math.abs(p) * 1.1)));
  fl.path.setAttribute("points", path.map((p) => `${fl.X(p).toFixed(1)},${fl.Y(bowlLoss(fl, p)).toFixed(1)}`).join(" "));
  fl.steps.replaceChildren();
  for (const p of path.slice(0, -1)) flSvg("circle", { cx: fl.X(p), cy: fl.Y(bowlLoss(fl, p)), r: 3 }, fl.steps);
  const color = d.diverging ? BRED : BORANGE;
  bowlBall(fl, q, color);
  fl.live.textContent = `step ${s} · θ = ${flFmt(q)} · L(θ) = ${flFmt(bowlLoss(fl, q))}`;
  bowlLegend(fl, `ball at step ${s}`, color);
}

// The ball held at start θ (dragged or just dropped): no path yet.
function bowlStart(fl, q) {
  fl.theta0 = q;
  fl.title.textContent = "a new start: let go and it rolls from here";
  fl.path.setAttribute("points", "");
  if (fl.steps.firstChild) fl.steps.replaceChildren();
  bowlBall(fl, q, BORANGE);
  fl.live.textContent = `start θ₀ = ${flFmt(q)} · L(θ₀) = ${flFmt(bowlLoss(fl, q))}`;
  bowlLegend(fl, "ball at step 0", BORANGE);
}

function bowlDrop(fl, q) {
  bowlStop(fl);
  bowlRange(fl, fl.d.R);
  bowlStart(fl, q);
  fl.title.textContent = `the ball dropped at θ₀ = ${flFmt(q)}`;
  flSend(fl.setStateValue, "drop", { theta0: q });
}

function bowlStop(fl) {
  if (fl.rolling) clearTimeout(fl.rolling);
  fl.rolling = null;
  fl.button.textContent = "▶ roll";
}

function bowlRoll(fl) {
  if (fl.rolling) return bowlStop(fl);
  const last = fl.d.path.length - 1;
  let s = 0;
  fl.button.textContent = "■ stop";
  const tick = () => {
    bowlStep(fl, s);
    if (s >= last) {
      fl.rolling = null;
      fl.button.textContent = "▶ roll";
      if (last !== fl.d.t) flSend(fl.setStateValue, "drop", { t: last });
      return;
    }
    s += 1;
    fl.rolling = setTimeout(tick, 220);
  };
  tick();
}

function bowlValid(d) {
  return d && Array.isArray(d.path) && d.path.length > 0 && d.path.every(Number.isFinite) && d.k > 0 && d.R > 0;
}

export default function ({ parentElement, data, setStateValue }) {
  const root = parentElement.querySelector(".fl-touch");
  if (!root.__fl) root.__fl = bowlBuild(root);
  const fl = root.__fl;
  fl.setStateValue = setStateValue;
  if (!bowlValid(data)) return;
  fl.d = data;
  fl.title.textContent = data.status;
  if (fl.dragging) return;
  bowlStop(fl);
  bowlStep(fl, flClamp(data.t | 0, 0, data.path.length - 1));
}
