"""Who is learning: the logged-in user when login is configured, else a local profile."""
from __future__ import annotations

import re

import streamlit as st

PROFILE_KEY = "profile"        # session key owned by this module
DEFAULT_PROFILE = "me"
_VALID = re.compile(r"^[\w .-]{1,40}$")


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:          # no secrets file at all
        return False


def logged_in() -> bool:
    return bool(st.user.get("is_logged_in", False))


def current_user() -> tuple[str, str]:
    """(stable user id, display name)."""
    if logged_in():
        name = st.user.get("name") or st.user.get("email") or "learner"
        return f"{st.user.get('iss')}|{st.user.get('sub')}", str(name)
    profile = st.session_state.get(PROFILE_KEY) or st.query_params.get("profile") or DEFAULT_PROFILE
    if not _VALID.match(profile):
        profile = DEFAULT_PROFILE
    st.session_state[PROFILE_KEY] = profile
    return f"local:{profile}", profile


def profile_picker(*, key: str) -> None:
    """On Home: name the local profile (or log in/out when login is configured)."""
    if auth_configured():
        if logged_in():
            st.caption(f"Signed in as **{current_user()[1]}**.")
            st.button("Log out", key=f"{key}.logout", on_click=st.logout)
        return
    name_key, error_key = f"{key}.name", f"{key}.error"

    def _switch():
        name = st.session_state[name_key].strip()
        if _VALID.match(name):
            st.session_state[PROFILE_KEY] = name
            st.query_params["profile"] = name
            st.session_state.pop(error_key, None)
        else:
            st.session_state[error_key] = (
                "A profile name is 1–40 letters, digits, spaces, dots, dashes or underscores.")

    if name_key not in st.session_state:
        st.session_state[name_key] = st.session_state.get(PROFILE_KEY, DEFAULT_PROFILE)
    st.text_input("Your profile", key=name_key, max_chars=40, on_change=_switch,
                  help="Progress and notes are kept per profile on this machine.")
    if error := st.session_state.get(error_key):
        st.error(error)


def login_gate() -> None:
    """When login is configured and nobody is signed in, ask them to sign in and stop."""
    if auth_configured() and not logged_in():
        st.title("Formula Lab")
        st.write("Sign in to keep your progress and notes.")
        st.button("Log in", type="primary", on_click=st.login)
        st.stop()
