"""Errors of the record layer. Each message is one sentence a user can act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


class SheetError(Exception):
    """Base of every error the record layer raises on purpose."""


class SetupError(SheetError):
    """The workbook cannot be opened as configured (missing key file, not shared...)."""


class SheetUnavailable(SheetError):
    """The spreadsheet did not answer in time; nothing was changed."""


class WriteNotConfirmed(SheetError):
    """A write may or may not have been applied and could not be checked."""


class RequestTooLarge(SheetError):
    """A write would be a request bigger than Google accepts; nothing was sent."""


class RecordNotFound(SheetError):
    def __init__(self, tab: str, key: str) -> None:
        super().__init__(f"{tab} has no record {key}; it may have been deleted in the sheet.")
        self.tab, self.key = tab, key


class DuplicateKey(SheetError):
    def __init__(self, tab: str, key: str, rows: list[int] | None = None) -> None:
        where = f" (rows {', '.join(map(str, rows))})" if rows else ""
        super().__init__(
            f"{tab} holds {key} more than once{where}; make it unique in the sheet first."
            if rows
            else f"{tab} already has a record {key}."
        )
        self.tab, self.key = tab, key


class ConflictError(SheetError):
    """The record changed since the user loaded it; nothing was written."""

    def __init__(self, tab: str, key: str, changes: list[tuple[str, object, object]]) -> None:
        described = "; ".join(f"{name}: {_shown(old)} → {_shown(new)}" for name, old, new in changes)
        super().__init__(
            f"{key} in {tab} was changed by someone else since you opened it ({described}). "
            "Nothing was saved: reload and try again."
        )
        self.tab, self.key, self.changes = tab, key, changes


class InvalidValue(SheetError):
    """A value does not fit its column (type, required, choices)."""

    def __init__(self, tab: str, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.tab, self.column = tab, column


class TabProblem(SheetError):
    """A tab is missing, or a column the app must write is missing from it."""


class GridChanged(SheetError):
    """Google refused a write whose cells lie outside the grid: rows were deleted since the read."""


class RowsMoved(SheetError):
    """Rows moved while a write was landing; it was undone and not applied."""


#: How a stray cell names the record of a row that has no ID.
NO_ID = "a row without an ID"


@dataclass(frozen=True)
class StrayCell:
    """A cell a write put under the wrong header or on the wrong row, and could not put back."""

    tab: str
    record: str  # the record whose row it is (its key), or "row N" for a row without one
    column: str  # the header the cell stands under
    left: object  # the value the write left there
    was: object  # the value it held before, when known

    def __str__(self) -> str:
        return (
            f"{self.tab}, {self.record}, column {self.column or '(no header)'}: "
            f"holds {_shown(self.left)} written by mistake (it held {_shown(self.was)})"
        )


class WriteLandedWrong(SheetError):
    """A write left cells it could not put back; `stray` names each, and `check` lists them."""

    def __init__(self, message: str, stray: list[StrayCell]) -> None:
        cells = "; ".join(str(cell) for cell in stray)
        super().__init__(f"{message} These cells need a person to correct them: {cells}.")
        self.stray = stray


def _shown(value: object) -> str:
    """A value as a person reads it in a message."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)
