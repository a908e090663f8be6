"""The customer behind a ticket, on both backends: their other orders, tickets and returns."""

from __future__ import annotations

from datetime import datetime, timedelta

from processes import service
from processes.orders import ORDER_TABS, OrderLine, add_order
from processes.permissions import Actor
from sheets.tabs import LOCATIONS, PRODUCTS, RETURNS

SAM = Actor("sam", "staff")
NOW = datetime(2026, 3, 2, 9, 0)


def test_a_ticket_shows_the_customers_orders_tickets_and_returns_by_email_else_by_name(record):
    workbook = record.workbook
    workbook.clock = lambda: NOW
    with workbook.transaction(LOCATIONS, *ORDER_TABS, RETURNS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Cast-iron skillet", "price": 20})
        location = tx.insert(LOCATIONS, {"name": "Main warehouse"}).location_id

        def order(name: str, email: str, ref: str, days_ago: int):
            made = add_order(
                tx,
                customer_name=name,
                customer_email=email,
                ship_address="1 High Street",
                external_ref=ref,
                lines=[OrderLine("KIT-001", 1, 20.0)],
                location_id=location,
            )
            return tx.update(made, {"created_at": NOW - timedelta(days=days_ago)})

        first, second = (
            order("Ann Lee", "Ann.Lee@Example.com", "#1001", 9),
            order("Ann", "ann.lee@example.com ", "#1005", 2),
        )
        other = order("Bo Chen", "bo@example.com", "#1002", 1)
        nameless = order("Cy  Wu", "", "#1003", 3)
        ret = tx.insert(
            RETURNS, {"order_id": first.order_id, "sku": "KIT-001", "qty": 1, "requested_at": NOW}
        )
        tx.insert(RETURNS, {"order_id": other.order_id, "sku": "KIT-001", "qty": 1, "requested_at": NOW})
    earlier = service.open_ticket(
        workbook, subject="Late parcel", customer_email="ANN.LEE@example.com", by=SAM
    )
    ticket = service.open_ticket(workbook, subject="Broken lid", order_id=first.order_id, by=SAM)
    service.open_ticket(workbook, subject="Hello", customer_email="bo@example.com", by=SAM)

    history = service.ticket_view(workbook, ticket.ticket_id).customer
    assert history.matched_by == "email"
    assert [o.order_id for o in history.orders] == [second.order_id, first.order_id]  # newest first
    assert [t.ticket_id for t in history.tickets] == [earlier.ticket_id]  # not the ticket itself
    assert [r.return_id for r in history.returns] == [ret.return_id]

    by_name = service.open_ticket(workbook, subject="Where is it", customer_name="cy wu", by=SAM)
    history = service.ticket_view(workbook, by_name.ticket_id).customer
    assert (history.matched_by, [o.order_id for o in history.orders]) == ("name", [nameless.order_id])
    assert history.tickets == [] and history.returns == []

    nobody = service.open_ticket(workbook, subject="Anonymous", by=SAM)
    assert service.ticket_view(workbook, nobody.ticket_id).customer.matched_by == ""
