"""Purchasing: requests, quotes, purchase orders and goods received, one story per request.

Between them they show the contract exception to the three-quote rule, a
purchase above the approval limit and a partial delivery. The automatic
requests are demand planning's: the first jobs cycle raises them from the
forecast (for the low-stock rows among others), so none is made up here.
The everyday repeat orders of the history are replenishment.py's.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sheets.table import Record
from sheets.tabs import PURCHASE_ORDERS, PURCHASE_REQUESTS, QUOTES, RECEIPTS

from .builder import BUYER, MANAGER, WAREHOUSE, DemoBuilder, declared_default
from .choices import MOVE_REASON, PO_STATUS, REQUEST_SOURCE, REQUEST_STATUS


def seed_procurement(demo: DemoBuilder) -> None:
    """The purchases made by hand, in the order they were started."""
    _seed_contract_restock(demo)
    _seed_three_quote_purchase(demo)
    _seed_purchase_above_limit(demo)
    _seed_request_still_quoting(demo)
    _seed_purchases_without_request(demo)
    _seed_cancelled_request(demo)


def _seed_cancelled_request(demo: DemoBuilder) -> None:
    # Dropped with the product: the table runner is discontinued.
    _request(
        demo, "TEX-004", 50, demo.ago(days=20), REQUEST_STATUS.cancelled, "Table runners for the spring range"
    )


def _seed_contract_restock(demo: DemoBuilder) -> None:
    request = _request(
        demo, "TBL-002", 200, demo.ago(days=52), REQUEST_STATUS.closed, "Mugs for the autumn campaign"
    )
    order = _purchase_order(
        demo,
        "TBL-002",
        "bluestone",
        200,
        2.05,
        PO_STATUS.received,
        request,
        ordered_at=demo.ago(days=50),
        contract_ref="FC-2025-02",
        selection_reason="Framework contract price; contract items need no quotes",
    )
    _receive(demo, order, demo.ago(days=37), 200, 0, "All 10 cartons intact; 20 mugs spot-checked")


def _seed_three_quote_purchase(demo: DemoBuilder) -> None:
    request = _request(
        demo,
        "KIT-001",
        60,
        demo.ago(days=40),
        REQUEST_STATUS.ordered,
        "Autumn range: skillets sell out in October",
    )
    _quote(demo, request, "hangzhou", 13.90, demo.ago(days=38))
    _quote(demo, request, "lakeside", 16.40, demo.ago(days=37, hours=5), "Can deliver within a week")
    _quote(demo, request, "greenleaf", 14.60, demo.ago(days=36), "Price holds from 60 pcs")
    order = _purchase_order(
        demo,
        "KIT-001",
        "hangzhou",
        60,
        13.90,
        PO_STATUS.partially_received,
        request,
        ordered_at=demo.ago(days=35),
        contract_ref="HZ-2025-117",
        selection_reason="Lowest price, and rated above Greenleaf; 28 days' lead time meets the date",
    )
    _receive(
        demo,
        order,
        demo.ago(days=5),
        36,
        2,
        "2 skillets with chipped enamel kept for the supplier; 24 follow",
    )


def _seed_purchase_above_limit(demo: DemoBuilder) -> None:
    unit_price = 14.10
    qty = _qty_above(declared_default("po_approval_limit"), unit_price)
    request = _request(
        demo,
        "TBL-004",
        qty,
        demo.ago(days=12),
        REQUEST_STATUS.ordered,
        "Wedding-list season: a year of cutlery",
    )
    _quote(demo, request, "hangzhou", unit_price, demo.ago(days=10))
    _quote(demo, request, "lakeside", 16.90, demo.ago(days=9))
    _purchase_order(
        demo,
        "TBL-004",
        "hangzhou",
        qty,
        unit_price,
        PO_STATUS.awaiting_approval,
        request,
        selection_reason="Two quotes only (Greenleaf declined); Hangzhou is 2.80 a set cheaper",
    )


def _seed_request_still_quoting(demo: DemoBuilder) -> None:
    request = _request(
        demo,
        "STO-001",
        40,
        demo.ago(days=4),
        REQUEST_STATUS.quoting,
        "Overflow warehouse below minimum",
        by=WAREHOUSE,
        department="Warehouse",
        location="overflow",
    )
    _quote(demo, request, "lakeside", 10.20, demo.ago(days=2), "Two more quotes requested")


def _seed_purchases_without_request(demo: DemoBuilder) -> None:
    _purchase_order(
        demo,
        "KIT-002",
        "lakeside",
        _qty_above(declared_default("po_approval_limit"), 11.60),
        11.60,
        PO_STATUS.approved,
        approved_by=MANAGER,
        selection_reason="Annual volume price; domestic stock avoids the sea-freight wait",
    )
    _purchase_order(
        demo,
        "CLN-002",
        "lakeside",
        100,
        2.70,
        PO_STATUS.ordered,
        ordered_at=demo.ago(days=4),
        selection_reason="Repeat order at the last quoted price",
    )


def _request(
    demo: DemoBuilder,
    sku: str,
    qty: int,
    created: datetime,
    status: str,
    reason: str,
    *,
    by: str = BUYER,
    department: str = "Purchasing",
    location: str = "main",
) -> Record:
    return demo.add(
        PURCHASE_REQUESTS,
        {
            "created_at": created,
            "requested_by": by,
            "department": department,
            "sku": sku,
            "qty": qty,
            "needed_by": (created + timedelta(days=30)).date(),
            "reason": reason,
            "location_id": demo.location_ids[location],
            "source": REQUEST_SOURCE.manual,
            "status": status,
        },
    )


def _quote(
    demo: DemoBuilder, request: Record, supplier: str, unit_price: float, received: datetime, notes: str = ""
) -> None:
    demo.add(
        QUOTES,
        {
            "request_id": request.request_id,
            "supplier_id": demo.suppliers[supplier].supplier_id,
            "unit_price": unit_price,
            "lead_time_days": demo.suppliers[supplier].lead_time_days,
            "valid_until": (received + timedelta(days=30)).date(),
            "received_at": received,
            "notes": notes,
        },
    )


def _purchase_order(
    demo: DemoBuilder,
    sku: str,
    supplier: str,
    qty: int,
    unit_price: float,
    status: str,
    request: Record | None = None,
    ordered_at: datetime | None = None,
    **details: Any,
) -> Record:
    lead_time = timedelta(days=demo.suppliers[supplier].lead_time_days)
    return demo.add(
        PURCHASE_ORDERS,
        {
            "request_id": request.request_id if request else None,
            "supplier_id": demo.suppliers[supplier].supplier_id,
            "sku": sku,
            "qty": qty,
            "unit_price": unit_price,
            "total": round(qty * unit_price, 2),
            "status": status,
            "ordered_at": ordered_at,
            "expected_at": (ordered_at + lead_time).date() if ordered_at else None,
            "location_id": demo.location_ids["main"],  # every demo delivery goes to the main warehouse
            **details,
        },
    )


def _receive(
    demo: DemoBuilder, order: Record, at: datetime, received: int, rejected: int, notes: str
) -> None:
    """Goods in at the main warehouse; only what passed inspection goes into stock."""
    main = demo.location_ids["main"]
    receipt = demo.add(
        RECEIPTS,
        {
            "po_id": order.po_id,
            "received_at": at,
            "location_id": main,
            "qty_received": received,
            "qty_accepted": received - rejected,
            "qty_rejected": rejected,
            "inspection_notes": notes,
            "received_by": WAREHOUSE,
        },
    )
    demo.move(
        at, order.sku, MOVE_REASON.receipt, receipt.receipt_id, WAREHOUSE, received - rejected, target=main
    )


def _qty_above(limit: float, unit_price: float) -> int:
    """A round quantity whose value lies just above `limit`."""
    return math.ceil(limit * 1.05 / unit_price / 10) * 10
