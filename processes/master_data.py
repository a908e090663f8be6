"""Master data: products, suppliers and locations — list, add, edit, deactivate.

Each kind is described once (its tab and the columns its list shows); forms
and checks are derived from the tab declaration, so a type, a choice list, a
number's limits or a required field is never restated here. SKUs are
typed by people and must be unique (whatever their case); supplier and
location IDs are assigned by the app. Records are deactivated, never deleted:
orders, moves and counts keep pointing at them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n import N_, _, ngettext
from processes.browse import PAGE_SIZES, display
from processes.errors import ProcessError
from processes.permissions import Actor
from sheets.errors import InvalidValue
from sheets.schema import STAMP_COLUMNS, Column, Tab
from sheets.table import DataIssue, Record
from sheets.tabs import LOCATIONS, PRODUCTS, STOCK, SUPPLIERS
from sheets.transaction import coerce
from sheets.workbook import Workbook

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class MasterData:
    """One kind of master record."""

    noun: str  # "product": how messages name one record (in English: translate it with _() to show it)
    tab: Tab
    list_columns: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.tab.key[0]

    @property
    def typed_key(self) -> bool:
        """Whether people type the key (a SKU) rather than the app assigning it."""
        return self.tab.id_prefix is None

    def form_columns(self, adding: bool) -> list[Column]:
        """The columns a form edits: not the stamps, not `active` (its own button), the key only when typed."""
        skipped = {*STAMP_COLUMNS, "active"}
        if not (adding and self.typed_key):
            skipped.add(self.key)
        return [column for column in self.tab.columns if column.name not in skipped]


PRODUCT = MasterData(
    N_("product"),
    PRODUCTS,
    ("sku", "name", "category", "unit", "unit_cost", "price", "active"),
)
SUPPLIER = MasterData(
    N_("supplier"),
    SUPPLIERS,
    ("supplier_id", "name", "contact", "email", "phone", "rating", "lead_time_days", "active"),
)
LOCATION = MasterData(N_("location"), LOCATIONS, ("location_id", "name", "kind", "active"))
#: Columns that name another master record, and the tab it must be in.
REFERENCES: dict[tuple[str, str], Tab] = {(PRODUCTS.name, "supplier_id"): SUPPLIERS}

KINDS: dict[str, MasterData] = {kind.tab.name: kind for kind in (PRODUCT, SUPPLIER, LOCATION)}


@dataclass(frozen=True)
class ListQuery:
    search: str = ""
    include_inactive: bool = False
    page: int = 1
    per_page: int = 50


@dataclass
class RecordPage:
    columns: list[str]
    rows: list[dict[str, str]]  # shown values, keyed by column name
    active: list[bool]  # per row: whether the record is active
    total: int
    page: int
    pages: int
    issues: list[DataIssue] = field(default_factory=list)


def record_page(workbook: Workbook, kind: MasterData, query: ListQuery) -> RecordPage:
    """One page of a kind's records in sheet order, searched on the server; inactive ones on request."""
    table = workbook.table(kind.tab)
    active = table.df["active"].fillna(True).astype(bool).to_numpy()  # blank means the default: active
    keep = active | query.include_inactive
    needle = query.search.strip().casefold()
    if needle:
        keep &= table.search_text.str.contains(needle, regex=False).to_numpy()
    frame, active = table.df[keep], active[keep]
    per_page = query.per_page if query.per_page in PAGE_SIZES else 50
    pages = max(1, math.ceil(len(frame) / per_page))
    page = min(max(1, query.page), pages)
    window = slice((page - 1) * per_page, page * per_page)
    columns = list(kind.list_columns)
    rows = [
        {name: display(kind.tab, name, value) for name, value in zip(columns, values, strict=True)}
        for values in frame.iloc[window][columns].itertuples(index=False, name=None)
    ]
    return RecordPage(
        columns, rows, [bool(flag) for flag in active[window]], len(frame), page, pages, table.issues
    )


def get_record(workbook: Workbook, kind: MasterData, key: str) -> Record:
    """A record as it is in the sheet now (read fresh: it becomes the base of an edit)."""
    workbook.invalidate([kind.tab.name])
    record = workbook.table(kind.tab).get(key)
    if record is None:
        raise ProcessError(
            _("There is no {noun} {key}; it may have been deleted in the sheet.", noun=_(kind.noun), key=key)
        )
    return record


def choices(workbook: Workbook, kind: MasterData, *, active_only: bool = True) -> dict[str, str]:
    """Key -> "name (key)" of a kind's records, for drop-downs."""
    return {
        record.id: f"{record.name} ({record.id})" if record.name else str(record.id)
        for record in workbook.table(kind.tab).records()
        if not (active_only and record.active is False)
    }


def add_record(workbook: Workbook, kind: MasterData, values: Mapping[str, Any], *, by: Actor) -> Record:
    """Add a record; every value is checked against its column first. Refuses a SKU already in use."""
    typed = {name: value for name, value in checked(kind, values).items() if value is not None}
    key = kind.key
    if kind.typed_key:
        if not typed.get(key):
            raise InvalidValue(kind.tab.name, key, "is required")
        if any(char.isspace() for char in typed[key]):
            raise InvalidValue(kind.tab.name, key, f"cannot contain spaces ({typed[key]!r})")
    elif typed.get(key):
        raise InvalidValue(kind.tab.name, key, "is assigned by the app; leave it empty")
    with workbook.transaction(kind.tab, *_referenced(kind), user=by.name, action=f"add {kind.noun}") as tx:
        _check_references(tx, kind, typed)
        if kind.typed_key:
            taken = {str(existing).casefold(): existing for existing in tx.table(kind.tab).columns[key]}
            if typed[key].casefold() in taken:
                existing = taken[typed[key].casefold()]
                raise ProcessError(
                    _(
                        "A {noun} with {upper} {existing} already exists.",
                        noun=_(kind.noun),
                        upper=key.upper(),
                        existing=existing,
                    )
                )
        return tx.insert(kind.tab, typed)


def update_record(
    workbook: Workbook,
    kind: MasterData,
    key: str,
    changes: Mapping[str, Any],
    *,
    by: Actor,
    base: Record | None,
) -> Record:
    """Change a record; refused with what changed when the sheet differs from `base` (what the user loaded)."""
    typed = checked(kind, changes)
    with workbook.transaction(kind.tab, *_referenced(kind), user=by.name, action=f"edit {kind.noun}") as tx:
        _check_references(tx, kind, typed)
        record = _require(tx, kind, key)
        return tx.update(record, typed, base=base)


def deactivate(
    workbook: Workbook, kind: MasterData, key: str, *, by: Actor, base: Record | None = None
) -> Record:
    """Take a record out of use (kept for the history); a location still holding stock is refused."""
    tabs = (kind.tab, STOCK) if kind is LOCATION else (kind.tab,)
    with workbook.transaction(*tabs, user=by.name, action=f"deactivate {kind.noun}") as tx:
        record = _require(tx, kind, key)
        if kind is LOCATION:
            held = sum(row.on_hand or 0 for row in tx.table(STOCK).records() if row.location_id == key)
            if held > 0:
                raise ProcessError(
                    ngettext(
                        "{name} still holds {count} unit of stock; transfer or adjust it before deactivating the location.",
                        "{name} still holds {count} units of stock; transfer or adjust it before deactivating the location.",
                        held,
                        name=record.name,
                    )
                )
        return tx.update(record, {"active": False}, base=base)


def reactivate(
    workbook: Workbook, kind: MasterData, key: str, *, by: Actor, base: Record | None = None
) -> Record:
    """Put a deactivated record back in use."""
    with workbook.transaction(kind.tab, user=by.name, action=f"reactivate {kind.noun}") as tx:
        return tx.update(_require(tx, kind, key), {"active": True}, base=base)


def checked(kind: MasterData, values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values as their columns' types, within the columns' limits; raises InvalidValue naming the field."""
    tab = kind.tab
    typed = {}
    for name, value in values.items():
        if not tab.has_column(name) or name in STAMP_COLUMNS:
            raise InvalidValue(tab.name, name, f"{tab.name} has no such field")
        column = tab.column(name)
        typed[name] = coerce(tab, column, value)
        _check_email(kind, column, typed[name])
    return typed


def _referenced(kind: MasterData) -> tuple[Tab, ...]:
    return tuple(
        {tab.name: tab for (name, _column), tab in REFERENCES.items() if name == kind.tab.name}.values()
    )


def _check_references(tx, kind: MasterData, typed: Mapping[str, Any]) -> None:
    """A value naming another record (a product's usual supplier) must name one that exists."""
    for (tab_name, column), target in REFERENCES.items():
        value = typed.get(column)
        if tab_name == kind.tab.name and value is not None and tx.get(target, value) is None:
            raise InvalidValue(
                kind.tab.name, column, f"there is no {target.key[0]} {value!r} in {target.name}"
            )


def _check_email(kind: MasterData, column: Column, value: Any) -> None:
    if value is not None and column.name == "email" and not EMAIL.fullmatch(value):
        raise InvalidValue(kind.tab.name, column.name, f"{value!r} is not an email address")


def _require(tx, kind: MasterData, key: str) -> Record:
    record = tx.get(kind.tab, key)
    if record is None:
        raise ProcessError(
            _("There is no {noun} {key}; it may have been deleted in the sheet.", noun=_(kind.noun), key=key)
        )
    return record
