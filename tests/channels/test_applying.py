"""The inbox applied to the record (both backends): duplicates, late deliveries, bad input, a failing Google."""

from __future__ import annotations

from datetime import datetime, timedelta

from processes import master_data
from processes.channels.applying import apply_inbox
from processes.channels.inbox import Delivery, Inbox
from processes.channels.reports import ShopReports
from processes.orders import confirm_order
from sheets.tabs import AUDIT, ORDER_LINES, ORDERS, STOCK
from tests.channels.conftest import STAFF

NOW = datetime(2026, 3, 2, 12, 0, 0)


def deliver(fake, connection, store, *hooks, now=NOW) -> list[bool]:
    """Each webhook as the route keeps it: proved by its signature, then into the inbox."""
    inbox = Inbox(store)
    return [inbox.receive(connection.delivery(*fake.signed(hook)), now=now) for hook in hooks]


def shop_orders(workbook) -> dict:
    workbook.invalidate()
    return {order.external_ref: order for order in workbook.table(ORDERS).records()}


def lines_of(workbook, order_id: str) -> list[tuple]:
    return sorted(
        (line.sku, line.qty, line.unit_price)
        for line in workbook.table(ORDER_LINES).records()
        if line.order_id == order_id
    )


def test_an_order_placed_in_the_shop_becomes_an_order_with_its_lines(shop, fake_shopify, connection, store):
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 2, "30.00"), ("KIT-002", 1, "12.50")])
    assert deliver(fake_shopify, connection, store, *hooks) == [True]
    report = apply_inbox(shop.workbook, connection, store, NOW)
    assert (report.due, report.applied, report.added, report.error) == (1, 1, [placed.name], "")
    order = shop_orders(shop.workbook)[placed.name]
    assert (order.channel, order.customer_name, order.customer_email, order.status, order.payment_status) == (
        "shopify",
        "Olivia Hart",
        "olivia@example.com",
        "new",
        "pending",
    )
    assert order.ship_address == "12 Maple Street, 12345 Riverton, DE"
    # the shop's total (shipping included) and its currency, as the CSV import keeps them
    assert (order.total, order.subtotal, order.shipping, order.tax, order.currency) == (
        77.4,
        72.5,
        4.9,
        0,
        "EUR",
    )
    # the shop's time (-05:00) in the workbook's
    assert order.created_at == datetime.fromisoformat("2026-03-02T09:00:01+00:00").astimezone().replace(
        tzinfo=None
    )
    assert lines_of(shop.workbook, order.order_id) == [("KIT-001", 2, 30), ("KIT-002", 1, 12.5)]
    # the change is the connection's in the Audit, and the inbox says what became of the delivery
    assert {row.user for row in shop.workbook.table(AUDIT).records() if row.tab == "Orders"} == {"shopify"}
    (entry,) = Inbox(store).entries("shopify")
    assert (entry.state, entry.ref, entry.outcome) == ("applied", placed.name, f"added as {order.order_id}")
    assert Inbox(store).due("shopify", NOW + timedelta(days=1)) == []
    # what the shop reports is kept for the payment check and the fulfilment
    kept = ShopReports(store).of("shopify")[placed.name]
    assert (kept.shop_id, kept.financial, kept.fulfillment) == (placed.gid, "pending", "unfulfilled")


def test_the_same_delivery_twice_is_kept_once_and_the_same_order_twice_added_once(
    shop, fake_shopify, connection, store
):
    placed, hooks = fake_shopify.shop.place_order([("MUG-003", 1, "8.00")], paid=True)
    create, paid = hooks
    assert deliver(fake_shopify, connection, store, create, create, paid, create) == [
        True,
        False,
        True,
        False,
    ]
    apply_inbox(shop.workbook, connection, store, NOW)
    # orders/create and orders/paid both carry the order: one order, paid
    assert deliver(fake_shopify, connection, store, paid) == [False]
    apply_inbox(shop.workbook, connection, store, NOW + timedelta(minutes=1))
    orders = shop.workbook.table(ORDERS).records()
    assert [(order.external_ref, order.payment_status) for order in orders] == [(placed.name, "paid")]
    assert len(shop.workbook.table(ORDER_LINES)) == 1


def test_paid_before_created_and_updated_after_cancelled_end_in_the_right_state(
    shop, fake_shopify, connection, store
):
    workbook = shop.workbook
    first, (created,) = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    paid, updated = fake_shopify.shop.pay(first.name)
    # the shop's deliveries arrive late and out of order: paid, then the older create and update
    deliver(fake_shopify, connection, store, paid, created, updated)
    apply_inbox(workbook, connection, store, NOW)
    order = shop_orders(workbook)[first.name]
    assert (order.status, order.payment_status) == ("new", "paid")
    assert confirm_order(workbook, order.order_id, by=STAFF, location_id=shop.location).status == "paid"

    second, (created,) = fake_shopify.shop.place_order([("KIT-002", 3, "12.50")])
    deliver(fake_shopify, connection, store, created)
    apply_inbox(workbook, connection, store, NOW)
    order = shop_orders(workbook)[second.name]
    confirm_order(workbook, order.order_id, by=STAFF, location_id=shop.location)
    assert workbook.table(STOCK).get(("KIT-002", shop.location)).reserved == 3
    stale_update = fake_shopify.shop.authorize(second.name)
    cancelled, _update = fake_shopify.shop.cancel(second.name)
    deliver(fake_shopify, connection, store, cancelled, *stale_update)
    report = apply_inbox(workbook, connection, store, NOW)
    assert report.applied == 2
    order = shop_orders(workbook)[second.name]
    # cancelled in the shop: cancelled here, its stock released; the older update changes nothing back
    assert (order.status, order.payment_status) == ("cancelled", "voided")
    assert workbook.table(STOCK).get(("KIT-002", shop.location)).reserved == 0
    # and the other order is untouched
    assert shop_orders(workbook)[first.name].status == "paid"


def test_a_refund_which_names_its_order_only_is_applied_from_the_order_the_shop_has(
    shop, fake_shopify, connection, store
):
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")], paid=True)
    deliver(fake_shopify, connection, store, *hooks)
    apply_inbox(shop.workbook, connection, store, NOW)
    refund, _update = fake_shopify.shop.refund(placed.name)
    deliver(fake_shopify, connection, store, refund)  # the update is lost: the refund alone must do
    report = apply_inbox(shop.workbook, connection, store, NOW)
    assert report.applied == 1
    order = shop_orders(shop.workbook)[placed.name]
    assert (order.status, order.payment_status) == ("cancelled", "refunded")
    assert "OrdersById" in fake_shopify.graphql.operations


def test_a_body_that_is_not_json_is_kept_with_why_and_tried_again(shop, fake_shopify, connection, store):
    inbox = Inbox(store)
    assert inbox.receive(Delivery("shopify", "webhook-1", "orders/create", b"{not json"), now=NOW)
    report = apply_inbox(shop.workbook, connection, store, NOW)
    assert (report.applied, report.problems) == (0, 1)
    (entry,) = inbox.entries("shopify")
    assert (entry.state, entry.attempts, entry.body) == ("pending", 1, b"{not json")
    assert entry.error.startswith("cannot be read: the body is not JSON")
    assert inbox.due("shopify", NOW) == []  # waits its turn ...
    assert [e.entry_id for e in inbox.due("shopify", NOW + timedelta(seconds=30))] == [entry.entry_id]
    assert len(shop.workbook.table(ORDERS)) == 0


def test_an_unknown_sku_keeps_the_delivery_until_the_product_is_added(shop, fake_shopify, connection, store):
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00"), ("NEW-404", 2, "9.00")])
    other, more = fake_shopify.shop.place_order([("MUG-003", 2, "8.00")], email="ben@example.com")
    deliver(fake_shopify, connection, store, *hooks, *more)
    report = apply_inbox(shop.workbook, connection, store, NOW)
    # the good order goes in; the other waits, with the import's own words
    assert (report.applied, report.problems, report.added) == (1, 1, [other.name])
    (waiting,) = Inbox(store).troubled("shopify")
    assert (waiting.ref, waiting.error) == (placed.name, "unknown SKU 'NEW-404'")
    assert placed.name not in shop_orders(shop.workbook)
    master_data.add_record(
        shop.workbook, master_data.PRODUCT, {"sku": "NEW-404", "name": "Teapot", "price": 9}, by=STAFF
    )
    assert Inbox(store).retry_now("shopify", NOW) == 1
    report = apply_inbox(shop.workbook, connection, store, NOW)
    assert (report.applied, report.added) == (1, [placed.name])
    assert Inbox(store).troubled("shopify") == []


def test_formula_like_text_from_the_shop_stays_text(shop, fake_shopify, connection, store):
    evil = '=HYPERLINK("http://evil.example","x")'
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")], shipping_name=evil)
    deliver(fake_shopify, connection, store, *hooks)
    apply_inbox(shop.workbook, connection, store, NOW)
    assert shop_orders(shop.workbook)[placed.name].customer_name == evil
    assert evil in [cell for row in shop.person.values("Orders") for cell in row]


def test_the_same_reference_for_another_customer_is_left_alone(shop, fake_shopify, connection, store):
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    deliver(fake_shopify, connection, store, *hooks)
    apply_inbox(shop.workbook, connection, store, NOW)
    fake_shopify.shop.edit_quietly(placed.name, email="someone.else@example.com")
    hooks = fake_shopify.shop.pay(placed.name)
    deliver(fake_shopify, connection, store, *hooks)
    report = apply_inbox(shop.workbook, connection, store, NOW)
    assert report.problems == 2
    order = shop_orders(shop.workbook)[placed.name]
    assert (order.customer_email, order.payment_status) == ("olivia@example.com", "pending")
    assert "for another customer; nothing was changed or merged" in Inbox(store).troubled("shopify")[0].error


def test_a_google_failure_mid_apply_keeps_every_delivery_and_the_next_round_applies_them(
    google, fake_shopify, connection, store, retry_sleeps
):
    from tests.channels.conftest import stock_the_catalogue

    stock_the_catalogue(google.workbook)
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")], paid=True)
    deliver(fake_shopify, connection, store, *hooks)
    google.fake.fail_next("values.batchGet", status=503, times=20)  # Google is down for this round
    google.workbook.invalidate()
    report = apply_inbox(google.workbook, connection, store, NOW)
    assert (report.applied, report.error != "") == (0, True)
    entries = Inbox(store).entries("shopify")
    assert [(entry.state, entry.attempts) for entry in entries] == [("pending", 1), ("pending", 1)]
    assert entries[0].error.startswith("not in the sheet yet:")
    google.fake.clear_faults()
    report = apply_inbox(google.workbook, connection, store, NOW + timedelta(minutes=1))
    assert (report.applied, report.added) == (2, [placed.name])
    assert [order.payment_status for order in google.workbook.table(ORDERS).records()] == ["paid"]


def test_a_round_of_many_deliveries_costs_google_one_read_and_one_write(
    google, fake_shopify, connection, store
):
    from tests.channels.conftest import stock_the_catalogue

    stock_the_catalogue(google.workbook)
    for number in range(40):
        _placed, hooks = fake_shopify.shop.place_order(
            [("MUG-003", 1 + number % 3, "8.00")], paid=number % 2 == 0
        )
        deliver(fake_shopify, connection, store, *hooks)
    google.workbook.invalidate()
    google.fake.reset_counts()
    report = apply_inbox(google.workbook, connection, store, NOW)
    assert (report.due, report.applied, len(report.added)) == (60, 60, 40)
    assert (google.requests("values.batchGet"), google.requests("batchUpdate")) == (1, 1)
    assert len(google.workbook.table(ORDERS)) == 40
