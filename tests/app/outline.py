"""The page's heading outline as AppTest sees it, in reading order."""
import re

LEVEL = {"title": 1, "header": 2, "subheader": 3}
_MD_HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)


def outline(at) -> list[tuple[int, str]]:
    """(level, text) of every heading on the page: st.title/header/subheader and Markdown #s."""
    out = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            kind = getattr(child, "type", None)
            if kind in LEVEL:
                out.append((LEVEL[kind], child.value))
            elif kind == "markdown":
                out.extend((len(m.group(1)), m.string[m.end():].split("\n", 1)[0])
                           for m in _MD_HEADING.finditer(child.value))
            walk(child)

    walk(at.main)
    return out


def skipped_levels(at) -> list[str]:
    """Headings that go down more than one level from the one before (an H1 → H3 jump)."""
    levels, jumps = outline(at), []
    for (before, _), (level, text) in zip([(0, "")] + levels, levels):
        if level > before + 1:
            jumps.append(f"H{before} → H{level} {text!r}")
    return jumps
