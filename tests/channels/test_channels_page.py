"""The Channels page and an order's page, through NiceGUI's simulated user, over a real workbook and inbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nicegui.testing import User

from processes import channels
from processes.channels import refusals
from processes.channels.applying import apply_inbox
from processes.channels.fulfilling import send_fulfilments
from processes.channels.inbox import Delivery, Inbox
from processes.channels.sync import sync, sync_asked
from tests.channels.conftest import stock_the_catalogue
from tests.channels.test_applying import deliver, shop_orders
from tests.channels.test_fulfilling import ship
from tests.pages.conftest import PASSWORD, log_in


def labels(user: User, marker: str) -> list[str]:
    return [element.text for element in user.find(marker=marker).elements]


@pytest.fixture
def in_use(app_workbook, store, connection):
    channels.use(store, connection)
    refusals.forget()
    yield connection
    channels.use(None)
    refusals.forget()


async def test_without_a_connection_the_page_says_how_to_make_one(manager: User):
    channels.use(None)
    await manager.open("/channels")
    await manager.should_see(marker="no-connection")
    assert "FLOWSHEET_SHOPIFY_SHOP" in labels(manager, "no-connection")[0]


async def test_staff_are_told_the_page_is_for_managers(user: User, app_workbook, app_accounts, in_use):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open("/channels")
    await user.should_see("Only a manager or an admin may look after the shop connections.")
    await user.should_not_see(marker="sync-now")


async def test_the_page_shows_the_last_webhook_the_last_sync_the_backlog_and_the_errors(
    manager: User, app_workbook, store, fake_shopify, in_use
):
    stock_the_catalogue(app_workbook)
    now = app_workbook.clock()
    placed, hooks = fake_shopify.shop.place_order([("NEW-404", 1, "9.00")])
    deliver(fake_shopify, in_use, store, *hooks, now=now)
    Inbox(store).receive(Delivery("shopify", "broken-1", "orders/updated", b"{oops"), now=now)
    sync(app_workbook, in_use, store, now, since="2026-03-01T00:00:00Z")
    refusals.refused(
        "shopify", "the X-Shopify-Hmac-Sha256 signature is missing or does not match the body", now
    )

    await manager.open("/channels")
    await manager.should_see(marker="backlog")
    assert labels(manager, "last-webhook") == [f"Last webhook: orders/updated at {now:%Y-%m-%d %H:%M}"]
    assert labels(manager, "last-sync") == [
        f"Last sync: {now:%Y-%m-%d %H:%M} · Changed in the shop: 1 (new to the inbox: 1); "
        "unpaid orders checked: 0; deliveries applied: 0; orders added: 0"
    ]
    assert labels(manager, "backlog") == ["Inbox: 3 waiting to go into the sheet, 3 of them with a problem"]
    table = manager.find(marker="troubled").elements.pop()
    problems = {row["ref"]: row["error"] for row in table.rows}
    assert problems[placed.name] == "unknown SKU 'NEW-404'"
    assert problems[""].startswith("cannot be read: the body is not JSON")
    assert "1 webhook refused since the app started" in labels(manager, "refused")[0]

    manager.find(marker="sync-now").click()
    await manager.should_see("A sync was asked for: the orders arrive in a moment.")
    assert sync_asked(store, "shopify")
    manager.find(marker="try-again").click()
    await manager.should_see("3 waiting items will be tried again now.")
    assert len(Inbox(store).due("shopify", app_workbook.clock())) == 3  # due from the moment of the click


async def test_an_orders_page_shows_what_the_shop_says_and_whether_its_fulfilment_got_there(
    manager: User, app_workbook, store, fake_shopify, in_use
):
    location = stock_the_catalogue(app_workbook)
    now = app_workbook.clock()
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")], paid=True)
    deliver(fake_shopify, in_use, store, *hooks, now=now)
    apply_inbox(app_workbook, in_use, store, now)
    order = shop_orders(app_workbook)[placed.name]
    ship(app_workbook, order, location, tracking_no="1Z999AA10123456784")
    fake_shopify.fail_next(503, times=50)
    send_fulfilments(app_workbook, in_use, store, now)

    await manager.open(f"/orders/{order.order_id}")
    await manager.should_see(marker="shop-fulfilment")
    assert labels(manager, "shop-report")[0].startswith("In Shopify: payment paid, fulfilment unfulfilled")
    (failed,) = labels(manager, "shop-fulfilment")
    assert failed.startswith("Not fulfilled in Shopify yet: Shopify did not answer after 5 tries (HTTP 503)")

    fake_shopify.clear_faults()
    send_fulfilments(app_workbook, in_use, store, now + timedelta(minutes=1))
    await manager.open(f"/orders/{order.order_id}")
    await manager.should_see(marker="shop-fulfilment")
    (done,) = labels(manager, "shop-fulfilment")
    assert "with DHL, tracking 1Z999AA10123456784; the shop told the customer." in done
    assert [made.number for made in placed.fulfillments] == ["1Z999AA10123456784"]
