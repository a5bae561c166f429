// The vector figures of chapters 1–5 on one touchable plane. The server sends {kind, r, the
// vectors}; `kind` picks a scene, which builds its drawing once and then only moves it (draw),
// on every move of a drag and on every new `data`. The arrowheads are dragged here, in the
// browser; the drop goes to the server once, as the state "drop": {<name>: [x, y]} (a click on
// a word's tip in the cosine figure sends {word}). The server's readout stays the exact one.

const C = { blue: "#2563eb", orange: "#ea580c", green: "#16a34a", red: "#dc2626", grey: "#6b7280" };
const dotp = (a, b) => a[0] * b[0] + a[1] * b[1];
const plus = (a, b) => [a[0] + b[0], a[1] + b[1]];
const times = (k, a) => [k * a[0], k * a[1]];
const vecText = (v) => "[" + v.map((x) => flFmt(x)).join(", ") + "]";

// The angle between a and b in degrees, or null when either is zero (core/figmath.angle_deg).
function angle(a, b) {
  const n = Math.hypot(...a) * Math.hypot(...b);
  return n === 0 ? null : (Math.acos(flClamp(dotp(a, b) / n, -1, 1)) * 180) / Math.PI;
}

// A word's colour by its cosine to the query: similar blue, unrelated faint, opposite red.
function cosColour(cos) {
  if (cos === null) return C.grey;
  const alpha = (0.25 + 0.75 * Math.abs(cos)).toFixed(2);
  return cos >= 0 ? `rgba(37,99,235,${alpha})` : `rgba(220,38,38,${alpha})`;
}

// An arrow (flArrow) in another colour: its line and its head.
function paint(arrow, colour) {
  for (const el of arrow.g.children) el.setAttribute(el.tagName === "line" ? "stroke" : "fill", colour);
}

// A text beside a point, kept inside the drawing, on a halo of the page's background.
function label(plane, parent, cls) {
  const t = flSvg("text", { class: "fl-label " + (cls || ""), "text-anchor": "middle" }, parent);
  t.at = ([x, y], text, dx = 0, dy = -12) => {
    t.textContent = text;
    t.setAttribute("x", flClamp(plane.X(x) + dx, 24, FL_SIZE - 24));
    t.setAttribute("y", flClamp(plane.Y(y) + dy, 14, FL_SIZE - 6));
  };
  return t;
}

// A name beside the tip of an arrow from `tail` to `tip`, a little past the head.
function tipLabel(plane, parent, name) {
  const t = label(plane, parent);
  t.textContent = name;
  t.at2 = (tail, tip) => {
    const dx = tip[0] - tail[0], dy = tip[1] - tail[1], n = Math.hypot(dx, dy) || 1;
    t.style.display = Math.hypot(dx, dy) * plane.scale() < 0.5 ? "none" : "";
    const past = 16 + 3.5 * name.length * Math.abs(dx / n);   // clear of the head, however wide
    t.at(tip, name, (past * dx) / n, (-16 * dy) / n + 4);
  };
  return t;
}

// ---- The scenes. Each returns {tips: {name: colour}, tip(name), draw()} and, where it needs
// them, place(name, point, step) (where a drag puts a value; default: the point, snapped) and
// click(name) (a handle pressed and let go unmoved). `f` is the figure: {plane, s (the values),
// title(main, note), legend(items)}.

function vectors(f) {
  const { plane, s } = f, L = plane.layers;
  const arrows = {
    v: flArrow(plane, L.arrows, { color: C.blue, width: 2, dash: "2 5" }),
    kv: flArrow(plane, L.arrows, { color: C.blue }),
    w: flArrow(plane, L.arrows, { color: C.orange }),
    sum: flArrow(plane, L.arrows, { color: C.green }),
  };
  const names = { v: tipLabel(plane, L.text, "v"), sum: tipLabel(plane, L.text, "k·v + w") };
  f.legend([[C.blue, "2 5", "v"], [C.blue, null, "k·v"], [C.orange, null, "w (from the tip of k·v)"],
            [C.green, null, "k·v + w"]]);
  const kv = () => times(s.k, s.v);
  return {
    tips: { v: C.blue, w: C.orange },
    tip: (name) => (name === "v" ? s.v : plus(kv(), s.w)),
    place(name, p, step) {
      if (name === "v") return [flSnap(p[0], step), flSnap(p[1], step)];
      const r = plane.r, base = kv();     // w's head is drawn at k·v + w: the pointer moves that
      return [0, 1].map((i) => flClamp(flSnap(p[i] - base[i], step), -r - base[i], r - base[i]));
    },
    draw() {
      const base = kv(), out = plus(base, s.w);
      arrows.v.set([0, 0], s.v);
      arrows.kv.set([0, 0], base);
      arrows.w.set(base, out);
      arrows.sum.set([0, 0], out);
      names.v.at2([0, 0], s.v);
      names.sum.at2([0, 0], out);
      f.title(`k·v + w = ${vecText(out)}`, `k = ${flFmt(s.k)}, v = ${vecText(s.v)}, w = ${vecText(s.w)}`);
    },
  };
}

function norm(f) {
  const { plane, s } = f, L = plane.layers;
  const tri = flSvg("polygon", { fill: "rgba(234,88,12,0.10)", stroke: C.grey, "stroke-width": 1 }, L.shapes);
  const a1 = flArrow(plane, L.arrows, { color: C.orange, width: 2 });
  const a2 = flArrow(plane, L.arrows, { color: C.orange, width: 2, dash: "2 5" });
  const v = flArrow(plane, L.arrows, { color: C.blue });
  const len = label(plane, L.text, "fl-strong");
  const legend = f.legend([[C.orange, null, ""], [C.orange, "2 5", ""], [C.blue, null, ""]]);
  return {
    tips: { v: C.blue },
    tip: () => s.v,
    draw() {
      const [x, y] = s.v, n = Math.hypot(x, y);
      tri.setAttribute("points", [[0, 0], [x, 0], [x, y]].map(([a, b]) => `${plane.X(a)},${plane.Y(b)}`).join(" "));
      a1.set([0, 0], [x, 0]);
      a2.set([x, 0], [x, y]);
      v.set([0, 0], [x, y]);
      // beside the hypotenuse's middle, away from the right angle at (v₁, 0); text is wide
      const off = n ? 22 / n : 0;
      len.at([x / 2, y / 2], `‖v‖ = ${flFmt(n)}`, -x * off * 2, -y * off + 4);
      legend[0].textContent = `v₁ = ${flFmt(x)}`;
      legend[1].textContent = `v₂ = ${flFmt(y)}`;
      legend[2].textContent = `‖v‖ = ${flFmt(n)}`;
      f.title(`‖v‖ = ${flFmt(n)}`, `√(${flFmt(x)}² + ${flFmt(y)}²) = √${flFmt(x * x + y * y)}`);
    },
  };
}

function unit(f) {
  const { plane, s } = f, L = plane.layers;
  const circle = flSvg("circle", { fill: "none", stroke: C.grey, "stroke-width": 1.5, "stroke-dasharray": "3 4" },
                       L.shapes);
  const v = flArrow(plane, L.arrows, { color: C.blue });
  const u = flArrow(plane, L.arrows, { color: C.green, width: 4 });
  const names = { v: tipLabel(plane, L.text, "v"), u: tipLabel(plane, L.text, "v̂") };
  f.legend([[C.grey, "3 4", "unit circle"], [C.blue, null, "v"], [C.green, null, "v̂ = v / ‖v‖"]]);
  return {
    tips: { v: C.blue },
    tip: () => s.v,
    draw() {
      const n = Math.hypot(...s.v), hat = n ? times(1 / n, s.v) : [0, 0];
      circle.setAttribute("cx", plane.X(0));
      circle.setAttribute("cy", plane.Y(0));
      circle.setAttribute("r", plane.scale());
      v.set([0, 0], s.v);
      u.set([0, 0], hat);
      names.v.at2([0, 0], s.v);
      names.u.at2([0, 0], hat);
      if (n < 1.6) names.u.style.display = "none";   // too close to v's own name
      f.title(n ? `v̂ = ${vecText(hat)}` : "v = 0: no direction, no unit vector",
              n ? `‖v‖ = ${flFmt(n)}, and ‖v̂‖ = 1` : "drag v away from the origin");
    },
  };
}

const TONES = { [C.green]: ["rgba(22,163,74,0.07)", "positive: they point the same way"],
                [C.red]: ["rgba(220,38,38,0.07)", "negative: they oppose"],
                [C.grey]: ["rgba(107,114,128,0.07)", "zero: perpendicular"] };

function dot(f) {
  const { plane, s } = f, L = plane.layers;
  const back = flSvg("rect", {}, L.back);
  const drop = flSvg("line", { stroke: C.grey, "stroke-width": 1.5, "stroke-dasharray": "2 4" }, L.shapes);
  const proj = flArrow(plane, L.arrows, { color: C.grey, width: 6 });
  const a = flArrow(plane, L.arrows, { color: C.blue });
  const b = flArrow(plane, L.arrows, { color: C.orange });
  const names = { a: tipLabel(plane, L.text, "a"), b: tipLabel(plane, L.text, "b") };
  const legend = f.legend([[C.blue, null, "a"], [C.orange, null, "b"], [C.grey, null, "projection of a on b"],
                           [C.grey, "2 4", "drop to b"]]);
  return {
    tips: { a: C.blue, b: C.orange },
    tip: (name) => s[name],
    draw() {
      const ab = dotp(s.a, s.b), bb = dotp(s.b, s.b), theta = angle(s.a, s.b);
      const tone = ab > 1e-9 ? C.green : ab < -1e-9 ? C.red : C.grey;
      const p = bb === 0 ? null : times(ab / bb, s.b);
      const r = plane.r;
      back.setAttribute("x", plane.X(-r));
      back.setAttribute("y", plane.Y(r));
      back.setAttribute("width", plane.X(r) - plane.X(-r));
      back.setAttribute("height", plane.Y(-r) - plane.Y(r));
      back.setAttribute("fill", TONES[tone][0]);
      paint(proj, tone);
      legend.swatch[2].setAttribute("stroke", tone);
      drop.style.display = p ? "" : "none";
      if (p) {
        proj.set([0, 0], p);   // a zero projection (a ⟂ b) draws nothing: no stray head
        drop.setAttribute("x1", plane.X(s.a[0])); drop.setAttribute("y1", plane.Y(s.a[1]));
        drop.setAttribute("x2", plane.X(p[0])); drop.setAttribute("y2", plane.Y(p[1]));
      } else proj.set([0, 0], [0, 0]);
      a.set([0, 0], s.a);
      b.set([0, 0], s.b);
      names.a.at2([0, 0], s.a);
      names.b.at2([0, 0], s.b);
      f.title(`a·b = ${flFmt(ab)} · θ = ${theta === null ? "undefined" : flFmt(theta, 1) + "°"}`,
              theta === null ? "a zero vector has no angle" : TONES[tone][1]);
    },
  };
}

function cosine(f) {
  const { plane, s } = f, L = plane.layers;
  const words = Object.keys(s.words).concat(["b"]);
  const vecOf = (w) => (w === "b" ? s.b : s.words[w]);
  const arrows = {}, labels = {};
  for (const w of words) {
    arrows[w] = flArrow(plane, L.arrows, { color: C.grey, width: 2 });
    labels[w] = label(plane, L.text, w === "b" ? "fl-strong" : "");
    if (w === "b") continue;
    const pick = flSvg("circle", { r: 18, fill: "transparent", class: "fl-word", "data-fl-word": w,
                                   role: "button", "aria-label": `use ${w} as the query` }, L.handles);
    pick.addEventListener("click", () => choose(w));
    arrows[w].pick = pick;
  }
  const a = flArrow(plane, L.arrows, { color: C.orange, width: 4 });
  const aName = tipLabel(plane, L.text, "a");
  f.legend([[C.orange, null, "query a"], ["rgba(37,99,235,0.9)", null, "similar"],
            ["rgba(220,38,38,0.9)", null, "opposite"]]);
  const choose = (w) => {     // a word's tip clicked: it is the query now
    s.a = vecOf(w).slice();
    redraw(f);
    f.send({ word: w });
  };
  const scene = {
    tips: { a: C.orange, b: C.blue },
    tip: (name) => s[name],
    click: (name) => name === "b" && choose("b"),
    draw() {
      const na = Math.hypot(...s.a);
      for (const w of words) {
        const v = vecOf(w), nv = Math.hypot(...v);
        const cos = na && nv ? dotp(s.a, v) / (na * nv) : null;
        paint(arrows[w], cosColour(cos));
        arrows[w].set([0, 0], v);
        labels[w].at(v, cos === null ? w : `${w} ${flFmt(cos, 2)}`);
        if (arrows[w].pick) {
          arrows[w].pick.setAttribute("cx", plane.X(v[0]));
          arrows[w].pick.setAttribute("cy", plane.Y(v[1]));
        }
      }
      a.set([0, 0], s.a);
      aName.at2([0, 0], s.a);
      const nb = Math.hypot(...s.b);
      f.title(`cos(a, b) = ${na && nb ? flFmt(dotp(s.a, s.b) / (na * nb)) : "undefined"}`,
              `query a = ${vecText(s.a)}`);
    },
  };
  return scene;
}

const SCENES = { vectors, norm, unit, dot, cosine };

// ---- The figure: a title, the plane, a legend and the snap switch, built once per element.

function build(root, data) {
  root.replaceChildren();
  const head = document.createElement("div");
  head.className = "fl-head";
  const title = document.createElement("div");
  title.className = "fl-title";
  const note = document.createElement("div");
  note.className = "fl-note";
  head.append(title, note);
  const host = document.createElement("div");
  host.className = "fl-plot";
  const legendBox = document.createElement("div");
  legendBox.className = "fl-legend";
  root.append(head, host, legendBox);
  const plane = flPlane(host, data.r);
  plane.svg.insertBefore(plane.layers.text, plane.layers.handles);   // no name hides a handle
  plane.svg.setAttribute("aria-label", "a plane with arrows; drag an arrowhead, or use the number boxes");
  const f = { kind: data.kind, plane, s: copy(data), dragging: false, pending: null };
  f.title = (main, sub) => { title.textContent = main; note.textContent = sub || ""; };
  f.legend = (items) => {
    const texts = [];
    texts.swatch = [];
    for (const [colour, dash, text] of items) {
      const item = document.createElement("span");
      item.className = "fl-key";
      const sw = flSvg("svg", { viewBox: "0 0 24 8", width: 24, height: 8, "aria-hidden": "true" }, item);
      texts.swatch.push(flSvg("line", { x1: 1, y1: 4, x2: 23, y2: 4, stroke: colour, "stroke-width": 3,
                                        "stroke-dasharray": dash, "stroke-linecap": "round" }, sw));
      const t = document.createElement("span");
      t.textContent = text;
      item.appendChild(t);
      legendBox.appendChild(item);
      texts.push(t);
    }
    return texts;
  };
  f.send = (value) => flSend(f.setStateValue, "drop", value);
  const scene = (f.scene = SCENES[data.kind](f));
  const snap = flSnapToggle(root, 0.5);
  f.handles = {};
  for (const [name, colour] of Object.entries(scene.tips)) {
    const h = (f.handles[name] = flHandle(plane, name, colour, `drag the tip of ${name}`));
    h.querySelector(".fl-hit").setAttribute("r", 24);   // ≥ 20 px for a finger at 390 px too
    let start = null, moved = false;
    flDrag(plane.svg, h, {
      onStart() { f.dragging = true; start = f.s[name].slice(); moved = false; },
      onMove(pt) {
        const d = plane.toData(pt), r = plane.r, step = snap();
        const p = [flClamp(d.x, -r, r), flClamp(d.y, -r, r)];
        const v = scene.place ? scene.place(name, p, step) : [flSnap(p[0], step), flSnap(p[1], step)];
        if (v[0] === f.s[name][0] && v[1] === f.s[name][1]) return;
        f.s[name] = v;
        moved = true;
        redraw(f);
      },
      onEnd() {
        f.dragging = false;
        const changed = moved && (f.s[name][0] !== start[0] || f.s[name][1] !== start[1]);
        if (changed) f.send({ [name]: f.s[name] });
        else if (!moved && scene.click) scene.click(name);
        if (f.pending) update(f, f.pending);
      },
    });
  }
  return f;
}

// The values a figure draws, copied (a drag changes them in place).
function copy(data) {
  const s = {};
  for (const [k, v] of Object.entries(data)) s[k] = Array.isArray(v) ? v.slice() : v;
  return s;
}

function redraw(f) {
  f.scene.draw();
  for (const [name, h] of Object.entries(f.handles)) h.move(f.scene.tip(name));
}

function update(f, data) {
  if (f.dragging) { f.pending = data; return; }   // the range stays put under a moving hand
  f.pending = null;
  f.s = Object.assign(f.s, copy(data));
  f.plane.setRange(data.r);
  f.plane.svg.setAttribute("data-fl-r", data.r);   // the drawn range, for tests and tools
  redraw(f);
}

export default function ({ parentElement, data, setStateValue }) {
  const root = parentElement.querySelector(".fl-touch");
  if (!root || !data || !SCENES[data.kind]) return;
  if (!root.__fl || root.__fl.kind !== data.kind) root.__fl = build(root, data);
  root.__fl.setStateValue = setStateValue;
  update(root.__fl, data);
}
