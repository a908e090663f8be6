"""The review read from a real workbook on both backends: stages from the Audit the app writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from processes.review import review_of
from sheets.tabs import PURCHASE_ORDERS, RECEIPTS, SUPPLIERS

START = datetime(2026, 3, 2, 9, 0)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def at(self, hours: float) -> None:
        self.now = START + timedelta(hours=hours)


@pytest.fixture
def clock(record) -> Clock:
    made = Clock()
    record.workbook.clock = made
    return made


def step(workbook, po_id: str, **changes) -> None:
    with workbook.transaction(PURCHASE_ORDERS, user="sam", action="purchase order step") as tx:
        tx.update(po_id, changes, tab=PURCHASE_ORDERS)


def stage_medians(result, procedure: str) -> dict[str, float | None]:
    [found] = [p for p in result.procedures if p.name == procedure]
    return {s.stage.name: s.median.value for s in found.measured}


def test_a_purchase_orders_stages_come_from_the_audit_and_its_ordered_at_column(record, clock):
    workbook = record.workbook
    with workbook.transaction(PURCHASE_ORDERS, SUPPLIERS, user="sam", action="draft a purchase order") as tx:
        supplier = tx.insert(SUPPLIERS, {"name": "Acme Kitchen"})
        po = tx.insert(
            PURCHASE_ORDERS,
            {
                "supplier_id": supplier.supplier_id,
                "sku": "KIT-001",
                "qty": 5,
                "expected_at": date(2026, 3, 3),
            },
        )
    clock.at(2)
    step(workbook, po.po_id, status="awaiting_approval")
    clock.at(5)
    step(workbook, po.po_id, status="approved", approved_by="mia")
    clock.at(7)
    step(workbook, po.po_id, status="ordered", ordered_at=START + timedelta(hours=6))  # typed an hour back
    clock.at(31)
    with workbook.transaction(PURCHASE_ORDERS, RECEIPTS, user="tom", action="receive") as tx:
        tx.insert(
            RECEIPTS,
            {"po_id": po.po_id, "received_at": clock.now, "location_id": "LOC-1", "qty_received": 5},
        )
        tx.update(po.po_id, {"status": "received"}, tab=PURCHASE_ORDERS)

    result = review_of(workbook, "2026-03-01", "2026-03-07")
    assert stage_medians(result, "Purchase order") == {
        "draft → awaiting_approval": 2,
        "awaiting_approval → approved": 3,
        "approved → ordered": 1,  # the ordered_at column wins over the Audit's 2 hours
        "ordered → received": 25,
    }
    assert result.suppliers.on_time.value == 1  # received on the expected day
    assert [line.supplier for line in result.suppliers.by_supplier] == ["Acme Kitchen"]
