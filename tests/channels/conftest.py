"""The shop connection under test: the fake Shopify on a local port, a real inbox file, a stocked catalogue."""

from __future__ import annotations

import pytest

from processes import channels, master_data
from processes.channels.shopify import ShopifyConnection, ShopifySettings
from processes.channels.shopify.client import ShopifyClient
from processes.channels.store import ChannelStore
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, post_move
from tests.fake_shopify import SECRET, SHOP_DOMAIN, TOKEN, FakeShopify

# The pages' fixtures (a workbook and logins the app serves, the simulated user logged in), for the
# webhook route and the Channels page.
from tests.pages.conftest import (  # noqa: F401
    app_accounts,
    app_workbook,
    fresh_rate_limit,
    login,
    manager,
    patient_user,
)

STAFF = Actor("sam", "staff")
#: What the fake shop sells: (sku, name, price), as the Products tab has them.
CATALOGUE = (("KIT-001", "Kettle", 30), ("KIT-002", "Pan", 12.5), ("MUG-003", "Mug", 8))


@pytest.fixture
def fake_shopify():
    fake = FakeShopify().start()
    yield fake
    fake.stop()


@pytest.fixture
def shopify_settings(fake_shopify) -> ShopifySettings:
    return ShopifySettings(shop=SHOP_DOMAIN, token=TOKEN, webhook_secret=SECRET, api_url=fake_shopify.url)


@pytest.fixture
def connection(fake_shopify, shopify_settings) -> ShopifyConnection:
    """The connection, its client sleeping in the fake's time (a throttled query waits no real second)."""
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        fake_shopify.advance(seconds)

    made = ShopifyConnection(
        shopify_settings, ShopifyClient(shopify_settings, sleep=sleep, clock=fake_shopify.clock)
    )
    made.slept = slept
    return made


@pytest.fixture
def store(tmp_path) -> ChannelStore:
    return ChannelStore(tmp_path / "data")


@pytest.fixture
def connected(store, connection):
    """The connection in use by the app (as the entry point sets it), forgotten afterwards."""
    channels.use(store, connection)
    yield connection
    channels.use(None)


def stock_the_catalogue(workbook, quantity: int = 20) -> str:
    """The catalogue's products and a warehouse holding `quantity` of each; the warehouse's ID."""
    for sku, name, price in CATALOGUE:
        master_data.add_record(
            workbook, master_data.PRODUCT, {"sku": sku, "name": name, "price": price}, by=STAFF
        )
    location = master_data.add_record(workbook, master_data.LOCATION, {"name": "Main"}, by=STAFF).location_id
    with workbook.transaction(*LEDGER_TABS, user="seed") as tx:
        for sku, _name, _price in CATALOGUE:
            post_move(tx, sku=sku, qty=quantity, reason="adjustment", to_location=location)
    return location


@pytest.fixture
def shop(record):
    """A record (both backends) with the catalogue in stock; `shop.location` is the warehouse."""
    record.location = stock_the_catalogue(record.workbook)
    return record
