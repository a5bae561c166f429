// Plays one line of speech for each new press of a Hear it button. Every run of the page
// sends the button's newest press number; a number is played once, so a run cut short by
// another widget's rerun loses no press, and a page left and opened again replays nothing.
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

export default function ({ data }) {
  if (!data) return;
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
