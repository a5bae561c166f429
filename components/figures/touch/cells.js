// Chapter 7's matrix product, C = A·B. B sits above C and A to its left, so the row of A and
// the column of B that make a cell of C meet at that cell. Pointing at a cell (a mouse over
// it, a finger on it, the keyboard's focus) lights its row and column at once, here in the
// browser; a click, a tap, Enter or Space sends the cell to the server (flSend), where the
// select box and the readout table follow. The server sends every entry and every cell's sum
// as text: this script does no arithmetic.

// The grid's lines: B's rows, then a gap, then the rows of A and C, then C's label.
// Columns: A's, a gap, then B's and C's.
function flCellsBuild(root, d) {
  const m = d.C.length, n = d.C[0].length, p = d.B.length;
  const grid = document.createElement("div");
  grid.className = "fl-mm";
  grid.style.gridTemplateColumns = `repeat(${p}, auto) var(--fl-gap) repeat(${n}, auto)`;
  grid.style.gridTemplateRows = `auto repeat(${p}, var(--fl-cell)) var(--fl-gap) repeat(${m}, var(--fl-cell)) auto`;
  const place = (el, row, col, span = 1) => {
    el.style.gridRow = String(row);
    el.style.gridColumn = `${col} / span ${span}`;
    grid.appendChild(el);
    return el;
  };
  const label = (text, cls) => {
    const el = document.createElement("div");
    el.className = "fl-label " + cls;
    el.textContent = text;
    return el;
  };
  const matrix = (M, name, row0, col0) => M.map((r, i) => r.map((_, j) => {
    const el = place(document.createElement("div"), row0 + i, col0 + j);
    el.className = `fl-cell fl-${name}`;
    el.dataset.flCell = `${name}-${i + 1}-${j + 1}`;
    return el;
  }));
  const s = { m, n, p, grid, lit: [] };
  place(label("B", "fl-label-b"), 1, p + 2, n);
  place(label("A", "fl-label-a"), p + 1, 1, p);
  s.B = matrix(d.B, "b", 2, p + 2);
  s.A = matrix(d.A, "a", p + 3, 1);
  s.C = d.C.map((r, i) => r.map((_, j) => {
    const el = place(document.createElement("button"), p + 3 + i, p + 2 + j);
    el.type = "button";
    el.className = "fl-cell fl-c";
    el.dataset.flDrag = `cell-${i + 1}-${j + 1}`;
    el.tabIndex = -1;
    el.__at = [i, j];
    return el;
  }));
  place(label("C = A·B", "fl-label-c"), p + 3 + m, p + 2, n);
  const scroll = document.createElement("div");
  scroll.className = "fl-scroll";
  scroll.appendChild(grid);
  s.sum = document.createElement("p");
  s.sum.className = "fl-sum";
  s.sum.setAttribute("aria-live", "polite");
  root.replaceChildren(scroll, s.sum);
  return s;
}

// Entries, sums and names, on every data the server sends (the shape may be the same).
function flCellsFill(s, d) {
  const put = (els, M) => els.forEach((r, i) => r.forEach((el, j) => { el.textContent = M[i][j]; }));
  put(s.A, d.A);
  put(s.B, d.B);
  put(s.C, d.C);
  s.C.forEach((r, i) => r.forEach((el, j) => el.setAttribute("aria-label", d.names[i][j])));
  s.sums = d.sums;
}

// Light the row of A, the column of B and the cell (i, j) of C; only the cells that change
// are touched.
function flCellsLight(s, i, j) {
  if (s.at && s.at[0] === i && s.at[1] === j) return;
  const t0 = performance.now();
  for (const el of s.lit) el.classList.remove("fl-lit");
  s.lit = [...s.A[i], ...s.B.map((r) => r[j]), s.C[i][j]];
  for (const el of s.lit) el.classList.add("fl-lit");
  s.at = [i, j];
  s.sum.textContent = s.sums[i][j];
  s.grid.getBoundingClientRect();
  FL.frames.push(performance.now() - t0);
}

// The picked cell (the server's): pressed, and the one the Tab key reaches.
function flCellsPick(s, i, j) {
  s.pick = [i, j];
  s.C.forEach((r, a) => r.forEach((el, b) => {
    const on = a === i && b === j;
    el.setAttribute("aria-pressed", on ? "true" : "false");
    el.tabIndex = on ? 0 : -1;
  }));
}

function flCellsListen(root) {
  const st = () => root.__fl;
  const cellOf = (e) => {
    const el = e.target.closest && e.target.closest("button.fl-c");
    return el && el.__at ? el : null;
  };
  const back = () => { const s = st(); if (s) flCellsLight(s, ...s.pick); };
  root.addEventListener("pointerover", (e) => {
    const el = cellOf(e);
    if (el) flCellsLight(st(), ...el.__at);
  });
  root.addEventListener("pointerout", (e) => {
    // Moving over the gaps between cells keeps the last cell lit; leaving the matrices shows
    // the picked one again. A finger's tap ends with a pointerout too: the tapped cell stays.
    const s = st();
    if (e.pointerType === "touch" || !s || (e.relatedTarget && s.grid.contains(e.relatedTarget))) return;
    back();
  });
  root.addEventListener("focusout", (e) => {
    if (!root.contains(e.relatedTarget)) back();
  });
  root.addEventListener("focusin", (e) => {
    const el = cellOf(e);
    if (el) flCellsLight(st(), ...el.__at);
  });
  root.addEventListener("click", (e) => {
    const el = cellOf(e), s = st();
    if (!el) return;
    const [i, j] = el.__at;
    flCellsLight(s, i, j);
    if (s.pick[0] === i && s.pick[1] === j) return;
    flCellsPick(s, i, j);
    flSend(s.setStateValue, "pick", { row: i + 1, col: j + 1 });
  });
  root.addEventListener("keydown", (e) => {
    const el = cellOf(e), s = st();
    const step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!el || !step) return;
    e.preventDefault();
    const i = flClamp(el.__at[0] + step[0], 0, s.m - 1), j = flClamp(el.__at[1] + step[1], 0, s.n - 1);
    s.C[i][j].focus();
  });
}

function flCellsOk(d) {
  const grid = (M) => Array.isArray(M) && M.length > 0 && M.every((r) => Array.isArray(r) && r.length === M[0].length);
  return d && grid(d.A) && grid(d.B) && grid(d.C) && grid(d.sums) && grid(d.names) &&
    d.A[0].length === d.B.length && d.C.length === d.A.length && d.C[0].length === d.B[0].length &&
    Array.isArray(d.pick) && d.pick[0] < d.C.length && d.pick[1] < d.C[0].length;
}

export default function ({ parentElement, data, setStateValue }) {
  const root = parentElement.querySelector(".fl-touch");
  if (!root || !flCellsOk(data)) return;
  root.classList.add("fl-cells");
  let s = root.__fl;
  const shape = `${data.A.length}x${data.B.length}x${data.B[0].length}`;
  if (!s || s.shape !== shape) {
    if (!root.__flListening) { flCellsListen(root); root.__flListening = true; }
    s = root.__fl = flCellsBuild(root, data);
    s.shape = shape;
  }
  s.setStateValue = setStateValue;
  flCellsFill(s, data);
  flCellsPick(s, data.pick[0], data.pick[1]);
  s.at = null;   // the texts may have changed: write the sum again
  const inside = root.matches(":hover") || root.contains(parentElement.activeElement);
  const over = inside && s.C.flat().find((el) => el.matches(":hover") || el === parentElement.activeElement);
  flCellsLight(s, ...(over ? over.__at : data.pick));
}
