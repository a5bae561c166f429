// Shared by every touchable figure: this file is put in front of each figure's own script
// (see components/figures/touch/__init__.py), so a figure script can call these directly.
//
// Pointer events cover a mouse, a pen and a finger alike. A handle keeps the pointer while it
// is dragged (setPointerCapture), and `touch-action: none` on the drawing keeps a finger's
// drag from scrolling the page. A figure redraws itself in the browser on every move; only
// the drop (or a click) goes to the server, through flSend.
//
// Instrumentation read by bench/figures.py and the Chromium tests:
//   window.__flTouch.frames  ms of work per drawn move (handler, style and layout), newest last
//   window.__flTouch.sent    values sent to the server so far

const FL = (window.__flTouch = window.__flTouch || { frames: [], sent: 0 });
const SVGNS = "http://www.w3.org/2000/svg";

// An SVG element with attributes; `parent` gets it appended when given.
function flSvg(tag, attrs, parent) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

// A number as the readouts write it (the same rule as components/figures/_plot.fmt): at most
// `digits` decimals, no trailing zeros, a real minus sign.
function flFmt(x, digits = 3) {
  if (Number.isNaN(x)) return "not a number";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  let s = x.toFixed(digits);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  if (s === "-0" || s === "") s = "0";
  return s.replace("-", "−");
}

// Snap to a grid step (no step: round to 2 decimals, what the number boxes show).
function flSnap(x, step) {
  const q = step > 0 ? Math.round(x / step) * step : Math.round(x * 100) / 100;
  return Math.round(q * 1e6) / 1e6 || 0;   // no float dust, no −0
}

function flClamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

// Send a value to the server (a rerun), counted for the benchmark and the tests. The value
// gets a `seq` token new for every send (new across reloads too), so the server can tell a
// new drop from the same value sent again with a later rerun (touch.fresh).
let flSends = 0;
function flSend(setStateValue, name, value) {
  FL.sent += 1;
  flSends += 1;
  setStateValue(name, { ...value, seq: Date.now().toString(36) + "-" + flSends });
}

// Make `handle` draggable. `onMove(pt, event)` gets the pointer as {x, y} in the coordinates
// of `svg` (its viewBox), on every move; `onEnd(event)` once at the drop (or a cancel).
// `onStart(pt, event)` is optional. The work of each move is timed into FL.frames.
function flDrag(svg, handle, { onStart, onMove, onEnd }) {
  let id = null;
  const point = (e) => {
    const m = svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  };
  handle.addEventListener("pointerdown", (e) => {
    if (e.button !== undefined && e.button > 0) return;
    id = e.pointerId;
    handle.setPointerCapture(id);
    handle.classList.add("fl-dragging");
    e.preventDefault();
    if (onStart) onStart(point(e), e);
  });
  handle.addEventListener("pointermove", (e) => {
    if (e.pointerId !== id) return;
    e.preventDefault();
    const t0 = performance.now();
    onMove(point(e), e);
    svg.getBoundingClientRect();          // style and layout of the move belong to its frame
    FL.frames.push(performance.now() - t0);
    if (FL.frames.length > 5000) FL.frames.splice(0, 1000);
  });
  const finish = (e) => {
    if (e.pointerId !== id) return;
    id = null;
    handle.classList.remove("fl-dragging");
    if (handle.hasPointerCapture(e.pointerId)) handle.releasePointerCapture(e.pointerId);
    onEnd(e);
  };
  handle.addEventListener("pointerup", finish);
  handle.addEventListener("pointercancel", finish);
}

// The pointer's position in `svg`'s coordinates, for a click or a tap on the drawing.
function flPoint(svg, e) {
  const m = svg.getScreenCTM();
  const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
  return { x: p.x, y: p.y };
}

// ---- A plane with equal axes (vectors, matrices): grid, axes, arrows, handles. ----
//
// flPlane(host, r) draws the square −r…r in both axes into `host` (an element) and returns
// {svg, layers: {back, shapes, arrows, handles, text}, X(x), Y(y), toData({x, y}), r, setRange(r)}:
// X and Y turn data coordinates into the SVG's, toData the other way. The SVG is 400 units
// wide and tall and scales with its column.
const FL_SIZE = 400, FL_PAD = 14;

function flPlane(host, r) {
  const svg = flSvg("svg", { viewBox: `0 0 ${FL_SIZE} ${FL_SIZE}`, role: "img" }, host);
  const layers = {};
  for (const name of ["back", "grid", "shapes", "arrows", "handles", "text"])
    layers[name] = flSvg("g", { class: "fl-" + name }, svg);
  const plane = { svg, layers, r };
  plane.scale = () => (FL_SIZE - 2 * FL_PAD) / (2 * plane.r);
  plane.X = (x) => FL_SIZE / 2 + x * plane.scale();
  plane.Y = (y) => FL_SIZE / 2 - y * plane.scale();
  plane.toData = (p) => ({ x: (p.x - FL_SIZE / 2) / plane.scale(), y: (FL_SIZE / 2 - p.y) / plane.scale() });
  plane.setRange = (nr) => {
    if (nr === plane.r && layers.grid.childNodes.length) return;
    plane.r = nr;
    layers.grid.replaceChildren();
    const step = nr <= 6 ? 1 : nr <= 12 ? 2 : Math.ceil(nr / 6);
    const g = flSvg("g", { class: "fl-grid" }, layers.grid);
    const ax = flSvg("g", { class: "fl-axis" }, layers.grid);
    for (let t = -Math.floor(nr / step) * step; t <= nr; t += step) {
      const parent = t === 0 ? ax : g;
      flSvg("line", { x1: plane.X(t), y1: plane.Y(-nr), x2: plane.X(t), y2: plane.Y(nr) }, parent);
      flSvg("line", { x1: plane.X(-nr), y1: plane.Y(t), x2: plane.X(nr), y2: plane.Y(t) }, parent);
      if (t !== 0) {
        flSvg("text", { x: plane.X(t), y: plane.Y(0) + 14, "text-anchor": "middle", class: "fl-tick" }, layers.grid).textContent = flFmt(t);
        flSvg("text", { x: plane.X(0) - 5, y: plane.Y(t) + 4, "text-anchor": "end", class: "fl-tick" }, layers.grid).textContent = flFmt(t);
      }
    }
  };
  plane.setRange(r);
  return plane;
}

// An arrow (a line and a head) in `parent`; .set(tail, tip) moves it, in data coordinates.
function flArrow(plane, parent, { color, width = 3, dash = null, head = 11 }) {
  const g = flSvg("g", { class: "fl-arrow" }, parent);
  const line = flSvg("line", { stroke: color, "stroke-width": width, "stroke-dasharray": dash,
                               "stroke-linecap": "round" }, g);
  const tip = flSvg("polygon", { fill: color }, g);
  const arrow = { g };
  arrow.set = ([x0, y0], [x1, y1]) => {
    const X0 = plane.X(x0), Y0 = plane.Y(y0), X1 = plane.X(x1), Y1 = plane.Y(y1);
    const len = Math.hypot(X1 - X0, Y1 - Y0);
    g.style.display = len < 0.5 ? "none" : "";   // a zero vector draws nothing (no stray head)
    if (len < 0.5) return;
    const ux = (X1 - X0) / len, uy = (Y1 - Y0) / len, h = Math.min(head, len);
    line.setAttribute("x1", X0); line.setAttribute("y1", Y0);
    line.setAttribute("x2", X1 - ux * h * 0.8); line.setAttribute("y2", Y1 - uy * h * 0.8);
    tip.setAttribute("points", `${X1},${Y1} ${X1 - ux * h - uy * h * 0.5},${Y1 - uy * h + ux * h * 0.5} ` +
                               `${X1 - ux * h + uy * h * 0.5},${Y1 - uy * h - ux * h * 0.5}`);
  };
  return arrow;
}

// A round handle for a finger or a mouse at a point: a visible dot and an invisible ring
// (radius 20 units) that takes the pointer. `name` goes in data-fl-drag.
function flHandle(plane, name, color, label) {
  const g = flSvg("g", { "data-fl-drag": name, tabindex: "-1", "aria-label": label || `drag ${name}` },
                  plane.layers.handles);
  flSvg("circle", { r: 20, fill: "transparent", class: "fl-hit" }, g);
  flSvg("circle", { r: 6, fill: color, stroke: "var(--st-background-color, #fff)", "stroke-width": 2,
                    class: "fl-dot" }, g);
  g.move = ([x, y]) => g.setAttribute("transform", `translate(${plane.X(x)},${plane.Y(y)})`);
  return g;
}

// The learner's "snap to the grid" switch under a figure; one preference for every figure
// (localStorage "fl.figure.snap", on unless turned off). Returns () => the step, or 0 when off.
function flSnapToggle(host, step = 0.5) {
  const label = document.createElement("label");
  label.className = "fl-snap";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.checked = window.localStorage.getItem("fl.figure.snap") !== "0";
  box.addEventListener("change", () => window.localStorage.setItem("fl.figure.snap", box.checked ? "1" : "0"));
  label.append(box, ` snap to the ${flFmt(step)} grid`);
  host.appendChild(label);
  return () => (box.checked ? step : 0);
}
