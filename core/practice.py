"""Checking a learner's answer against a practice problem, exactly.

``check(problem, text)`` never raises for learner input: text that cannot be
read comes back with ``valid=False`` and a message naming the expected form,
and does not count as a wrong attempt.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from core.mathparse import (
    FORMS_HINT, ParseError, describe_shape, flatten, parse, shape,
)

# Two floats closer than this (relative) are the same number written two ways,
# e.g. 0.1 + 0.2 and 0.3. Exact fractions are compared exactly.
REL_EPS = 1e-9


@dataclass(frozen=True)
class CheckResult:
    ok: bool          # the answer is correct
    valid: bool       # False when the text could not be read as an answer
    message: str

    @property
    def verdict(self) -> str:
        return "invalid" if not self.valid else ("correct" if self.ok else "wrong")


def same_number(expected, got, tolerance: float | None) -> bool:
    if tolerance is None and isinstance(expected, Fraction) and isinstance(got, Fraction):
        return expected == got
    diff = abs(float(expected) - float(got))
    if tolerance is not None:
        return diff <= tolerance + 1e-12
    return diff <= REL_EPS * max(1.0, abs(float(expected)))


def matches(expected, got, tolerance: float | None = None) -> bool:
    """True when ``got`` has ``expected``'s shape and every entry agrees."""
    if shape(expected) != shape(got):
        return False
    return all(same_number(e, g, tolerance) for e, g in zip(flatten(expected), flatten(got)))


def check(problem, text: str) -> CheckResult:
    """Check ``text`` against ``problem`` (anything with ``.value`` and ``.tolerance``)."""
    if not isinstance(text, str) or not text.strip():
        return CheckResult(False, False, "Type an answer first. " + FORMS_HINT)
    try:
        got = parse(text)
    except ParseError as exc:
        return CheckResult(False, False, f"Couldn't read that: {exc} {FORMS_HINT}")
    want = shape(problem.value)
    if shape(got) != want:
        return CheckResult(
            False, False,
            f"This answer is {describe_shape(want)}; you entered {describe_shape(shape(got)).split(',')[0]}.",
        )
    if matches(problem.value, got, problem.tolerance):
        return CheckResult(True, True, "Correct!")
    note = ""
    if problem.tolerance is not None:
        note = f" (answers within ±{problem.tolerance:g} count)"
    return CheckResult(False, True, f"Not quite{note}. Try again, or take a hint.")
