"""The dashboard's read, on both backends: one request for tasks, alerts, today's figures and the counts."""

from __future__ import annotations

from datetime import datetime

from processes import tasks
from processes.permissions import Actor
from sheets.tabs import ALERTS, ORDERS, PURCHASE_ORDERS

NOW = datetime(2026, 3, 2, 15, 0)


def test_the_home_page_is_one_read_of_the_workbook(record):
    workbook = record.workbook
    workbook.clock = lambda: NOW
    with workbook.transaction(ORDERS, PURCHASE_ORDERS, ALERTS, user="seed") as tx:
        order = tx.insert(ORDERS, {"customer_name": "Ann Lee", "status": "new", "created_at": NOW})
        po = tx.insert(
            PURCHASE_ORDERS,
            {"supplier_id": "SUP-1", "sku": "KIT-001", "qty": 4, "status": "awaiting_approval"},
        )
        tx.insert(ALERTS, {"key": "k", "severity": "breach", "owner_role": "manager", "message": "Late"})
    workbook.invalidate()
    if record.fake is not None:
        record.fake.reset_counts()

    seen = tasks.home(workbook, Actor("mia", "manager"))

    assert [(task.ref, task.role) for task in seen.tasks] == [
        (po.po_id, "manager"),
        (order.order_id, "staff"),
    ]
    assert [alert.message for alert in seen.alerts] == ["Late"]
    assert {figure.label: figure.value for figure in seen.figures}["orders in"] == 1
    assert {count.name: count.records for count in seen.counts}["Orders"] == 1
    assert (seen.attention.open_alerts, seen.attention.breaches) == (1, 1)
    assert record.requests() == (1 if record.kind == "google" else 0)
