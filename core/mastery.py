"""When is a chapter mastered? The one place that decides it."""
from __future__ import annotations

PROBLEMS_TO_MASTER = 8   # of the chapter's 10 practice problems


def is_mastered(solved: set[int] | frozenset[int]) -> bool:
    """A chapter is mastered once 8 of its 10 problems have been solved."""
    return len(solved) >= PROBLEMS_TO_MASTER


def mastered_count(solved_by_chapter: dict[str, set[int]], slugs) -> int:
    return sum(is_mastered(solved_by_chapter.get(slug, set())) for slug in slugs)
