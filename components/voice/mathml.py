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
    root = ET.fromstring(convert(latex))
    root.set("display", "block")
    return root


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
