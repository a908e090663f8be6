"""The reconcile and the payment check: what webhooks missed arrives anyway, and payments confirm themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import app as flowsheet
from jobs.cycle import run_cycle
from jobs.runner import RunnerLock
from processes import channels
from processes.channels.inbox import Inbox
from processes.channels.shopify.admin import ORDERS_PER_PAGE
from processes.channels.sync import FIRST_SYNC_DAYS, LAST_SYNC_ERROR, OVERLAP, SYNCED_UNTIL, sync
from processes.orders import confirm_order
from sheets.backends.local import LocalBackend
from sheets.tabs import ALERTS, ORDERS
from sheets.workbook import Workbook
from tests.channels.conftest import STAFF, stock_the_catalogue
from tests.channels.test_applying import deliver, shop_orders
from tests.fake_shopify import SECRET, SHOP_DOMAIN, TOKEN

NOW = datetime(2026, 3, 2, 12, 0, 0)
#: The shop's clock when the syncs run (its orders are placed from 09:00 UTC that day).
SHOP_NOW = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)


def at(moment: datetime):
    return lambda: moment


def test_the_reconcile_brings_in_what_no_webhook_delivered_and_moves_on(
    shop, fake_shopify, connection, store
):
    first, _lost = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    second, _lost = fake_shopify.shop.place_order([("MUG-003", 4, "8.00")], paid=True)
    report = sync(shop.workbook, connection, store, NOW, utc_now=at(SHOP_NOW))
    assert report.ok, report
    assert (report.pulled, report.new, report.applied.added) == (2, 2, [first.name, second.name])
    assert report.since == (SHOP_NOW - timedelta(days=FIRST_SYNC_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    orders = shop_orders(shop.workbook)
    assert (orders[first.name].payment_status, orders[second.name].payment_status) == ("pending", "paid")
    kept = store.recall("shopify")
    assert kept[SYNCED_UNTIL] == (SHOP_NOW - OVERLAP).strftime("%Y-%m-%dT%H:%M:%SZ")
    # the next sync starts where this one ended: nothing changed, nothing new
    again = sync(shop.workbook, connection, store, NOW + timedelta(minutes=15), utc_now=at(SHOP_NOW))
    assert (again.since, again.new, again.applied.due) == (kept[SYNCED_UNTIL], 0, 0)
    assert len(shop.workbook.table(ORDERS)) == 2


def test_the_first_reconcile_looks_back_a_week_and_adds_no_order_fulfilled_outside_flowsheet(
    shop, fake_shopify, connection, store
):
    old, _ = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    fake_shopify.shop.edit_quietly(old.name)
    old.updated_at = SHOP_NOW - timedelta(days=FIRST_SYNC_DAYS + 1)
    done, _ = fake_shopify.shop.place_order([("KIT-002", 1, "12.50")], paid=True)
    done.fulfillment_orders[0].status = "CLOSED"  # fulfilled in the shop's admin, before the connection
    live, _ = fake_shopify.shop.place_order([("MUG-003", 1, "8.00")])
    report = sync(shop.workbook, connection, store, NOW, utc_now=at(SHOP_NOW))
    assert report.pulled == 2  # the old order is outside the first window
    assert sorted(shop_orders(shop.workbook)) == [live.name]
    outcomes = {entry.ref: entry.outcome for entry in Inbox(store).entries("shopify")}
    assert outcomes[done.name] == "fulfilled in the shop before it reached Flowsheet: not added"


def test_a_reconcile_cut_short_keeps_what_it_pulled_and_starts_again_from_the_same_point(
    shop, fake_shopify, connection, store
):
    placed = [fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])[0] for _ in range(25)]
    store.remember("shopify", **{SYNCED_UNTIL: "2026-03-01T00:00:00Z"})
    real_query = connection.client.query
    pages = []

    def failing_after_one_page(document, variables=None, **kwargs):
        if "OrdersUpdatedSince" in document and pages:
            fake_shopify.fail_next(503, times=10)
        pages.append(document)
        return real_query(document, variables, **kwargs)

    connection.client.query = failing_after_one_page
    report = sync(shop.workbook, connection, store, NOW, utc_now=at(SHOP_NOW))
    assert not report.ok and "did not answer" in report.error
    assert store.recall("shopify")[SYNCED_UNTIL] == "2026-03-01T00:00:00Z"
    assert store.recall("shopify")[LAST_SYNC_ERROR] == report.error
    # the first page (20 orders) was kept and applied all the same
    assert report.applied.added == [order.name for order in placed[:20]]
    connection.client.query = real_query
    fake_shopify.clear_faults()
    again = sync(shop.workbook, connection, store, NOW + timedelta(minutes=1), utc_now=at(SHOP_NOW))
    assert again.ok and again.since == "2026-03-01T00:00:00Z"
    assert (again.pulled, again.new) == (25, 5)
    assert len(shop.workbook.table(ORDERS)) == 25


def test_each_page_pulled_is_kept_in_one_go_and_only_versions_not_yet_kept_count(
    fake_shopify, connection, store
):
    placed = [fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])[0] for _ in range(ORDERS_PER_PAGE + 5)]
    pages = list(connection.pull_since("2026-01-01T00:00:00Z"))
    assert [len(page) for page in pages] == [ORDERS_PER_PAGE, 5]
    inbox = Inbox(store)
    assert inbox.receive_all(pages[0], now=NOW) == ORDERS_PER_PAGE
    # the next sync's overlap pulls the same versions again, and one order changed since
    fake_shopify.shop.pay(placed[0].name)
    again = [delivery for page in connection.pull_since("2026-01-01T00:00:00Z") for delivery in page]
    assert len(again) == ORDERS_PER_PAGE + 5
    assert inbox.receive_all(again, now=NOW) == 5 + 1
    assert inbox.receive_all([], now=NOW) == 0
    assert len(inbox.entries("shopify")) == ORDERS_PER_PAGE + 6
    assert inbox.receive(again[1], now=NOW) is False


def test_the_payment_check_confirms_a_payment_whose_webhooks_were_lost(shop, fake_shopify, connection, store):
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 2, "30.00")])
    deliver(fake_shopify, connection, store, *hooks)
    sync(shop.workbook, connection, store, NOW, utc_now=at(SHOP_NOW))
    order = shop_orders(shop.workbook)[placed.name]
    confirm_order(shop.workbook, order.order_id, by=STAFF, location_id=shop.location)
    fake_shopify.shop.pay(placed.name)  # its webhooks never arrive
    store.remember("shopify", **{SYNCED_UNTIL: "2030-01-01T00:00:00Z"})  # nor does the reconcile see it
    report = sync(shop.workbook, connection, store, NOW + timedelta(minutes=15), utc_now=at(SHOP_NOW))
    assert (report.pulled, report.unpaid_checked) == (0, 1)
    order = shop_orders(shop.workbook)[placed.name]
    assert (order.status, order.payment_status) == ("paid", "paid")
    assert "OrdersById" in fake_shopify.graphql.operations


def test_an_order_the_connection_never_saw_is_found_by_its_name(shop, fake_shopify, connection, store):
    placed, _lost = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    store.remember("shopify", **{SYNCED_UNTIL: "2030-01-01T00:00:00Z"})
    sync(shop.workbook, connection, store, NOW, utc_now=at(SHOP_NOW))
    assert shop_orders(shop.workbook) == {}
    # the same order, imported by hand from an export, then paid in the shop
    from processes.orders import import_orders
    from tests.shopify_export import export

    export_line = {
        "Name": placed.name,
        "Email": placed.email,
        "Financial Status": "pending",
        "Created at": "2026-03-02 04:00:01 -0500",
        "Lineitem quantity": 1,
        "Lineitem price": "30.00",
        "Lineitem sku": "KIT-001",
        "Shipping Name": "Olivia Hart",
        "Shipping Address1": "12 Maple Street",
        "Shipping City": "Riverton",
        "Shipping Zip": "12345",
        "Shipping Country": "DE",
    }
    assert import_orders(shop.workbook, export([export_line]), by=STAFF).created == [placed.name]
    fake_shopify.shop.pay(placed.name)
    report = sync(shop.workbook, connection, store, NOW, utc_now=at(SHOP_NOW))
    assert report.unpaid_checked == 1 and "OrdersNamed" in fake_shopify.graphql.operations
    assert shop_orders(shop.workbook)[placed.name].payment_status == "paid"


def test_the_unpaid_alert_says_what_the_shop_reports(local, fake_shopify, connection, store):
    workbook = local.workbook
    stock_the_catalogue(workbook)
    placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    fake_shopify.shop.authorize(placed.name)
    deliver(fake_shopify, connection, store, *hooks)
    channels.use(store, connection)
    try:
        sync(workbook, connection, store, NOW, utc_now=at(SHOP_NOW))
        order = shop_orders(workbook)[placed.name]
        assert order.payment_status == "pending"  # authorized is not paid
        run_cycle(workbook, now=order.created_at + timedelta(hours=49))
    finally:
        channels.use(None)
    (unpaid,) = [row for row in workbook.table(ALERTS).records() if row.kind == "order.unpaid"]
    assert unpaid.message.endswith("; the shop reports: authorized (the money is held, not yet captured)"), (
        unpaid.message
    )


def test_the_command_line_syncs_by_hand(tmp_path, monkeypatch, fake_shopify, capsys):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    for name, value in {
        "FLOWSHEET_BACKEND": "local",
        "FLOWSHEET_DATA_DIR": str(data),
        "FLOWSHEET_SHOPIFY_SHOP": SHOP_DOMAIN,
        "FLOWSHEET_SHOPIFY_TOKEN": TOKEN,
        "FLOWSHEET_SHOPIFY_WEBHOOK_SECRET": SECRET,
        "FLOWSHEET_SHOPIFY_API_URL": fake_shopify.url,
    }.items():
        monkeypatch.setenv(name, value)
    workbook = Workbook(LocalBackend(data))
    workbook.init()
    stock_the_catalogue(workbook)
    placed, _lost = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    try:
        assert flowsheet.main(["channels", "sync", "shopify", "--since", "2026-03-01"]) == 0
        printed = capsys.readouterr().out
        assert "shopify: 1 order(s) changed since 2026-" in printed and "1 order(s) added" in printed
        assert shop_orders(workbook)[placed.name].channel == "shopify"
        # the web app (or `jobs`) holds the runner's lock: it is asked to sync instead
        holder = RunnerLock(data)
        assert holder.acquire()
        assert flowsheet.main(["channels", "sync", "shopify"]) == 0
        assert "it was asked to sync now" in capsys.readouterr().out
        holder.release()
        assert flowsheet.main(["channels", "sync", "shopify", "--since", "yesterday"]) == 2
        assert "is not a date" in capsys.readouterr().err
    finally:
        channels.use(None)
        workbook.backend.close()
    monkeypatch.delenv("FLOWSHEET_SHOPIFY_SHOP")
    monkeypatch.delenv("FLOWSHEET_SHOPIFY_TOKEN")
    monkeypatch.delenv("FLOWSHEET_SHOPIFY_WEBHOOK_SECRET")
    monkeypatch.delenv("FLOWSHEET_SHOPIFY_API_URL")
    assert flowsheet.main(["channels", "sync", "shopify"]) == 2
    assert "shopify is not connected" in capsys.readouterr().out
