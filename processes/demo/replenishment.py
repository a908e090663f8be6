"""The history's stock records: opening balances, purchase orders with their receipts, transfers.

The stock simulation (simulation.py) decided them; this writes them, each
with its Stock Moves, the way the procedures would have: a purchase order to
the product's usual supplier, approved by the manager when above the limit,
received in full at the main warehouse and inspected; a transfer requested
by the location that needed it, shipped by the warehouse, received the next
day. A purchase still at sea now is an open order, a transfer on the road
one in transit.
"""

from __future__ import annotations

from sheets.tabs import PURCHASE_ORDERS, RECEIPTS, TRANSFERS

from .builder import BUYER, MANAGER, STORE_STAFF, WAREHOUSE, DemoBuilder, declared_default, staff_at
from .catalogue import USUAL_SUPPLIER
from .choices import MOVE_REASON, PO_STATUS, TRANSFER_STATUS
from .stock import OPENING_BALANCE
from .supply import Outcome, Purchase, Transfer

FRAMEWORK_CONTRACT = {"bluestone": "FC-2025-02"}


def seed_replenishment(demo: DemoBuilder, outcome: Outcome) -> None:
    """Write the opening balances, then every purchase and transfer in the order it was decided."""
    for (sku, location), qty in outcome.openings.items():
        if qty:
            demo.move(
                outcome.opened_at,
                sku,
                MOVE_REASON.adjustment,
                OPENING_BALANCE,
                MANAGER,
                qty,
                target=demo.location_ids[location],
            )
    for purchase in outcome.purchases:
        _purchase(demo, purchase)
    for transfer in outcome.transfers:
        _transfer(demo, transfer)


def _purchase(demo: DemoBuilder, purchase: Purchase) -> None:
    supplier = USUAL_SUPPLIER[purchase.sku]
    unit_price = demo.products[purchase.sku].unit_cost
    total = round(purchase.qty * unit_price, 2)
    arrived = purchase.received_at < demo.now and not purchase.cancelled
    contract = FRAMEWORK_CONTRACT.get(supplier)
    order = demo.add(
        PURCHASE_ORDERS,
        {
            "supplier_id": demo.suppliers[supplier].supplier_id,
            "sku": purchase.sku,
            "qty": purchase.qty,
            "unit_price": unit_price,
            "total": total,
            "status": _status(demo, purchase),
            "approved_by": MANAGER if total > declared_default("po_approval_limit") else None,
            "ordered_at": purchase.ordered_at,
            "expected_at": purchase.expected_at.date(),
            "contract_ref": contract,
            "selection_reason": "Framework contract price"
            if contract
            else "Repeat order from the usual supplier",
            "location_id": demo.location_ids["main"],
            "raised_by": BUYER,
        },
    )
    if arrived:
        _receive(demo, order.po_id, purchase)


def _status(demo: DemoBuilder, purchase: Purchase) -> str:
    if purchase.cancelled:
        return PO_STATUS.cancelled
    return PO_STATUS.received if purchase.received_at < demo.now else PO_STATUS.ordered


def _receive(demo: DemoBuilder, po_id: str, purchase: Purchase) -> None:
    main = demo.location_ids["main"]
    late = purchase.days_late
    receipt = demo.add(
        RECEIPTS,
        {
            "po_id": po_id,
            "received_at": purchase.received_at,
            "location_id": main,
            "qty_received": purchase.qty,
            "qty_accepted": purchase.qty,
            "qty_rejected": 0,
            "inspection_notes": f"Complete, but {late} days late: held at the port"
            if late > 3
            else "Complete",
            "received_by": WAREHOUSE,
        },
    )
    demo.move(
        purchase.received_at,
        purchase.sku,
        MOVE_REASON.receipt,
        receipt.receipt_id,
        WAREHOUSE,
        purchase.qty,
        target=main,
    )


def _transfer(demo: DemoBuilder, transfer: Transfer) -> None:
    arrived = transfer.received_at < demo.now
    main, target = demo.location_ids["main"], demo.location_ids[transfer.target]
    record = demo.add(
        TRANSFERS,
        {
            "sku": transfer.sku,
            "from_location": main,
            "to_location": target,
            "qty": transfer.qty,
            "status": TRANSFER_STATUS.received if arrived else TRANSFER_STATUS.in_transit,
            "requested_by": STORE_STAFF if transfer.target == "store" else WAREHOUSE,
            "requested_at": transfer.requested_at,
            "shipped_at": transfer.shipped_at,
            "received_at": transfer.received_at if arrived else None,
            "qty_received": transfer.qty if arrived else None,
        },
    )
    demo.move(
        transfer.shipped_at,
        transfer.sku,
        MOVE_REASON.transfer,
        record.transfer_id,
        WAREHOUSE,
        transfer.qty,
        source=main,
    )
    if arrived:
        demo.move(
            transfer.received_at,
            transfer.sku,
            MOVE_REASON.transfer,
            record.transfer_id,
            staff_at(transfer.target),
            transfer.qty,
            target=target,
        )
