// The formula comes apart, narrated: one step at a time, each new part highlighted
// while its sentence is spoken. Python sends every step at once (MathML, sentence,
// audio URL or none); this plays them in order without asking the server again,
// advancing when a step's audio ends (with sound off, after a time that grows with
// the sentence). Space steps forward and Shift+Space back while the figure has focus.
const states = new WeakMap();

function rate() {
  const r = Number(window.localStorage.getItem("fl.voice.rate") || "1");
  return r >= 0.5 && r <= 2 ? r : 1;
}

function readingMs(text) {
  return Math.max(1800, 62 * text.length) / rate();
}

function build(parent) {
  const root = parent.querySelector(".fl-anim-host");   // keep the component's own <style>
  root.innerHTML = `
    <div class="fl-anim" tabindex="0" role="group"
         aria-label="Formula animation. Space: next step, Shift+Space: previous step.">
      <div class="fl-anim-stage"></div>
      <p class="fl-anim-caption" aria-live="polite"></p>
      <div class="fl-anim-bar">
        <button type="button" data-act="back" title="Step back (Shift+Space)" aria-label="Step back">◀</button>
        <button type="button" data-act="play" class="fl-anim-play" data-fl-hotkey="animate">▶ Play · A</button>
        <button type="button" data-act="fwd" title="Step forward (Space)" aria-label="Step forward">▶︎▶︎</button>
        <button type="button" data-act="replay" title="Replay from the first step">↻ Replay</button>
        <button type="button" data-act="hear" title="Hear this step again">Hear it</button>
        <label class="fl-anim-sound"><input type="checkbox" data-act="sound" checked> Sound</label>
        <span class="fl-anim-count" aria-live="off"></span>
      </div>
      <div class="fl-anim-dots" aria-hidden="true"></div>
    </div>`;
  return root.querySelector(".fl-anim");
}

export default function ({ parentElement, data, setTriggerValue }) {
  let s = states.get(parentElement);
  if (!s) {
    s = { idx: 0, playing: false, waiting: false, gen: 0, audio: null, timer: null, steps: [] };
    states.set(parentElement, s);
    s.el = build(parentElement);
    wire(s, setTriggerValue);
  }
  s.steps = data.steps;
  s.browser = !!data.browser;
  s.setTrigger = setTriggerValue;
  if (s.idx >= s.steps.length) s.idx = 0;
  if (!s.shown) { show(s); s.shown = true; }
  if (s.waiting && hasAudio(s)) { s.waiting = false; start(s); }
  if (s.pendingHear && hasAudio(s)) {
    const loud = s.pendingHear === "loud";
    s.pendingHear = null;
    narrate(s, () => {}, loud);
  }
  paint(s);
  return () => stop(s);
}

function hasAudio(s) {
  return s.browser || s.steps.every((st) => st.src);
}

function wire(s, setTriggerValue) {
  const el = s.el;
  el.addEventListener("click", (ev) => {
    const act = ev.target.closest("[data-act]")?.dataset.act;
    if (act === "play") s.playing || s.waiting ? pause(s) : play(s);
    else if (act === "fwd") step(s, +1);
    else if (act === "back") step(s, -1);
    else if (act === "replay") { stop(s); s.idx = 0; show(s); play(s); }
    else if (act === "hear") step(s, 0, true);
  });
  el.querySelector("[data-act=sound]").addEventListener("change", () => {
    if (s.playing) { const i = s.idx; stop(s); s.idx = i; start(s); }
    paint(s);
  });
  el.addEventListener("keydown", (ev) => {
    if (ev.key !== " " && ev.code !== "Space") return;
    if (ev.target.matches?.("input")) return;
    ev.preventDefault();
    ev.stopPropagation();
    step(s, ev.shiftKey ? -1 : +1);
  });
  el.addEventListener("keyup", (ev) => {
    if (ev.key === " " || ev.code === "Space") ev.preventDefault();
  });
  window.addEventListener("fl-voice-rate", (ev) => { if (s.audio) s.audio.playbackRate = ev.detail; });
}

function soundOn(s) {
  return s.el.querySelector("[data-act=sound]").checked;
}

function show(s) {
  const st = s.steps[s.idx];
  const stage = s.el.querySelector(".fl-anim-stage");
  stage.innerHTML = st.mathml;
  stage.dataset.step = String(s.idx + 1);
  s.el.querySelector(".fl-anim-caption").textContent = st.say;
  paint(s);
}

function paint(s) {
  const n = s.steps.length;
  const play = s.el.querySelector("[data-act=play]");
  play.textContent = s.waiting ? "… Preparing · A" : s.playing ? "❚❚ Pause · A" : "▶ Play · A";
  play.setAttribute("aria-pressed", String(s.playing));
  s.el.querySelector(".fl-anim-count").textContent = `Step ${s.idx + 1} of ${n}`;
  s.el.querySelector("[data-act=back]").disabled = s.idx === 0;
  s.el.querySelector("[data-act=fwd]").disabled = s.idx === n - 1;
  const dots = s.el.querySelector(".fl-anim-dots");
  if (dots.childElementCount !== n) {
    dots.replaceChildren(...s.steps.map(() => document.createElement("span")));
  }
  [...dots.children].forEach((d, i) => d.className = i < s.idx ? "done" : i === s.idx ? "now" : "");
  s.el.dataset.playing = String(s.playing);
}

function stop(s) {
  s.gen += 1;
  s.pendingHear = null;
  s.playing = false;
  s.waiting = false;
  if (s.audio) { s.audio.pause(); s.audio = null; }
  if (s.timer) { clearTimeout(s.timer); s.timer = null; }
  if (window.speechSynthesis && s.spoke) { window.speechSynthesis.cancel(); s.spoke = false; }
}

function pause(s) { stop(s); paint(s); }

function play(s) {
  if (s.idx === s.steps.length - 1 && !s.playing) { s.idx = 0; show(s); }
  if (soundOn(s) && !hasAudio(s)) {
    s.waiting = true;            // ask the server for the missing audio, then play
    askForAudio(s);
    const gen = s.gen;
    setTimeout(() => { if (s.waiting && gen === s.gen) { s.waiting = false; start(s); } }, 45000);
    paint(s);
    return;
  }
  start(s);
}

function askForAudio(s) {
  if (s.asked) return;
  s.asked = true;
  s.setTrigger("need_audio", true);
}

function start(s) {
  s.playing = true;
  paint(s);
  narrate(s, () => {
    if (s.idx < s.steps.length - 1) { s.idx += 1; show(s); start(s); }
    else { s.playing = false; paint(s); }
  });
}

// Move by delta steps (0: stay) and speak that step once; loud: even with the sound off.
function step(s, delta, loud = false) {
  const next = Math.min(s.steps.length - 1, Math.max(0, s.idx + delta));
  stop(s);
  s.idx = next;
  show(s);
  if ((loud || soundOn(s)) && !hasAudio(s) && !s.asked) {
    askForAudio(s);               // spoken when the audio arrives
    s.pendingHear = loud ? "loud" : "on";
    return;
  }
  narrate(s, () => {}, loud);
}

// Speak the current step, then call done() once (unless stopped meanwhile).
function narrate(s, done, loud = false) {
  const gen = s.gen;
  const st = s.steps[s.idx];
  const finish = () => { if (gen === s.gen) { s.timer && clearTimeout(s.timer); s.timer = null; done(); } };
  if (!soundOn(s) && !loud) { s.timer = setTimeout(finish, readingMs(st.say)); return; }
  if (st.src) {
    const audio = new Audio(st.src);
    audio.playbackRate = rate();
    s.audio = audio;
    audio.addEventListener("ended", finish);
    audio.play().catch(() => { s.timer = setTimeout(finish, readingMs(st.say)); });
  } else if (s.browser && window.speechSynthesis) {
    const u = new SpeechSynthesisUtterance(st.say);
    u.lang = "en-US";
    u.rate = rate();
    u.onend = finish;
    s.spoke = true;
    window.speechSynthesis.speak(u);
    s.timer = setTimeout(finish, 2.5 * readingMs(st.say));   // if the voice never reports its end
  } else {
    s.timer = setTimeout(finish, readingMs(st.say));
  }
}
