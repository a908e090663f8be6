"""The record: tab declarations, the two workbook backends and typed tables.

Layers above use `Workbook` (cached reads and transactions) and the tab
declarations in `sheets.tabs`; nothing above this package spells a header.
"""

from sheets.errors import (
    ConflictError,
    DuplicateKey,
    InvalidValue,
    RecordNotFound,
    RowsMoved,
    SetupError,
    SheetError,
    SheetUnavailable,
    TabProblem,
    WriteNotConfirmed,
)
from sheets.table import DataIssue, Record, Table
from sheets.workbook import Workbook

__all__ = [
    "ConflictError",
    "DataIssue",
    "DuplicateKey",
    "InvalidValue",
    "Record",
    "RecordNotFound",
    "RowsMoved",
    "SetupError",
    "SheetError",
    "SheetUnavailable",
    "TabProblem",
    "Table",
    "Workbook",
    "WriteNotConfirmed",
]
