"""Nothing a page draws needs another host: a chapter's video is a link card (its title and
address), not an embedded player, and the tab's icon is a file that ships with the app."""
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from core.content import load_chapters
from tests.app.conftest import APP

ROOT = APP.parent
WITH_VIDEO = [c for c in load_chapters() if c.video]


def test_a_chapter_has_a_video():
    assert [c.slug for c in WITH_VIDEO] == ["determinant"]


@pytest.mark.parametrize("chapter", WITH_VIDEO, ids=[c.slug for c in WITH_VIDEO])
def test_video_is_a_link_card_not_a_player(app, chapter):
    at = app
    at.switch_page(chapter.page_file).run()
    assert not at.exception, at.exception
    assert not at.get("video") and not at.get("iframe"), "an embedded player loads from another host"
    cards = [m.value for m in at.markdown if 'class="fl-video"' in m.value]
    assert len(cards) == 1, "one link card for the video"
    card = cards[0]
    assert f'href="{chapter.video.url}"' in card and 'target="_blank"' in card and "noopener" in card
    assert chapter.video.title in card
    assert urlparse(chapter.video.url).hostname.removeprefix("www.") in card       # says where it plays
    # Nothing on the page loads from an address as it opens (src=, srcset=, url(...)).
    loads = [m.value for m in at.markdown if re.search(r"\b(src|srcset)\s*=|url\(\s*['\"]?https?:", m.value)]
    assert not loads, loads


def test_tab_icon_ships_with_the_app(db_path, monkeypatch):
    seen = {}
    real = streamlit.set_page_config

    def record(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(streamlit, "set_page_config", record)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, at.exception
    icon = seen.get("page_icon")
    assert isinstance(icon, (str, Path)) and not str(icon).startswith((":", "http")), \
        f"page_icon {icon!r}: a Material icon is fetched from fonts.gstatic.com"
    path = Path(icon)
    assert path.is_file() and path.resolve().is_relative_to(ROOT), path
    assert path.suffix in (".svg", ".png") and path.stat().st_size < 10_000
    if path.suffix == ".svg":
        svg = path.read_text()
        assert svg.lstrip().startswith("<svg") and "</svg>" in svg
        outside = [u for u in re.findall(r"https?://[^\s\"')]+", svg) if u != "http://www.w3.org/2000/svg"]
        assert not outside, f"the icon refers to {outside}"
