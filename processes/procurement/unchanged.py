"""Rule 4 up front: a step works on the record the user saw, or on nothing."""

from __future__ import annotations

from sheets.schema import Tab
from sheets.table import Key, Record
from sheets.transaction import Transaction


def require_unchanged(tx: Transaction, tab: Tab, key: Key, base: Record | None) -> Record:
    """The record as it is now; ConflictError (saying what changed) when it is not `base`, the version the user loaded.

    Checked before the step reads anything from the record, so a person's edit
    in the sheet is reported as such rather than as whatever it would break.
    """
    record = tx.require(tab, key)
    if base is not None:
        tx.update(record, {}, base=base)  # an update without changes writes nothing; it only compares
    return record
