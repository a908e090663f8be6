"""The entry point: no FLOWSHEET_SHOPIFY_* set, no connection at all; set, the runner gets the shop's jobs."""

from __future__ import annotations

import pytest

import app as flowsheet
from config import Config
from processes import channels, settings
from processes.permissions import Actor
from sheets.errors import SetupError
from tests.fake_shopify import SECRET, SHOP_DOMAIN, TOKEN

SHOPIFY = (
    "FLOWSHEET_SHOPIFY_SHOP",
    "FLOWSHEET_SHOPIFY_TOKEN",
    "FLOWSHEET_SHOPIFY_WEBHOOK_SECRET",
    "FLOWSHEET_SHOPIFY_API_URL",
)


@pytest.fixture
def config(tmp_path, monkeypatch):
    for name in SHOPIFY:
        monkeypatch.delenv(name, raising=False)
    yield Config(data_dir=tmp_path / "data")
    channels.use(None)


def test_without_the_settings_there_is_no_connection_and_no_file(local, config):
    assert flowsheet.open_channels(local.workbook, config) is None
    assert channels.connections() == () and channels.store() is None
    assert not (config.data_dir / "channels.sqlite3").exists()


def test_with_them_the_shop_is_connected_and_syncs_as_often_as_settings_say(local, config, monkeypatch):
    for name, value in zip(SHOPIFY, (SHOP_DOMAIN, TOKEN, SECRET, "http://127.0.0.1:9"), strict=True):
        monkeypatch.setenv(name, value)
    settings.update_setting(local.workbook, "shop_sync_minutes", "30", by=Actor("mia", "manager"))
    jobs = flowsheet.open_channels(local.workbook, config)
    assert jobs is not None and jobs.sync_seconds == 30 * 60
    (connection,) = channels.connections()
    assert (connection.channel, connection.shop, connection.accepts_webhooks) == (
        "shopify",
        SHOP_DOMAIN,
        True,
    )
    assert (config.data_dir / "channels.sqlite3").exists()


def test_half_a_configuration_stops_the_app_with_one_sentence(local, config, monkeypatch):
    monkeypatch.setenv("FLOWSHEET_SHOPIFY_SHOP", SHOP_DOMAIN)
    with pytest.raises(SetupError, match="Shopify settings: FLOWSHEET_SHOPIFY_TOKEN is not set"):
        flowsheet.open_channels(local.workbook, config)
