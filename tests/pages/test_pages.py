"""The dashboard, the tab views and the data issues page, through NiceGUI's simulated user."""

from __future__ import annotations

import asyncio
import threading

from nicegui import ui
from nicegui.testing import User

from processes import browse
from sheets.tabs import ORDERS, PRODUCTS
from tests.pages.waiting import eventually


def add_orders(workbook, count):
    with workbook.transaction(ORDERS, user="seed") as tx:
        for number in range(count):
            tx.insert(ORDERS, {"customer_name": f"Customer {number:03d}", "total": number})


async def test_the_dashboard_shows_real_counts_per_tab(app_workbook, manager: User):
    add_orders(app_workbook, 7)
    await manager.open("/")
    await manager.should_see("Procurement")
    count = manager.find(marker=None, kind=ui.label, content="7")
    assert count.elements
    await manager.should_see("Orders")


def shown_names(user: User) -> list[str]:
    [table] = user.find(ui.table).elements
    return [row["customer_name"] for row in table.rows]


async def test_a_tab_view_pages_searches_and_sorts_on_the_server(app_workbook, manager: User):
    add_orders(app_workbook, 120)
    await manager.open("/tabs/orders")
    await manager.should_see("Page 1 of 3 · 120 rows")
    assert shown_names(manager)[:2] == ["Customer 000", "Customer 001"]
    assert len(shown_names(manager)) == 50  # only one page goes to the browser

    manager.find("Next").click()
    await manager.should_see("Page 2 of 3 · 120 rows")
    assert shown_names(manager)[0] == "Customer 050"

    manager.find("Search").type("customer 11")
    await manager.should_see("Page 1 of 1 · 10 rows")
    assert shown_names(manager) == [f"Customer {n}" for n in range(110, 120)]

    manager.find("Search").clear()
    manager.find("Sort by").click()
    manager.find("customer_name").click()
    manager.find("Z→A").click()
    await eventually(lambda: shown_names(manager)[0] == "Customer 119")
    await manager.should_see("Page 1 of 3 · 120 rows")


async def test_an_empty_tab_says_so(app_workbook, manager: User):
    await manager.open("/tabs/purchase-requests")
    await manager.should_see("Purchase Requests has no records yet.")


async def test_an_unknown_tab_is_a_friendly_page_not_an_error(app_workbook, manager: User):
    await manager.open("/tabs/nope")
    await manager.should_see("There is no tab called 'nope'.")


async def test_rows_people_mangled_are_listed_as_data_issues(app_workbook, manager: User):
    with app_workbook.transaction(PRODUCTS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Kettle"})
    with app_workbook.backend.raw_edit() as grid:
        grid.set_cell("Products", 1, 5, "about five")
    await manager.open("/issues")
    await manager.should_see("about five")
    await manager.open("/tabs/products")
    await manager.should_see("1 row could not be read and is not shown")


async def test_a_slow_older_answer_never_replaces_a_newer_one(app_workbook, manager: User, monkeypatch):
    add_orders(app_workbook, 60)
    await manager.open("/tabs/orders")
    await manager.should_see("Page 1 of 2 · 60 rows")
    release, answered_late = threading.Event(), threading.Event()
    real_page_of = browse.page_of

    def page_of(workbook, tab_name, request, **kwargs):
        if request.search == "customer 00":  # the older search: its answer comes last
            release.wait(timeout=10)
            answered_late.set()
        return real_page_of(workbook, tab_name, request, **kwargs)

    monkeypatch.setattr(browse, "page_of", page_of)
    manager.find("Search").type("customer 00")
    manager.find("Search").clear().type("customer 01")
    await eventually(lambda: shown_names(manager)[0] == "Customer 010")

    release.set()
    await eventually(answered_late.is_set)
    for _ in range(20):  # give the late answer every chance to (wrongly) land
        await asyncio.sleep(0.01)
    assert shown_names(manager)[0] == "Customer 010"


async def test_the_dashboard_points_at_open_alerts_and_messages_that_wait(app_workbook, manager: User):
    from sheets.tabs import ALERTS, OUTBOX

    with app_workbook.transaction(ALERTS, OUTBOX, user="jobs") as tx:
        tx.insert(
            ALERTS,
            {"key": "order.unpaid:ORD-1", "kind": "order.unpaid", "severity": "breach", "message": "x"},
        )
        tx.insert(OUTBOX, {"to": "ann@example.com", "subject": "Shipped", "status": "queued"})
    await manager.open("/")
    await manager.should_see("1 open alert, 1 past a deadline")
    await manager.should_see("1 customer message waiting: SMTP is not configured")
