"""Formula Lab: routes the pages, frames them with the header, knows who is learning."""
from pathlib import Path

import streamlit as st

# The tab's icon ships with the app and is sent inline: for a Material icon the browser asks
# fonts.gstatic.com on every page, which offline leaves the tab without one.
st.set_page_config(page_title="Formula Lab", page_icon=Path(__file__).parent / "assets" / "favicon.svg",
                   layout="wide")

from components import hotkeys, identity, shell, team  # noqa: E402  (after set_page_config)
from core.content import load_chapters  # noqa: E402

shell.style()
identity.login_gate()
user_id, display_name = identity.current_user()
st.session_state["user"] = user_id            # pages read the learner from here

chapters = load_chapters()
# Page files live in app_pages/, not pages/: a folder named pages/ beside app.py switches
# Streamlit to its older automatic multipage mode, which runs a page file without this router.
# Home is the default page, served at /. /home, the address a visitor guesses, leads there too: a
# hidden page that only switches to Home, so the address bar and the menu both show Home at /.
home = st.Page("app_pages/home.py", title="Home", icon=":material/home:", url_path="", default=True)
home_alias = st.Page(lambda: st.switch_page(home, query_params=st.query_params.to_dict()), title="Home",
                     url_path="home", visibility="hidden")
progress = st.Page("app_pages/progress.py", title="Progress", icon=":material/monitoring:", url_path="progress")
sections: dict[str, list] = {"Formula Lab": [home, home_alias, progress]}
page_keys = {home.url_path: "home", progress.url_path: "progress"}
chapter_pages = []
for ch in chapters:
    page = st.Page(ch.page_file, title=f"{ch.number}. {ch.title}", url_path=ch.url_path)
    sections.setdefault(ch.section, []).append(page)
    chapter_pages.append(page)
    page_keys[page.url_path] = ch.slug

capstone = st.Page("app_pages/capstone.py", title="Train a tiny transformer", icon=":material/model_training:",
                   url_path="capstone")
sections["Capstone"] = [capstone]
page_keys[capstone.url_path] = "capstone"
# Leads see the Team page; for anyone else it is not registered, so its address finds nothing.
if team.is_lead():
    sections["Team"] = [st.Page("app_pages/team.py", title="Team", icon=":material/groups:", url_path="team")]

pg = st.navigation(sections)
if pg is home_alias:                         # before anything is drawn or timed; ?profile= stays
    home_alias.run()
hotkeys.hotkeys(chapter_pages, pg, after=[capstone], key="fl.hotkeys")   # may switch page
store = shell.get_store()
shell.store_banner(store)
shell.header(store, user_id, page_keys.get(pg.url_path, "home"))
pg.run()
