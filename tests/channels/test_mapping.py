"""One mapping: a Shopify order by webhook, by the API or in an export file comes out the same order."""

from __future__ import annotations

import json

import pytest

from processes.channels.applying import apply_inbox
from processes.channels.errors import Refused, Unreadable
from processes.channels.inbox import Inbox
from processes.channels.shopify import signature
from processes.channels.shopify.orders import OrderPointer, from_graphql, from_rest, read_webhook
from processes.channels.shopify.settings import ShopifySettings
from processes.channels.shopify.webhooks import delivery
from processes.orders import import_orders
from processes.orders.csv_input import read_export_rows
from sheets.tabs import ORDER_LINES, ORDERS
from tests.channels.conftest import STAFF
from tests.fake_shopify import SECRET, SHOP_DOMAIN
from tests.fake_shopify.graphql import order_node
from tests.fake_shopify.shop import FakeShop, rest_payload
from tests.shopify_export import export

#: The fields of an order the import writes, compared between the two ways in.
FIELDS = (
    "channel",
    "external_ref",
    "customer_name",
    "customer_email",
    "ship_address",
    "created_at",
    "status",
    "payment_status",
    "total",
    "subtotal",
    "shipping",
    "tax",
    "currency",
)


def read(rows) -> tuple:
    """What the import takes from export rows: the order's fields (times as moments), amounts and lines."""
    (incoming,), problems, _count = read_export_rows(rows)
    times = {name: incoming.when(name) for name in ("created_at", "paid_at", "cancelled_at")}
    texts = {name: value for name, value in incoming.fields.items() if name not in times}
    lines = [(line.sku, line.qty, line.unit_price) for line in incoming.lines]
    return texts, times, incoming.amounts, lines, problems


def test_hmac_is_base64_of_hmac_sha256_of_the_raw_body():
    # the example of RFC 4231 (test case 2), in base64 as Shopify sends it
    assert (
        signature("Jefe", b"what do ya want for nothing?") == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
    )


def test_a_webhook_is_proved_named_and_taken_only_for_the_topics_flowsheet_reads():
    body = b'{"id": 1}'
    headers = {
        "x-shopify-hmac-sha256": signature(SECRET, body),  # any case, as HTTP headers are
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Webhook-Id": "w-1",
        "X-Shopify-Shop-Domain": SHOP_DOMAIN,
    }
    made = delivery(SECRET, SHOP_DOMAIN, headers, body)
    assert (made.channel, made.delivery, made.topic, made.body) == ("shopify", "w-1", "orders/paid", body)
    assert delivery(SECRET, SHOP_DOMAIN, {**headers, "X-Shopify-Topic": "products/create"}, body) is None
    with pytest.raises(Refused, match="no X-Shopify-Webhook-Id"):
        delivery(
            SECRET, SHOP_DOMAIN, {key: v for key, v in headers.items() if key != "X-Shopify-Webhook-Id"}, body
        )
    with pytest.raises(Refused, match="signature"):
        delivery(SECRET, SHOP_DOMAIN, headers, body + b" ")


def test_the_webhook_payload_and_the_api_node_read_as_the_same_export_rows():
    shop = FakeShop()
    order, _hooks = shop.place_order([("KIT-001", 2, "30.00"), ("MUG-003", 1, "8.00")], paid=True)
    by_webhook = from_rest(rest_payload(order))
    by_api = from_graphql(order_node(order, 30))
    assert read(by_webhook.rows) == read(by_api.rows)  # the webhook writes -05:00, the API Z: the same times
    assert by_webhook.report == by_api.report
    assert by_webhook.report.shop_updated_at == "2026-03-02T09:00:01Z"  # -05:00 and Z, both in UTC
    (incoming,), problems, count = read_export_rows(by_webhook.rows)
    assert (problems, count) == ([], 2)
    assert (incoming.ref, incoming.payment_status(), incoming.amounts["total"]) == (order.name, "paid", 72.9)
    assert [(line.sku, line.qty, line.unit_price) for line in incoming.lines] == [
        ("KIT-001", 2, 30.0),
        ("MUG-003", 1, 8.0),
    ]


def test_bodies_that_are_no_order_say_why():
    with pytest.raises(Unreadable, match="not JSON"):
        read_webhook("orders/create", b"<html>")
    with pytest.raises(Unreadable, match="not a JSON object"):
        read_webhook("orders/create", b"[1, 2]")
    with pytest.raises(Unreadable, match="no name"):
        read_webhook("orders/create", b'{"id": 1}')
    with pytest.raises(Unreadable, match="names no order"):
        read_webhook("refunds/create", b'{"id": 1}')
    assert read_webhook("refunds/create", b'{"id": 9, "order_id": 42}') == OrderPointer(
        "gid://shopify/Order/42"
    )
    with pytest.raises(Unreadable, match="not a date"):
        read_webhook("orders/create", json.dumps({"name": "#1", "created_at": "yesterday"}).encode())


def test_an_order_without_line_items_or_skus_is_refused_with_the_import_s_words(
    shop, fake_shopify, connection, store
):
    from tests.channels.test_applying import deliver

    placed, hooks = fake_shopify.shop.place_order([(None, 1, "5.00")])
    deliver(fake_shopify, connection, store, *hooks)
    apply_inbox(shop.workbook, connection, store, shop.workbook.clock())
    (waiting,) = Inbox(store).troubled("shopify")
    assert waiting.error == "no SKU for 'Item None'"
    assert len(shop.workbook.table(ORDERS)) == 0
    assert placed.name == waiting.ref


def test_an_order_by_webhook_is_the_order_its_export_imports(
    record, fake_shopify, connection, store, tmp_path
):
    """The same order once through the shop connection and once from the export, on two workbooks."""
    from tests.channels.conftest import stock_the_catalogue
    from tests.channels.test_applying import deliver

    stock_the_catalogue(record.workbook)
    placed, hooks = fake_shopify.shop.place_order(
        [("KIT-001", 2, "30.00"), ("KIT-002", 1, "12.50")], paid=True, shipping_price="4.90", tax="1.20"
    )
    deliver(fake_shopify, connection, store, *hooks)
    apply_inbox(record.workbook, connection, store, record.workbook.clock())
    by_webhook = {order.external_ref: order for order in record.workbook.table(ORDERS).records()}[placed.name]

    from sheets.backends.local import LocalBackend
    from sheets.workbook import Workbook

    other = Workbook(LocalBackend(tmp_path / "other"))
    other.init()
    stock_the_catalogue(other)
    lines = [
        {
            "Name": placed.name,
            "Email": placed.email,
            "Financial Status": "paid",
            "Paid at": "2026-03-02 04:00:01 -0500",
            "Created at": "2026-03-02 04:00:01 -0500",
            "Lineitem quantity": 2,
            "Lineitem name": "Item KIT-001",
            "Lineitem price": "30.00",
            "Lineitem sku": "KIT-001",
            "Billing Name": "Olivia Hart",
            "Shipping Name": "Olivia Hart",
            "Shipping Address1": "12 Maple Street",
            "Shipping City": "Riverton",
            "Shipping Zip": "'12345",
            "Shipping Country": "DE",
            "Currency": "EUR",
            "Total": placed.total,
        },
        {"Name": placed.name, "Lineitem quantity": 1, "Lineitem price": "12.50", "Lineitem sku": "KIT-002"},
    ]
    report = import_orders(other, export(lines), by=STAFF)
    assert report.clean, report.lines()
    by_file = next(iter(other.table(ORDERS).records()))
    # the export writes no subtotal, shipping or tax columns here: compare what both carry
    compared = [name for name in FIELDS if name not in ("subtotal", "shipping", "tax")]
    assert {name: by_webhook[name] for name in compared} == {name: by_file[name] for name in compared}
    assert (by_webhook.subtotal, by_webhook.shipping, by_webhook.tax) == (72.5, 4.9, 1.2)

    def lines_of(workbook, order):
        return sorted(
            (line.sku, line.qty, line.unit_price)
            for line in workbook.table(ORDER_LINES).records()
            if line.order_id == order.order_id
        )

    assert lines_of(record.workbook, by_webhook) == lines_of(other, by_file)
    other.backend.close()


def test_a_cancelled_at_in_an_export_cancels_the_order_as_a_shop_cancellation_does(shop):
    line = {
        "Name": "#7001",
        "Email": "ann@example.com",
        "Financial Status": "paid",
        "Created at": "2026-03-03 10:00:00 +0000",
        "Lineitem quantity": 1,
        "Lineitem price": "30.00",
        "Lineitem sku": "KIT-001",
        "Shipping Name": "Ann Lee",
        "Shipping Address1": "1 Mill Lane",
        "Shipping City": "Riverton",
        "Shipping Zip": "12345",
        "Shipping Country": "DE",
    }
    import_orders(shop.workbook, export([line]), by=STAFF)
    order = next(iter(shop.workbook.table(ORDERS).records()))
    assert order.status == "new"

    def cancelled(rows):
        import csv
        import io

        data = io.StringIO(rows.decode())
        table = list(csv.reader(data))
        table[0].append("Cancelled at")
        table[1].append("2026-03-04 09:00:00 +0000")
        out = io.StringIO()
        csv.writer(out).writerows(table)
        return out.getvalue().encode()

    report = import_orders(shop.workbook, cancelled(export([line])), by=STAFF)
    assert report.updated == ["#7001"]
    assert f"#7001 ({order.order_id}): status new → cancelled" in report.lines()
    shop.workbook.invalidate()
    assert next(iter(shop.workbook.table(ORDERS).records())).status == "cancelled"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"FLOWSHEET_SHOPIFY_TOKEN": "shpat_x"}, "FLOWSHEET_SHOPIFY_SHOP is not set"),
        ({"FLOWSHEET_SHOPIFY_SHOP": "example.myshopify.com"}, "FLOWSHEET_SHOPIFY_TOKEN is not set"),
        ({"FLOWSHEET_SHOPIFY_SHOP": "my shop", "FLOWSHEET_SHOPIFY_TOKEN": "t"}, "give the shop's domain"),
        (
            {
                "FLOWSHEET_SHOPIFY_SHOP": "a.myshopify.com",
                "FLOWSHEET_SHOPIFY_TOKEN": "t",
                "FLOWSHEET_SHOPIFY_API_URL": "x",
            },
            "FLOWSHEET_SHOPIFY_API_URL",
        ),
    ],
)
def test_half_a_configuration_is_one_sentence(env, problem):
    with pytest.raises(ValueError, match=problem):
        ShopifySettings.from_env(env)


def test_the_settings_as_people_paste_them():
    assert ShopifySettings.from_env({}) == ShopifySettings()
    assert not ShopifySettings.from_env({}).configured
    settings = ShopifySettings.from_env(
        {"FLOWSHEET_SHOPIFY_SHOP": "https://Example.myshopify.com/", "FLOWSHEET_SHOPIFY_TOKEN": " shpat_1 "}
    )
    assert (settings.shop, settings.token, settings.webhook_secret, settings.configured) == (
        "example.myshopify.com",
        "shpat_1",
        "",
        True,
    )
    assert (
        settings.graphql_url == f"https://example.myshopify.com/admin/api/{settings.api_version}/graphql.json"
    )
    assert "shpat_1" not in repr(settings)
