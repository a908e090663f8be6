"""How big the request a write becomes, so that a long write goes in parts Google accepts.

Google refuses a request body above about 10 MB (HTTP 400 "Request payload size
exceeds the limit"). No request the app sends may pass MAX_BODY_BYTES: the Google
backend checks each body before sending it and refuses, having sent nothing. A
long write (an import of thousands of orders) is cut into parts of whole records
before that, each part one transaction whose plan is estimated at most PART_BYTES:
`PlanMeter` keeps a running estimate as records are added to the plan.
"""

from __future__ import annotations

import json
from typing import Any

from sheets.plan import WritePlan

#: The largest request body the app sends (Google refuses above 10 MB).
MAX_BODY_BYTES = 9_000_000
#: A part of a long write, as estimated: the estimate runs about 2.5 times the body sent
#: (a 10,000-line import: parts of about 2.3 MB), so a part stays far under MAX_BODY_BYTES.
PART_BYTES = 6_000_000
#: A part of a copy, measured as the JSON of its rows (the body sent is a little more).
COPY_PART_BYTES = 3_000_000

#: Bytes around one cell's value in a request (CellData, its key, the separators).
_CELL = 48
#: Bytes of one updateCells request for a single cell, beside its value.
_UPDATE = 260
#: Bytes of a drop-down rule an appended row carries, beside its choices.
_RULE, _CHOICE = 110, 32


class PlanMeter:
    """A running estimate of the request body `plan` becomes; counts each item once, as it comes."""

    def __init__(self, plan: WritePlan) -> None:
        self.plan = plan
        self._appends = self._updates = 0
        self._bytes = 0

    @property
    def bytes(self) -> int:
        for append in self.plan.appends[self._appends :]:
            self._bytes += _row_bytes(append.tab, append.cells)
        for update in self.plan.updates[self._updates :]:
            self._bytes += sum(_UPDATE + _value_bytes(value) for value in update.cells.values())
        self._appends, self._updates = len(self.plan.appends), len(self.plan.updates)
        return self._bytes

    def full(self, limit: int = PART_BYTES) -> bool:
        """Whether the plan has reached `limit`: time to commit this part and begin the next."""
        return self.bytes >= limit


def appends_in_parts(plan: WritePlan, limit: int = PART_BYTES) -> list[WritePlan]:
    """A plan of new rows only, cut into plans of whole rows each estimated at most `limit`.

    Any other plan stays whole: an update or a deletion must land with the rest of its
    transaction, and the backend refuses it if it is too large.
    """
    if plan.updates or plan.deletes or plan.id_assignments:
        return [plan]
    if PlanMeter(plan).bytes <= 2 * limit:
        return [plan]  # a part a caller already cut (an import's) stays one commit
    parts, size = [WritePlan()], 0
    for append in plan.appends:
        row = _row_bytes(append.tab, append.cells)
        if parts[-1].appends and size + row > limit:
            parts.append(WritePlan())
            size = 0
        parts[-1].appends.append(append)
        size += row
    return parts


def body_bytes(body: Any) -> int:
    """The size of a request body as sent (JSON, non-ASCII escaped as gspread's requests does)."""
    return len(json.dumps(body))


def _row_bytes(tab: Any, cells: dict[str, Any]) -> int:
    rules = sum(_RULE + _CHOICE * len(column.choices) for column in tab.choice_columns())
    # A row is sent as wide as the header; a later update folding into it adds a little (counted here twice).
    return 2 * sum(_CELL + _value_bytes(value) for value in cells.values()) + rules + _CELL * len(tab.columns)


def _value_bytes(value: Any) -> int:
    return len(json.dumps(value, default=str))
