"""Formula steps as MathML, with the tokens each step adds marked for highlighting.

latex2mathml turns LaTeX into MathML, which browsers render natively (no fonts or
scripts to fetch) and screen readers read. Each step is compared with the one before
it, token by token (identifiers, numbers, operators, text); tokens that are not in the
longest common run of the previous step get ``class="fl-new"``.
"""
from __future__ import annotations

import difflib
import functools
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert

NS = "http://www.w3.org/1998/Math/MathML"
TOKENS = {f"{{{NS}}}{t}" for t in ("mi", "mn", "mo", "mtext", "ms")}
ET.register_namespace("", NS)


def _tree(latex: str) -> ET.Element:
    try:
        root = ET.fromstring(convert(latex))
    except Exception:                   # LaTeX the converter does not know: show it as written
        root = ET.Element(f"{{{NS}}}math")
        ET.SubElement(root, f"{{{NS}}}mtext").text = latex
    root.set("display", "block")
    _css_fences(root)
    return root


_PAIRS = {("[", "]"): "fl-brackets", ("(", ")"): "fl-parens"}
_TALL = {f"{{{NS}}}{t}" for t in ("mtable", "mfrac", "msqrt", "mroot")}


def _is_tall(el: ET.Element) -> bool:
    return any(e.tag in _TALL for e in el.iter())


def _fence(el: ET.Element) -> str:
    return (el.text or "").strip() if el.tag == f"{{{NS}}}mo" else ""


def _css_fences(root: ET.Element) -> None:
    """Brackets around a tall part, drawn by CSS instead of a stretched glyph.

    A browser stretches a bracket only with an OpenType MATH font, which many systems
    lack; without one, a matrix's brackets stay one line high. So ``[ tall ]`` or
    ``( tall )`` (three siblings, or a whole \\left...\\right row) loses its two ``mo``
    and the part gets a class that animate.css draws the brackets around.
    """
    for parent in list(root.iter()):
        kids = list(parent)
        if (parent.tag == f"{{{NS}}}mrow" and len(kids) >= 3
                and (cls := _PAIRS.get((_fence(kids[0]), _fence(kids[-1]))))
                and any(_is_tall(k) for k in kids[1:-1])):
            parent.remove(kids[0])
            parent.remove(kids[-1])
            parent.set("class", cls)
            continue
        i = 0
        while i + 2 < len(kids):
            cls = _PAIRS.get((_fence(kids[i]), _fence(kids[i + 2])))
            if cls and _is_tall(kids[i + 1]):
                wrap = ET.Element(f"{{{NS}}}mrow", {"class": cls})
                at = list(parent).index(kids[i])
                for k in kids[i:i + 3]:
                    parent.remove(k)
                wrap.append(kids[i + 1])
                parent.insert(at, wrap)
                i += 3
            else:
                i += 1


def _tokens(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.tag in TOKENS]


def _sig(el: ET.Element) -> tuple[str, str]:
    return el.tag, (el.text or "").strip()


@functools.lru_cache(maxsize=64)
def steps_mathml(latexes: tuple[str, ...]) -> tuple[dict, ...]:
    """For each step: {"mathml": str, "new": int}, the added tokens marked fl-new."""
    out, prev = [], []
    for latex in latexes:
        root = _tree(latex)
        toks = _tokens(root)
        matcher = difflib.SequenceMatcher(a=[_sig(t) for t in prev], b=[_sig(t) for t in toks],
                                          autojunk=False)
        kept = set()
        for block in matcher.get_matching_blocks():
            kept.update(range(block.b, block.b + block.size))
        new = 0
        for i, tok in enumerate(toks):
            if i not in kept:
                tok.set("class", "fl-new")
                new += 1
        out.append({"mathml": ET.tostring(root, encoding="unicode"), "new": new})
        prev = toks
    return tuple(out)
