"""Practice: one problem at a time, checked exactly, with hints and a worked solution.

The component never touches the database. ``on_attempt(problem_number, text,
result)`` is called (from the Check callback, before its section re-runs) so the
page can record the attempt; ``solved`` and ``wrong_tries`` come from the page.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from core.content import Chapter
from core.practice import CheckResult, check

WRONG_TRIES_FOR_SOLUTION = 3


def practice(chapter: Chapter, *, solved: set[int], wrong_tries: dict[int, int],
             on_attempt: Callable[[int, str, CheckResult], None], key: str) -> None:
    total = len(chapter.problems)
    st.progress(len(solved) / total, text=f"Solved {len(solved)} / {total}")
    index_key = f"{key}.index"
    if st.session_state.get(index_key) is None:
        st.session_state[index_key] = _first_unsolved(solved, total)
    number = st.segmented_control(
        "Problem", options=list(range(1, total + 1)), key=index_key,
        format_func=lambda n: f"{n} ✓" if n in solved else str(n), required=True,
    ) or 1
    problem = chapter.problems[number - 1]
    st.markdown(f"**Problem {number} of {total}.** {problem.prompt}")

    answer_key, result_key = f"{key}.answer.{number}", f"{key}.result.{number}"

    def _check():
        text = st.session_state.get(answer_key, "")
        result = check(problem, text)
        st.session_state[result_key] = result
        on_attempt(number, text, result)

    with st.form(f"{key}.form.{number}", clear_on_submit=False, border=False):
        st.text_input("Your answer", key=answer_key, placeholder="e.g. 5, 1/2, sqrt(2), [1, 2], [[1, 0], [0, 1]]")
        st.form_submit_button("Check", type="primary", on_click=_check)

    result: CheckResult | None = st.session_state.get(result_key)
    if result is not None:
        if result.ok:
            st.success(result.message, icon=":material/check_circle:")
        elif result.valid:
            st.error(result.message, icon=":material/cancel:")
        else:
            st.warning(result.message, icon=":material/edit:")

    hints_key = f"{key}.hints.{number}"
    shown = st.session_state.get(hints_key, 0)
    for i, hint in enumerate(problem.hints[:shown], start=1):
        st.info(f"Hint {i}: {hint}", icon=":material/lightbulb:")
    if shown < len(problem.hints) and number not in solved:
        st.button(f"Show a hint ({shown + 1} of {len(problem.hints)})", key=f"{key}.hint_button.{number}",
                  on_click=lambda: st.session_state.update({hints_key: shown + 1}))

    wrong = wrong_tries.get(number, 0)
    if number in solved or wrong >= WRONG_TRIES_FOR_SOLUTION:
        with st.expander("Worked solution", expanded=True):
            st.markdown(problem.solution)
            st.caption(f"Answer: `{problem.answer}`")
    elif wrong:
        st.caption(f"{wrong} wrong {'try' if wrong == 1 else 'tries'}: the worked solution opens after "
                   f"{WRONG_TRIES_FOR_SOLUTION}.")
    if number < total:
        st.button("Next problem →", key=f"{key}.next.{number}",
                  on_click=lambda: st.session_state.update({index_key: number + 1}))


def _first_unsolved(solved: set[int], total: int) -> int:
    return next((n for n in range(1, total + 1) if n not in solved), 1)
