"""Every chapter file validates, its code runs, and its answers are right."""
import math
import re
import subprocess
import sys
import tomllib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from core import content
from core.content import CHAPTER_DIR, ContentError, load_chapters, parse_chapter
from core.mathparse import flatten, shape, to_float
from core.practice import check

TOC = tomllib.loads((CHAPTER_DIR / "toc.toml").read_text())["chapters"]


@pytest.fixture(scope="module", params=TOC)
def chapter(request):
    return parse_chapter(CHAPTER_DIR / request.param)


def test_all_chapters_load_in_order():
    chapters = load_chapters()
    assert [c.number for c in chapters] == list(range(1, 18))
    assert len({c.slug for c in chapters}) == 17
    assert chapters[0].slug == "vectors" and chapters[-1].slug == "attention"


def test_chapter_shape(chapter):
    assert len(chapter.problems) == 10
    assert len(chapter.steps) >= 3
    assert chapter.steps[-1].latex.replace(" ", "") == chapter.latex.replace(" ", ""), \
        "the last animation step should be the whole formula"
    for p in chapter.problems:
        assert 1 <= len(p.hints) <= 3 and p.solution


def test_code_snippet_prints_expected_output(chapter, tmp_path):
    script = tmp_path / "snippet.py"
    script.write_text(chapter.code.source + "\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    got = "\n".join(line.rstrip() for line in run.stdout.strip().splitlines())
    want = "\n".join(line.rstrip() for line in chapter.code.expected_output.strip().splitlines())
    assert got == want


def test_answers_match_an_independent_numpy_computation(chapter):
    for p in chapter.problems:
        # ``verify`` is trusted content from the repository, never learner input.
        truth = np.asarray(eval(p.verify, {"np": np, "math": math}), dtype=float)  # noqa: S307
        answer = np.asarray(to_float(p.value), dtype=float)
        assert answer.shape == truth.shape == shape(p.value), f"problem {p.number}: shape"
        tol = p.tolerance if p.tolerance is not None else 1e-9
        assert np.allclose(answer, truth, rtol=0, atol=tol + 1e-9 * max(1, np.abs(truth).max())), \
            f"problem {p.number}: answer {p.answer} but NumPy says {truth}"


NUMBER_WORDS = {"1": "one", "2": "two"}


def test_pronunciation_reads_the_whole_formula(chapter):
    """The sentence reads the formula symbol by symbol: every equals sign (a sum's i = 1
    included), every subscripted symbol, and every bracket it opens is closed again."""
    said = chapter.pronunciation.lower().replace("y-hat", "y")
    assert chapter.latex.count("=") == len(re.findall(r"\bequals\b|\bsame as\b", said)), \
        f"{chapter.slug}: an equals sign of the formula is not read"
    for letter, sub in re.findall(r"(?<![\\a-zA-Z])([a-zA-Z])_\{?([0-9a-z]+)\}?", chapter.latex):
        spoken = f"{letter} sub " + " ".join(NUMBER_WORDS.get(ch, ch) for ch in sub)
        assert spoken.lower() in said, f"{chapter.slug}: {letter}_{sub} is not read ({spoken!r})"
    opened = [m.group() for m in re.finditer(r"open bracket|close bracket", said)]
    depth = 0
    for word in opened:
        depth += 1 if word == "open bracket" else -1
        assert depth >= 0, f"{chapter.slug}: a bracket is closed before it is opened"
    assert depth == 0, f"{chapter.slug}: a bracket is opened and never closed"


def test_eigenvalue_pronunciation_says_the_grouping():
    """(tr A)^2, not tr(A^2): for [[2, 1], [1, 2]] they are 16 and 10. And the half
    multiplies the whole bracket, not just the trace."""
    said = content.chapter_by_slug("eigenvalues").pronunciation
    assert "trace of A squared" not in said and "trace of matrix A squared" not in said
    assert "open bracket, trace of matrix A, close bracket, squared" in said
    assert "one half, times, open bracket, trace of matrix A, plus or minus" in said
    assert said.endswith("minus four det A, close bracket.")


def test_vector_pronunciations_read_the_right_hand_side():
    vectors = content.chapter_by_slug("vectors").pronunciation
    assert "component-wise" not in vectors
    assert vectors.endswith("equals, open bracket, k times v sub one, plus w sub one, dot dot dot, "
                            "k times v sub n, plus w sub n, close bracket.")
    norm = content.chapter_by_slug("vector_norm").pronunciation
    assert norm.endswith("plus v sub n squared, equals, square root of, "
                         "the sum from i equals one to n, of v sub i squared.")


EXACT_FORM = re.compile(r"\bexact|\bfraction", re.IGNORECASE)   # the prompt asks for an exact form
STATED_PLACES = re.compile(r"\b(\d) (?:decimal )?places\b")     # "to 3 decimal places", "to 3 places"


def _short(x) -> bool:
    """An integer, or a terminating decimal of at most 4 significant digits (0.25, -1.024)."""
    if not isinstance(x, Fraction):
        return False
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return False
    if x.denominator == 1:
        return True
    places = 0
    while (x * 10**places).denominator != 1:
        places += 1
    return len(str(abs(x.numerator * 10**places // x.denominator)).lstrip("0")) <= 4


def _rounded(x, digits: str) -> str:
    """x as a careful learner rounds it: "3" significant digits but never fewer than
    3 decimal places (0.667, 4.605, 0.0474), or "4" significant digits (0.1667, 4.605)."""
    v = float(x)
    magnitude = math.floor(math.log10(abs(v))) if v else 0
    places = max(3, 2 - magnitude) if digits == "3" else max(0, 3 - magnitude)
    return f"{v:.{places}f}"


def _written(value, digits: str) -> str:
    """The learner's answer: entries that are not short decimals rounded, the rest exact."""
    if isinstance(value, tuple):
        return "[" + ", ".join(_written(v, digits) for v in value) + "]"
    return str(value) if _short(value) else _rounded(value, digits)


def test_rounded_answers_are_accepted_where_the_answer_is_not_a_short_decimal(chapter):
    """A problem whose answer has an entry that is not a short decimal (2/3, sqrt(2), ln 3)
    either asks for an exact form, or states its decimal places, and then a careful learner's
    rounding is accepted by the app's own checker, while the tolerance stays half a unit in
    the stated last place (so a sloppier rounding is refused)."""
    for p in chapter.problems:
        where = f"{chapter.slug} problem {p.number}"
        if p.tolerance is not None:
            stated = STATED_PLACES.findall(p.prompt)
            assert stated, f"{where}: has a tolerance but the prompt does not say to how many places"
            assert p.tolerance == 0.5 * 10 ** -int(stated[0]) and int(stated[0]) >= 2, \
                f"{where}: tolerance {p.tolerance} does not match {stated[0]} decimal places"
        if all(_short(x) for x in flatten(p.value)):
            continue
        if p.tolerance is None:
            assert EXACT_FORM.search(p.prompt), \
                f"{where}: answer {p.answer} is not a short decimal; give a tolerance or ask for an exact form"
            continue
        for digits in ("3", "4"):
            text = _written(p.value, digits)
            assert check(p, text).ok, f"{where}: the rounded answer {text} is refused"


@pytest.mark.parametrize("slug, number, rounded, sloppy", [
    ("mean_squared_error", 7, "[0.667, 0, -0.667]", "[0.67, 0, -0.67]"),
    ("gradient_descent", 6, "0.1667", "0.17"),
    ("gradient_descent", 6, "0.167", "0.16"),
    ("gradient_descent", 7, "0.333", "0.33"),
])
def test_careful_roundings_pass_and_sloppy_ones_do_not(slug, number, rounded, sloppy):
    problem = content.chapter_by_slug(slug).problems[number - 1]
    assert check(problem, rounded).ok
    assert check(problem, sloppy).valid and not check(problem, sloppy).ok
    assert check(problem, problem.answer).ok


def test_first_seen_is_computed_from_order():
    chapters = load_chapters()
    seen = {}
    for ch in chapters:
        for sym in ch.glossary:
            key = sym.latex.replace(" ", "")
            if sym.first_seen is not None:
                assert sym.first_seen == seen[key] < ch.number
            elif not sym.distinct:
                assert key not in seen
            seen.setdefault(key, ch.number)
            if sym.distinct:
                seen[key] = ch.number


def _write(tmp_path, text, name="01_vectors.toml"):
    (tmp_path / "toc.toml").write_text(f'chapters = ["{name}"]')
    (tmp_path / name).write_text(text)
    return tmp_path / name


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace('answer = "5"', 'answer = "five"'), "problems[0].answer: cannot be parsed"),
    (lambda s: s.replace('number = 1\n', 'number = 2\n'), "number: file should be named 02_vectors.toml"),
    (lambda s: s.replace('interactive = "vector_add"', 'interactive = "spinner"'), "interactive:"),
    (lambda s: s.replace('title = "Vectors"\n', ''), "title: is missing"),
    (lambda s: s.replace('version = 1', 'version = 9'), "version: is 9"),
    (lambda s: s.replace("[[steps]]", "[[nope]]"), "steps"),
    (lambda s: s + "\n[[problems]]\nprompt='x'\n", "problems[10]"),
    (lambda s: s.replace('hints = ["The exponent on ℝ is the dimension n."]', 'hints = []'),
     "problems[4].hints: should be 1 to 3"),
    (lambda s: s.replace("prompt = 'How many", "prompt = '\\\\frac How many"), "doubled backslash"),
    (lambda s: s.replace("slug = ", "slug = = "), "not valid TOML"),
])
def test_content_errors_name_file_and_field(tmp_path, edit, message):
    source = (CHAPTER_DIR / "01_vectors.toml").read_text()
    path = _write(tmp_path, edit(source))
    with pytest.raises(ContentError) as err:
        parse_chapter(path)
    assert str(err.value).startswith("01_vectors.toml") and message in str(err.value)


def test_toc_must_match_files(tmp_path):
    _write(tmp_path, (CHAPTER_DIR / "01_vectors.toml").read_text())
    (tmp_path / "toc.toml").write_text('chapters = ["01_vectors.toml", "02_gone.toml"]')
    with pytest.raises(ContentError, match="toc.toml: chapters"):
        content.load_chapters(tmp_path)
