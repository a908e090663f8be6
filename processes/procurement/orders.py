"""Purchase orders: made from the chosen quote, approved above the limit, sent, cancelled.

    order = choose_supplier(workbook, request_id, quote_id, selection_reason="...", by=actor)
    approve_order(workbook, order.po_id, by=manager, base=order)

Each step is one transaction: it checks the step against the declared
procedure (and the permission it needs), changes the order, and writes the
effects on the request in the same commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from i18n import N_, _
from processes import duties, steps
from processes.errors import ProcessError
from processes.permissions import Actor, Permission, require
from processes.settings import setting_in
from sheets.schema import Tab
from sheets.settings import BY_KEY as DECLARED_SETTINGS
from sheets.table import Record
from sheets.tabs import PURCHASE_ORDERS, PURCHASE_REQUESTS, QUOTES, SETTINGS, SUPPLIERS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from . import inputs
from .procedures import PO_APPROVED, PO_AWAITING_APPROVAL, PURCHASE_ORDER, PURCHASE_REQUEST
from .quotes import QUOTES_NEEDED, active_supplier, quote_problem, quotes_for, valid_suppliers

APPROVAL_LIMIT = DECLARED_SETTINGS["po_approval_limit"]


@steps.rule(PURCHASE_REQUEST, "order")
def choose_supplier(
    workbook: Workbook,
    request_id: str,
    quote_id: str,
    *,
    selection_reason: str,
    contract_ref: str = "",
    exception_reason: str = "",
    by: Actor,
    base: Record | None = None,
) -> Record:
    """Order from the supplier of `quote_id`: the purchase order, awaiting approval above the limit.

    Needs valid quotes from at least three suppliers; with fewer, a manager's
    `exception_reason` is required and kept on the order with the manager's name.
    `base` is the request as the user saw it.
    """
    tabs = (SETTINGS, PURCHASE_REQUESTS, QUOTES, SUPPLIERS)
    with workbook.transaction(*tabs, user=by.name, action="choose supplier") as tx:
        request = tx.require(PURCHASE_REQUESTS, request_id, base=base)
        transition = PURCHASE_REQUEST.check("order", request.status, by)
        reason = inputs.required_text(selection_reason, N_("The reason for choosing this supplier"))
        today = tx.now.date()
        quotes = quotes_for(tx.table(QUOTES).records(), request.request_id)
        quote = next((quote for quote in quotes if quote.quote_id == inputs.text(quote_id)), None)
        if quote is None:
            raise ProcessError(
                _(
                    "{request_id} has no quote {text!r}.",
                    request_id=request.request_id,
                    text=inputs.text(quote_id),
                )
            )
        supplier = active_supplier(tx.get(SUPPLIERS, quote.supplier_id), quote.supplier_id)
        problem = quote_problem(quote, supplier, today)
        if problem:
            raise ProcessError(
                _(
                    "Quote {quote_id} from {name} does not count: {problem}.",
                    quote_id=quote.quote_id,
                    name=supplier.name,
                    problem=problem,
                )
            )
        exception = _exception(
            len(valid_suppliers(quotes, lambda key: tx.get(SUPPLIERS, key), today)),
            exception_reason,
            by,
            today,
        )
        total = round(request.qty * quote.unit_price, 2)
        within_limit = total <= approval_limit(tx)
        order = tx.insert(
            PURCHASE_ORDERS,
            {
                "request_id": request.request_id,
                "supplier_id": supplier.supplier_id,
                "sku": request.sku,
                "qty": request.qty,
                "unit_price": quote.unit_price,
                "total": total,
                "status": PO_APPROVED if within_limit else PO_AWAITING_APPROVAL,
                "approved_by": by.name if within_limit else None,
                "expected_at": expected_date(today, quote, supplier),
                "contract_ref": inputs.text(contract_ref),
                "selection_reason": reason,
                "quote_id": quote.quote_id,
                "location_id": request.location_id,
                "exception_reason": exception,
                "raised_by": by.name,
            },
        )
        tx.update(request, {"status": transition.target})
        return order


def _exception(valid: int, reason: Any, by: Actor, today: date) -> str | None:
    """The exception to keep on the order when there are too few valid quotes; refused unless a manager gives one."""
    if valid >= QUOTES_NEEDED:
        return None
    given = inputs.text(reason)
    if not given:
        raise ProcessError(
            _(
                "Choosing a supplier needs valid quotes from at least {QUOTES_NEEDED} suppliers; this request has {valid}. Record more quotes, or a manager records why fewer will do.",
                QUOTES_NEEDED=QUOTES_NEEDED,
                valid=valid,
            )
        )
    require(by, Permission.WAIVE_THREE_QUOTES)
    return f"{given} (exception by {by.name}, {today.isoformat()})"


def approval_limit(tx: Transaction) -> float:
    """The PO approval limit in force, read in the transaction (the default where the sheet's is unusable)."""
    return float(setting_in(tx, APPROVAL_LIMIT.key))


def expected_date(start: date, quote: Record | None, supplier: Record | None) -> date | None:
    """`start` plus the quoted lead time (the supplier's usual one if the quote has none)."""
    days = quote.lead_time_days if quote and quote.lead_time_days is not None else None
    if days is None and supplier is not None:
        days = supplier.lead_time_days
    return None if days is None else start + timedelta(days=days)


@steps.rule(PURCHASE_ORDER, "submit")
def submit_order(workbook: Workbook, po_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Send a draft order (typed in the sheet) to a manager for approval."""
    return _step(
        workbook, po_id, "submit", by=by, base=base, changes=lambda tx, order: {"raised_by": by.name}
    )


@steps.rule(PURCHASE_ORDER, "approve")
def approve_order(workbook: Workbook, po_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """A manager approves an order above the limit: not one who asked for it or chose its supplier."""

    def changes(tx: Transaction, order: Record) -> dict[str, Any]:
        request = tx.get(PURCHASE_REQUESTS, order.request_id) if order.request_id else None
        duties.refuse_own_decision(
            tx,
            by,
            order.po_id,
            {
                N_("asked for the goods of"): request.requested_by if request else None,
                N_("chose the supplier of, or submitted,"): order.raised_by,
            },
        )
        return {"approved_by": by.name}

    return _step(
        workbook, po_id, "approve", by=by, base=base, changes=changes, reads=(PURCHASE_REQUESTS, SETTINGS)
    )


@steps.rule(PURCHASE_ORDER, "mark_ordered")
def mark_ordered(workbook: Workbook, po_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """The order went to the supplier: stamped now, expected the lead time from today."""

    def changes(tx: Transaction, order: Record) -> dict[str, Any]:
        quote = tx.get(QUOTES, order.quote_id) if order.quote_id else None
        expected = expected_date(tx.now.date(), quote, tx.get(SUPPLIERS, order.supplier_id))
        return {"ordered_at": tx.now, "expected_at": expected or order.expected_at}

    return _step(
        workbook, po_id, "mark_ordered", by=by, base=base, changes=changes, reads=(QUOTES, SUPPLIERS)
    )


@steps.rule(PURCHASE_ORDER, "cancel")
def cancel_order(workbook: Workbook, po_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Cancel an order before any goods arrive; its request opens again for quotes."""

    def reopen_request(tx: Transaction, order: Record) -> dict[str, Any]:
        request = tx.get(PURCHASE_REQUESTS, order.request_id) if order.request_id else None
        if request is not None and request.status in PURCHASE_REQUEST.transition("reopen").sources:
            reopen = PURCHASE_REQUEST.check("reopen", request.status, by)
            tx.update(request, {"status": reopen.target})
        return {}

    return _step(
        workbook, po_id, "cancel", by=by, base=base, changes=reopen_request, reads=(PURCHASE_REQUESTS,)
    )


Changes = Callable[[Transaction, Record], dict[str, Any]]


def _step(
    workbook: Workbook,
    po_id: str,
    action: str,
    *,
    by: Actor,
    base: Record | None,
    changes: Changes | None = None,
    reads: tuple[Tab, ...] = (),
) -> Record:
    """One declared step on an order: checked, then the new state and `changes` in one commit."""
    transition = PURCHASE_ORDER.transition(action)
    with workbook.transaction(PURCHASE_ORDERS, *reads, user=by.name, action=transition.label.lower()) as tx:
        order = tx.require(PURCHASE_ORDERS, po_id, base=base)
        PURCHASE_ORDER.check(action, order.status, by)
        extra = changes(tx, order) if changes else {}
        return tx.update(order, {"status": transition.target, **extra})
