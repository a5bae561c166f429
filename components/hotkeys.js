// Formula Lab keyboard shortcuts: one capture-phase keydown listener on the top window.
// Runs again on every rerun that changes its data: the listener is attached once (a flag on
// window) and always reads the newest data from window.__flHotkeys.

const ACTIONS = {
  hear: { text: "Hear the pronunciation", missing: "not on this page" },
  record: { text: "Start or stop recording (Say it back)", missing: "no recorder on this page" },
  animate: { text: "Animate the formula", missing: "not on this page" },
  type: { text: "Type the code yourself (typing trainer)", missing: "not on this page" },
};
const PREFIX_MS = 2000; // how long "g" waits for its two digits

function hk() {
  return window.__flHotkeys;
}

// -- where keys must be left alone -------------------------------------------------------

function inTextField(event) {
  for (const el of event.composedPath()) {
    if (!(el instanceof Element)) continue;
    const tag = el.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return true;
    if (el.isContentEditable || el.hasAttribute("contenteditable")) return true;
    if (el.hasAttribute("data-fl-typing")) return true;
  }
  return false;
}

// -- targets: containers keyed fl-hk-<action>-… --------------------------------------------

function containers(action) {
  const prefix = `st-key-fl-hk-${action}-`;
  return Array.from(document.querySelectorAll(`[class*="${prefix}"]`)).filter((el) =>
    Array.from(el.classList).some((c) => c.startsWith(prefix)));
}

// The container nearest the viewport's vertical centre, visible ones first.
function nearest(list) {
  const mid = window.innerHeight / 2;
  const rank = (el) => {
    const r = el.getBoundingClientRect();
    const shown = r.width > 0 || r.height > 0;
    const inView = shown && r.bottom > 0 && r.top < window.innerHeight;
    const dist = r.top <= mid && r.bottom >= mid ? 0 : Math.min(Math.abs(r.top - mid), Math.abs(r.bottom - mid));
    return [inView ? 0 : shown ? 1 : 2, dist];
  };
  const ranked = list.map((el) => [rank(el), el]);
  ranked.sort((a, b) => a[0][0] - b[0][0] || a[0][1] - b[0][1]);
  return ranked.length ? ranked[0][1] : null;
}

// First element under root (in document order, shadow roots included) that passes test.
function deepFirst(root, test) {
  for (const child of root.children) {
    if (test(child)) return child;
    if (child.shadowRoot) {
      const inShadow = deepFirst(child.shadowRoot, test);
      if (inShadow) return inShadow;
    }
    const below = deepFirst(child, test);
    if (below) return below;
  }
  return null;
}

// Streamlit's st.audio_input puts Download and Clear before Record once it holds a take.
const AUDIO_INPUT_TOGGLE = /^(Record|Stop recording)/;

function control(container, action) {
  const tests = [(el) => el.hasAttribute("data-fl-hotkey")];
  if (action === "type") tests.push((el) => el.hasAttribute("data-fl-typing"));
  if (action === "record") {
    tests.push((el) => el.tagName === "BUTTON" && AUDIO_INPUT_TOGGLE.test(el.getAttribute("aria-label") || "")
      && !!el.closest('[data-testid="stAudioInput"]'));
  }
  tests.push((el) => el.tagName === "BUTTON");
  for (const test of tests) {
    const found = deepFirst(container, test);
    if (found) return found;
  }
  return null;
}

function findTarget(action) {
  const box = nearest(containers(action));
  return box ? control(box, action) : null;
}

function act(action) {
  const key = hk().data.keys[action];
  const target = findTarget(action);
  if (!target && containers(action).length) { // its place is drawn, the control not yet
    note(`${key}: still loading, press it again in a moment`);
    return;
  }
  if (!target) {
    note(`${key}: ${ACTIONS[action].missing}. Press ? for the list.`);
    return;
  }
  if (target.disabled || target.getAttribute("aria-disabled") === "true") {
    note(`${key}: not available right now`);
    return;
  }
  const r = target.getBoundingClientRect();
  if (r.bottom < 0 || r.top > window.innerHeight) target.scrollIntoView({ block: "center", behavior: "smooth" });
  if (action === "type") target.focus();
  else target.click();
}

// -- navigation -------------------------------------------------------------------------

function go(url, what) {
  const state = hk();
  if (!url) {
    note(what);
    return;
  }
  if (url === state.data.current) return;
  if (!state.send) return; // between reruns: the component is remounting
  note(state.data.titles[url] || url);
  state.send(url);
}

function chapter(n) {
  const urls = hk().data.chapters;
  if (n >= 1 && n <= urls.length) go(urls[n - 1]);
  else note(`There is no chapter ${n}: chapters run from 1 to ${urls.length}.`);
}

// -- the key handler --------------------------------------------------------------------

function consume(event) {
  event.preventDefault();
  event.stopPropagation();
  event.stopImmediatePropagation();
}

function onKeyDown(event) {
  const state = hk();
  if (!state || !state.data) return;
  state.keydowns += 1; // every key this listener sees (a test checks it is attached once)
  if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
  if (event.defaultPrevented || inTextField(event)) return;
  const k = event.key;

  if (k === "Escape") {
    if (overlayOpen()) {
      consume(event);
      closeOverlay();
    }
    return;
  }
  if (k === "?") {
    consume(event);
    if (!event.repeat) overlayOpen() ? closeOverlay() : openOverlay();
    return;
  }

  if (state.pending !== null) { // "g" typed: collecting two digits
    if (/^[0-9]$/.test(k)) {
      consume(event);
      state.pending += k;
      if (state.pending.length < 2) {
        note(`g ${state.pending} _`, PREFIX_MS);
        armPrefix();
        return;
      }
      const n = Number(state.pending);
      cancelPrefix();
      closeOverlay();
      chapter(n);
      return;
    }
    cancelPrefix(); // anything else ends the prefix and counts on its own
  }

  const lower = k.length === 1 ? k.toLowerCase() : k;
  const digit = /^[1-9]$/.test(k);
  const action = Object.keys(ACTIONS).find((a) => state.data.keys[a].toLowerCase() === lower);
  const nav = lower === "g" || lower === state.data.keys.next.toLowerCase()
    || lower === state.data.keys.prev.toLowerCase();
  if (!digit && !action && !nav) return;
  consume(event);
  if (event.repeat) return; // holding a key down does not repeat it (R would toggle on and off)
  closeOverlay();
  if (lower === "g") {
    state.pending = "";
    note("g _ _  (two digits: a chapter)", PREFIX_MS);
    armPrefix();
  } else if (digit) chapter(Number(k));
  else if (action) act(action);
  else if (lower === state.data.keys.next.toLowerCase()) go(state.data.next, "This is the end of the course.");
  else go(state.data.prev, "There is no page before this one.");
}

function armPrefix() {
  const state = hk();
  clearTimeout(state.prefixTimer);
  state.prefixTimer = setTimeout(cancelPrefix, PREFIX_MS);
}

function cancelPrefix() {
  const state = hk();
  clearTimeout(state.prefixTimer);
  state.pending = null;
}

// -- the overlay and the note, laid over the page in a shadow root of their own ----------

// STYLE (components/hotkeys.css) is prepended to this file by hotkeys.py.

function layer() {
  const state = hk();
  if (state.layer && state.layer.host.isConnected) return state.layer;
  const host = document.createElement("div");
  host.id = "fl-hotkeys-layer";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>${STYLE}</style><div class="note" role="status" aria-live="polite"></div>`;
  document.body.appendChild(host);
  state.layer = { host, root };
  return state.layer;
}

// Colours and fonts from the app's theme (dark or light), copied onto the layer's host.
function paint() {
  const { host } = layer();
  const app = document.querySelector('[data-testid="stApp"]') || document.body;
  const cs = getComputedStyle(app);
  const fromTheme = hk().themeSource ? getComputedStyle(hk().themeSource) : cs;
  const primary = fromTheme.getPropertyValue("--st-primary-color").trim() || "#4f46e5";
  const bg = cs.backgroundColor && cs.backgroundColor !== "rgba(0, 0, 0, 0)" ? cs.backgroundColor : "#ffffff";
  host.style.setProperty("--fl-bg", bg);
  host.style.setProperty("--fl-fg", cs.color || "#1d1f2b");
  host.style.setProperty("--fl-primary", primary);
  host.style.setProperty("--fl-line", "color-mix(in srgb, currentColor 16%, transparent)");
  host.style.setProperty("--fl-soft", `color-mix(in srgb, ${cs.color} 7%, ${bg})`);
  host.style.setProperty("--fl-font", cs.fontFamily || "sans-serif");
  host.style.setProperty("--fl-mono", "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace");
  host.style.color = cs.color;
}

function note(text, ms = 1600) {
  const state = hk();
  paint();
  const el = layer().root.querySelector(".note");
  el.textContent = text;
  el.classList.add("on");
  clearTimeout(state.noteTimer);
  state.noteTimer = setTimeout(() => el.classList.remove("on"), ms);
}

function overlayOpen() {
  const state = hk();
  return !!(state.layer && state.layer.root.querySelector(".scrim"));
}

function esc(text) {
  const d = document.createElement("div");
  d.textContent = text;
  return d.innerHTML;
}

function kbd(key) {
  return `<kbd>${esc(key)}</kbd>`;
}

function row(keys, text, off) {
  return `<dt>${keys}</dt><dd class="${off ? "missing" : ""}">${esc(text)}`
    + `${off ? `<span class="off">${esc(off)}</span>` : ""}</dd>`;
}

// The list's "On this page" rows: which of H, R, A, T find a control on the page as it is now.
function pageRows() {
  const d = hk().data;
  return Object.entries(ACTIONS).map(([a, info]) =>
    row(kbd(d.keys[a]), info.text, findTarget(a) ? null : info.missing)).join("");
}

// While the list is open the page may still be drawing (a page just opened, a rerun):
// the rows follow it, checked again a moment after the page's elements change.
function followPage(scrim) {
  const state = hk();
  const app = document.querySelector('[data-testid="stApp"]') || document.body;
  let timer = null;
  const refresh = () => {
    timer = null;
    const dl = scrim.isConnected && scrim.querySelector("dl.page");
    if (!dl) return;
    const rows = pageRows();
    if (dl.innerHTML !== rows) dl.innerHTML = rows;
  };
  state.follow = new MutationObserver(() => { if (!timer) timer = setTimeout(refresh, 150); });
  state.follow.observe(app, { childList: true, subtree: true });
}

function overlayHtml() {
  const d = hk().data;
  const last = d.chapters.length;
  const title = (url) => (url ? d.titles[url] || url : null);
  const nav = [
    row(`${kbd("1")}<span class="thru">–</span>${kbd("9")}`, `Chapter 1 to 9`),
    row(`${kbd("g")}${kbd("1")}${kbd("2")}`, `Chapter 10 to ${last}: g, then two digits (g 1 2 is chapter 12)`),
    row(kbd(d.keys.next), title(d.next) ? `Next: ${title(d.next)}` : "Next page", title(d.next) ? null : "this is the last page"),
    row(kbd(d.keys.prev), title(d.prev) ? `Previous: ${title(d.prev)}` : "Previous page", title(d.prev) ? null : "no page before this one"),
  ];
  const help = [row(kbd("?"), "Show or hide this list"), row(kbd("Esc"), "Close it (so does a click)")];
  return `<div class="panel" role="dialog" aria-modal="true" aria-labelledby="fl-hk-title" tabindex="-1">
<header><h2 id="fl-hk-title">Keyboard shortcuts</h2><span class="close">${kbd("Esc")} to close</span></header>
<h3>Move around</h3><dl>${nav.join("")}</dl>
<h3>On this page</h3><dl class="page">${pageRows()}</dl>
<h3>Help</h3><dl>${help.join("")}</dl>
<footer>Shortcuts pause while you type in a text field or the typing trainer.</footer>
</div>`;
}

function openOverlay() {
  const state = hk();
  paint();
  const { root } = layer();
  const scrim = document.createElement("div");
  scrim.className = "scrim";
  scrim.innerHTML = overlayHtml();
  scrim.addEventListener("click", closeOverlay);
  root.appendChild(scrim);
  followPage(scrim);
  state.returnFocus = document.activeElement;
  scrim.querySelector(".panel").focus();
}

function closeOverlay() {
  const state = hk();
  const scrim = state.layer && state.layer.root.querySelector(".scrim");
  if (!scrim) return;
  if (state.follow) state.follow.disconnect();
  state.follow = null;
  scrim.remove();
  const back = state.returnFocus;
  state.returnFocus = null;
  if (back && back.isConnected && typeof back.focus === "function") back.focus();
}

// -- mount ------------------------------------------------------------------------------

export default function ({ parentElement, data, setTriggerValue }) {
  const state = window.__flHotkeys || (window.__flHotkeys = { attached: false, pending: null, keydowns: 0 });
  if (state.data && data.sent < state.data.sent) return () => {}; // a late copy of an older run
  state.data = data;
  const send = (url) => setTriggerValue("go", url);
  state.send = send;
  state.themeSource = parentElement && parentElement.host ? parentElement.host : null;
  if (!state.attached) { // once per document, however many reruns and page switches follow
    window.addEventListener("keydown", onKeyDown, true);
    state.attached = true;
  }
  if (overlayOpen()) { // a rerun while the list is open: redraw it for this page
    const scrim = state.layer.root.querySelector(".scrim");
    scrim.innerHTML = overlayHtml();
  }
  return () => {
    if (state.send === send) state.send = null;
  };
}
