"""How full the live spreadsheet is: cells used of the budget (setting `cell_budget`), and when to warn.

Asked cheaply: on Google one metadata request (grid sizes, no values), locally
one query over the rows' widths. A page asks at most once a minute per
workbook; the archive is what brings the figure down.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from i18n import _
from processes.settings import value_of
from sheets.size import cells_used
from sheets.tabs import SETTINGS
from sheets.workbook import Workbook

#: A page reuses the figure this long: it changes by a few cells a minute.
REUSE_SECONDS = 60.0


@dataclass(frozen=True)
class Fullness:
    cells: int
    budget: int
    warn_percent: float
    biggest: tuple[tuple[str, int], ...] = ()  # the tabs holding the most cells, largest first

    @property
    def percent(self) -> float:
        return 100.0 * self.cells / self.budget if self.budget else 0.0

    @property
    def warning(self) -> bool:
        return self.percent >= self.warn_percent

    def sentence(self) -> str:
        """The figure in words, in the reader's language."""
        text = _(
            "The spreadsheet holds {cells} cells of its budget of {budget} ({percent}%).",
            cells=f"{self.cells:,}",
            budget=f"{self.budget:,}",
            percent=f"{self.percent:.1f}",
        )
        if self.warning:
            text += " " + _(
                "It is past {warn}% of its budget: run `python app.py archive`, or lower the archive age in "
                "Settings, before it is full.",
                warn=f"{self.warn_percent:g}",
            )
        return text


_cache: dict[int, tuple[float, Fullness]] = {}
_lock = threading.Lock()


def fullness(workbook: Workbook, *, reuse_seconds: float = REUSE_SECONDS) -> Fullness:
    """Cells used by the live workbook against its budget (blocking: call it off the event loop)."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get(id(workbook))
        if cached is not None and now - cached[0] < reuse_seconds:
            return cached[1]
    by_tab = cells_used(workbook.backend)
    settings = workbook.table(SETTINGS)
    found = Fullness(
        cells=sum(by_tab.values()),
        budget=int(value_of("cell_budget", settings.get("cell_budget"))),
        warn_percent=float(value_of("cell_budget_warn_percent", settings.get("cell_budget_warn_percent"))),
        biggest=tuple(sorted(by_tab.items(), key=lambda item: -item[1])[:3]),
    )
    with _lock:
        _cache[id(workbook)] = (now, found)
    return found


def forget() -> None:
    """Drop the reused figures (tests; after an archive run)."""
    with _lock:
        _cache.clear()
