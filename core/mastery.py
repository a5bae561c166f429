"""When is a chapter mastered? The one place that decides it.

A chapter is mastered when the learner can solve it, say it and type it:
8 of its 10 practice problems solved, a Say-it-back reading scored 80% or better,
and one completed typing attempt of its code at 95% accuracy or better.
"""
from __future__ import annotations

from dataclasses import dataclass

PROBLEMS_TO_MASTER = 8              # of the chapter's 10 practice problems
SAY_IT_BACK_TO_MASTER = 80.0        # best Say-it-back score, in percent
TYPING_ACCURACY_TO_MASTER = 0.95    # best accuracy of a completed typing attempt, 0..1


@dataclass(frozen=True)
class ChapterProgress:
    """What a learner has done in one chapter, as far as mastery is concerned."""
    solved: frozenset[int] = frozenset()        # problem numbers answered correctly
    best_say_back: float | None = None          # percent, None before any reading
    best_typing_accuracy: float | None = None   # 0..1, None before any completed attempt

    def missing(self) -> list[str]:
        """What is still needed, one short sentence each (empty once mastered)."""
        left = []
        if len(self.solved) < PROBLEMS_TO_MASTER:
            left.append(f"solve {PROBLEMS_TO_MASTER - len(self.solved)} more practice problem"
                        f"{'s' if PROBLEMS_TO_MASTER - len(self.solved) != 1 else ''}")
        if (self.best_say_back or 0.0) < SAY_IT_BACK_TO_MASTER:
            left.append(f"say the formula back at {SAY_IT_BACK_TO_MASTER:.0f}% or better")
        if (self.best_typing_accuracy or 0.0) < TYPING_ACCURACY_TO_MASTER:
            left.append(f"type its code at {TYPING_ACCURACY_TO_MASTER:.0%} accuracy or better")
        return left


def is_mastered(progress: ChapterProgress) -> bool:
    return not progress.missing()


def mastered_count(progress_by_chapter: dict[str, ChapterProgress], slugs) -> int:
    return sum(is_mastered(progress_by_chapter.get(slug, ChapterProgress())) for slug in slugs)
