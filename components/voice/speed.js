// Speech speed for every Hear it and the animation: 0.75x, 1x or 1.25x, kept in the browser.
const RATES = [0.75, 1, 1.25];

function current() {
  const r = Number(window.localStorage.getItem("fl.voice.rate") || "1");
  return RATES.includes(r) ? r : 1;
}

export default function ({ parentElement }) {
  const box = parentElement.querySelector(".fl-speed");
  box.replaceChildren();
  const paint = () => box.querySelectorAll("button").forEach((b) =>
    b.setAttribute("aria-pressed", String(Number(b.dataset.rate) === current())));
  RATES.forEach((r) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.rate = String(r);
    b.textContent = `${r}×`;
    b.title = `Speak at ${r} times the normal speed`;
    b.addEventListener("click", () => {
      window.localStorage.setItem("fl.voice.rate", String(r));
      window.dispatchEvent(new CustomEvent("fl-voice-rate", { detail: r }));
      if (window.__flVoiceAudio) window.__flVoiceAudio.playbackRate = r;
    });
    box.appendChild(b);
  });
  window.addEventListener("fl-voice-rate", paint);
  paint();
  return () => window.removeEventListener("fl-voice-rate", paint);
}
