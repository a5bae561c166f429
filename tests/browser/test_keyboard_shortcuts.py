"""Keyboard shortcuts in Chromium: chapters by number, N/P, g and two digits, the ? list,
keys left alone in text fields, and H/R/A/T finding the control a page marks for them."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser

# A listener on the document sees what reaches Streamlit's own shortcuts (R reruns the app,
# they listen on the document too); the hotkeys listener sits before it, on the window.
PROBE = """() => { window.__docKeys = [];
  document.addEventListener('keydown', e => window.__docKeys.push(e.key)); }"""
NOTE = "#fl-hotkeys-layer .note"                   # the short note a key leaves at the bottom


def on_page(page, url_path, title):
    expect(page.locator("h1").first).to_have_text(title)
    page.wait_for_function("p => window.__flHotkeys && window.__flHotkeys.data.current === p", arg=url_path)
    assert page.url.rstrip("/").endswith(url_path)


def doc_keys(page):
    return page.evaluate("() => window.__docKeys.splice(0)")


def test_navigate_text_fields_and_the_list(server, page):
    open_app(page, server)
    page.wait_for_function("() => window.__flHotkeys && window.__flHotkeys.data")
    # The listener takes no space: its container and the layout box around it are not drawn.
    # (waited for: the style arrives in the same run as the listener, and may be drawn after it)
    page.wait_for_function("""() => { const c = document.querySelector('.st-key-fl-hotkeys');
        return getComputedStyle(c).display === 'none' && getComputedStyle(c.parentElement).display === 'none'; }""")
    page.evaluate(PROBE)
    page.keyboard.press("n")                        # from Home, N starts the course
    on_page(page, "vectors", "Vectors")
    page.keyboard.press("3")
    on_page(page, "unit-vector", "Unit Vector")
    for k in "g12":
        page.keyboard.press(k)
    on_page(page, "softmax", "Softmax")
    page.keyboard.press("n")
    on_page(page, "mean-squared-error", "Mean Squared Error")
    page.keyboard.press("p")
    on_page(page, "softmax", "Softmax")
    page.keyboard.press("g")
    page.keyboard.press("0")
    page.keyboard.press("4")
    on_page(page, "dot-product", "Dot Product")
    page.keyboard.press("g")
    page.keyboard.press("2")
    page.keyboard.press("5")
    expect(page.locator(NOTE)).to_have_text("There is no chapter 25: chapters run from 1 to 17.")
    assert doc_keys(page) == []                     # every handled key stopped at the window

    # On Home, H, R, A, T have nothing to act on: a note, and the page stays put (R does not
    # rerun); the list says so too. Then 4 leads back to a chapter.
    open_app(page, server)
    expect(page.locator("h1").first).to_have_text("Formula Lab")
    page.wait_for_function("() => window.__flHotkeys && window.__flHotkeys.data")
    page.evaluate(PROBE)
    page.locator("h1").first.click()
    page.keyboard.press("r")
    expect(page.locator(NOTE)).to_have_text("R: no recorder on this page. Press ? for the list.")
    for k in "hat":
        page.keyboard.press(k)
        expect(page.locator(NOTE)).to_have_text(f"{k.upper()}: not on this page. Press ? for the list.")
    page.keyboard.press("x")                        # not a shortcut: passes through
    assert doc_keys(page) == ["x"]
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_contain_text("Start or stop recording (Say it back)no recorder on this page")
    expect(dialog).to_contain_text("Hear the pronunciationnot on this page")
    page.keyboard.press("Escape")
    expect(page.locator("h1").first).to_have_text("Formula Lab")
    page.keyboard.press("4")
    on_page(page, "dot-product", "Dot Product")
    doc_keys(page)

    # Inside a text field every key is the learner's: H, 3, ? and N type, nothing else happens.
    expect(page.locator(NOTE + ".on")).to_have_count(0)  # the last note has faded
    box = page.get_by_label("Your answer").first
    box.click()
    for k in ["h", "3", "?", "n", "g", "1", "2"]:
        page.keyboard.press(k)
    expect(box).to_have_value("h3?ng12")
    expect(box).to_be_focused()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(NOTE + ".on")).to_have_count(0)
    on_page(page, "dot-product", "Dot Product")
    assert doc_keys(page) == ["h", "3", "?", "n", "g", "1", "2"]

    # The list: ? opens it, Esc closes it, ? twice, and a click.
    page.locator("h1").first.click()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next: 5. Cosine Similarity")
    expect(dialog).to_contain_text("Previous: 3. Unit Vector")
    expect(dialog).not_to_contain_text("no recorder on this page")   # a chapter has all four
    expect(dialog).not_to_contain_text("not on this page")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    page.keyboard.press("?")
    expect(dialog).to_have_count(0)
    page.keyboard.press("?")
    dialog.click()
    expect(dialog).to_have_count(0)

    # However many reruns and page switches, one listener: a key is seen once.
    before = page.evaluate("() => window.__flHotkeys.keydowns")
    page.keyboard.press("x")
    assert page.evaluate("() => window.__flHotkeys.keydowns") == before + 1


def test_the_open_list_follows_the_page(server, page):
    """Opened while a control is not drawn yet, the list says so; once it is drawn, the
    row changes, with the list still open."""
    open_app(page, server)
    page.wait_for_function("() => window.__flHotkeys && window.__flHotkeys.data")
    page.locator("h1").first.click()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_contain_text("Hear the pronunciationnot on this page")
    page.evaluate("""() => { const d = document.createElement('div');
        d.className = 'st-key-fl-hk-hear-late';
        d.innerHTML = '<button>Hear it</button>';
        document.querySelector('[data-testid="stMain"]').appendChild(d); }""")
    expect(dialog).not_to_contain_text("Hear the pronunciationnot on this page")
    expect(dialog).to_contain_text("Start or stop recording (Say it back)no recorder on this page")
    expect(dialog).to_be_focused()
    page.evaluate("() => document.querySelector('.st-key-fl-hk-hear-late').remove()")
    expect(dialog).to_contain_text("Hear the pronunciationnot on this page")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


def test_a_control_not_drawn_yet_says_so(server, page):
    """A fresh page can show a control's container a moment before the control itself: the
    key then says to try again, not that the page has no such control."""
    open_app(page, server)
    page.wait_for_function("() => window.__flHotkeys && window.__flHotkeys.data")
    page.evaluate("""() => { window.__acted = []; const d = document.createElement('div');
        d.className = 'st-key-fl-hk-hear-late';
        document.querySelector('[data-testid="stMain"]').appendChild(d); }""")
    page.locator("h1").first.click()
    page.keyboard.press("h")
    expect(page.locator(NOTE)).to_have_text("H: still loading, press it again in a moment")
    page.evaluate("""() => { const b = document.createElement('button');
        b.textContent = 'Hear it'; b.addEventListener('click', () => window.__acted.push('hear'));
        document.querySelector('.st-key-fl-hk-hear-late').appendChild(b); }""")
    page.keyboard.press("h")
    page.wait_for_function("() => window.__acted.length === 1")


# Controls marked the way pages mark them: containers with the class Streamlit gives a
# container keyed fl-hk-<action>-<slug>. Fixed in place so the nearest one is known.
INJECT = """() => {
  window.__acted = [];
  // The page's own controls go first: these stand-ins test the finding rules one by one
  // (test_keys_reach_the_chapter_controls below presses the real ones).
  document.querySelectorAll('[class*="st-key-fl-hk-"]').forEach(e => e.remove());
  const box = (cls, top, html) => {
    const d = document.createElement('div');
    d.className = cls;
    d.style.cssText = `position: fixed; left: 8px; top: ${top}px; width: 240px; height: 40px; z-index: 5`;
    d.innerHTML = html;
    document.body.appendChild(d);
    d.querySelectorAll('button, [data-fl-hotkey]').forEach(el =>
      el.addEventListener('click', () => window.__acted.push(el.dataset.name)));
    return d;
  };
  box('st-key-fl-hk-hear-far', 10, '<button data-name="hear-far">far</button>');
  box('stVerticalBlock st-key-fl-hk-hear-mid', 480, '<span>say</span><button data-name="hear-mid">mid</button>');
  box('st-key-fl-hk-hear-gone', 490, '<button data-name="hear-gone">hidden</button>').style.display = 'none';
  box('st-key-fl-hk-hearing-decoy', 470, '<button data-name="decoy">decoy</button>');
  // Components v2 may draw in a shadow root: the marked element there wins over a plain button.
  const rec = box('st-key-fl-hk-record-softmax', 560, '<button data-name="record-plain">plain</button>');
  const shadow = document.createElement('div');
  rec.appendChild(shadow);
  shadow.attachShadow({mode: 'open'}).innerHTML = '<div><span data-fl-hotkey="1" data-name="record-marked">rec</span></div>';
  shadow.shadowRoot.querySelector('[data-fl-hotkey]').addEventListener('click', () => window.__acted.push('record-marked'));
  box('st-key-fl-hk-animate-softmax', 620, '<button data-name="animate" disabled>play</button>');
  box('st-key-fl-hk-type-softmax', 680, '<div data-fl-typing tabindex="0" id="trainer">np.exp(x)</div>');
}"""


def test_actions_find_the_marked_control(server, page):
    open_app(page, server + "/softmax")
    page.wait_for_function("() => window.__flHotkeys && window.__flHotkeys.data")
    page.evaluate(INJECT)
    page.locator("h1").first.click()
    page.keyboard.press("h")
    page.keyboard.press("r")
    page.keyboard.press("r")
    assert page.evaluate("() => window.__acted") == ["hear-mid", "record-marked", "record-marked"]
    # Streamlit's own audio input, holding a take: Download and Clear come before Record.
    page.evaluate("""() => { document.querySelector('.st-key-fl-hk-record-softmax').remove();
      const d = document.createElement('div');
      d.className = 'st-key-fl-hk-record-audio';
      d.innerHTML = '<div data-testid="stAudioInput"><button aria-label="Download as WAV: Say it back">d</button>'
        + '<button aria-label="Clear recording: Say it back">c</button><button aria-label="Record">r</button></div>';
      d.querySelectorAll('button').forEach(b => b.addEventListener('click', () => window.__acted.push(b.textContent)));
      document.body.appendChild(d); }""")
    page.keyboard.press("r")
    assert page.evaluate("() => window.__acted.splice(3)") == ["r"]
    page.keyboard.press("a")                        # its button is disabled: said, not clicked
    expect(page.locator(NOTE)).to_have_text("A: not available right now")
    page.evaluate("() => document.querySelector('[data-name=animate]').disabled = false")
    page.keyboard.press("Shift+A")
    assert page.evaluate("() => window.__acted") == ["hear-mid", "record-marked", "record-marked", "animate"]

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).not_to_contain_text("not on this page")
    expect(dialog).not_to_contain_text("no recorder")
    page.keyboard.press("Escape")

    page.keyboard.press("t")                        # T focuses the trainer; keys there are its own
    expect(page.locator("#trainer")).to_be_focused()
    for k in ["3", "n", "h", "?"]:
        page.keyboard.press(k)
    expect(page.locator("#trainer")).to_be_focused()
    expect(page.get_by_role("dialog")).to_have_count(0)
    on_page(page, "softmax", "Softmax")
    assert page.evaluate("() => window.__acted") == ["hear-mid", "record-marked", "record-marked", "animate"]


def test_keys_reach_the_chapter_controls(server, page):
    """On a real chapter: H speaks the pronunciation, A plays the build-up, T focuses the trainer."""
    page.add_init_script("""window.__plays = 0; const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function () { window.__plays++; return play.call(this).catch(() => {}); };
      if (window.speechSynthesis) { const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
        window.speechSynthesis.speak = (u) => { window.__plays++; return speak(u); }; }""")
    open_app(page, server + "/relu")
    page.wait_for_function("() => window.__flHotkeys && window.__flHotkeys.data")
    expect(page.locator(".st-key-fl-hk-type-relu")).to_be_visible()
    # a fresh page draws its buttons a moment after the containers they sit in (H pressed
    # before that says so: test_a_control_not_drawn_yet_says_so)
    expect(page.locator(".st-key-fl-hk-hear-relu button")).to_be_visible()
    page.locator("h1").first.click()
    page.keyboard.press("h")
    page.wait_for_function("() => window.__plays >= 1")
    before = page.evaluate("() => window.__plays")
    page.keyboard.press("a")
    page.wait_for_function(f"() => window.__plays > {before}")
    page.keyboard.press("a")                        # pause again
    page.keyboard.press("t")
    page.wait_for_function("""() => { let e = document.activeElement;
      while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
      return !!(e && e.closest && e.closest('[data-fl-typing]')); }""")
