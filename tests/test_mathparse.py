"""The restricted answer parser: what it accepts, what it refuses, and why."""
import math
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.mathparse import ParseError, parse, shape

ACCEPTED = [
    ("42", F(42)), ("-7", F(-7)), ("+3", F(3)), ("0.5", F(1, 2)), (".25", F(1, 4)), ("1/2", F(1, 2)),
    ("5e-1", F(1, 2)), ("2.5E2", F(250)), ("3/4", F(3, 4)), ("-3/4", F(-3, 4)), ("2*3+1", F(7)),
    ("2 * (3 + 1)", F(8)), ("10 - 4 - 3", F(3)), ("12/4/3", F(1)), ("2^10", F(1024)), ("2**-1", F(1, 2)),
    ("-2^2", F(-4)), ("(-2)^2", F(4)), ("sqrt(16)", F(4)), ("sqrt(1/4)", F(1, 2)),
    ("sqrt(2)", math.sqrt(2)), ("sqrt(2)/2", math.sqrt(2) / 2), ("pi", math.pi), ("2*pi", 2 * math.pi),
    ("e", math.e), ("exp(1)", math.e), ("ln(e)", 1.0), ("ln(1)", F(0)), ("abs(-3)", F(3)),
    ("−2", F(-2)), ("3×4", F(12)), ("π/2", math.pi / 2), ("√4", F(2)), ("√(1/4)", F(1, 2)), ("√2", math.sqrt(2)), ("  7  ", F(7)),
    ("[1, 2]", (F(1), F(2))), ("[1/2, -3]", (F(1, 2), F(-3))), ("[ 0.6 , 0.8 ]", (F(3, 5), F(4, 5))),
    ("[[1, 2], [3, 4]]", ((F(1), F(2)), (F(3), F(4)))), ("[[1,0],[0,1]]", ((F(1), F(0)), (F(0), F(1)))),
    ("[sqrt(3)/2, 1/2]", (math.sqrt(3) / 2, F(1, 2))), ("[5]", (F(5),)),
]

REJECTED = [
    ("", "empty"), ("   ", "empty"), ("abc", "Unknown word"), ("2 +", "ends too early"), ("1/0", "Division by zero"),
    ("(1", "The ( opened at character 1 is never closed."), ("1)", "Unexpected ')'"),
    ("[1, 2", "The [ opened at character 1 is never closed."), ("[[1, 2], [3]]", "same number"),
    ("[[1, 2], [3, 4]", "The [ opened at character 1 is never closed."),
    ("[1, sqrt(2", "The ( opened at character 9 is never closed."), ("[1, 2 +", "ends too early"),
    ("[[1], 2]", "Mix of numbers and rows"), ("[1, 2] + [3, 4]", "Arithmetic works on numbers"),
    ("[[[1]]]", "two levels"), ("sqrt(-1)", "negative"), ("ln(0)", "positive"), ("2 3", "Unexpected '3'"),
    ("__import__('os')", "Unexpected character"), ("x = 1", "Unexpected character"), ("1e999", "too large"),
    ("9^9^9", "Exponents are limited"), ("exp(1000)", "too large"), ("(-8)^(1/3)", "not real"),
    ("1" * 2001, "longer than"), ("(" * 60 + "1" + ")" * 60, "nested"), ("2;3", "Unexpected character"),
    ("sqrt 4", "Expected '('"), ("lambda: 1", "Unexpected character"), ("√-4", "Unexpected"),
]


@pytest.mark.parametrize("text, value", ACCEPTED)
def test_accepted(text, value):
    got = parse(text)
    assert shape(got) == shape(value)
    if isinstance(value, tuple):
        flat_got = [x for row in got for x in (row if isinstance(row, tuple) else (row,))]
        flat_want = [x for row in value for x in (row if isinstance(row, tuple) else (row,))]
        assert all(math.isclose(float(a), float(b), rel_tol=1e-12) for a, b in zip(flat_got, flat_want))
    elif isinstance(value, F):
        assert got == value and isinstance(got, F), "exact inputs stay exact"
    else:
        assert math.isclose(float(got), value, rel_tol=1e-12)


@pytest.mark.parametrize("text, message", REJECTED)
def test_rejected(text, message):
    with pytest.raises(ParseError) as err:
        parse(text)
    assert message in str(err.value)


def test_never_evaluates_python():
    # Anything that is not the grammar is refused before it could run.
    for text in ["__import__('os').system('true')", "open('x')", "().__class__", "1 if 1 else 2"]:
        with pytest.raises(ParseError):
            parse(text)


@pytest.mark.parametrize("text", ["e^1000", "pi^700", "(1+sqrt(2))^999", "(-pi)^701", "2.5^900"])
def test_a_float_to_a_whole_power_that_would_overflow_is_refused_with_a_sentence(text):
    with pytest.raises(ParseError, match="too large to check"):
        parse(text)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda b: b != 0),
       st.integers(min_value=-1000, max_value=1000))
def test_any_power_either_parses_or_is_refused_with_a_parse_error(base, n):
    # a float base (written with a decimal point) to any whole power the grammar allows
    text = f"({base!r}*pi/pi)^({n})"
    try:
        value = parse(text)
    except ParseError:
        return
    assert math.isfinite(float(value))


@pytest.mark.parametrize("text", ["e^1000", "pi^1000", "tau^700", "(1/pi)^-1000", "exp(-600)^-2",
                                  "(2/3)^1000", "(10^300 - 1)^1000", "0.1^-1000"])
def test_a_power_past_float_or_exact_range_is_a_parse_message(text):
    with pytest.raises(ParseError, match="too large to check"):
        parse(text)


@pytest.mark.parametrize("text", ["((10^300 - 1)/(10^299 + 7))^-1000", "(10^300 - 1)^1000", "(7/9)^-999"])
def test_an_exact_power_is_weighed_before_it_is_worked(text):
    """(p/q)^n has p^n and q^n in it: refused from the sizes of p, q and n, never built first
    (p^1000 with 300-digit p would be a 300,000-digit number)."""
    import tracemalloc
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match="too large to check"):
            parse(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000, f"{peak:,} bytes: the power was built before it was refused"


def test_an_exact_power_at_the_edge_of_the_range_is_still_worked():
    assert parse("(10^100)^3") == F(10**300) and parse("(10^100)^-3") == F(1, 10**300)
    assert parse("(2/3)^600") == F(2**600, 3**600)
