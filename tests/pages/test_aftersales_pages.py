"""After-sales through NiceGUI's simulated user: a customer's request on the public page, then staff to the refund."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from pages.aftersales.paths import photo_path
from pages.public import PUBLIC_LIMIT, TOO_MANY
from processes import aftersales, settings
from processes.aftersales import NOT_FOUND
from processes.orders import ORDER_TABS, OrderLine, add_order
from processes.permissions import Actor
from processes.stock import ledger_issues
from sheets.tabs import LOCATIONS, ORDERS, OUTBOX, PRODUCTS, RETURNS, STOCK
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually

ANN = "ann.lee@example.com"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The public rate limit is module state: every test starts with a clean slate."""
    PUBLIC_LIMIT.reset()
    yield
    PUBLIC_LIMIT.reset()


@pytest.fixture
def delivered(app_workbook) -> dict[str, str]:
    """Ann's order #1001 (2 skillets at 120, 4 mugs at 15, paid), delivered two days ago."""
    with app_workbook.transaction(LOCATIONS, *ORDER_TABS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Cast-iron skillet", "price": 120})
        tx.insert(PRODUCTS, {"sku": "MUG-002", "name": "Enamel mug", "price": 15})
        location = tx.insert(LOCATIONS, {"name": "Main warehouse"})
        order = add_order(
            tx,
            customer_name="Ann Lee",
            customer_email="Ann.Lee@example.com",
            ship_address="1 High Street, Leeds",
            channel="shopify",
            external_ref="#1001",
            lines=[OrderLine("KIT-001", 2), OrderLine("MUG-002", 4)],
            location_id=location.location_id,
            payment_status="paid",
        )
        delivered_at = app_workbook.clock().replace(microsecond=0) - timedelta(days=2)
        tx.update(order, {"status": "delivered", "delivered_at": delivered_at})
    return {"order": order.order_id, "location": location.location_id}


def pick(user: User, label: str, option: str) -> None:
    user.find(label).click()
    user.find(option).click()


async def status_is(user: User, status: str) -> None:
    await eventually(lambda: [badge.text for badge in user.find(ui.badge).elements] == [status])


def shows(user: User, marker: str) -> bool:
    try:
        user.find(marker=marker)
    except AssertionError:
        return False
    return True


def table_rows(user: User, marker: str) -> list[dict]:
    try:
        [grid] = user.find(marker=marker).elements
    except AssertionError:
        return []
    return grid.rows


async def find_order(user: User, reference: str, email: str) -> None:
    user.find("Order number").clear().type(reference)
    user.find("Email address").clear().type(email)
    user.find("Find my order").click()


async def test_a_return_from_the_public_page_to_the_refund(user: User, app_workbook, app_accounts, delivered):
    await user.open("/public/returns")  # no login
    await find_order(user, "#1001", "ann.lee@EXAMPLE.com")
    await user.should_see("Order #1001")
    pick(user, "Item", "Cast-iron skillet (up to 2)")
    user.find("Quantity").clear().type("2")
    pick(user, "Reason", "Damaged or faulty")
    user.find("Tell us more (optional)").type("The handle is loose")
    user.find("Send the request").click()
    await eventually(lambda: shows(user, "return-reference"))
    [ret] = app_workbook.table(RETURNS).records()
    assert (ret.order_id, ret.sku, ret.qty, ret.kind, ret.status, ret.reason) == (
        delivered["order"],
        "KIT-001",
        2,
        "return",
        "requested",
        "Damaged or faulty: The handle is loose",
    )
    [acknowledgement] = app_workbook.table(OUTBOX).records()
    assert (acknowledgement.ref, acknowledgement.to) == (ret.return_id, "Ann.Lee@example.com")
    assert acknowledgement.subject == f"We received your return request {ret.return_id}"
    await user.should_see(f"Your request {ret.return_id} is recorded.")

    app_accounts.add_user("mia", "manager", PASSWORD)
    await log_in(user, "mia")
    await user.should_see("mia (manager)")
    await user.open("/returns")
    await eventually(lambda: [row["return_id"] for row in table_rows(user, "returns")] == [ret.return_id])
    assert table_rows(user, "returns")[0]["order"] == "#1001"

    await user.open(f"/returns/{ret.return_id}")
    await status_is(user, "requested")
    await user.should_not_see("Record the inspection")
    user.find("Note to the customer").type("Please send it back in its box")
    user.find("Approve the request").click()
    await status_is(user, "approved")
    await user.should_not_see("Approve the request")

    user.find("Inspection notes").type("Both unused")
    user.find("Record the inspection").click()  # back to the order's warehouse, all of it
    await status_is(user, "received")
    assert app_workbook.table(STOCK).get(("KIT-001", delivered["location"])).on_hand == 2
    assert ledger_issues(app_workbook) == []

    user.find("Refund amount").clear().type("240")  # above the limit of 200
    user.find("Set the refund").click()
    await user.should_see("Approve the refund")
    user.find("Approve the refund").click()  # mia set it: another manager approves it
    await user.should_see(f"You set the refund of {ret.return_id}, so another manager approves it")
    app_accounts.add_user("max", "manager", PASSWORD)
    await user.open("/logout")
    await log_in(user, "max")
    await user.should_see("max (manager)")
    await user.open(f"/returns/{ret.return_id}")
    await user.should_see("Approve the refund")
    user.find("Approve the refund").click()
    await user.should_see("Payment reference")
    user.find("Payment reference").type("RF-55012")
    user.find("Record the refund payment").click()
    await status_is(user, "closed")
    await user.should_see("This return is closed; nothing is left to do.")

    ret = app_workbook.table(RETURNS).get(ret.return_id)
    assert (ret.refund_status, ret.refund_amount, ret.refund_ref, ret.reviewed_by) == (
        "paid",
        240.0,
        "RF-55012",
        "mia",
    )
    assert app_workbook.table(ORDERS).get(delivered["order"]).payment_status == "partially_refunded"
    subjects = sorted(message.subject for message in app_workbook.table(OUTBOX).records())
    assert subjects == [
        f"We received your return request {ret.return_id}",
        f"Your refund for {ret.return_id} is on its way",
        f"Your return request {ret.return_id} is approved",
    ]


async def test_a_staff_member_waits_for_a_manager_to_approve_a_large_refund(
    user: User, app_workbook, app_accounts, delivered
):
    staff = Actor("sam", "staff")
    made = aftersales.request_return(
        app_workbook,
        "#1001",
        ANN,
        aftersales.Asked(sku="KIT-001", qty=2, kind="return", reason="Changed my mind", details="Too heavy"),
    )
    aftersales.approve_return(app_workbook, made.return_id, by=staff)
    aftersales.receive_return(
        app_workbook, made.return_id, inspection_notes="ok", disposition="write_off", by=staff
    )
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open(f"/returns/{made.return_id}")
    await status_is(user, "received")
    user.find("Refund amount").clear().type("250")
    user.find("Set the refund").click()
    await user.should_see("At most 240.00 can be refunded")
    user.find("Refund amount").clear().type("240")
    user.find("Set the refund").click()
    await user.should_see("it waits for a manager's approval.")
    await user.should_not_see("Approve the refund")
    await user.should_not_see("Record the refund payment")
    assert app_workbook.table(RETURNS).get(made.return_id).refund_status == "awaiting_approval"


async def test_a_wrong_email_shows_the_neutral_answer_and_nothing_of_the_order(user: User, delivered):
    await user.open("/public/returns")
    await find_order(user, "#1001", "someone@example.com")
    await user.should_see(NOT_FOUND)
    await user.should_not_see("Order #1001")
    await user.should_not_see("Cast-iron skillet")


async def test_the_public_page_refuses_after_the_rate_limit(user: User, delivered, monkeypatch):
    monkeypatch.setattr(PUBLIC_LIMIT, "limit", 3)
    await user.open("/public/returns")  # 1
    await find_order(user, "#1001", "wrong@example.com")  # 2
    await user.should_see(NOT_FOUND)
    await find_order(user, "#1002", "wrong@example.com")  # 3
    await eventually(lambda: len(user.notify.messages) >= 2)
    await find_order(user, "#1001", ANN)  # 4: refused before the workbook is asked
    await user.should_see(TOO_MANY)
    await user.should_not_see("Order #1001")
    await user.open("/public/returns")
    await user.should_see(TOO_MANY)
    await user.should_not_see("Find my order")


async def test_survey_pages_do_not_use_up_the_returns_page_s_limit(user: User, delivered, monkeypatch):
    monkeypatch.setattr(PUBLIC_LIMIT, "limit", 3)
    for _ in range(4):  # the fourth is refused
        await user.open("/public/survey/" + "z" * 32)
    await user.should_see(TOO_MANY)
    await user.open("/public/returns")
    await user.should_see("Find my order")


async def test_an_exchange_is_settled_with_a_replacement_order_from_its_page(
    manager: User, app_workbook, delivered
):
    staff = Actor("sam", "staff")
    made = aftersales.request_return(
        app_workbook,
        "#1001",
        ANN,
        aftersales.Asked(
            sku="MUG-002", qty=1, kind="exchange", reason="Damaged or faulty", details="Chipped on arrival"
        ),
    )
    aftersales.approve_return(app_workbook, made.return_id, by=staff)
    await manager.open(f"/returns/{made.return_id}")
    await status_is(manager, "approved")
    manager.find("Inspection notes").type("Chipped rim")
    pick(manager, "Restock or write off", "Write off")
    manager.find("Record the inspection").click()
    await status_is(manager, "received")
    await manager.should_not_see("Set the refund")
    manager.find("Create the replacement order").click()
    await status_is(manager, "closed")
    ret = app_workbook.table(RETURNS).get(made.return_id)
    assert (ret.disposition, ret.restock_qty) == ("write_off", 0)
    replacement = app_workbook.table(ORDERS).get(ret.replacement_order_id)
    assert (replacement.customer_name, replacement.total, replacement.payment_status) == (
        "Ann Lee",
        0.0,
        "paid",
    )
    [to_replacement] = manager.find(marker="replacement-order").elements
    assert (to_replacement.text, to_replacement.props["href"]) == (
        ret.replacement_order_id,
        f"/orders/{ret.replacement_order_id}",
    )
    await manager.open(f"/orders/{ret.replacement_order_id}")
    await manager.should_see("Replacement for")
    [back] = manager.find(marker="replaces-return").elements
    assert (back.text, back.props["href"]) == (made.return_id, f"/returns/{made.return_id}")

    await manager.open("/returns")
    await manager.should_see("No returns in this list.")  # the open list: nothing left to do
    pick(manager, "Show", "closed")
    await eventually(lambda: [row["return_id"] for row in table_rows(manager, "returns")] == [made.return_id])


async def test_the_customer_sees_the_price_difference_of_an_exchange_and_staff_see_it_on_the_return(
    user: User, app_workbook, app_accounts, delivered
):
    with app_workbook.transaction(PRODUCTS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-L", "name": "Large skillet", "price": 150})
        tx.insert(PRODUCTS, {"sku": "KIT-S", "name": "Small skillet", "price": 100})
    await user.open("/public/returns")
    await find_order(user, "#1001", ANN)
    await user.should_see("Order #1001")
    pick(user, "Item", "Cast-iron skillet (up to 2)")
    user.find(kind=ui.select, content="Return or exchange").click()  # the page's title says it too
    user.find("Exchange it for another size or item").click()
    pick(user, "Exchange for", "Large skillet · 150.00")
    [difference] = user.find(marker="price-difference").elements
    assert difference.text == "The exchange costs 30.00 more: you pay the difference."
    user.find("Quantity").clear().type("2")
    await eventually(lambda: difference.text == "The exchange costs 60.00 more: you pay the difference.")
    pick(user, "Exchange for", "Small skillet · 100.00")
    await eventually(
        lambda: difference.text == "The exchange costs 40.00 less: we refund you the difference."
    )
    user.find("Send the request").click()
    await eventually(lambda: shows(user, "return-reference"))
    [ret] = app_workbook.table(RETURNS).records()
    assert (ret.kind, ret.qty, ret.exchange_sku, ret.price_difference) == ("exchange", 2, "KIT-S", -40.0)

    app_accounts.add_user("mia", "manager", PASSWORD)
    await log_in(user, "mia")
    await user.should_see("mia (manager)")
    await user.open(f"/returns/{ret.return_id}")
    await user.should_see("2 x Small skillet (KIT-S)")
    await user.should_see("40.00: refunded to the customer once the replacement is created")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def add_photo(user: User, name: str, data: bytes, content_type: str = "image/jpeg") -> None:
    [uploader] = user.find(ui.upload).elements
    await uploader.handle_uploads([SmallFileUpload(name, content_type, data)])


async def test_photos_on_the_public_page_are_checked_kept_with_the_request_and_shown_to_staff_only(
    user: User, app_workbook, app_accounts, delivered
):
    settings.update_setting(app_workbook, "return_photo_max_mb", "0.1", by=Actor("mia", "manager"))
    await user.open("/public/returns")
    await find_order(user, "#1001", ANN)
    await user.should_see("Order #1001")
    await user.should_see(
        "Photos (optional): up to 4 pictures, JPEG, PNG, WebP or HEIC, at most 0.1 MB each."
    )
    user.find("Tell us more (optional)").type("The lid is cracked")
    await add_photo(user, "notes.jpg", b"not a picture at all")  # named .jpg, text inside
    await user.should_see("notes.jpg is not a JPEG, PNG, WebP or HEIC picture, whatever its name says.")
    await add_photo(user, "huge.jpg", b"\xff\xd8\xff" + b"\x00" * 200_000)
    await user.should_see("huge.jpg is 0.2 MB; a photo can be at most 0.1 MB.")
    await add_photo(user, "lid.jpg", PNG)  # a PNG named .jpg: kept, as the PNG it is
    await eventually(lambda: shows(user, "photo-added"))
    assert len(user.find(marker="photo-added").elements) == 1
    [details] = user.find("Tell us more (optional)").elements
    assert details.value == "The lid is cracked"  # nothing typed was lost on the way
    user.find("Send the request").click()
    await eventually(lambda: shows(user, "return-reference"))
    [ret] = app_workbook.table(RETURNS).records()
    assert ret.photos == f"{ret.return_id}-1.png"
    photo = photo_path(ret.return_id, ret.photos)

    response = await user.http_client.get(photo, follow_redirects=False)
    assert response.status_code in (302, 303, 307) and "/login" in response.headers["location"]

    app_accounts.add_user("mia", "manager", PASSWORD)
    await log_in(user, "mia")
    await user.should_see("mia (manager)")
    await user.open(f"/returns/{ret.return_id}")
    await user.should_see(marker=f"photo-{ret.photos}")
    [image] = user.find(ui.image).elements
    assert image.source == photo
    response = await user.http_client.get(photo)
    assert (response.status_code, response.headers["content-type"], response.content) == (
        200,
        "image/png",
        PNG,
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert (await user.http_client.get(photo_path(ret.return_id, "RET-X-1.png"))).status_code == 404


async def test_staff_record_a_request_made_by_phone_and_the_customer_is_told(
    manager: User, app_workbook, delivered
):
    await manager.open("/returns")
    manager.find("Record a customer's request").click()
    manager.find(kind=ui.input, content="Order").type(delivered["order"])
    manager.find("Item (SKU)").type("MUG-002")
    manager.find("Quantity").clear().type("2")
    pick(manager, "Reason", "Damaged or faulty")
    manager.find("Tell us more (optional)").type("Told us on the phone: both chipped")
    manager.find(kind=ui.button, content="Record the request").click()
    await eventually(lambda: len(list(app_workbook.table(RETURNS).records())) == 1)
    [ret] = app_workbook.table(RETURNS).records()
    assert (ret.sku, ret.qty, ret.kind, ret.reason) == (
        "MUG-002",
        2,
        "return",
        "Damaged or faulty: Told us on the phone: both chipped",
    )
    await manager.should_see(f"Return {ret.return_id}")
    [message] = app_workbook.table(OUTBOX).records()
    assert (message.ref, message.subject) == (
        ret.return_id,
        f"We received your return request {ret.return_id}",
    )
