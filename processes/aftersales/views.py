"""What the returns pages show, each from one read: the list (filtered, searched, paged on the server) and one return."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from i18n import _
from processes.browse import PAGE_SIZES
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.procedure import Procedure, Transition
from processes.settings import value_of
from sheets.table import Record
from sheets.tabs import LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS, RETURNS, SETTINGS
from sheets.workbook import Workbook

from .common import order_ref
from .photos import photo_names, stored_photo
from .procedures import REFUND, RETURN, owes_refund, return_steps
from .settlement import Refundable, refundable


@dataclass(frozen=True)
class _InState:
    """A filter: the returns whose state in `procedure` (the return, or its refund) is one of `states`."""

    procedure: Procedure
    states: frozenset[str]

    def __call__(self, ret: Record) -> bool:
        return ret[self.procedure.status_column] in self.states

    def where(self) -> dict[str, set[str]]:
        """What a read by status asks for (a blank cell holds the default state)."""
        blank = {""} if self.procedure.default_state in self.states else set()
        return {self.procedure.status_column: set(self.states) | blank}


def _in_state(procedure: Procedure, states: Collection[str]) -> _InState:
    return _InState(procedure, frozenset(states))


#: The list's filters: name -> which returns it holds.
VIEWS: dict[str, Callable[[Record], bool]] = {
    "open": _in_state(RETURN, RETURN.group("open")),
    "to review": _in_state(RETURN, RETURN.group("waiting_on_review")),
    "to receive": _in_state(RETURN, RETURN.transition("receive").sources),
    "to settle": _in_state(RETURN, RETURN.group("to_settle")),
    "refund to approve": _in_state(REFUND, REFUND.group("waiting_on_manager")),
    "closed": _in_state(RETURN, (RETURN.transition("close").target,)),
    "rejected": _in_state(RETURN, (RETURN.transition("reject").target,)),
    "all": lambda r: True,
}
LIST_COLUMNS = (
    "return_id",
    "requested_at",
    "order",
    "customer",
    "sku",
    "qty",
    "kind",
    "status",
    "refund_status",
)


@dataclass(frozen=True)
class ReturnQuery:
    view: str = "open"
    search: str = ""
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class ReturnsPage:
    rows: list[dict[str, str]]  # LIST_COLUMNS -> text
    total: int  # returns matching the filter and the search
    page: int
    pages: int


def return_list(workbook: Workbook, query: ReturnQuery) -> ReturnsPage:
    """One page of returns, newest first, in the view and matching the search.

    On a big Returns tab on Google, a view of some states (every view but "all") reads only
    the returns in them (`Workbook.selected` by status); on a big Orders tab, only the
    orders of the returns on the page (with a search, of those in the view) are read by
    their IDs, not every order.
    """
    big_orders = workbook.selects_rows(ORDERS)
    keep = VIEWS.get(query.view, VIEWS["all"])
    if isinstance(keep, _InState) and workbook.selects_rows(RETURNS):
        returns = workbook.selected(RETURNS, keep.where()).table
        tables = workbook.tables(ORDERS) if not big_orders else {}
    else:
        tables = workbook.tables(*((RETURNS,) if big_orders else (RETURNS, ORDERS)))
        returns = tables[RETURNS.name]
    kept = [ret for ret in returns.records() if keep(ret)]
    words = query.search.strip().casefold()
    per_page = query.per_page if query.per_page in PAGE_SIZES else PAGE_SIZES[1]
    if big_orders and not words:
        # No search: the page's returns are known before their orders, so only theirs are read.
        kept.sort(key=lambda ret: (ret.requested_at or datetime.min, ret.return_id), reverse=True)
        pages = max(1, math.ceil(len(kept) / per_page))
        page = min(max(1, query.page), pages)
        window = kept[(page - 1) * per_page : page * per_page]
        orders = _orders_of(workbook, window)
        shown = [_row(ret, orders.get(ret.order_id) if orders is not None else None)[0] for ret in window]
        return ReturnsPage(shown, len(kept), page, pages)
    orders = _orders_of(workbook, kept) if big_orders else tables[ORDERS.name]
    rows = []
    for ret in kept:
        row, searched = _row(ret, orders.get(ret.order_id) if orders is not None else None)
        if words and words not in searched.casefold():
            continue
        rows.append((ret.requested_at or datetime.min, row))
    rows.sort(key=lambda item: (item[0], item[1]["return_id"]), reverse=True)
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(max(1, query.page), pages)
    window = rows[(page - 1) * per_page : page * per_page]
    return ReturnsPage([row for _, row in window], len(rows), page, pages)


def _orders_of(workbook: Workbook, returns: list[Record]):
    """The orders of `returns`, selected by their IDs (None when none has an order)."""
    ordered = {ret.order_id for ret in returns if ret.order_id}
    return workbook.selected(ORDERS, {ORDERS.key[0]: ordered}).table if ordered else None


def _row(ret: Record, order: Record | None) -> tuple[dict[str, str], str]:
    """A return's row in the list, and the text a search looks in."""
    row = {
        "return_id": ret.return_id,
        "requested_at": _when(ret.requested_at),
        "order": order_ref(order) if order else ret.order_id,
        "customer": order.customer_name if order else "",
        "sku": ret.sku,
        "qty": str(ret.qty),
        "kind": ret.kind or "",
        "status": ret.status or "",
        "refund_status": ret.refund_status or "",
    }
    searched = " ".join(
        [*row.values(), ret.order_id, (order.customer_email or "") if order else "", ret.reason or ""]
    )
    return row, searched


@dataclass(frozen=True)
class ReturnView:
    ret: Record
    order: Record | None
    item: str
    exchange_item: str  # what an exchange is for ("" for a return)
    steps: list[Transition]  # what the user may do now: the only buttons shown
    locations: dict[str, str]  # where restocked goods may go: ID -> name
    refundable: Refundable | None
    refund_limit: float
    photos: list[str]  # the customer's photos, as the row names them


def photo_file(workbook: Workbook, data_dir: Path, return_id: str, name: str) -> tuple[Path, str]:
    """The stored file and media type of photo `name` of `return_id`: only one its row names."""
    ret = workbook.table(RETURNS).get(return_id)
    found = stored_photo(data_dir, return_id, name) if ret and name in photo_names(ret.photos) else None
    if found is None:
        raise ProcessError(_("{return_id} has no photo {name}.", return_id=return_id, name=name))
    return found


def return_view(workbook: Workbook, return_id: str, actor: Actor) -> ReturnView:
    """A return with its order, item, the steps `actor` may take and what may be refunded, from one read."""
    tables = workbook.tables(RETURNS, ORDERS, ORDER_LINES, PRODUCTS, LOCATIONS, SETTINGS)
    returns = tables[RETURNS.name]
    ret = returns.get(return_id)
    if ret is None:
        raise ProcessError(_("There is no return {return_id}.", return_id=return_id))
    limit = tables[SETTINGS.name].get("refund_approval_limit")
    return ReturnView(
        ret=ret,
        order=tables[ORDERS.name].get(ret.order_id),
        item=_item(tables[PRODUCTS.name].get(ret.sku), ret.sku),
        exchange_item=_item(tables[PRODUCTS.name].get(ret.exchange_sku), ret.exchange_sku)
        if ret.exchange_sku
        else "",
        steps=return_steps(ret, actor),
        locations={
            loc.location_id: loc.name or loc.location_id
            for loc in tables[LOCATIONS.name].records()
            if loc.active is not False
        },
        refundable=(
            refundable(ret, tables[ORDER_LINES.name].records(), returns.records())
            if owes_refund(ret)
            else None
        ),
        refund_limit=float(value_of("refund_approval_limit", limit)),
        photos=photo_names(ret.photos),
    )


def _item(product: Record | None, sku: str) -> str:
    return f"{product.name} ({sku})" if product and product.name else sku


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
