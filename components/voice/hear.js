// Plays one line of speech when the server says a press just happened.
// Audio from the server is played with new Audio(url); with no server voice the
// browser's own speechSynthesis speaks the text. The speed is a browser preference
// (localStorage "fl.voice.rate", set by the speed control).
const lastPress = new WeakMap();

function voiceRate() {
  const r = Number(window.localStorage.getItem("fl.voice.rate") || "1");
  return r >= 0.5 && r <= 2 ? r : 1;
}

function stopAll() {
  if (window.__flVoiceAudio) { window.__flVoiceAudio.pause(); window.__flVoiceAudio = null; }
  if (window.speechSynthesis) window.speechSynthesis.cancel();
}

export default function ({ parentElement, data }) {
  if (!data || !data.play || lastPress.get(parentElement) === data.press) {
    if (data) lastPress.set(parentElement, data.press);
    return;
  }
  lastPress.set(parentElement, data.press);
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
