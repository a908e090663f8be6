"""Editing any tab row by row in the app, as a person would in the spreadsheet.

On the embedded local workbook there is no spreadsheet window, so the grid
at /tabs/... is where people fix a typo, add a row or delete one. Every edit
goes through the record layer like any other step: values are checked
against the tab's columns (a bad value names its column), a row changed by
someone else since it was shown is refused, and the Audit tab records the
change (a deletion with the values it removed).

Who may edit which tab is the EDITORS table in processes/permissions.py,
checked here. Some cells are not edited in the grid, whoever asks:

- the key of an existing row (the app assigns IDs; other tabs point at keys:
  add a new row and delete the old one instead);
- the stamps `updated_at` / `updated_by` (the app writes them);
- Stock `on_hand`, `reserved` and `last_counted_at`: stock changes only
  through stock moves, so the ledger and the balance never disagree. A count
  goes through a stocktake, a move between locations through a transfer.
  `min_qty` and `max_qty` are plain thresholds and are edited here;
- a procedure's status and step columns (approvals, refunds, votes, stock
  effects: see `Procedure` in processes/procedure.py), for every role — a
  step is taken on the record's page, where its checks run; a row added here
  starts in the state its status column defaults to, and the app fills in
  what its entry step would have set (a ticket's opening and due time:
  FILLED_BY_APP);
- a procedure's terms (quantities, prices, locations) once the record has
  left its "editable" states, and then the rows of its parts too (an order's
  lines once its stock is reserved).

A record that holds stock (an order with a reservation, a transfer on the
road) is not deleted: the message names the step that releases it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from i18n import N_, _, ngettext
from processes.declarations import PROCEDURES
from processes.errors import PermissionDenied, ProcessError
from processes.permissions import Actor, require_edit, require_read, why_not_edit
from processes.procedure import EDITABLE, HOLDS_STOCK, Part, Procedure
from processes.service.sla import fill_clock
from sheets.audit_changes import changed_names
from sheets.errors import InvalidValue
from sheets.schema import STAMP_COLUMNS, Column, Tab
from sheets.settings import BY_KEY as DECLARED_SETTINGS
from sheets.settings import check_value
from sheets.table import Key, Record
from sheets.tabs import AUDIT, SETTINGS, STOCK, TICKETS, tab_named
from sheets.transaction import Transaction, coerce
from sheets.workbook import Workbook


class LockedCell(InvalidValue):
    """A cell only a step (or the app) writes: refused for every role, in the grid and the API."""


class NoSuchRow(ProcessError):
    """The row asked for is not in the tab (any more)."""


class StepRequired(PermissionDenied):
    """A change by hand that only a step may make (deleting what holds stock, a reserved order's lines)."""


STOCKTAKE_HINT = N_("change it with a stocktake (/inventory/stocktake) or a transfer (/inventory/transfers)")

#: Cells the grid never edits, per tab, and why (said next to the field and in a refusal).
LOCKED: dict[str, dict[str, str]] = {
    STOCK.name: {
        "on_hand": N_(
            "stock changes only through stock moves: change it with a stocktake (/inventory/stocktake) "
            "or a transfer (/inventory/transfers)"
        ),
        "reserved": N_("reserved stock follows the orders: confirm or cancel the order instead"),
        "last_counted_at": N_("set by an approved stocktake"),
    },
}


Fill = Callable[[Transaction, Mapping[str, Any]], dict[str, Any]]

#: What the app fills in on a row added or changed by hand, per tab, and the tabs it reads for it:
#: a ticket gets its SLA clock (opened, due from the Settings) as `open_ticket` would have set it.
FILLED_BY_APP: dict[str, tuple[Fill, tuple[Tab, ...]]] = {TICKETS.name: (fill_clock, (SETTINGS,))}


@dataclass(frozen=True)
class GridRules:
    """What the grid of one tab lets this user do, for the page to draw (the checks are below)."""

    tab: Tab
    may_edit: bool
    why_not: str | None  # when the user may not edit: why, in one sentence
    key_note: str  # how the key of a row is set

    def field_columns(self) -> list[Column]:
        """The columns a row's form shows (the stamps are the app's)."""
        return [column for column in self.tab.columns if column.name not in STAMP_COLUMNS]

    def locked_reason(self, column: str, record: Record | None) -> str | None:
        """Why `column` cannot be typed into in the form of `record` (None: a new row), or None when it can."""
        return locked_reason(self.tab, column, record)


def grid_rules(actor: Actor, tab_name: str) -> GridRules:
    tab = tab_named(tab_name)
    if tab.id_prefix:
        key_note = _("{key} is given by the app when a row is added and cannot be changed.", key=tab.key[0])
    else:
        key_note = _(
            "{key} is typed when a row is added and cannot be changed afterwards.", key=" + ".join(tab.key)
        )
    reason = why_not_edit(actor, tab.name)
    return GridRules(tab, reason is None, reason, key_note)


def locked_reason(tab: Tab, column: str, record: Record | None) -> str | None:
    """Why the grid may not set `column` of `record` (None: of a new row), or None when it may."""
    if column in STAMP_COLUMNS:
        return _("written by the app")
    if column in tab.key:
        if tab.id_prefix:
            return _("given by the app")
        if record is None:
            return None
        return _("the key of a row cannot be changed: add a new row and delete this one")
    reason = LOCKED.get(tab.name, {}).get(column)
    if reason:
        return _(reason)
    for procedure in procedures_of(tab):
        if column in procedure.owned_columns:
            return _(
                "only the steps of the {procedure} change it: take the step on its page",
                procedure=_(procedure.name).lower(),
            )
        if column in procedure.terms and record is not None and not procedure.in_group(record, EDITABLE):
            return _(
                "fixed once the {procedure} is {state}",
                procedure=_(procedure.name).lower(),
                state=_(procedure.state_of(record)),
            )
    return None


def procedures_of(tab: Tab) -> list[Procedure]:
    """The procedures whose records are rows of `tab` (Returns holds two: the return and its refund)."""
    return [procedure for procedure in PROCEDURES if procedure.tab.name == tab.name]


def _owners_of(tab: Tab) -> list[tuple[Procedure, Part]]:
    """The procedures whose records own rows of `tab` as their parts (an order and its lines)."""
    return [
        (procedure, part) for procedure in PROCEDURES for part in procedure.parts if part.tab.name == tab.name
    ]


# reading ---------------------------------------------------------------------


def row_for_edit(workbook: Workbook, tab_name: str, key: Key, *, by: Actor) -> Record:
    """A row as it is in the sheet now: the form shows it and it becomes the edit's `base`."""
    tab = tab_named(tab_name)
    require_read(by, tab.name)
    workbook.invalidate([tab.name])
    record = workbook.table(tab).get(key)
    if record is None:
        raise NoSuchRow(
            _(
                "{name} has no row {key_text}; it may have been deleted in the sheet.",
                name=tab.name,
                key_text=_key_text(key),
            )
        )
    return record


def read_rows(workbook: Workbook, tab_name: str, *, by: Actor) -> list[Record]:
    """Every readable row of a tab, as the app last read it (the cache a page shares)."""
    tab = tab_named(tab_name)
    require_read(by, tab.name)
    return list(workbook.table(tab).records())


def changes_since(workbook: Workbook, tab_name: str, key: Key, moment: datetime) -> list[str]:
    """The columns the Audit says were changed on a row after `moment`, in the order first changed."""
    workbook.invalidate([AUDIT.name])
    changed: dict[str, None] = {}
    for entry in workbook.table(AUDIT).records():
        if entry.tab == tab_name and entry.record_id == _key_text(key) and entry.at and entry.at > moment:
            for name in changed_names(entry.changes):
                changed.setdefault(name, None)
    tab = tab_named(tab_name)
    return [name for name in changed if tab.has_column(name)]  # not a step's remark (its checklist)


# writing ---------------------------------------------------------------------


def edit_cells(
    workbook: Workbook,
    tab_name: str,
    record_id: Key,
    changes: Mapping[str, Any],
    base: Record | None,
    *,
    by: Actor,
) -> Record:
    """Change some cells of a row; refused when the row changed since `base` (the row as shown)."""
    tab = tab_named(tab_name)
    require_edit(by, tab.name)
    _checked(tab, changes, base)  # refused before anything is read when the form was already wrong
    with workbook.transaction(*_tabs_read(tab), user=by.name, action=f"edit {tab.name} row") as tx:
        record = tx.require(tab, record_id, base=base)
        typed = _checked(tab, changes, record)
        if tab.name == SETTINGS.name and "value" in typed:
            _check_setting(str(record.key), typed["value"])
        _refuse_changing_parts(tx, tab, (record, {**record, **typed}))
        return tx.update(record, {**typed, **_filled_by_app(tx, tab, {**record, **typed})}, base=base)


def add_row(workbook: Workbook, tab_name: str, values: Mapping[str, Any], *, by: Actor) -> Record:
    """Add a row; an app-assigned ID is given by the record layer, a typed key must be new."""
    tab = tab_named(tab_name)
    require_edit(by, tab.name)
    typed = {name: value for name, value in _checked(tab, values, None).items() if value is not None}
    for name in tab.key:
        if not tab.id_prefix and not typed.get(name):
            raise InvalidValue(tab.name, name, "is required: it is the key of the new row")
    if tab.name == SETTINGS.name:
        _check_setting(str(typed.get("key", "")), typed.get("value"))
    with workbook.transaction(*_tabs_read(tab), user=by.name, action=f"add {tab.name} row") as tx:
        _refuse_changing_parts(tx, tab, (typed,))
        return tx.insert(tab, {**typed, **_filled_by_app(tx, tab, typed)})


def delete_row(
    workbook: Workbook, tab_name: str, record_id: Key, base: Record | None, *, by: Actor
) -> Record:
    """Delete a row by its key; refused when it changed since `base`. The Audit row keeps its values."""
    tab = tab_named(tab_name)
    require_edit(by, tab.name)
    with workbook.transaction(*_tabs_read(tab), user=by.name, action=f"delete {tab.name} row") as tx:
        record = tx.require(tab, record_id, base=base)
        _refuse_deleting(tab, record)
        _refuse_changing_parts(tx, tab, (record,))
        return tx.delete(record, base=base)


# checks ----------------------------------------------------------------------


def _tabs_read(tab: Tab) -> list[Tab]:
    """The tab edited, the tabs of the records owning its rows (an order line's order), and what its fill reads."""
    owners = {procedure.tab.name: procedure.tab for procedure, _part in _owners_of(tab)}
    filling = {read.name: read for read in FILLED_BY_APP.get(tab.name, (None, ()))[1]}
    return [tab, *{**owners, **filling}.values()]


def _filled_by_app(tx: Transaction, tab: Tab, row: Mapping[str, Any]) -> dict[str, Any]:
    """The cells the app fills in on a row written by hand (a ticket's SLA clock); {} for most tabs."""
    fill = FILLED_BY_APP.get(tab.name, (None, ()))[0]
    return fill(tx, row) if fill is not None else {}


def _checked(tab: Tab, values: Mapping[str, Any], record: Record | None) -> dict[str, Any]:
    """Values as their columns' types; InvalidValue naming the column for anything the grid may not set."""
    typed = {}
    for name, value in values.items():
        if not tab.has_column(name):
            raise InvalidValue(tab.name, name, f"{tab.name} has no such column")
        reason = locked_reason(tab, name, record)
        if reason:
            raise LockedCell(tab.name, name, f"cannot be edited here ({reason})")
        column = tab.column(name)
        typed[name] = coerce(tab, column, value)  # types, choices and the column's sanity limits
    return typed


def _check_setting(key: str, value: Any) -> None:
    """A declared threshold's value must fit it (the same check the Settings page makes)."""
    setting = DECLARED_SETTINGS.get(key)
    if setting is None:
        return
    _, problem = check_value(setting, value)
    if problem:
        raise InvalidValue(SETTINGS.name, "value", f"{problem} (setting {key})")


def _refuse_changing_parts(tx: Transaction, tab: Tab, rows: tuple[Mapping[str, Any], ...]) -> None:
    """Refuse adding, changing or deleting a part (an order line) of a record past its editable states.

    `rows` are the row's values before and after the change (one of them for an add or a delete).
    """
    for procedure, part in _owners_of(tab):
        for owner_key in dict.fromkeys(row.get(part.link) for row in rows if row.get(part.link)):
            owner = tx.get(procedure.tab, str(owner_key))
            if owner is not None and not procedure.in_group(owner, EDITABLE):
                raise StepRequired(
                    _(
                        "The {procedure} {key} is {state}: its rows in {tab} are fixed from then on.",
                        procedure=_(procedure.name).lower(),
                        key=owner_key,
                        state=_(procedure.state_of(owner)),
                        tab=tab.name,
                    )
                )


def _refuse_deleting(tab: Tab, record: Record) -> None:
    for procedure in procedures_of(tab):
        if procedure.in_group(record, HOLDS_STOCK):
            state = procedure.state_of(record)
            steps = _(" or ").join(_(t.label).lower() for t in procedure.steps_out_of(state, HOLDS_STOCK))
            raise StepRequired(
                _(
                    "{key_text} is {state} and holds stock; deleting it would leave that stock behind. "
                    "First {steps} on its page, then delete it.",
                    key_text=_key_text(record.id),
                    state=_(state),
                    steps=steps,
                )
            )
    if tab.name == STOCK.name and (record.on_hand or record.reserved):
        raise StepRequired(
            ngettext(
                "{key_text} still holds {count} unit, {reserved} reserved; a Stock row is deleted only when it is empty: {hint}.",
                "{key_text} still holds {count} units, {reserved} reserved; a Stock row is deleted only when it is empty: {hint}.",
                record.on_hand or 0,
                key_text=_key_text(record.id),
                reserved=record.reserved or 0,
                hint=_(STOCKTAKE_HINT),
            )
        )
    if tab.name == SETTINGS.name and record.key in DECLARED_SETTINGS:
        raise ProcessError(
            _("{key} is a setting the app uses; change its value instead of deleting it.", key=record.key)
        )


def _key_text(key: Key) -> str:
    return key if isinstance(key, str) else "/".join(key)
