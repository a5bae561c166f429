"""Who is learning: the logged-in user when login is configured, else a local profile.

A local profile is only a name: without sign-in anyone who can reach the app can open any
profile, which is right for one learner on their own machine and wrong on a shared server, so
the app says so whenever it is reached at an address that is not this machine's own.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

import streamlit as st

PROFILE_KEY = "profile"        # session key owned by this module
PROFILE_ERROR_KEY = "profile.error"
DEFAULT_PROFILE = "me"
PROFILE_MAX = 40               # characters of a normalised profile name
# A longer name is refused before it is normalised (NFKC can make a text many times longer).
PROFILE_INPUT_MAX = 4 * PROFILE_MAX
_ALLOWED = re.compile(r"[a-z0-9 ._-]+")
_MARKS = re.compile(r"[0-9 ._-]")        # allowed beside the letters of any one script
_LOCAL_HOSTS = {"localhost", "localhost.localdomain", ""}
SHARED_SERVER_WARNING = (
    "This app is open to others at this address and nobody signs in: anyone who can reach it can "
    "open any profile, read its notes and add to its progress. A server shared by several learners "
    "needs sign-in configured, so that each learner's progress is their own.")


class ProfileNameError(ValueError):
    """A profile name that cannot be used; the message says why, fit to show a learner."""


def normalize_profile(raw: str) -> str:
    """One spelling for names that look alike: NFKC, case folded, trimmed, single spaces.
    Never raises; applying it twice gives what applying it once gave."""
    name = raw
    for _ in range(4):             # casefold can undo NFKC and back; settle on a fixed point
        settled = " ".join(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).split())
        if settled == name:
            break
        name = settled
    return name


def _script(ch: str) -> str:
    """The writing system of a letter, from its Unicode name ("LATIN", "CYRILLIC", …)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0].title()


def check_profile(raw: str) -> str:
    """The profile a typed or linked name means, or ProfileNameError saying why it is refused."""
    if len(raw) > PROFILE_INPUT_MAX:
        raise ProfileNameError(f"A profile name is at most {PROFILE_MAX} characters; this one has {len(raw):,}.")
    name = normalize_profile(raw)
    if not name:
        raise ProfileNameError("A profile name needs at least one letter or digit.")
    if len(name) > PROFILE_MAX:
        raise ProfileNameError(f"A profile name is at most {PROFILE_MAX} characters; this one has {len(name)}.")
    if _ALLOWED.fullmatch(name):
        return name
    letter = lambda ch: unicodedata.category(ch)[0] in "LM"
    odd = next((ch for ch in name if not (letter(ch) or _MARKS.fullmatch(ch))), None)
    scripts = sorted({_script(ch) for ch in name if letter(ch)})
    if odd is None and len(scripts) == 1:
        return name            # letters of one script only (josé, мария): nothing to mistake
    if len(scripts) > 1:                 # name the first letter from another alphabet
        first = next(_script(ch) for ch in name if letter(ch))
        odd = next(ch for ch in name if letter(ch) and _script(ch) != first)
    what = f"“{odd}” ({unicodedata.name(odd, 'U+%04X' % ord(odd)).lower()})"
    if len(scripts) > 1:
        raise ProfileNameError(
            f"This name mixes {' and '.join(scripts)} letters: {what} is {_script(odd)}, so the name "
            f"could look exactly like another learner's profile. A profile name is 1–{PROFILE_MAX} letters "
            "of one alphabet, digits, spaces, dots, dashes or underscores.")
    raise ProfileNameError(
        f"A profile name is 1–{PROFILE_MAX} letters of one alphabet, digits, spaces, dots, dashes or "
        f"underscores, so that two names that look alike are always the same profile; {what} is not "
        "one of those.")


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:          # no secrets file at all
        return False


def logged_in() -> bool:
    return bool(st.user.get("is_logged_in", False))


def _host() -> str | None:
    """The host the browser reached the app at, or None where it is not known (a bare run)."""
    url = st.context.url
    if url:
        return urlsplit(url).hostname or ""
    try:
        host = st.context.headers.get("host")
    except Exception:          # no request behind this run
        return None
    return urlsplit(f"//{host}").hostname if host else None


def is_local_address(host: str | None) -> bool:
    """This machine's own address (or unknown): only whoever sits at this machine reaches it."""
    if host is None:
        return True
    host = host.strip("[]").lower().rstrip(".")
    if host in _LOCAL_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def shared_without_sign_in() -> bool:
    """Nobody signs in, and the app is reached at an address others can reach too."""
    return not auth_configured() and not is_local_address(_host())


def shared_server_notice() -> None:
    """On Home: say plainly when any visitor can open any profile."""
    if shared_without_sign_in():
        st.warning(SHARED_SERVER_WARNING, icon=":material/group:")


def _who() -> tuple[str, str]:
    if logged_in():
        name = st.user.get("name") or st.user.get("email") or "learner"
        return f"{st.user.get('iss')}|{st.user.get('sub')}", str(name)
    profile = st.session_state.get(PROFILE_KEY)
    if profile is None:
        profile = DEFAULT_PROFILE
        if linked := st.query_params.get("profile"):
            try:
                profile = check_profile(linked)
            except ProfileNameError as exc:
                st.session_state[PROFILE_ERROR_KEY] = f"The profile in this link was not opened: {exc}"
    st.session_state[PROFILE_KEY] = profile
    return f"local:{profile}", profile


def current_user() -> tuple[str, str]:
    """(stable user id, display name); the sidebar says whose progress this is."""
    who = _who()
    if not logged_in():
        shown = who[1].replace("_", r"\_")        # a name's underscores are letters, not emphasis
        st.sidebar.caption(f":material/person: Profile **{shown}**")
        if error := st.session_state.pop(PROFILE_ERROR_KEY, None):
            st.sidebar.error(error)
        if shared_without_sign_in():
            st.sidebar.warning("Shared server without sign-in: anyone here can open any profile.",
                               icon=":material/group:")
    return who


def profile_picker(*, key: str) -> None:
    """On Home: name the local profile, saying when anyone can open it (or log in/out when login
    is configured)."""
    if auth_configured():
        if logged_in():
            st.caption(f"Signed in as **{_who()[1]}**.")
            st.button("Log out", key=f"{key}.logout", on_click=st.logout)
        return
    shared_server_notice()
    name_key, error_key = f"{key}.name", f"{key}.error"

    def _switch():
        try:
            name = check_profile(st.session_state[name_key])
        except ProfileNameError as exc:
            st.session_state[error_key] = str(exc)
            return
        st.session_state[PROFILE_KEY] = st.session_state[name_key] = name
        st.query_params["profile"] = name
        st.session_state.pop(error_key, None)

    if name_key not in st.session_state:
        st.session_state[name_key] = st.session_state.get(PROFILE_KEY, DEFAULT_PROFILE)
    st.text_input("Your profile", key=name_key, max_chars=PROFILE_MAX, on_change=_switch,
                  help="Progress and notes are kept per profile on this machine. Names are not case "
                       "sensitive: “Ada”, “ada” and “ ADA ” are one profile.")
    if error := st.session_state.get(error_key):
        st.error(error)


def login_gate() -> None:
    """When login is configured and nobody is signed in, ask them to sign in and stop."""
    if auth_configured() and not logged_in():
        st.title("Formula Lab")
        st.write("Sign in to keep your progress and notes.")
        st.button("Log in", type="primary", on_click=st.login)
        st.stop()
