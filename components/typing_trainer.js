// The typing trainer: the learner retypes the target; every key is timed here, in the
// browser, and one attempt (with its keystroke log) goes to Python when it ends.
// The caret rules are core/typing.py's replay(): Enter on a newline skips the next line's
// indentation, Tab on spaces fills them to the next multiple of 4 columns, Backspace takes
// back the last key. The attempt ends when the last character is typed right (any wrong ones
// before it stay wrong and count), or with Enter once the caret is past the end: a wrong last
// character leaves the caret there, to be corrected or handed in. Before the end, Enter is a
// character like any other. Each key changes the classes of the one or few spans it touches, never
// the whole text. window.__flTypingPerf keeps the handler's time per key for bench/typing_trainer.py.

const TAB = 4;
const MAX_KEYS = 4000;      // core.typing.MAX_KEYS: the attempt ends at this many keys
const ESC_GAP_MS = 700;     // two Escapes this close together reset
const AT_END = "The last character is wrong: Backspace to correct it, or Enter to finish.";
const instances = new WeakMap();

function perfLog() {
  if (!window.__flTypingPerf) window.__flTypingPerf = [];
  return window.__flTypingPerf;
}

function makeState(root, target, targetId) {
  const code = root.querySelector(".fl-type-code");
  const spans = [];
  const base = [];
  const frag = document.createDocumentFragment();
  for (let i = 0; i <= target.length; i++) {
    const ch = i < target.length ? target[i] : "";
    const s = document.createElement("span");
    let cls = "c";
    if (i === target.length) { cls = "c end"; s.textContent = " "; }
    else if (ch === "\n") { cls = "c nl"; s.textContent = "\u21b5\n"; }
    else if (ch === " ") { cls = "c sp"; s.textContent = " "; }
    else s.textContent = ch;
    s.className = cls;
    base.push(cls);
    spans.push(s);
    frag.appendChild(s);
  }
  code.replaceChildren(frag);
  const st = {
    target, targetId, spans, base, code,
    bar: root.querySelector(".fl-type-bar"),
    note: root.querySelector(".fl-type-note"),
    pos: 0, stack: [], keys: [], t0: null, lastEsc: -1e9, done: false,
    chars: 0, errors: 0, left: 0, run: 0, best: 0, idleTimer: 0,
  };
  spans[0].classList.add("cur");
  return st;
}

function attemptId() {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}

function setBar(st) {
  const n = st.target.length;
  const secs = st.keys.length ? st.keys[st.keys.length - 1][1] / 1000 : 0;
  const wpm = secs > 0 ? (st.left / 5) / (secs / 60) : 0;
  const acc = st.chars ? Math.round((100 * (st.chars - st.errors)) / st.chars) + "%" : "\u2014";
  const b = st.bar.children;
  b[0].lastChild.textContent = `${Math.min(st.pos, n)}/${n}`;
  b[1].lastChild.textContent = String(st.errors);
  b[2].lastChild.textContent = acc;
  b[3].lastChild.textContent = String(Math.round(wpm));
  b[4].lastChild.textContent = `${st.run} · best ${st.best}`;
}

function clearBar(st) {
  for (const item of st.bar.children) item.lastChild.textContent = "0";
  st.bar.children[2].lastChild.textContent = "\u2014";
  setBar(st);
}

function send(st, setStateValue, completed) {
  if (!st.chars) return;
  setStateValue("attempt", {
    id: attemptId(), target_id: st.targetId, completed,
    keys: st.keys.map((k) => [k[0], k[1], k[2]]),
  });
}

function reset(root, st, setStateValue) {
  if (!st.done) send(st, setStateValue, false);   // a reset attempt is kept, not mastered
  for (let i = 0; i < st.spans.length; i++) st.spans[i].className = st.base[i];
  Object.assign(st, { pos: 0, stack: [], keys: [], t0: null, done: false,
                      chars: 0, errors: 0, left: 0, run: 0, best: 0 });
  st.spans[0].classList.add("cur");
  root.classList.remove("done");
  st.note.textContent = "";
  clearBar(st);
}

function typeKey(st, k, t) {
  const target = st.target, n = target.length, pos = st.pos;
  const exp = target[pos];
  let end = pos + 1, ok;
  if (k === "\n") {
    ok = exp === "\n";
    if (ok) while (end < n && target[end] === " ") end++;
  } else if (k === "\t") {
    ok = exp === " ";
    if (ok) {
      const col = pos - (pos === 0 ? 0 : target.lastIndexOf("\n", pos - 1) + 1);
      const stop = Math.min(pos + TAB - (col % TAB), n);
      while (end < stop && target[end] === " ") end++;
    }
  } else ok = k === exp;
  st.keys.push([k, t, ok]);
  st.stack.push([pos, end, ok]);
  st.chars++;
  if (ok) { st.left++; st.run++; if (st.run > st.best) st.best = st.run; }
  else { st.errors++; st.run = 0; }
  const spans = st.spans;
  spans[pos].className = st.base[pos] + (ok ? " ok" : " bad");
  for (let i = pos + 1; i < end; i++) spans[i].className = st.base[i] + (k === "\t" ? " ok" : " skip");
  spans[end].classList.add("cur");
  st.pos = end;
}

function backspace(st, t) {
  st.keys.push(["Backspace", t, false]);
  const unit = st.stack.pop();
  if (!unit) return;
  const [pos, end, ok] = unit;
  st.spans[st.pos].classList.remove("cur");
  for (let i = pos; i < end; i++) st.spans[i].className = st.base[i];
  st.spans[pos].classList.add("cur");
  st.pos = pos;
  if (ok) st.left--;
}

function finish(root, st, setStateValue) {
  st.done = true;
  root.classList.add("done");
  st.spans[st.pos].classList.remove("cur");
  st.note.textContent = st.pos >= st.target.length
    ? "Done. Your figures are below. Esc Esc to go again."
    : `Stopped at ${MAX_KEYS} keys. Esc Esc to go again.`;
  send(st, setStateValue, st.pos >= st.target.length);
}

function handle(root, st, setStateValue, e) {
  // Ctrl/Cmd shortcuts pass through; Ctrl+Alt (AltGr) and Option keep typing characters
  // such as @ and [ on keyboards that need them.
  if (e.metaKey || (e.ctrlKey && !e.altKey) || e.isComposing) return;
  let k = e.key;
  if (k === "Tab" && e.shiftKey) return;     // Shift+Tab leaves the trainer
  const now = performance.now();
  if (k === "Escape") {
    e.preventDefault();
    if (now - st.lastEsc < ESC_GAP_MS) { st.lastEsc = -1e9; reset(root, st, setStateValue); }
    else st.lastEsc = now;
    return;
  }
  if (st.done) return;
  if (k === "Enter") k = "\n";
  else if (k === "Tab") k = "\t";
  else if (k !== "Backspace" && k.length !== 1) return;
  e.preventDefault();
  if (st.t0 === null) {
    if (k === "Backspace") return;
    st.t0 = now;
  }
  const n = st.target.length;
  if (st.pos >= n && k !== "Backspace") {      // past a wrong last character
    if (k === "\n") finish(root, st, setStateValue);   // Enter hands the attempt in; not a key
    return;                                     // nothing is typed past the end
  }
  const t = Math.round((now - st.t0) * 10) / 10;
  st.spans[st.pos].classList.remove("cur");
  if (k === "Backspace") backspace(st, t);
  else typeKey(st, k, t);
  root.classList.add("typing");
  clearTimeout(st.idleTimer);
  st.idleTimer = setTimeout(() => root.classList.remove("typing"), 600);
  setBar(st);
  const lastRight = st.pos >= n && k !== "Backspace" && st.stack[st.stack.length - 1][2];
  if (lastRight || st.keys.length >= MAX_KEYS) finish(root, st, setStateValue);
  else if (st.pos >= n) st.note.textContent = AT_END;
  else if (st.note.textContent === AT_END) st.note.textContent = "";
}

export default function ({ parentElement, data, setStateValue }) {
  const root = parentElement.querySelector(".fl-type");
  let st = instances.get(root);
  if (!st || st.targetId !== data.target_id) {
    st = makeState(root, data.target, data.target_id);
    instances.set(root, st);
    root.classList.remove("done");
    clearBar(st);
  }
  root.querySelector(".fl-type-label").textContent = data.label || "";
  root.onkeydown = (e) => {
    const t0 = performance.now();
    handle(root, instances.get(root), setStateValue, e);
    const log = perfLog();
    if (log.length < 20000) log.push(performance.now() - t0);
  };
  root.onpaste = (e) => {
    e.preventDefault();
    instances.get(root).note.textContent = "Pasting does not count: type it.";
  };
  root.ondrop = (e) => e.preventDefault();
  root.onmousedown = () => root.focus();
  return () => {
    root.onkeydown = root.onpaste = root.ondrop = root.onmousedown = null;
    instances.delete(root);
  };
}
