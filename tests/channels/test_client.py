"""The Admin GraphQL client against the fake shop: paging, the cost budget, throttled answers, retries."""

from __future__ import annotations

import random

import pytest

from processes.channels.errors import ShopRefused, ShopUnavailable
from processes.channels.shopify import admin
from processes.channels.shopify.client import ATTEMPTS, ShopifyClient
from processes.channels.shopify.settings import ShopifySettings
from tests.fake_shopify import SHOP_DOMAIN


def place(fake, count: int, lines: int = 1) -> list:
    return [
        fake.shop.place_order([(f"SKU-{line}", 1, "1.00") for line in range(lines)])[0] for _ in range(count)
    ]


def test_orders_changed_since_come_page_by_page_oldest_first(fake_shopify, connection):
    placed = place(fake_shopify, admin.ORDERS_PER_PAGE * 2 + 3)
    nodes = list(admin.orders_updated_since(connection.client, "2026-01-01T00:00:00Z"))
    assert [node["name"] for node in nodes] == [order.name for order in placed]
    assert fake_shopify.graphql.operations.count("OrdersUpdatedSince") == 3
    # only what changed at or after the time asked
    later = fake_shopify.shop.pay(placed[5].name)
    since = later[0].payload["updated_at"]
    from processes.channels.shopify.orders import _utc

    assert [node["name"] for node in admin.orders_updated_since(connection.client, _utc(since))] == [
        placed[5].name
    ]


def test_an_order_with_more_lines_than_a_page_holds_comes_with_all_of_them(fake_shopify, connection):
    (big,) = place(fake_shopify, 1, lines=admin.LINES_PER_PAGE * 3 + 7)
    (node,) = admin.orders_updated_since(connection.client, "2026-01-01T00:00:00Z")
    assert len(node["lineItems"]["nodes"]) == len(big.lines)
    assert [item["sku"] for item in node["lineItems"]["nodes"]] == [line.sku for line in big.lines]
    assert fake_shopify.graphql.operations.count("OrderLineItems") == 1  # 100 a page after the first 30


def test_the_client_waits_for_the_budget_the_next_page_needs(fake_shopify, connection):
    place(fake_shopify, admin.ORDERS_PER_PAGE * 3)
    fake_shopify.graphql.bucket.restore_rate = 50.0
    fake_shopify.graphql.bucket.maximum = 1000.0
    list(admin.orders_updated_since(connection.client, "2026-01-01T00:00:00Z"))
    bucket = connection.client.bucket
    assert bucket is not None and bucket.maximum == 1000.0 and bucket.restore_rate == 50.0
    # little left, slowly restored: each answer says the next page (702 points) would not fit, so it waits
    fake_shopify.graphql.bucket.available = admin.ORDERS_PAGE_COST + 10.0
    fake_shopify.graphql.bucket.restore_rate = 2.0
    connection.slept.clear()
    assert len(list(admin.orders_updated_since(connection.client, "2026-01-01T00:00:00Z"))) == 60
    assert fake_shopify.graphql.throttled == 0  # it never asked beyond the budget
    assert len(connection.slept) == 2 and all(wait > 1 for wait in connection.slept)


def test_a_throttled_answer_waits_for_the_points_it_lacks_then_goes_again(fake_shopify, connection):
    place(fake_shopify, 3)
    fake_shopify.graphql.bucket.available = 2.0  # another app of the shop emptied the bucket
    fake_shopify.graphql.bucket.restore_rate = 50.0
    nodes = list(admin.orders_updated_since(connection.client, "2026-01-01T00:00:00Z"))
    assert len(nodes) == 3
    assert fake_shopify.graphql.throttled == 1
    # it waited (in the fake's time) for what it lacked at the restore rate: (702 - 2) / 50 = 14 s
    assert connection.slept == [pytest.approx((admin.ORDERS_PAGE_COST - 2.0) / 50.0, abs=0.2)]


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_busy_or_failing_answers_are_tried_again_with_backoff(fake_shopify, connection, status):
    place(fake_shopify, 2)
    fake_shopify.fail_next(status, times=2)
    assert len(list(admin.orders_updated_since(connection.client, "2026-01-01T00:00:00Z"))) == 2
    assert len(connection.slept) == 2
    if status == 429:  # the fake asks for 2 s, as Retry-After
        assert all(wait >= 2.0 for wait in connection.slept)


def test_a_shop_that_keeps_failing_is_one_sentence_after_a_bounded_number_of_tries(fake_shopify, connection):
    fake_shopify.fail_next(503, times=ATTEMPTS + 3)
    before = fake_shopify.requests
    with pytest.raises(ShopUnavailable, match=f"did not answer after {ATTEMPTS} tries \\(HTTP 503\\)"):
        list(admin.orders_updated_since(connection.client, "2026-01-01T00:00:00Z"))
    assert fake_shopify.requests - before == ATTEMPTS


def test_backoff_is_capped_and_jittered(fake_shopify, shopify_settings):
    delays = []
    client = ShopifyClient(shopify_settings, sleep=delays.append, rng=random.Random(4))
    for attempt in range(ATTEMPTS - 1):
        client._last = "HTTP 503"
        client._back_off(attempt, None)
    assert all(0 <= delay <= min(30, 2**attempt) for attempt, delay in enumerate(delays))
    assert len(set(delays)) == len(delays)


def test_a_wrong_token_is_refused_at_once_with_what_to_check(fake_shopify):
    settings = ShopifySettings(shop=SHOP_DOMAIN, token="shpat_wrong", api_url=fake_shopify.url)
    client = ShopifyClient(settings, sleep=lambda seconds: pytest.fail("a refused token is not retried"))
    with pytest.raises(ShopRefused, match="FLOWSHEET_SHOPIFY_TOKEN"):
        client.query(admin.ORDERS_BY_ID, {"ids": []})


def test_a_shop_that_cannot_be_reached_is_unavailable(shopify_settings):
    from dataclasses import replace

    gone = replace(shopify_settings, api_url="http://127.0.0.1:9", timeout=2)
    client = ShopifyClient(gone, sleep=lambda seconds: None)
    with pytest.raises(ShopUnavailable, match="ConnectionError"):
        client.query(admin.ORDERS_BY_ID, {"ids": []})
