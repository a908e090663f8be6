"""A transaction: one user action's reads and writes, committed in one step.

    with workbook.transaction(ORDERS, user="lin", action="confirm order") as tx:
        order = tx.require(ORDERS, order_id)
        tx.update(order, {"status": "confirmed"}, base=loaded_order)

Values are checked against the schema before anything is written. `base` is
the record as the user saw it: if the sheet holds something else now, the
update is refused with what changed (rule 4). Every insert and update is
stamped and written to the Audit tab in the same commit (rule 8), and rows a
person added without an ID get one (rule 3). A deleted record's values are
kept in its Audit row, so a deletion can always be read back and undone by hand.

The Audit gets one row per record the transaction changes, whatever the number of
calls: a second update of the record folds into the row of the first (each field
from its first old value to its last new one), an update after the insert into
the insert's row (the record as it arrives), a deletion after an update into a
deletion row with the values the sheet held (sheets/audit_changes.py says how the
`changes` cell reads).

What a person confirmed while taking a step (its checklist, ticked or not) is
written into the Audit row of the step's record, in the same commit: the
caller names it with `remarking(tab, key, text)` around the rule, which needs
no argument for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sheets.audit_changes import EMPTY, described
from sheets.backends.base import Session
from sheets.cells import CellError, is_blank, parse_cell, same_cell, to_cell
from sheets.errors import ConflictError, DuplicateKey, InvalidValue, RecordNotFound, SheetError
from sheets.ids import new_id
from sheets.plan import IdAssignment, RowAppend, RowDelete, RowUpdate, WritePlan
from sheets.schema import STAMP_COLUMNS, Column, Kind, Tab
from sheets.table import Key, Record, Table
from sheets.tabs import AUDIT

#: (tab name, key text, remark): added to the Audit row of that record's change, in this context.
_REMARKS: ContextVar[tuple[tuple[str, str, str], ...]] = ContextVar("audit remarks", default=())


@contextmanager
def remarking(tab: Tab, key: Key, text: str) -> Iterator[None]:
    """Within the block, the Audit row of any change to that record carries `text` as well."""
    token = _REMARKS.set((*_REMARKS.get(), (tab.name, _key_text(key), text)))
    try:
        yield
    finally:
        _REMARKS.reset(token)


#: In an Audit entry's changes, the "old" of a value listed alone (an insert, a deletion).
LISTED = object()


@dataclass
class _AuditEntry:
    """The one Audit row of a record in this transaction, as its changes fold in."""

    verb: str
    row: RowAppend
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name -> (old or LISTED, new)
    remarks: list[str] = field(default_factory=list)


class Transaction:
    def __init__(self, session: Session, user: str, action: str, now: datetime) -> None:
        self.session = session
        self.user = user
        self.action = action
        self.now = now.replace(microsecond=0)
        self.plan = WritePlan()
        self._pending: dict[tuple[str, Key], Record] = {}
        self._deleted: set[tuple[str, Key]] = set()
        self._audits: dict[tuple[str, str], _AuditEntry] = {}  # (tab, key text) -> its Audit row

    # reading ---------------------------------------------------------------

    def get(self, tab: Tab, key: Key) -> Record | None:
        """The record as it is now, including this transaction's own changes."""
        if (tab.name, key) in self._deleted:
            return None
        pending = self._pending.get((tab.name, key))
        return pending if pending is not None else self.session.find(tab, key)

    def require(self, tab: Tab, key: Key, *, base: Record | None = None) -> Record:
        """The record as it is now; with `base` (the version the user loaded), ConflictError if it changed.

        Checking before a step reads anything from the record reports a person's
        edit in the sheet as such, rather than as whatever it would break.
        """
        record = self.get(tab, key)
        if record is None:
            raise RecordNotFound(tab.name, _key_text(key))
        if base is not None:
            _refuse_if_changed(tab, key, base, record)
        return record

    def table(self, tab: Tab) -> Table:
        """The whole tab as read (on Google a tab that `grows` is then read whole: prefer `where`)."""
        return self.session.table(tab)

    def where(self, tab: Tab, column: str, value: str) -> list[Record]:
        """The records whose `column` holds `value`, as they are now (this transaction's changes included)."""
        found = []
        for record in self.session.where(tab, column, value):
            current = self.get(tab, record.id)
            if current is not None and current[column] == value:
                found.append(current)
        return found

    # writing ---------------------------------------------------------------

    def insert(self, tab: Tab, values: Mapping[str, Any]) -> Record:
        """Add a record; the app assigns its ID when the tab has an ID prefix."""
        typed = {column.name: column.default for column in tab.columns}
        # A blank value keeps the column's default (a blank form field must not erase unit="pcs").
        typed.update({name: value for name, value in _coerce_all(tab, values).items() if value is not None})
        fresh_id = bool(tab.id_prefix) and not typed.get(tab.key[0])
        if fresh_id:
            typed[tab.key[0]] = new_id(tab.id_prefix)
        self._stamp(tab, typed)
        _check_required(tab, typed)
        _check_row_rules(tab, typed, set(typed))
        record = Record(tab, typed)
        key = record.id
        # A fresh ID is unique by construction; a typed key (a SKU) is checked.
        if not fresh_id and self.get(tab, key) is not None:
            raise DuplicateKey(tab.name, _key_text(key))
        cells = {
            column.name: to_cell(column.kind, typed[column.name])
            for column in tab.columns
            if not (column.optional and typed[column.name] is None)  # a sheet without it takes the row
        }
        self.plan.appends.append(RowAppend(tab, tab.key_of(typed), cells))
        self._pending[(tab.name, key)] = record
        self._audit(
            "insert",
            tab,
            key,
            [(name, None, value) for name, value in typed.items() if value is not None],
        )
        return record

    def update(
        self,
        record: Record | Key,
        changes: Mapping[str, Any],
        *,
        tab: Tab | None = None,
        base: Record | None = None,
    ) -> Record:
        """Change some fields of a record; only the cells that change are written.

        `base` is the version the user loaded; when the sheet differs from it
        now, ConflictError says what changed and nothing is written.
        """
        tab = record.schema if isinstance(record, Record) else tab
        if tab is None:
            raise TypeError("update() needs a Record or a key with tab=")
        key = record.id if isinstance(record, Record) else record
        current = self.require(tab, key)
        if base is not None:
            _refuse_if_changed(tab, key, base, current)
        typed = _coerce_all(tab, changes)
        if any(
            name in tab.key and not _same(tab.column(name), value, current[name])
            for name, value in typed.items()
        ):
            raise InvalidValue(tab.name, tab.key[0], "the ID of a record cannot be changed")
        new_values = current.to_dict()
        new_values.update(typed)
        changed = [
            (name, current[name], value)
            for name, value in typed.items()
            if not _same(tab.column(name), value, current[name])
        ]
        if not changed:
            return current
        self._stamp(tab, new_values)
        _check_required(tab, new_values)
        _check_row_rules(tab, new_values, {name for name, _old, _new in changed})
        updated = Record(tab, new_values, current.row_number)
        self._plan_update(tab, key, current, updated)
        self._pending[(tab.name, key)] = updated
        self._audit("update", tab, key, changed)
        return updated

    def delete(self, record: Record | Key, *, tab: Tab | None = None, base: Record | None = None) -> Record:
        """Remove a record's row; returns the record as it was.

        The row is found by key when writing, never by position, and `base`
        refuses the deletion when the record changed since the user saw it.
        The Audit row keeps every value the record held.
        """
        tab = record.schema if isinstance(record, Record) else tab
        if tab is None:
            raise TypeError("delete() needs a Record or a key with tab=")
        if tab.append_only:
            raise SheetError(f"Rows of {tab.name} are never deleted: it is the record of what happened.")
        key = record.id if isinstance(record, Record) else record
        current = self.require(tab, key, base=base)
        key_parts = tab.key_of(current.to_dict())
        if self.plan.append_for(tab, key_parts) is not None:
            raise SheetError(f"{_key_text(key)} was added in this same step and cannot be deleted in it.")
        # The row goes away, so a change planned for it earlier in this step goes too.
        self.plan.updates = [
            u for u in self.plan.updates if not (u.tab.name == tab.name and u.key == key_parts)
        ]
        before = {column.name: to_cell(column.kind, current[column.name]) for column in tab.columns}
        self.plan.deletes.append(RowDelete(tab, key_parts, before))
        self._pending.pop((tab.name, key), None)
        self._deleted.add((tab.name, key))
        self._audit(
            "delete",
            tab,
            key,
            [
                (name, None, value)
                for name, value in current.items()
                if not is_blank(to_cell(tab.column(name).kind, value))
            ],
        )
        return current

    def copy_in(self, record: Record) -> None:
        """Add a record exactly as it is in another workbook (the archive): no stamps, no Audit row.

        The caller writes what the copy is for with `note`; the key is checked as by `insert`.
        """
        tab = record.schema
        if self.get(tab, record.id) is not None:
            raise DuplicateKey(tab.name, _key_text(record.id))
        cells = {column.name: to_cell(column.kind, record[column.name]) for column in tab.columns}
        self.plan.appends.append(RowAppend(tab, tab.key_of(record.to_dict()), cells))
        self._pending[(tab.name, record.id)] = record

    def move_out(self, record: Record) -> Record:
        """Remove a record's row that is kept elsewhere (the archive); refused if it changed since `record`.

        Unlike `delete` it writes no Audit row per record (the caller writes one `note`
        for the batch, the values being in the archive) and it also removes rows of an
        append-only tab, whose record then lives on in the archive.
        """
        tab = record.schema
        current = self.require(tab, record.id, base=record)
        key_parts = tab.key_of(current.to_dict())
        before = {column.name: to_cell(column.kind, current[column.name]) for column in tab.columns}
        self.plan.deletes.append(RowDelete(tab, key_parts, before))
        self._pending.pop((tab.name, record.id), None)
        self._deleted.add((tab.name, record.id))
        return current

    def note(self, tab: Tab, record_id: str, changes: str) -> None:
        """An Audit row of this step that is about `tab` as a whole (`record_id` may name many)."""
        self._audit_row(tab.name, record_id, self.action or "note", changes)

    def assign_missing_ids(self, tab: Tab, whole: bool = False) -> int:
        """Give the rows of `tab` a person typed without an ID their ID; returns how many.

        Those read in this transaction; with `whole`, every one in the tab (check, the jobs).
        """
        if not tab.id_prefix:
            return 0
        already = {item.row for item in self.plan.id_assignments if item.tab.name == tab.name}
        count = 0
        for row, cells in self.session.rows_without_id(tab, whole=whole):
            if row in already:
                continue
            assigned = new_id(tab.id_prefix)
            self.plan.id_assignments.append(IdAssignment(tab, row, cells, assigned))
            self._audit(
                "assign id",
                tab,
                assigned,
                [(tab.key[0], None, f"{assigned} (row {row})")],
            )
            count += 1
        return count

    # internals -------------------------------------------------------------

    def _plan_update(self, tab: Tab, key: Key, current: Record, updated: Record) -> None:
        key_parts = tab.key_of(updated.to_dict())
        existing = self.plan.update_for(tab, key_parts) or self.plan.append_for(tab, key_parts)
        cells = {
            column.name: to_cell(column.kind, updated[column.name])
            for column in tab.columns
            if not _same(column, updated[column.name], current[column.name])
        }
        if isinstance(existing, RowAppend):
            existing.cells.update(cells)
        elif isinstance(existing, RowUpdate):
            existing.cells.update(cells)
            for name in cells:
                existing.before.setdefault(name, to_cell(tab.column(name).kind, current[name]))
        else:
            before = {name: to_cell(tab.column(name).kind, current[name]) for name in cells}
            self.plan.updates.append(RowUpdate(tab, key_parts, cells, before))

    def _stamp(self, tab: Tab, values: dict[str, Any]) -> None:
        if tab.has_stamps:
            values[STAMP_COLUMNS[0]] = self.now
            values[STAMP_COLUMNS[1]] = self.user

    def _audit(self, verb: str, tab: Tab, key: Key, changes: list[tuple[str, Any, Any]]) -> None:
        if tab.name == AUDIT.name:
            return
        listed = [(name, old, new) for name, old, new in changes if name not in STAMP_COLUMNS]
        entry = self._audits.get((tab.name, _key_text(key)))
        if entry is None:
            entry = self._new_audit_row(verb, tab, key)
            entry.changes = {name: (old if verb == "update" else LISTED, new) for name, old, new in listed}
        else:
            _fold(entry, verb, listed)
        for remarked_tab, remarked_key, remark in _REMARKS.get():
            if remarked_tab == tab.name and remarked_key == _key_text(key) and remark not in entry.remarks:
                entry.remarks.append(remark)
        entry.row.cells["action"] = f"{self.action}: {entry.verb}" if self.action else entry.verb
        entry.row.cells["changes"] = described(
            (
                (name, None if old is LISTED else _show(old), _show(new))
                for name, (old, new) in entry.changes.items()
            ),
            entry.remarks,
        )

    def _new_audit_row(self, verb: str, tab: Tab, key: Key) -> _AuditEntry:
        values = {
            "audit_id": new_id(AUDIT.id_prefix or "AUD"),
            "at": self.now,
            "user": self.user,
            "action": "",
            "tab": tab.name,
            "record_id": _key_text(key),
            "changes": "",
        }
        cells = {column.name: to_cell(column.kind, values[column.name]) for column in AUDIT.columns}
        row = RowAppend(AUDIT, (values["audit_id"],), cells)
        self.plan.appends.append(row)
        entry = _AuditEntry(verb, row)
        self._audits[(tab.name, _key_text(key))] = entry
        return entry

    def _audit_row(self, tab_name: str, record_id: str, action: str, changes: str) -> None:
        """An Audit row of its own, outside any record's (a note on a whole batch)."""
        values = {
            "audit_id": new_id(AUDIT.id_prefix or "AUD"),
            "at": self.now,
            "user": self.user,
            "action": action,
            "tab": tab_name,
            "record_id": record_id,
            "changes": changes,
        }
        cells = {column.name: to_cell(column.kind, values[column.name]) for column in AUDIT.columns}
        self.plan.appends.append(RowAppend(AUDIT, (values["audit_id"],), cells))


def _fold(entry: _AuditEntry, verb: str, changes: list[tuple[str, Any, Any]]) -> None:
    """A record's further change in the same transaction, folded into its one Audit row."""
    if verb == "delete":
        # The row goes: its Audit row lists what the sheet held (before this transaction's updates).
        held = {name: old for name, (old, _new) in entry.changes.items()} if entry.verb == "update" else {}
        values = {name: held.get(name, new) for name, _old, new in changes}
        values.update({name: old for name, old in held.items() if name not in values})
        entry.verb = "delete"
        entry.changes = {name: (LISTED, value) for name, value in values.items() if _show(value) != EMPTY}
        return
    for name, old, new in changes:
        if entry.verb != "update":
            old = LISTED  # an insert lists the record as it arrives
        elif name in entry.changes:
            old = entry.changes[name][0]  # an update keeps the value before its first change
        if old is not LISTED and _show(old) == _show(new):
            entry.changes.pop(name, None)  # changed and changed back: nothing to say
        elif old is LISTED and _show(new) == EMPTY:
            entry.changes.pop(name, None)
        else:
            entry.changes[name] = (old, new)


def _coerce_all(tab: Tab, values: Mapping[str, Any]) -> dict[str, Any]:
    typed = {}
    for name, value in values.items():
        if not tab.has_column(name):
            raise InvalidValue(tab.name, name, f"{tab.name} has no such column")
        typed[name] = coerce(tab, tab.column(name), value)
    return typed


def coerce(tab: Tab, column: Column, value: Any) -> Any:
    """A value from a form or a process as the column's type; raises InvalidValue."""
    if value is None or (isinstance(value, str) and is_blank(value)):
        return None
    try:
        typed = _typed(column, value)
    except CellError as error:
        raise InvalidValue(tab.name, column.name, str(error)) from None
    problem = column.limit_problem(typed)
    if problem:
        raise InvalidValue(tab.name, column.name, problem)
    if column.choices:
        for choice in column.choices:
            if str(typed).casefold() == choice.casefold():
                return choice
        raise InvalidValue(tab.name, column.name, f"must be one of: {', '.join(column.choices)}")
    return typed


def _typed(column: Column, value: Any) -> Any:
    kind = column.kind
    if kind is Kind.TEXT:
        return value.strip() if isinstance(value, str) else parse_cell(kind, value)
    if kind is Kind.DATE and isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    if kind is Kind.DATETIME and isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if kind is Kind.BOOL and isinstance(value, bool):
        return value
    if kind in (Kind.INT, Kind.NUMBER) and isinstance(value, bool):
        raise CellError("expected a number, found yes/no")
    return parse_cell(kind, value)


def _check_required(tab: Tab, values: Mapping[str, Any]) -> None:
    for column in tab.columns:
        if column.required and values.get(column.name) in (None, ""):
            raise InvalidValue(tab.name, column.name, "is required")


def _check_row_rules(tab: Tab, values: Mapping[str, Any], changed: set[str]) -> None:
    for rule in tab.row_rules:
        problem = rule.problem(values, changed)
        if problem:
            raise InvalidValue(tab.name, rule.columns[0], problem)


def _refuse_if_changed(tab: Tab, key: Key, base: Record, current: Record) -> None:
    changed = [
        (name, base[name], current[name])
        for name in tab.column_names
        if not _same(tab.column(name), base[name], current[name])
    ]
    if changed:
        raise ConflictError(tab.name, _key_text(key), changed)


def _same(column: Column, a: Any, b: Any) -> bool:
    return same_cell(to_cell(column.kind, a), to_cell(column.kind, b))


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key_text(key: Key) -> str:
    return key if isinstance(key, str) else "/".join(key)
