"""Answer checking: equivalent forms pass, unreadable text is not a wrong try."""
from dataclasses import dataclass

import pytest

from core.content import load_chapters
from core.mathparse import parse
from core.practice import check


@dataclass
class P:
    value: object
    tolerance: float | None = None


def prob(answer, tolerance=None):
    return P(parse(answer), tolerance)


@pytest.mark.parametrize("answer, text", [
    ("1/2", "0.5"), ("1/2", "5e-1"), ("1/2", "2/4"), ("1/2", " 1 / 2 "), ("0.3", "0.1+0.2"),
    ("sqrt(2)/2", "1/sqrt(2)"), ("sqrt(2)/2", "0.7071067811865476"), ("5", "5.0"), ("-3", "−3"),
    ("[6, 9, 12]", "[6,9,12]"), ("[[1, 2], [3, 4]]", "[[1.0, 2], [3, 8/2]]"), ("pi/4", "0.25*pi"),
])
def test_equivalent_forms_are_correct(answer, text):
    r = check(prob(answer), text)
    assert (r.ok, r.valid, r.verdict) == (True, True, "correct")


def test_wrong_value_is_a_valid_wrong_attempt():
    r = check(prob("5"), "6")
    assert (r.ok, r.valid, r.verdict) == (False, True, "wrong")


def test_exact_answers_need_exact_numbers():
    assert not check(prob("1/3"), "0.333").ok
    assert check(prob("1/3"), "0.333", ).valid


def test_tolerance_for_rounded_answers():
    p = prob("1/(1+e^3)", 0.0005)      # 0.047425...
    assert check(p, "0.047").ok and check(p, "0.0474").ok
    assert not check(p, "0.048").ok
    assert "±0.0005" in check(p, "0.05").message


@pytest.mark.parametrize("text, expect", [
    ("", "Type an answer"), ("five", "Couldn't read that"), ("[1, 2", "Couldn't read that"),
    ("[1, 2]", "a single number"), ("eval('1')", "Couldn't read that"),
])
def test_unreadable_or_wrong_shape_is_not_counted(text, expect):
    r = check(prob("5"), text)
    assert (r.ok, r.valid, r.verdict) == (False, False, "invalid")
    assert expect in r.message
    assert "0.5" in r.message or "single number" in r.message  # names the expected form


def test_vector_shape_message():
    r = check(prob("[1, 2, 3]"), "6")
    assert not r.valid and "vector of 3 numbers" in r.message


def test_every_content_answer_checks_as_correct_against_itself():
    for ch in load_chapters():
        for p in ch.problems:
            assert check(p, p.answer).ok, (ch.slug, p.number)
