"""Every chapter file validates, its code runs, and its answers are right."""
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from core import content
from core.content import CHAPTER_DIR, ContentError, load_chapters, parse_chapter
from core.mathparse import shape, to_float

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
