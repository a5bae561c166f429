"""Chapter content: TOML files in data/chapters/ loaded into frozen dataclasses.

Every field is validated on load. A mistake stops with a ``ContentError`` that
names the file, the field and what is wrong, so a content author sees at once
where to look. "First seen in chapter N" for glossary symbols is computed here
from the chapters' order, never typed by hand.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from core.mathparse import ParseError, parse

CHAPTER_DIR = Path(__file__).resolve().parent.parent / "data" / "chapters"
CONTENT_VERSION = 1
PROBLEMS_PER_CHAPTER = 10
INTERACTIVES = (
    "vector_add", "vector_norm", "unit_vector", "dot_product", "cosine", "matvec",
    "matmul", "determinant", "eigen", "sigmoid", "relu", "softmax", "mse",
    "cross_entropy", "gradient_descent", "chain_rule", "attention",
)
_DOUBLED = re.compile(r"\\\\[A-Za-z]")   # "\\frac" in prose: an escaping mistake
_SLUG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


class ContentError(ValueError):
    """A content file is malformed; the message names file, field and problem."""


@dataclass(frozen=True)
class Step:
    latex: str
    say: str


@dataclass(frozen=True)
class Symbol:
    latex: str
    name: str
    meaning: str
    spoken: str
    distinct: bool = False          # same glyph as an earlier symbol, but a new meaning
    first_seen: int | None = None   # number of an earlier chapter that introduced it


@dataclass(frozen=True)
class Code:
    source: str
    expected_output: str
    language: str = "python"


@dataclass(frozen=True)
class Problem:
    number: int
    prompt: str
    answer: str                 # as written in the file, e.g. "sqrt(2)/2"
    value: object               # the parsed answer (scalar, vector or matrix)
    tolerance: float | None
    hints: tuple[str, ...]
    solution: str
    verify: str                 # an independent NumPy expression (used by tests only)


@dataclass(frozen=True)
class Video:
    url: str
    title: str


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str
    title: str
    tagline: str
    summary: str
    latex: str
    steps: tuple[Step, ...]
    pronunciation: str
    plain_english: str
    example: str
    glossary: tuple[Symbol, ...]
    code: Code
    problems: tuple[Problem, ...]
    interactive: str
    video: Video | None
    section: str
    version: int

    @property
    def page_file(self) -> str:
        return f"app_pages/{self.number:02d}_{self.slug}.py"

    @property
    def url_path(self) -> str:
        return self.slug.replace("_", "-")


# -- field readers -----------------------------------------------------------

class _Reader:
    """Reads typed fields out of a TOML table, naming the file and field on error."""

    def __init__(self, file: str, table: dict, where: str = ""):
        self.file, self.table, self.where = file, table, where

    def fail(self, field: str, what: str):
        raise ContentError(f"{self.file}: {self.where}{field}: {what}")

    def get(self, field: str, kind, *, optional: bool = False, default=None):
        if field not in self.table:
            if optional:
                return default
            self.fail(field, "is missing")
        value = self.table[field]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(field, f"should be {kind.__name__}, found {type(value).__name__}")
        return value

    def text(self, field: str, *, optional: bool = False, max_len: int = 4000) -> str:
        value = self.get(field, str, optional=optional, default="")
        if not optional and not value.strip():
            self.fail(field, "is empty")
        if field != "latex" and _DOUBLED.search(value):
            self.fail(field, "has a doubled backslash before a LaTeX command "
                             "(in a '...' literal string write a single backslash)")
        if len(value) > max_len:
            self.fail(field, f"is longer than {max_len} characters")
        return value.strip("\n")

    def tables(self, field: str) -> list[dict]:
        value = self.get(field, list)
        if not all(isinstance(v, dict) for v in value):
            self.fail(field, "should be an array of tables ([[...]])")
        return value

    def sub(self, field: str, index: int | None = None, table: dict | None = None) -> "_Reader":
        label = f"{field}[{index}]." if index is not None else f"{field}."
        return _Reader(self.file, table if table is not None else self.get(field, dict), self.where + label)


def _check_braces(r: _Reader, field: str, latex: str):
    depth = 0
    for ch in re.sub(r"\\[{}]", "", latex):
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            r.fail(field, "has a '}' without its '{'")
    if depth:
        r.fail(field, "has unbalanced braces")


def _problem(r: _Reader, number: int) -> Problem:
    answer = r.get("answer", str)
    try:
        value = parse(answer)
    except ParseError as exc:
        r.fail("answer", f"cannot be parsed ({exc})")
    tolerance = r.get("tolerance", float, optional=True)
    if tolerance is not None and not (0 < tolerance < 1):
        r.fail("tolerance", "should be a small positive number")
    hints = tuple(r.get("hints", list))
    if not 1 <= len(hints) <= 3 or not all(isinstance(h, str) and h.strip() for h in hints):
        r.fail("hints", "should be 1 to 3 non-empty strings")
    return Problem(
        number=number, prompt=r.text("prompt"), answer=answer, value=value,
        tolerance=tolerance, hints=hints, solution=r.text("solution"), verify=r.text("verify"),
    )


def parse_chapter(path: Path) -> Chapter:
    """Load and validate one chapter file (first-seen links are filled in later)."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(f"{name}: not valid TOML: {exc}") from None
    r = _Reader(name, data)
    version = r.get("version", int)
    if version != CONTENT_VERSION:
        r.fail("version", f"is {version}, this app reads version {CONTENT_VERSION}")
    number, slug = r.get("number", int), r.get("slug", str)
    if not _SLUG.match(slug):
        r.fail("slug", f"{slug!r} should be lowercase words joined by '_'")
    if name != f"{number:02d}_{slug}.toml":
        r.fail("number", f"file should be named {number:02d}_{slug}.toml")
    latex = r.text("latex")
    _check_braces(r, "latex", latex)

    steps = []
    for i, t in enumerate(r.tables("steps")):
        s = r.sub("steps", i, t)
        steps.append(Step(latex=s.text("latex"), say=s.text("say")))
        _check_braces(s, "latex", steps[-1].latex)
    if len(steps) < 3:
        r.fail("steps", f"needs at least 3 animation steps, found {len(steps)}")

    glossary = []
    for i, t in enumerate(r.tables("glossary")):
        g = r.sub("glossary", i, t)
        glossary.append(Symbol(g.text("latex"), g.text("name"), g.text("meaning"), g.text("spoken"),
                               distinct=g.get("distinct", bool, optional=True, default=False)))
    if not glossary:
        r.fail("glossary", "needs at least one symbol")
    seen = [_symbol_key(s.latex) for s in glossary]
    if len(set(seen)) != len(seen):
        r.fail("glossary", "lists the same symbol twice")

    c = r.sub("code")
    code = Code(source=c.text("source"), expected_output=c.text("expected_output"),
                language=c.get("language", str, optional=True, default="python"))

    problems = [_problem(r.sub("problems", i, t), i + 1) for i, t in enumerate(r.tables("problems"))]
    if len(problems) != PROBLEMS_PER_CHAPTER:
        r.fail("problems", f"needs exactly {PROBLEMS_PER_CHAPTER}, found {len(problems)}")

    interactive = r.get("interactive", str)
    if interactive not in INTERACTIVES:
        r.fail("interactive", f"{interactive!r} is not one of {', '.join(INTERACTIVES)}")
    video = None
    if "video" in data:
        v = r.sub("video")
        url = v.text("url")
        if not url.startswith("https://"):
            v.fail("url", "should start with https://")
        video = Video(url=url, title=v.text("title"))

    return Chapter(
        number=number, slug=slug, title=r.text("title", max_len=80),
        tagline=r.text("tagline", max_len=120), summary=r.text("summary", max_len=600),
        latex=latex, steps=tuple(steps), pronunciation=r.text("pronunciation"),
        plain_english=r.text("plain_english"), example=r.text("example"),
        glossary=tuple(glossary), code=code, problems=tuple(problems),
        interactive=interactive, video=video, section=r.text("section", max_len=40),
        version=version,
    )


def _symbol_key(latex: str) -> str:
    return re.sub(r"\s+", "", latex)


def link_first_seen(chapters: list[Chapter]) -> list[Chapter]:
    """Fill each symbol's ``first_seen`` with the earliest chapter whose glossary has it."""
    first: dict[str, int] = {}
    linked = []
    for ch in chapters:
        symbols = []
        for sym in ch.glossary:
            key = _symbol_key(sym.latex)
            if sym.distinct:            # a new meaning for an old glyph: no link back
                first[key] = ch.number
                symbols.append(sym)
                continue
            symbols.append(replace(sym, first_seen=first.get(key)))
            first.setdefault(key, ch.number)
        linked.append(replace(ch, glossary=tuple(symbols)))
    return linked


def load_chapters(directory: Path | str = CHAPTER_DIR) -> tuple[Chapter, ...]:
    """The chapters listed in ``toc.toml``, in order, validated and linked."""
    return _load(str(Path(directory).resolve()))


@functools.lru_cache(maxsize=4)
def _load(directory: str) -> tuple[Chapter, ...]:
    folder = Path(directory)
    toc_path = folder / "toc.toml"
    try:
        toc = tomllib.loads(toc_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"toc.toml: missing from {folder.name}/") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"toc.toml: not valid TOML: {exc}") from None
    r = _Reader("toc.toml", toc)
    order = r.get("chapters", list)
    files = sorted(p.name for p in folder.glob("[0-9][0-9]_*.toml"))
    if sorted(order) != files:
        missing = sorted(set(order) - set(files)) or sorted(set(files) - set(order))
        r.fail("chapters", f"does not match the chapter files (differs in: {', '.join(missing)})")
    chapters = [parse_chapter(folder / f) for f in order]
    for i, ch in enumerate(chapters, start=1):
        if ch.number != i:
            raise ContentError(f"{order[i - 1]}: number: is {ch.number}, but it is chapter {i} in toc.toml")
    return tuple(link_first_seen(chapters))


def chapter_by_slug(slug: str) -> Chapter:
    for ch in load_chapters():
        if ch.slug == slug:
            return ch
    raise KeyError(f"no chapter with slug {slug!r}")
