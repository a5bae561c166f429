"""Plug in a value: every operation of a chapter's formula, worked with the learner's numbers.

    inputs("vector_norm")                   -> (Input(name="v", default="[2, -3, 6]", ...),)
    evaluate("vector_norm", {"v": "[3, 4]"}) -> Outcome(steps=(3² = 9, 4² = 16, 9 + 16 = 25,
                                                         √25 = 5), result=5.0, error=None)

Values are read by the practice parser (core.mathparse, never ``eval``) and worked with
sympy, exactly while the numbers stay small (√2/2, with 0.70711 beside it) and as floats
once an exact form would grow large. Sizes are capped (vectors of 6, matrices of 4×4,
numbers within ±10⁶) so that any input is worked in well under a second. ``evaluate``
never raises: a value that does not fit the formula comes back as ``Outcome.error``, a
plain sentence, together with the steps that could be worked before it.
"""
from __future__ import annotations

from core.plug_in import activations, learning, matrices, vectors
from core.plug_in.base import Input, Outcome, PlugInError, Step, plain, tidy
from core.plug_in.reading import read

__all__ = ["Input", "Outcome", "Step", "inputs", "evaluate", "parse_values"]

_INPUTS: dict[str, tuple[Input, ...]] = {}
_RULES = {}
for _group in (vectors, matrices, activations, learning):
    _INPUTS.update(_group.INPUTS)
    _RULES.update(_group.RULES)


def inputs(slug: str) -> tuple[Input, ...]:
    """The formula's inputs, in the order the formula names them."""
    if slug not in _INPUTS:
        raise KeyError(f"no plug-in for chapter {slug!r}")
    return _INPUTS[slug]


def _read_all(slug: str, values: dict) -> tuple[dict, dict]:
    parsed, errors = {}, {}
    for spec in _INPUTS[slug]:
        text = values.get(spec.name, spec.default) if isinstance(values, dict) else spec.default
        try:
            parsed[spec.name] = read(spec, text)
        except PlugInError as exc:
            errors[spec.name] = str(exc)
    return parsed, errors


def parse_values(slug: str, values: dict[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """Each input read on its own: (plain Python values by name, error sentences by name).

    An input whose text does not parse, or is the wrong kind or too big, is only in the errors.
    """
    if slug not in _INPUTS:
        return {}, {}
    parsed, errors = _read_all(slug, values)
    return {name: plain(v) for name, v in parsed.items()}, errors


def evaluate(slug: str, values: dict[str, str]) -> Outcome:
    """Work the formula step by step; missing values take the chapter's defaults."""
    if slug not in _RULES:
        return Outcome(error=f"There is no plug-in for the chapter {slug!r}.")
    steps: list[Step] = []

    def out(latex: str, value) -> None:
        steps.append(Step(latex=tidy(latex), value=plain(value)))

    try:
        parsed, errors = _read_all(slug, values)
        if errors:
            return Outcome(error=" ".join(errors.values()))
        result = _RULES[slug](parsed, out)
        return Outcome(steps=tuple(steps), result=plain(result))
    except PlugInError as exc:
        return Outcome(steps=tuple(steps), error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a learner's numbers must never raise on a page
        return Outcome(steps=tuple(steps),
                       error=f"These numbers could not be worked through the formula ({type(exc).__name__}).")
