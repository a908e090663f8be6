"""Procurement: purchase request -> quotes -> supplier chosen -> purchase order -> goods received.

    request = create_request(workbook, sku="KIT-001", qty=60, needed_by=..., location_id=..., by=actor)
    add_quote(workbook, request.request_id, supplier_id=..., unit_price=13.9, valid_until=..., by=actor)
    order = choose_supplier(workbook, request.request_id, quote_id, selection_reason="...", by=actor)
    approve_order(workbook, order.po_id, by=manager, base=order)         # above the approval limit only
    mark_ordered(workbook, order.po_id, by=actor)
    receive(workbook, order.po_id, qty_received=36, qty_accepted=34, qty_rejected=2, by=actor)

The rules live here; pages call these functions and offer only the steps
`request_steps` / `order_steps` return. Every change is one transaction.
"""

from .comparison import Comparison, QuoteLine, compare_quotes
from .documents import render_purchase_order
from .orders import (
    approve_order,
    cancel_order,
    choose_supplier,
    mark_ordered,
    submit_order,
)
from .procedures import (
    PURCHASE_ORDER,
    PURCHASE_REQUEST,
    RECEIVING_STEPS,
    order_steps,
    request_steps,
)
from .purchase_requests import StockContext, cancel_request, create_request, stock_context
from .quotes import QUOTES_NEEDED, add_quote
from .receiving import close_short, new_receipt_id, receive
from .reputation import Reputation, reputations, supplier_reputation
from .views import (
    FormChoices,
    OrderRow,
    OrderView,
    RequestRow,
    RequestView,
    form_choices,
    order_rows,
    order_view,
    request_rows,
    request_view,
)

__all__ = [
    "PURCHASE_ORDER",
    "PURCHASE_REQUEST",
    "QUOTES_NEEDED",
    "RECEIVING_STEPS",
    "Comparison",
    "FormChoices",
    "OrderRow",
    "OrderView",
    "QuoteLine",
    "Reputation",
    "RequestRow",
    "RequestView",
    "StockContext",
    "add_quote",
    "approve_order",
    "cancel_request",
    "cancel_order",
    "choose_supplier",
    "compare_quotes",
    "create_request",
    "form_choices",
    "mark_ordered",
    "order_rows",
    "order_steps",
    "order_view",
    "new_receipt_id",
    "receive",
    "close_short",
    "render_purchase_order",
    "reputations",
    "request_rows",
    "request_steps",
    "request_view",
    "stock_context",
    "submit_order",
    "supplier_reputation",
]
