"""Formula Lab: routes the pages, frames them with the header, knows who is learning."""
import streamlit as st

st.set_page_config(page_title="Formula Lab", page_icon=":material/functions:", layout="wide")

from components import hotkeys, identity, shell  # noqa: E402  (after set_page_config)
from core.content import load_chapters  # noqa: E402

shell.style()
identity.login_gate()
user_id, display_name = identity.current_user()
st.session_state["user"] = user_id            # pages read the learner from here

chapters = load_chapters()
# Page files live in app_pages/, not pages/: a folder named pages/ beside app.py switches
# Streamlit to its older automatic multipage mode, which runs a page file without this router.
home = st.Page("app_pages/home.py", title="Home", icon=":material/home:", url_path="home", default=True)
progress = st.Page("app_pages/progress.py", title="Progress", icon=":material/monitoring:", url_path="progress")
sections: dict[str, list] = {"Formula Lab": [home, progress]}
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

pg = st.navigation(sections)
hotkeys.hotkeys(chapter_pages, pg, after=[capstone], key="fl.hotkeys")   # may switch page
store = shell.get_store()
shell.store_banner(store)
shell.header(store, user_id, page_keys.get(pg.url_path, "home"))
pg.run()
