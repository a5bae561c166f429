// Plays one line of speech for each new press of a Hear it button. A click of the button
// (mouse, finger, keyboard or shortcut) is given a new token, kept as this component's
// state value: unlike the button's own one-run trigger it goes out with every later
// rerun, so a rerun that another widget starts a moment after the press cannot lose it.
// Every run of the page sends the newest press number; a number is played once, so a
// page left and opened again replays nothing.
// Audio from the server is played with new Audio(url); with no server voice the
// browser's own speechSynthesis speaks the text. The speed is a browser preference
// (localStorage "fl.voice.rate", set by the speed control).
const played = (window.__flVoicePlayed = window.__flVoicePlayed || new Map()); // id -> press

function voiceRate() {
  const r = Number(window.localStorage.getItem("fl.voice.rate") || "1");
  return r >= 0.5 && r <= 2 ? r : 1;
}

function stopAll() {
  if (window.__flVoiceAudio) { window.__flVoiceAudio.pause(); window.__flVoiceAudio = null; }
  if (window.speechSynthesis) window.speechSynthesis.cancel();
}

// box class -> the newest setStateValue of the player in it (a remounted player replaces it).
const senders = (window.__flHearSenders = window.__flHearSenders || new Map());
let clicks = 0;

function listen() {
  if (window.__flHearListening) return;
  window.__flHearListening = true;
  // Capture phase: the token is set before the button's own handler sends its rerun, so
  // that rerun carries it too.
  document.addEventListener("click", (e) => {
    const button = e.target instanceof Element ? e.target.closest("button") : null;
    if (!button) return;
    for (const [box, send] of senders) {
      if (button.closest("." + box)) {
        send("press", Date.now().toString(36) + "-" + (++clicks));
        return;
      }
    }
  }, true);
}

export default function ({ data, setStateValue }) {
  if (!data) return;
  if (data.box) {
    listen();
    senders.set(data.box, setStateValue);
  }
  const seen = played.get(data.id);
  played.set(data.id, data.press);
  if (!data.press || data.press === seen) return;
  stopAll();
  const rate = voiceRate();
  if (data.src) {
    const audio = new Audio(data.src);
    audio.playbackRate = rate;
    window.__flVoiceAudio = audio;
    audio.play().catch(() => {});
  } else if (data.text && window.speechSynthesis) {
    const u = new SpeechSynthesisUtterance(data.text);
    u.lang = "en-US";
    u.rate = rate;
    window.speechSynthesis.speak(u);
  }
}
