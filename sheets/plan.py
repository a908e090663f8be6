"""A write plan: what one transaction changes, said by key and column name.

Plans never carry row or column numbers: a backend resolves them against the
sheet as it is at the moment of writing, so a person's edits in between
(inserted rows, a sort, a moved column) cannot send a value to the wrong cell.
`before` keeps the cells as the transaction read them, so a retry after an
ambiguous failure can tell "already applied" from "changed by someone else".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheets.schema import Tab


@dataclass
class RowUpdate:
    tab: Tab
    key: tuple[str, ...]
    cells: dict[str, Any]  # column name -> new raw value
    before: dict[str, Any]  # column name -> raw value as read


@dataclass
class RowAppend:
    tab: Tab
    key: tuple[str, ...]
    cells: dict[str, Any]  # column name -> raw value


@dataclass
class RowDelete:
    """Remove the row holding `key`; `before` is the row as read, for the audit and a repair."""

    tab: Tab
    key: tuple[str, ...]
    before: dict[str, Any]  # column name -> raw value as read


@dataclass
class IdAssignment:
    """Give a row a person typed without an ID its ID."""

    tab: Tab
    row: int  # sheet row number when read (a hint; verified at write time)
    fingerprint: tuple[Any, ...]  # every cell of the row as read
    new_id: str


@dataclass
class WritePlan:
    updates: list[RowUpdate] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    id_assignments: list[IdAssignment] = field(default_factory=list)
    deletes: list[RowDelete] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.updates or self.appends or self.id_assignments or self.deletes)

    @property
    def tabs(self) -> set[str]:
        items = (*self.updates, *self.appends, *self.id_assignments, *self.deletes)
        return {item.tab.name for item in items}

    def update_for(self, tab: Tab, key: tuple[str, ...]) -> RowUpdate | None:
        for update in self.updates:
            if update.tab.name == tab.name and update.key == key:
                return update
        return None

    def append_for(self, tab: Tab, key: tuple[str, ...]) -> RowAppend | None:
        for append in self.appends:
            if append.tab.name == tab.name and append.key == key:
                return append
        return None
