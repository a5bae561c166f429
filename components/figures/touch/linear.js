// The linear-map figures of chapters 6, 8 and 9 (matrix–vector product, determinant,
// eigenvalues): one plane with equal axes, one scene per data.kind. The hand moves a vector's
// tip; the figure redraws itself here on every move (attributes of existing elements only) and
// sends one value, "drop", when the drag ends. The server's readout stays the exact one.
//
// data: {kind: "matvec", r, A, x} | {kind: "det", r, A} | {kind: "eigen", r, A, phi, eig: [{lam, v}]}

const LIN = { BLUE: "#2563eb", ORANGE: "#ea580c", GREEN: "#16a34a", RED: "#dc2626",
              PURPLE: "#7c3aed", GREY: "#6b7280" };

export default function ({ parentElement, data, setStateValue }) {
  const root = parentElement.querySelector(".fl-touch");
  if (!root || !data || !LIN_SCENES[data.kind]) return;
  if (!root.__fl || root.__fl.kind !== data.kind) root.__fl = linBuild(root, data.kind);
  root.__fl.send = setStateValue;
  root.__fl.update(data);
}

function linEl(tag, cls, parent, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  parent.appendChild(el);
  return el;
}

const linMul = (A, [x, y]) => [A[0][0] * x + A[0][1] * y, A[1][0] * x + A[1][1] * y];
const linVec = (v) => `[${flFmt(v[0])}, ${flFmt(v[1])}]`;

// The frame every scene shares: a title line above the plane, a legend and the snap switch
// under it. Shapes and arrows are clipped to the plot: while a tip is dragged the range stays,
// so what follows it (A·x, a far corner) may leave the square.
function linBuild(root, kind) {
  root.replaceChildren();
  const head = linEl("div", "fl-title", root);
  const fig = { kind, tone: linEl("span", "fl-tone", head), title: linEl("span", "", head),
                dragging: false, pending: null };
  fig.plane = flPlane(linEl("div", "fl-plot", root), 3);
  const svg = fig.plane.svg;
  svg.setAttribute("aria-label", LIN_NAMES[kind]);
  const clip = flSvg("clipPath", { id: "fl-lin-clip" }, flSvg("defs", {}));
  svg.insertBefore(clip.parentNode, svg.firstChild);
  flSvg("rect", { x: FL_PAD, y: FL_PAD, width: FL_SIZE - 2 * FL_PAD, height: FL_SIZE - 2 * FL_PAD }, clip);
  for (const name of ["shapes", "arrows"]) fig.plane.layers[name].setAttribute("clip-path", "url(#fl-lin-clip)");
  fig.legend = linEl("div", "fl-legend", root);
  fig.scene = LIN_SCENES[kind](fig);
  fig.snap = flSnapToggle(root, kind === "eigen" ? 1 : 0.5);
  if (kind === "eigen") root.lastElementChild.lastChild.textContent = " snap to whole degrees and onto eigen-directions";
  fig.update = (data) => {
    if (fig.dragging) { fig.pending = data; return; }
    fig.plane.setRange(Number(data.r) > 0 ? Number(data.r) : 3);
    fig.plane.svg.setAttribute("data-fl-range", fig.plane.r);   // tests find data points by it
    fig.scene.take(data);
    fig.scene.draw();
  };
  return fig;
}

function linLegend(fig, items) {
  fig.legend.replaceChildren();
  for (const [color, label, style] of items) {
    const key = linEl("span", "fl-key", fig.legend);
    const mark = linEl("span", "fl-mark " + (style || "solid"), key);
    mark.style.setProperty("--mark", color);
    linEl("span", "", key, label);
  }
}

function linTitle(fig, text, tone) {
  fig.title.textContent = text;
  fig.tone.style.background = tone || "transparent";
  fig.tone.style.display = tone ? "" : "none";
}

// A label beside an arrow's tip, in the text colour on a halo, kept inside the plot.
function linLabel(fig, cls) {
  return flSvg("text", { class: "fl-label " + (cls || ""), "text-anchor": "middle" }, fig.plane.layers.text);
}

function linPlace(fig, label, [x, y], text) {
  const p = fig.plane, len = Math.hypot(x, y) || 1, ux = x / len, uy = y / len;
  const anchor = ux > 0.3 ? "start" : ux < -0.3 ? "end" : "middle";
  const wide = 6.5 * text.length, lo = FL_PAD + 4, hi = FL_SIZE - FL_PAD - 4;
  const X = p.X(x) + 11 * ux, Y = p.Y(y) - 11 * uy + (uy > 0.3 ? -2 : uy < -0.3 ? 12 : 4);
  label.setAttribute("text-anchor", anchor);
  label.setAttribute("x", flClamp(X, lo + (anchor === "end" ? wide : anchor === "middle" ? wide / 2 : 0),
                                  hi - (anchor === "start" ? wide : anchor === "middle" ? wide / 2 : 0)));
  label.setAttribute("y", flClamp(Y, lo + 10, hi));
  label.textContent = text;
}

// Drag a vector's tip on the grid: the point keeps its offset from the pointer, snaps to the
// learner's step (or 0.01) and stays inside the drawn square. `get`/`set` read and write the
// scene's vector; the drop sends the scene's value when it changed.
function linDragTip(fig, handle, get, set) {
  let offset = { x: 0, y: 0 }, before = "";
  flDrag(fig.plane.svg, handle, {
    onStart: (pt) => {
      fig.dragging = true;
      before = JSON.stringify(fig.scene.value());
      const d = fig.plane.toData(pt), [x, y] = get();
      offset = { x: x - d.x, y: y - d.y };
    },
    onMove: (pt) => {
      const d = fig.plane.toData(pt), r = fig.plane.r, step = fig.snap();
      set([flClamp(flSnap(d.x + offset.x, step), -r, r), flClamp(flSnap(d.y + offset.y, step), -r, r)]);
      fig.scene.draw();
    },
    onEnd: () => linDrop(fig, before),
  });
}

function linDrop(fig, before) {
  fig.dragging = false;
  const value = fig.scene.value();
  if (JSON.stringify(value) !== before) flSend(fig.send, "drop", value);
  else if (fig.pending) fig.update(fig.pending);
  fig.pending = null;
}

// A grid of lines through the 2×2 matrix A (n lines each way) as one path's "d".
function linGridPath(fig, A, n = 3) {
  const p = fig.plane;
  let d = "";
  for (let t = -n; t <= n; t++) {
    for (const [a, b] of [[[t, -n], [t, n]], [[-n, t], [n, t]]]) {
      const [x0, y0] = linMul(A, a), [x1, y1] = linMul(A, b);
      d += `M${p.X(x0)},${p.Y(y0)}L${p.X(x1)},${p.Y(y1)}`;
    }
  }
  return d;
}

const LIN_NAMES = { matvec: "x and A·x on the plane, with the grid A moves",
                    det: "the unit square and the parallelogram A makes of it",
                    eigen: "u and A·u on the plane, with A's eigen-directions" };

const LIN_SCENES = {
  // Chapter 6: drag x; A·x follows (A from the server, fixed during the drag).
  matvec(fig) {
    const L = fig.plane.layers, s = { A: [[1, 0], [0, 1]], x: [1, 0] };
    const after = flSvg("path", { class: "fl-mapped", stroke: LIN.PURPLE, fill: "none" }, L.shapes);
    const col1 = flArrow(fig.plane, L.arrows, { color: LIN.PURPLE, width: 2 });
    const col2 = flArrow(fig.plane, L.arrows, { color: LIN.GREEN, width: 2 });
    const x = flArrow(fig.plane, L.arrows, { color: LIN.BLUE, dash: "5 4" });
    const Ax = flArrow(fig.plane, L.arrows, { color: LIN.ORANGE });
    const xLabel = linLabel(fig), AxLabel = linLabel(fig);
    const handle = flHandle(fig.plane, "x", LIN.BLUE, "drag the tip of x");
    linDragTip(fig, handle, () => s.x, (v) => { s.x = v; });
    linLegend(fig, [["rgba(124,58,237,0.6)", "grid after A", "thin"], [LIN.PURPLE, "A·e₁ (column 1)"],
                    [LIN.GREEN, "A·e₂ (column 2)"], [LIN.BLUE, "x", "dashed"], [LIN.ORANGE, "A·x"]]);
    return {
      take(data) {
        s.A = data.A; s.x = data.x;
        after.setAttribute("d", linGridPath(fig, s.A));
        col1.set([0, 0], [s.A[0][0], s.A[1][0]]);
        col2.set([0, 0], [s.A[0][1], s.A[1][1]]);
      },
      draw() {
        const y = linMul(s.A, s.x);
        x.set([0, 0], s.x);
        Ax.set([0, 0], y);
        handle.move(s.x);
        linPlace(fig, xLabel, s.x, "x");
        linPlace(fig, AxLabel, y, "A·x");
        linTitle(fig, `x = ${linVec(s.x)} → A·x = ${linVec(y)}`);
      },
      value: () => ({ x: s.x }),
    };
  },

  // Chapter 8: drag either column of A; the unit square's image and its signed area follow.
  det(fig) {
    const L = fig.plane.layers, s = { A: [[1, 0], [0, 1]] };
    const square = flSvg("polygon", { class: "fl-square", stroke: LIN.GREY, fill: "none" }, L.shapes);
    const shape = flSvg("polygon", { class: "fl-parallelogram" }, L.shapes);
    const colA = flArrow(fig.plane, L.arrows, { color: LIN.PURPLE });
    const colB = flArrow(fig.plane, L.arrows, { color: LIN.ORANGE });
    const area = linLabel(fig, "fl-area");
    area.setAttribute("data-fl-label", "area");
    const aLabel = linLabel(fig), bLabel = linLabel(fig);
    const a = flHandle(fig.plane, "a", LIN.PURPLE, "drag column 1 of A");
    const b = flHandle(fig.plane, "b", LIN.ORANGE, "drag column 2 of A");
    const col = (j) => [s.A[0][j], s.A[1][j]];
    const setCol = (j) => ([x, y]) => { s.A = j ? [[s.A[0][0], x], [s.A[1][0], y]] : [[x, s.A[0][1]], [y, s.A[1][1]]]; };
    linDragTip(fig, a, () => col(0), setCol(0));
    linDragTip(fig, b, () => col(1), setCol(1));
    linLegend(fig, [[LIN.GREY, "unit square", "dotted"], [LIN.PURPLE, "column 1 [a, c]"],
                    [LIN.ORANGE, "column 2 [b, d]"], ["rgba(22,163,74,0.5)", "A·(unit square)", "fill"]]);
    return {
      take(data) {
        s.A = data.A;
        const p = fig.plane;
        square.setAttribute("points", [[0, 0], [1, 0], [1, 1], [0, 1]].map(([x, y]) => `${p.X(x)},${p.Y(y)}`).join(" "));
      },
      draw() {
        const p = fig.plane, [[A, B], [C, D]] = s.A, det = A * D - B * C, flat = Math.abs(det) < 1e-9;
        const tone = flat ? LIN.GREY : det > 0 ? LIN.GREEN : LIN.RED;
        const corners = [[0, 0], [A, C], [A + B, C + D], [B, D]];
        shape.setAttribute("points", corners.map(([x, y]) => `${p.X(x)},${p.Y(y)}`).join(" "));
        shape.setAttribute("stroke", tone);
        shape.setAttribute("stroke-width", flat ? 4 : 2);
        shape.setAttribute("fill", tone);
        colA.set([0, 0], col(0));
        colB.set([0, 0], col(1));
        a.move(col(0));
        b.move(col(1));
        linPlace(fig, aLabel, col(0), linVec(col(0)));
        linPlace(fig, bLabel, col(1), linVec(col(1)));
        const mid = [(A + B) / 2, (C + D) / 2], r = p.r - 0.3;
        area.setAttribute("x", p.X(flClamp(mid[0], -r, r)));
        area.setAttribute("y", p.Y(flClamp(mid[1], -r, r)) + 4);
        area.textContent = flat ? "area 0" : `area ${flFmt(det)}`;
        linTitle(fig, flat ? "det = 0: the square collapses onto a line"
                           : `signed area ${flFmt(det)}` + (det > 0 ? "" : " (flipped)"), tone);
      },
      value: () => ({ A: s.A }),
    };
  },

  // Chapter 9: turn a unit vector u (its tip stays on the unit circle); A·u follows. Snapping
  // takes whole degrees, and an eigen-direction within 2°.
  eigen(fig) {
    const L = fig.plane.layers, s = { A: [[1, 0], [0, 1]], phi: 0, eig: [] };
    const lines = [0, 1].map((n) => flSvg("line", { class: "fl-eigen", stroke: n ? LIN.GREY : LIN.GREEN }, L.shapes));
    const circle = flSvg("circle", { class: "fl-circle", fill: "none", stroke: LIN.GREY }, L.shapes);
    const Au = flArrow(fig.plane, L.arrows, { color: LIN.ORANGE });
    const u = flArrow(fig.plane, L.arrows, { color: LIN.BLUE });   // on top: on its line A·u covers it
    const uLabel = linLabel(fig), AuLabel = linLabel(fig);
    const handle = flHandle(fig.plane, "v", LIN.BLUE, "turn u");
    const dir = () => [Math.cos((s.phi * Math.PI) / 180), Math.sin((s.phi * Math.PI) / 180)];
    const turnTo = (deg) => {
      deg = ((deg % 360) + 360) % 360;
      if (fig.snap()) {
        deg = Math.round(deg) % 360;
        for (const { v } of s.eig) {
          const e = (Math.atan2(v[1], v[0]) * 180) / Math.PI;
          for (const k of [e, e + 180, e - 180, e + 360]) if (Math.abs(deg - k) <= 2) deg = ((k % 360) + 360) % 360;
        }
      }
      s.phi = Math.round(deg * 1e6) / 1e6;
    };
    let before = "";
    flDrag(fig.plane.svg, handle, {
      onStart: () => { fig.dragging = true; before = JSON.stringify({ phi: s.phi }); },
      onMove: (pt) => {
        const d = fig.plane.toData(pt);
        if (Math.hypot(d.x, d.y) > 1e-9) turnTo((Math.atan2(d.y, d.x) * 180) / Math.PI);
        fig.scene.draw();
      },
      onEnd: () => linDrop(fig, before),
    });
    return {
      take(data) {
        s.A = data.A; s.phi = Number(data.phi) || 0; s.eig = data.eig || [];
        const p = fig.plane, reach = p.r * 1.5;
        lines.forEach((line, n) => {
          const v = s.eig[n] && s.eig[n].v;
          line.style.display = v ? "" : "none";
          if (v) {
            line.setAttribute("x1", p.X(-reach * v[0])); line.setAttribute("y1", p.Y(-reach * v[1]));
            line.setAttribute("x2", p.X(reach * v[0])); line.setAttribute("y2", p.Y(reach * v[1]));
          }
        });
        circle.setAttribute("cx", p.X(0)); circle.setAttribute("cy", p.Y(0));
        circle.setAttribute("r", p.scale());
        linLegend(fig, [...s.eig.map(({ lam }, n) => [n ? LIN.GREY : LIN.GREEN,
                          `eigen-direction ${n + 1}: λ = ${flFmt(lam)}`, "dashed"]),
                        [LIN.BLUE, "u"], [LIN.ORANGE, "A·u"]]);
      },
      draw() {
        const v = dir(), w = linMul(s.A, v), nw = Math.hypot(w[0], w[1]);
        u.set([0, 0], v);
        Au.set([0, 0], w);
        handle.move(v);
        linPlace(fig, uLabel, v, "u");
        linPlace(fig, AuLabel, w, "A·u");
        const at = ` (u at ${flFmt(s.phi, 1)}°)`;   // the slider follows only at the drop
        if (nw < 1e-12) return linTitle(fig, "A·u = 0: u is squashed to the origin (λ = 0)" + at);
        const cos = flClamp((v[0] * w[0] + v[1] * w[1]) / nw, -1, 1), turn = (Math.acos(cos) * 180) / Math.PI;
        linTitle(fig, (turn < 0.5 || turn > 179.5
          ? `A·u stays on u's line: λ = ${flFmt(v[0] * w[0] + v[1] * w[1])}`
          : `A turns u by ${flFmt(turn, 1)}°`) + at);
      },
      value: () => ({ phi: s.phi }),
    };
  },
};
