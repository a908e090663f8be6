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


async def test_the_dashboard_shows_real_counts_per_tab(app_workbook, user: User):
    add_orders(app_workbook, 7)
    await user.open("/")
    await user.should_see("Procurement")
    count = user.find(marker=None, kind=ui.label, content="7")
    assert count.elements
    await user.should_see("Orders")


def shown_names(user: User) -> list[str]:
    [table] = user.find(ui.table).elements
    return [row["customer_name"] for row in table.rows]


async def test_a_tab_view_pages_searches_and_sorts_on_the_server(app_workbook, user: User):
    add_orders(app_workbook, 120)
    await user.open("/tabs/orders")
    await user.should_see("Page 1 of 3 · 120 rows")
    assert shown_names(user)[:2] == ["Customer 000", "Customer 001"]
    assert len(shown_names(user)) == 50  # only one page goes to the browser

    user.find("Next").click()
    await user.should_see("Page 2 of 3 · 120 rows")
    assert shown_names(user)[0] == "Customer 050"

    user.find("Search").type("customer 11")
    await user.should_see("Page 1 of 1 · 10 rows")
    assert shown_names(user) == [f"Customer {n}" for n in range(110, 120)]

    user.find("Search").clear()
    user.find("Sort by").click()
    user.find("customer_name").click()
    user.find("Z→A").click()
    await eventually(lambda: shown_names(user)[0] == "Customer 119")
    await user.should_see("Page 1 of 3 · 120 rows")


async def test_an_empty_tab_says_so(app_workbook, user: User):
    await user.open("/tabs/purchase-requests")
    await user.should_see("Purchase Requests has no records yet.")


async def test_an_unknown_tab_is_a_friendly_page_not_an_error(app_workbook, user: User):
    await user.open("/tabs/nope")
    await user.should_see("There is no tab called 'nope'.")


async def test_rows_people_mangled_are_listed_as_data_issues(app_workbook, user: User):
    with app_workbook.transaction(PRODUCTS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Kettle"})
    with app_workbook.backend.raw_edit() as grid:
        grid.set_cell("Products", 1, 5, "about five")
    await user.open("/issues")
    await user.should_see("about five")
    await user.open("/tabs/products")
    await user.should_see("1 row(s) could not be read and are not shown")


async def test_a_slow_older_answer_never_replaces_a_newer_one(app_workbook, user: User, monkeypatch):
    add_orders(app_workbook, 60)
    await user.open("/tabs/orders")
    await user.should_see("Page 1 of 2 · 60 rows")
    release, answered_late = threading.Event(), threading.Event()
    real_page_of = browse.page_of

    def page_of(workbook, tab_name, request):
        if request.search == "customer 00":  # the older search: its answer comes last
            release.wait(timeout=10)
            answered_late.set()
        return real_page_of(workbook, tab_name, request)

    monkeypatch.setattr(browse, "page_of", page_of)
    user.find("Search").type("customer 00")
    user.find("Search").clear().type("customer 01")
    await eventually(lambda: shown_names(user)[0] == "Customer 010")

    release.set()
    await eventually(answered_late.is_set)
    for _ in range(20):  # give the late answer every chance to (wrongly) land
        await asyncio.sleep(0.01)
    assert shown_names(user)[0] == "Customer 010"
