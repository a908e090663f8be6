"""Purchasing through NiceGUI's simulated user: request, quotes, choice, approval, deliveries, stock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from nicegui import ui
from nicegui.testing import User

from processes import procurement
from processes.permissions import Actor
from processes.stock import ledger_issues
from sheets.tabs import LOCATIONS, PRODUCTS, PURCHASE_ORDERS, PURCHASE_REQUESTS, STOCK, SUPPLIERS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually
from tests.people import LocalPerson

SAM = Actor("sam", "staff")


@pytest.fixture
def shop(app_workbook) -> dict[str, str]:
    """A product, one warehouse and three suppliers; returns their IDs by name."""
    with app_workbook.transaction(PRODUCTS, LOCATIONS, SUPPLIERS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Cast-iron skillet"})
        ids = {"main": tx.insert(LOCATIONS, {"name": "Main warehouse"}).location_id}
        for name, lead in (("Hangzhou", 28), ("Lakeside", 7), ("Greenleaf", 14)):
            ids[name] = tx.insert(SUPPLIERS, {"name": name, "lead_time_days": lead, "rating": 4}).supplier_id
    return ids


def ordered(workbook, shop, qty: int):
    """A purchase order sent to the supplier, made below the pages (three quotes of 10; the last is chosen)."""
    request = procurement.create_request(
        workbook,
        sku="KIT-001",
        qty=qty,
        needed_by=today() + timedelta(days=40),
        location_id=shop["main"],
        by=SAM,
    )
    for supplier in ("Hangzhou", "Lakeside", "Greenleaf"):
        quote = procurement.add_quote(
            workbook,
            request.request_id,
            supplier_id=shop[supplier],
            unit_price=10,
            valid_until=today() + timedelta(days=9),
            by=SAM,
        )
    order = procurement.choose_supplier(
        workbook, request.request_id, quote.quote_id, selection_reason="x", by=SAM
    )
    return procurement.mark_ordered(workbook, order.po_id, by=SAM)


def today() -> date:
    return date.today()


async def sees(user: User, text: str) -> None:
    """Wait until `text` is on the page or in a notification (more patiently than should_see, for busy machines)."""

    def shown() -> bool:
        if any(text in message for message in user.notify.messages):
            return True
        try:
            user.find(text)
        except AssertionError:
            return False
        return True

    await eventually(shown, timeout=5)


async def status_is(user: User, status: str) -> None:
    """Wait until the page's status badge says exactly `status`."""

    def badges() -> list[str]:
        try:
            return [badge.text for badge in user.find(ui.badge).elements]
        except AssertionError:
            return []  # the page is being built

    await eventually(lambda: badges() == [status], timeout=5)


def table_rows(user: User, marker: str) -> list[dict]:
    """The rows of the table marked `marker` (none while it is not shown)."""
    try:
        [grid] = user.find(marker=marker).elements
    except AssertionError:
        return []
    return grid.rows


def pick(user: User, label: str, option: str) -> None:
    user.find(label).click()
    user.find(option).click()


async def add_quote(user: User, supplier: str, price: str, count_after: int) -> None:
    pick(user, "Quoting supplier", supplier)
    user.find("Unit price").type(price)
    user.find("Valid until").type((today() + timedelta(days=30)).isoformat())
    user.find("Add quote").click()
    await eventually(lambda: len(table_rows(user, "quotes")) == count_after, timeout=5)


async def receive(user: User, received: str, accepted: str, rejected: str, notes: str = "") -> None:
    user.find("Quantity received").type(received)
    user.find("Quantity accepted").type(accepted)
    user.find("Quantity rejected").clear().type(rejected)
    if notes:
        user.find("Inspection notes").type(notes)
    user.find("Record the delivery").click()


async def logged_in(user: User, accounts, name: str, role: str) -> User:
    """Log in through the login page and wait, patiently, for the dashboard."""
    accounts.add_user(name, role, PASSWORD)
    await log_in(user, name)
    await sees(user, f"{name} ({role})")
    return user


@pytest.fixture
async def buyer(user: User, app_workbook, app_accounts) -> User:
    """A manager at the keyboard (the shared `manager` fixture waits only 0.3 s for the dashboard)."""
    return await logged_in(user, app_accounts, "mia", "manager")


@pytest.fixture
async def staff(user: User, app_workbook, app_accounts) -> User:
    return await logged_in(user, app_accounts, "sam", "staff")


async def test_a_purchase_from_request_to_stock(app_workbook, app_accounts, shop, buyer: User):
    await buyer.open("/procurement")
    pick(buyer, "Product to buy", "KIT-001 · Cast-iron skillet")
    await sees(buyer, "No stock of it is kept at this location yet.")
    await sees(buyer, "No open request for it.")
    buyer.find("Quantity").type("400")
    buyer.find("Needed by").type((today() + timedelta(days=60)).isoformat())
    buyer.find("Reason").type("Autumn range")
    buyer.find("Submit request").click()
    await sees(buyer, "No quotes yet: ask at least 3 suppliers.")
    [request] = app_workbook.table(PURCHASE_REQUESTS).records()

    await add_quote(buyer, f"{shop['Hangzhou']} · Hangzhou", "14", 1)
    await sees(buyer, "Valid quotes from 1 supplier; 3 are needed.")
    await add_quote(buyer, f"{shop['Lakeside']} · Lakeside", "16.4", 2)
    await add_quote(buyer, f"{shop['Greenleaf']} · Greenleaf", "14.6", 3)
    rows = table_rows(buyer, "quotes")
    assert [(row["supplier"], row["unit_price"], row["pick"]) for row in rows] == [
        ("Hangzhou", "14.00", "recommended"),
        ("Lakeside", "16.40", ""),
        ("Greenleaf", "14.60", ""),
    ]
    await sees(buyer, "Recommended: Hangzhou: lowest price, 14.00 a unit")

    buyer.find("Why this supplier").type("Lowest price, good record")
    buyer.find("Contract reference").type("HZ-2026-01")
    buyer.find("Create the purchase order").click()
    await status_is(buyer, "awaiting_approval")  # 400 x 14 = 5,600: above the limit
    [order] = app_workbook.table(PURCHASE_ORDERS).records()
    assert (order.request_id, order.total, order.contract_ref) == (request.request_id, 5600.0, "HZ-2026-01")
    await buyer.should_not_see("Record the delivery")

    buyer.find("Approve the order").click()  # mia asked and chose: another manager approves
    await buyer.should_see(f"You asked for the goods of {order.po_id}, so another manager approves it")
    await status_is(buyer, "awaiting_approval")
    await buyer.open("/logout")
    await logged_in(buyer, app_accounts, "max", "manager")
    await buyer.open(f"/procurement/orders/{order.po_id}")
    await buyer.should_see("Approve the order")
    buyer.find("Approve the order").click()
    await status_is(buyer, "approved")
    buyer.find("Mark as ordered").click()
    await status_is(buyer, "ordered")
    await sees(buyer, "Receive a delivery: 400 of 400 still to come")

    await receive(buyer, "150", "145", "5", notes="5 with chipped enamel")
    await status_is(buyer, "partially_received")
    await sees(buyer, "Receive a delivery: 250 of 400 still to come")
    assert [
        (r["qty_received"], r["qty_accepted"], r["inspection_notes"]) for r in table_rows(buyer, "receipts")
    ] == [("150", "145", "5 with chipped enamel")]

    await receive(buyer, "250", "250", "0")
    await status_is(buyer, "received")
    await buyer.should_not_see("Record the delivery")

    app_workbook.invalidate()
    assert app_workbook.table(STOCK).get(("KIT-001", shop["main"])).on_hand == 395
    assert app_workbook.table(PURCHASE_REQUESTS).get(request.request_id).status == "closed"
    assert ledger_issues(app_workbook) == []


async def test_a_refused_delivery_says_why_and_keeps_what_was_typed(app_workbook, shop, buyer: User):
    order = ordered(app_workbook, shop, qty=10)
    await buyer.open(f"/procurement/orders/{order.po_id}")
    await receive(buyer, "12", "12", "0")
    await sees(buyer, "at most 10 more can be received, not 12")
    assert next(iter(buyer.find("Quantity received").elements)).value == 12
    assert not app_workbook.table(STOCK).keys()


async def test_staff_see_no_approval_and_no_choice_without_three_quotes(app_workbook, shop, staff: User):
    request = procurement.create_request(
        app_workbook,
        sku="KIT-001",
        qty=400,
        needed_by=today() + timedelta(days=40),
        location_id=shop["main"],
        by=SAM,
    )
    procurement.add_quote(
        app_workbook,
        request.request_id,
        supplier_id=shop["Hangzhou"],
        unit_price=14,
        valid_until=today() + timedelta(days=9),
        by=SAM,
    )
    await staff.open(f"/procurement/requests/{request.request_id}")
    await sees(staff, "Choosing needs valid quotes from at least 3 suppliers (1 so far)")
    await staff.should_not_see("Create the purchase order")
    await sees(staff, "Record a quote")

    for supplier, price in (("Lakeside", 16), ("Greenleaf", 15)):
        procurement.add_quote(
            app_workbook,
            request.request_id,
            supplier_id=shop[supplier],
            unit_price=price,
            valid_until=today() + timedelta(days=9),
            by=SAM,
        )
    await staff.open(f"/procurement/requests/{request.request_id}")
    staff.find("Why this supplier").type("Cheapest")
    staff.find("Create the purchase order").click()
    await status_is(staff, "awaiting_approval")
    await staff.should_not_see("Approve the order")
    await sees(staff, "Cancel the order")


async def test_the_requests_list_filters_by_status(app_workbook, shop, buyer: User):
    for qty in (5, 6):
        procurement.create_request(
            app_workbook,
            sku="KIT-001",
            qty=qty,
            needed_by=today() + timedelta(days=9),
            location_id=shop["main"],
            by=SAM,
        )
    await buyer.open("/procurement")
    await eventually(lambda: len(table_rows(buyer, "requests")) == 2, timeout=5)
    pick(buyer, "Status", "cancelled")
    await sees(buyer, "No purchase request is cancelled.")
    pick(buyer, "Status", "open")
    await eventually(lambda: [row["qty"] for row in table_rows(buyer, "requests")] == ["6", "5"], timeout=5)


async def test_the_printable_order_needs_a_login_and_escapes_names(app_workbook, shop, buyer: User):
    with app_workbook.transaction(SUPPLIERS, user="seed") as tx:
        tx.update(tx.require(SUPPLIERS, shop["Greenleaf"]), {"name": "<script>alert(1)</script>"})
    order = ordered(app_workbook, shop, qty=10)  # chosen: the last quote, Greenleaf

    page = await buyer.http_client.get(f"/procurement/orders/{order.po_id}/print")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert" not in page.text
    missing = await buyer.http_client.get("/procurement/orders/PO-NOPE/print")
    assert missing.status_code == 404 and "There is no purchase order PO-NOPE" in missing.text

    buyer.find("Log out").click()
    await sees(buyer, "Log in")
    away = await buyer.http_client.get(f"/procurement/orders/{order.po_id}/print")
    assert away.headers["location"].startswith("/login") and order.po_id not in away.text


async def test_an_order_changed_in_the_sheet_after_the_page_loaded_is_not_overwritten(
    app_workbook, shop, buyer: User
):
    order = ordered(app_workbook, shop, qty=10)
    await buyer.open(f"/procurement/orders/{order.po_id}")
    await status_is(buyer, "ordered")
    person = LocalPerson(app_workbook.backend)
    row = next(n for n, cells in enumerate(person.values("Purchase Orders"), 1) if order.po_id in cells)
    person.set_cell("Purchase Orders", row, "qty", 8)

    await receive(buyer, "5", "5", "0")
    await sees(buyer, "was changed by someone else since you opened it (qty: 10 → 8)")
    app_workbook.invalidate()
    assert app_workbook.table(PURCHASE_ORDERS).get(order.po_id).status == "ordered"
    assert not app_workbook.table(STOCK).keys()
