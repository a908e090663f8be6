"""Supplier quotes against a purchase request, and which of them still count."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from i18n import N_, _
from processes import steps
from processes.errors import ProcessError
from processes.permissions import Actor
from sheets.table import Record
from sheets.tabs import PURCHASE_REQUESTS, QUOTES, SUPPLIERS
from sheets.workbook import Workbook

from . import inputs
from .procedures import PURCHASE_REQUEST

#: Choosing a supplier needs valid quotes from this many suppliers, unless a manager records an exception.
QUOTES_NEEDED = 3


#: Finds a supplier by ID: a Table's `get`, or a transaction's.
SupplierLookup = Callable[[str], Record | None]


def quote_problem(quote: Record, supplier: Record | None, today: date) -> str | None:
    """Why a quote does not count (expired, no validity date, supplier gone), or None while it is valid."""
    if supplier is None:
        return _("the supplier is not in Suppliers")
    if supplier.active is False:
        return _("the supplier is inactive")
    if quote.unit_price is None or quote.unit_price <= 0:
        return _("no unit price above 0")
    if quote.valid_until is None:
        return _("no valid-until date")
    if quote.valid_until < today:
        return _("expired on {day}", day=quote.valid_until.isoformat())
    return None


def valid_suppliers(quotes: Iterable[Record], supplier_of: SupplierLookup, today: date) -> set[str]:
    """The suppliers with at least one valid quote among `quotes`."""
    return {
        quote.supplier_id
        for quote in quotes
        if quote_problem(quote, supplier_of(quote.supplier_id), today) is None
    }


def quotes_for(quotes: Iterable[Record], request_id: str) -> list[Record]:
    return [quote for quote in quotes if quote.request_id == request_id]


@steps.rule(PURCHASE_REQUEST, "quote")
def add_quote(
    workbook: Workbook,
    request_id: str,
    *,
    supplier_id: str,
    unit_price: Any,
    valid_until: Any,
    lead_time_days: Any = None,
    notes: str = "",
    by: Actor,
) -> Record:
    """Record a supplier's quote; the request moves to quoting. A blank lead time is the supplier's usual one."""
    with workbook.transaction(PURCHASE_REQUESTS, SUPPLIERS, user=by.name, action="record quote") as tx:
        request = tx.require(PURCHASE_REQUESTS, request_id)
        transition = PURCHASE_REQUEST.check("quote", request.status, by)
        supplier = active_supplier(
            tx.get(SUPPLIERS, inputs.required_text(supplier_id, N_("Supplier"))), supplier_id
        )
        today = tx.now.date()
        quote = tx.insert(
            QUOTES,
            {
                "request_id": request.request_id,
                "supplier_id": supplier.supplier_id,
                "unit_price": inputs.amount(unit_price, N_("Unit price")),
                "lead_time_days": lead_time(lead_time_days, supplier),
                "valid_until": inputs.day(valid_until, N_("Valid until"), not_before=today),
                "received_at": tx.now,
                "notes": inputs.text(notes),
            },
        )
        if request.status != transition.target:
            tx.update(request, {"status": transition.target})
        return quote


def active_supplier(supplier: Record | None, supplier_id: str) -> Record:
    if supplier is None:
        raise ProcessError(_("There is no supplier {text!r} in Suppliers.", text=inputs.text(supplier_id)))
    if supplier.active is False:
        raise ProcessError(
            _(
                "{name} ({supplier_id}) is marked inactive in Suppliers.",
                name=supplier.name,
                supplier_id=supplier.supplier_id,
            )
        )
    return supplier


def lead_time(raw: Any, supplier: Record) -> int:
    """The quoted lead time in days, or the supplier's usual one when none was given."""
    usual = supplier.lead_time_days
    if usual is None and inputs.text(raw) == "":
        raise ProcessError(
            _(
                "Lead time (days) is required: Suppliers has no usual lead time for {name}.",
                name=supplier.name,
            )
        )
    return inputs.whole_number(raw, N_("Lead time (days)"), default=usual)
