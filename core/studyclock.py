"""Active study time, measured from the app's own heartbeats.

The page calls ``tick`` on every script run (``interaction=True``) and from a
heartbeat every few seconds (``interaction=False``). Time between ticks counts
for the page that was open, but never more than ``MAX_GAP`` per tick and not at
all once the learner has been idle for ``IDLE_AFTER`` seconds, so a tab left
open overnight does not count as study.
"""
from __future__ import annotations

from dataclasses import dataclass

MAX_GAP = 60.0       # seconds one tick may add
MIN_GAP = 1.0        # shorter gaps wait and are added to the next tick
IDLE_AFTER = 600.0   # seconds without an interaction before the clock stops


@dataclass
class StudyClock:
    page: str | None = None
    last_tick: float | None = None
    last_interaction: float | None = None

    def tick(self, now: float, page: str, interaction: bool) -> tuple[str, float] | None:
        """Advance to ``now``; return (page, seconds) to record, or None."""
        credit = None
        if self.last_tick is not None and now - self.last_tick < MIN_GAP and page == self.page:
            if interaction:
                self.last_interaction = now
            return None
        if self.last_tick is not None and self.page is not None:
            idle = now - self.last_interaction if self.last_interaction is not None else 0.0
            gap = max(0.0, min(now - self.last_tick, MAX_GAP))
            if idle <= IDLE_AFTER and gap > 0:
                credit = (self.page, round(gap, 3))
        self.last_tick, self.page = now, page
        if interaction:
            self.last_interaction = now
        return credit
