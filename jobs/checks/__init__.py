"""The checks, one module per area: each a pure function from a Snapshot to a list of effects.

Each area runs on its own interval (the `check_<area>_minutes` settings; 0,
the default, means every cycle). An area speaks for the alerts of its kinds
(`stock.low` belongs to the area whose alert prefix is `stock`): only an area
that ran in a cycle may open, refresh or resolve them. Each area also watches
the declared deadlines of its procedures' steps (deadlines.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sheets.table import Table

from ..effects import Effect
from ..snapshot import Snapshot
from .aftersales import check_aftersales
from .data import about_a_tab_of, check_data
from .deadlines import check_deadlines
from .locations import check_locations
from .orders import check_orders
from .procurement import check_procurement
from .service import check_service
from .stock import check_stock

Check = Callable[[Snapshot], list[Effect]]


@dataclass(frozen=True)
class Area:
    name: str  # as in the setting check_<name>_minutes
    check: Check
    alert_prefix: str  # the part of its alert kinds before the dot

    @property
    def interval_setting(self) -> str:
        return f"check_{self.name}_minutes"


AREAS: tuple[Area, ...] = (
    Area("stock", check_stock, "stock"),
    Area("locations", check_locations, "location"),
    Area("procurement", check_procurement, "procurement"),
    Area("orders", check_orders, "order"),
    Area("service", check_service, "service"),
    Area("aftersales", check_aftersales, "aftersales"),
    Area("data", check_data, "data"),
)
AREA_NAMES: tuple[str, ...] = tuple(area.name for area in AREAS)
CHECKS: tuple[Check, ...] = tuple(area.check for area in AREAS)
_BY_PREFIX = {area.alert_prefix: area.name for area in AREAS}


def due_areas(snapshot: Snapshot, last_ran: Mapping[str, datetime]) -> tuple[str, ...]:
    """The areas whose interval has passed since they last ran (never ran: due).

    Half a cycle of slack keeps a check meant for every 15 minutes from
    slipping to every 20 when 5-minute cycles come a few seconds early.
    """
    slack = float(snapshot.setting("jobs_cycle_minutes")) * 30  # seconds: half a cycle
    due = []
    for area in AREAS:
        ran = last_ran.get(area.name)
        minutes = float(snapshot.setting(area.interval_setting))
        if ran is None or (snapshot.now - ran).total_seconds() >= minutes * 60 - slack:
            due.append(area.name)
    return tuple(due)


def run_checks(snapshot: Snapshot, areas: Collection[str] = AREA_NAMES) -> list[Effect]:
    """The effects of the checks of `areas` (default: all), in the order of AREAS."""
    return run_areas(snapshot, areas)[0]


def run_areas(
    snapshot: Snapshot, areas: Collection[str] = AREA_NAMES
) -> tuple[list[Effect], tuple[str, ...]]:
    """The effects of the checks of `areas`, and the areas that ran.

    An area whose check read a tab with a declared column missing (a header a person
    renamed or deleted) is held back: its effects are dropped and its alerts stay as
    they are, because the values it saw in that column were defaults, not the sheet's.
    The data area always runs: it is what reports the missing column.
    """
    effects: list[Effect] = []
    ran: list[str] = []
    for area in AREAS:
        if area.name not in areas:
            continue
        watched = _Watched(snapshot.tables)
        seen = replace(snapshot, tables=watched)
        found = [*area.check(seen), *check_deadlines(seen, area.alert_prefix)]
        if area.name != "data" and any(snapshot.tables[name].missing_columns for name in watched.read):
            continue
        effects += found
        ran.append(area.name)
    return effects, tuple(ran)


class _Watched(Mapping[str, Table]):
    """The snapshot's tables, noting which ones a check read."""

    def __init__(self, tables: Mapping[str, Table]) -> None:
        self.tables = tables
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> Table:
        self.read.add(name)
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)


def area_of_key(key: str) -> str | None:
    """The area whose check speaks for an alert key (`stock.low:SKU@LOC` -> stock); None if no check does."""
    return _BY_PREFIX.get(key.split(".", 1)[0].split(":", 1)[0])


def covered_by(areas: Collection[str], read_in_part: Collection[str] = ()) -> Callable[[str], bool]:
    """Whether the checks of `areas` speak for an alert key.

    An alert of a kind no check produces (a row a person typed, a kind since
    renamed) is covered by every cycle, so it is resolved rather than kept forever.
    The data checks do not speak for the rows of a tab `read_in_part` (a big tab whose
    unread rows may hold what the alert is about): it stays as the last whole read left it.
    """
    ran = set(areas)

    def covers(key: str) -> bool:
        area = area_of_key(key)
        if area is None:
            return True
        return area in ran and not (area == "data" and about_a_tab_of(key, read_in_part))

    return covers
