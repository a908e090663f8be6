"""Figures for the shop connection: `python -m bench.channels [ORDERS]`.

Against the fake Shopify of tests/fake_shopify (on a local port) and both
backends (Google answered by the in-process fake of tests/fake_sheets):

- answering a webhook: POSTed to the route itself (api/webhooks.py, in-process
  over ASGI, no network), which proves its signature and writes it to the inbox
  before it answers;
- applying ORDERS orders' webhooks (default 500: a create each, and a paid for
  half of them) in as many rounds as it takes (ROUND_LIMIT a round), with the
  requests they cost on Google;
- a reconcile pulling ORDERS orders through the Admin GraphQL API, pages and
  requests counted (the fake's budget never runs dry here).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.webhooks import receive  # noqa: E402
from processes import channels, master_data, runtime  # noqa: E402
from processes.channels.applying import apply_inbox  # noqa: E402
from processes.channels.shopify import ShopifyConnection, ShopifySettings  # noqa: E402
from processes.channels.shopify.client import ShopifyClient  # noqa: E402
from processes.channels.store import ChannelStore  # noqa: E402
from processes.channels.sync import sync  # noqa: E402
from processes.permissions import Actor  # noqa: E402
from sheets.workbook import Workbook  # noqa: E402
from tests.fake_shopify import SECRET, SHOP_DOMAIN, TOKEN, FakeShopify  # noqa: E402

ACTOR = Actor("bench", "staff")
NOW = datetime(2026, 3, 2, 12, 0, 0)
SKUS = tuple(f"SKU-{number:03d}" for number in range(20))


def workbook_on(kind: str, folder: Path) -> tuple[Workbook, object]:
    if kind == "local":
        from sheets.backends.local import LocalBackend

        workbook = Workbook(LocalBackend(folder / "local"))
        workbook.init()
        return workbook, None
    from tests.conftest import google_workbook
    from tests.fake_sheets import FakeSheets, make_service_account_file

    fake = FakeSheets()
    fake.create_spreadsheet(spreadsheet_id="1FlowsheetTestSpreadsheet0000000000000000000", sheets=["Sheet1"])
    fake.key_file = folder / "key.json"
    make_service_account_file(fake.key_file)
    workbook = google_workbook(fake)
    workbook.init()
    return workbook, fake


async def answer_times(signed: list[tuple[dict[str, str], bytes]]) -> list[float]:
    """Each webhook POSTed to the route as Shopify would; the seconds until each answer (all must be 200)."""
    import httpx
    from fastapi import FastAPI

    api = FastAPI()
    api.add_api_route("/api/v1/channels/{channel}/webhooks", receive, methods=["POST"])
    times = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://bench") as client:
        for headers, body in signed:
            started = time.perf_counter()
            answer = await client.post("/api/v1/channels/shopify/webhooks", content=body, headers=headers)
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200 and answer.json()["duplicate"] is False, answer.text
    return times


def main(orders: int) -> None:
    shop = FakeShopify().start()
    try:
        settings = ShopifySettings(shop=SHOP_DOMAIN, token=TOKEN, webhook_secret=SECRET, api_url=shop.url)
        connection = ShopifyConnection(
            settings, ShopifyClient(settings, sleep=shop.advance, clock=shop.clock)
        )
        hooks = []
        for number in range(orders):
            placed, made = shop.shop.place_order(
                [(SKUS[(number + line) % len(SKUS)], 1 + line, "9.50") for line in range(1 + number % 3)]
            )
            hooks += made + (shop.shop.pay(placed.name)[:1] if number % 2 else [])
        signed = [shop.signed(hook) for hook in hooks]
        for kind in ("local", "google"):
            with tempfile.TemporaryDirectory() as folder:
                workbook, fake = workbook_on(kind, Path(folder))
                for sku in SKUS:
                    master_data.add_record(
                        workbook, master_data.PRODUCT, {"sku": sku, "name": sku, "price": 9.5}, by=ACTOR
                    )
                store = ChannelStore(Path(folder) / "data")
                channels.use(store, connection)
                runtime.use(workbook)  # the route keeps by the workbook's clock, as in the app
                kept = asyncio.run(answer_times(signed))
                channels.use(None)
                runtime.use(None)
                if fake is not None:
                    fake.reset_counts()
                workbook.invalidate()
                started = time.perf_counter()
                rounds = []
                while not rounds or rounds[-1].due:  # a round takes at most ROUND_LIMIT deliveries
                    rounds.append(apply_inbox(workbook, connection, store, workbook.clock()))
                    assert not rounds[-1].error and not rounds[-1].problems, rounds[-1]
                seconds = time.perf_counter() - started
                due, added = sum(one.due for one in rounds), sum(len(one.added) for one in rounds)
                requests = (
                    f"batchGet {fake.count('values.batchGet')}, batchUpdate {fake.count('batchUpdate')}"
                    if fake
                    else "-"
                )
                print(
                    f"{kind:7} answer a webhook: median {statistics.median(kept) * 1000:.1f} ms, "
                    f"max {max(kept) * 1000:.1f} ms ({len(kept)} webhooks)"
                )
                print(
                    f"{kind:7} apply {due} deliveries ({added} orders added) in {len(rounds) - 1} round(s): "
                    f"{seconds:.2f} s, {due / seconds:.0f} a second; requests: {requests}"
                )
                workbook.backend.close()
        with tempfile.TemporaryDirectory() as folder:
            workbook, _fake = workbook_on("local", Path(folder))
            for sku in SKUS:
                master_data.add_record(
                    workbook, master_data.PRODUCT, {"sku": sku, "name": sku, "price": 9.5}, by=ACTOR
                )
            store = ChannelStore(Path(folder) / "data")
            before = shop.requests
            started = time.perf_counter()
            report = sync(workbook, connection, store, NOW, since="2026-01-01T00:00:00Z")
            seconds = time.perf_counter() - started
            print(
                f"local   reconcile of {report.pulled} orders: {seconds:.2f} s, {shop.requests - before} API requests "
                f"({shop.graphql.operations.count('OrdersUpdatedSince')} pages), {len(report.applied.added)} added"
            )
            workbook.backend.close()
    finally:
        shop.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
