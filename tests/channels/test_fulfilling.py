"""Back to the shop: an order shipped in Flowsheet is fulfilled in the fake shop with its tracking number."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from processes import channels
from processes.channels.applying import apply_inbox
from processes.channels.fulfilling import send_fulfilments
from processes.channels.fulfilments import FulfilmentQueue
from processes.orders import confirm_order, pack_order, record_payment, ship_order, start_picking
from processes.orders.pipeline import lines_of
from sheets.tabs import ORDER_LINES, OUTBOX
from tests.channels.conftest import STAFF
from tests.channels.test_applying import deliver, shop_orders

NOW = datetime(2026, 3, 2, 12, 0, 0)


def arrived(shop, fake, connection, store, **options):
    """An order placed in the fake shop, paid, delivered by webhook and applied; (the shop's order, ours)."""
    placed, hooks = fake.shop.place_order([("KIT-001", 2, "30.00")], paid=True, **options)
    deliver(fake, connection, store, *hooks)
    apply_inbox(shop.workbook, connection, store, NOW)
    return placed, shop_orders(shop.workbook)[placed.name]


def ship(workbook, order, location: str, tracking_no: str = "JD014600006281220011"):
    if confirm_order(workbook, order.order_id, by=STAFF, location_id=location).status != "paid":
        record_payment(workbook, order.order_id, by=STAFF)
    start_picking(workbook, order.order_id, by=STAFF)
    picked = [line.line_id for line in lines_of(workbook.table(ORDER_LINES), order.order_id)]
    pack_order(workbook, order.order_id, picked=picked, by=STAFF)
    return ship_order(workbook, order.order_id, carrier="DHL", tracking_no=tracking_no, by=STAFF)


@pytest.fixture
def in_use(store, connection):
    """The connection in use, as the entry point sets it: the ship step then leaves the customer to the shop."""
    channels.use(store, connection)
    yield connection
    channels.use(None)


def test_shipping_in_flowsheet_fulfils_the_order_in_the_shop_with_its_tracking_number(
    shop, fake_shopify, in_use, store
):
    placed, order = arrived(shop, fake_shopify, in_use, store)
    ship(shop.workbook, order, shop.location)
    # the shop tells the customer (notifyCustomer): no message of ours as well
    assert [message.ref for message in shop.workbook.table(OUTBOX).records()] == []
    report = send_fulfilments(shop.workbook, in_use, store, NOW)
    assert (report.queued, report.sent, report.failed) == (1, 1, 0)
    (made,) = placed.fulfillments
    assert (made.company, made.number, made.notify_customer) == ("DHL", "JD014600006281220011", True)
    assert placed.fulfilled
    owed = FulfilmentQueue(store).of("shopify", order.order_id)
    assert (owed.state, owed.shop_fulfilment, owed.error) == ("done", made.id, "")
    # nothing is owed twice
    again = send_fulfilments(shop.workbook, in_use, store, NOW + timedelta(hours=1))
    assert (again.queued, again.sent) == (0, 0)
    assert len(placed.fulfillments) == 1


def test_a_failed_fulfilment_is_kept_shown_and_sent_again(shop, fake_shopify, in_use, store):
    placed, order = arrived(shop, fake_shopify, in_use, store)
    ship(shop.workbook, order, shop.location)
    fake_shopify.fail_next(503, times=50)
    report = send_fulfilments(shop.workbook, in_use, store, NOW)
    assert (report.sent, report.failed) == (0, 1)
    owed = FulfilmentQueue(store).of("shopify", order.order_id)
    assert (owed.state, owed.attempts) == ("pending", 1)
    assert "did not answer" in owed.error and owed.next_try_at == NOW + timedelta(seconds=30)
    assert placed.fulfillments == []
    fake_shopify.clear_faults()
    assert (
        send_fulfilments(shop.workbook, in_use, store, NOW + timedelta(seconds=10)).sent == 0
    )  # not yet due
    assert send_fulfilments(shop.workbook, in_use, store, NOW + timedelta(seconds=30)).sent == 1
    assert [made.number for made in placed.fulfillments] == ["JD014600006281220011"]


def test_a_fulfilment_whose_answer_was_lost_is_not_made_twice(shop, fake_shopify, in_use, store):
    placed, order = arrived(shop, fake_shopify, in_use, store)
    ship(shop.workbook, order, shop.location)
    real_query = in_use.client.query

    def answer_lost(document, variables=None, **kwargs):
        answer = real_query(document, variables, **kwargs)
        if "FulfillmentCreate" in document:
            raise channels.errors.ShopUnavailable("the connection dropped before the answer")
        return answer

    in_use.client.query = answer_lost
    assert send_fulfilments(shop.workbook, in_use, store, NOW).failed == 1
    assert len(placed.fulfillments) == 1  # it did go through
    in_use.client.query = real_query
    report = send_fulfilments(shop.workbook, in_use, store, NOW + timedelta(minutes=1))
    assert (report.sent, report.already) == (0, 1)
    assert len(placed.fulfillments) == 1
    assert FulfilmentQueue(store).of("shopify", order.order_id).state == "done"


def test_a_fulfilment_the_shop_refuses_says_why_and_waits(shop, fake_shopify, in_use, store):
    placed, order = arrived(shop, fake_shopify, in_use, store)
    ship(shop.workbook, order, shop.location)
    placed.fulfillment_orders[0].status = "ON_HOLD"  # held in the shop: nothing can be fulfilled
    report = send_fulfilments(shop.workbook, in_use, store, NOW)
    assert report.failed == 1
    owed = FulfilmentQueue(store).of("shopify", order.order_id)
    assert (
        owed.error
        == f"the shop has nothing of {placed.name} left to fulfil (its fulfilment status is UNFULFILLED)"
    )


def test_orders_the_shop_never_reported_are_not_fulfilled_there(shop, fake_shopify, in_use, store):
    from processes.orders import OrderLine, enter_order

    order = enter_order(
        shop.workbook,
        customer_name="Walk-in",
        ship_address="1 Mill Lane, 12345 Riverton",
        lines=[OrderLine("KIT-001", 1)],
        channel="shopify",
        external_ref="#9999",
        by=STAFF,
    )
    ship(shop.workbook, order, shop.location)
    assert send_fulfilments(shop.workbook, in_use, store, NOW).queued == 0
    assert FulfilmentQueue(store).of("shopify", order.order_id) is None
