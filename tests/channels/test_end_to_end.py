"""The whole story, with nobody touching Flowsheet but to ship: on Google, with a flaky Google.

An order placed in the fake shop reaches the sheet by webhook (sent twice, beside a forgery); its
payment arrives out of order while Google is down, and is in the sheet once Google is back; shipping
it through Flowsheet's API fulfils it in the fake shop with the tracking number. The runner does it all
in the background, as in the app: the test only waits, with deadlines, for each state to be reached.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from jobs.channels import ChannelJobs
from jobs.outbox import SmtpSettings
from jobs.runner import JobRunner
from processes import channels, runtime
from processes.channels.inbox import Inbox
from processes.channels.sync import LAST_SYNC_AT
from processes.permissions import Actor
from sheets.tabs import ORDER_LINES, ORDERS, OUTBOX
from tests.channels.conftest import stock_the_catalogue
from tests.channels.test_worker import quiet_cycle, quiet_send
from tests.conftest import google_workbook
from tests.pages.api_caller import Caller
from tests.pages.conftest import PASSWORD
from tests.pages.waiting import eventually

WEBHOOKS = "/api/v1/channels/shopify/webhooks"
API = "/api/v1/orders"


class Clock:
    """The workbook's clock, moved on by the test: the inbox's backoff runs on it."""

    def __init__(self, start) -> None:
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def running(user, fake_google, app_accounts, store, connection, tmp_path):
    workbook = google_workbook(fake_google)
    workbook.clock = Clock(workbook.clock())
    workbook.init()
    location = stock_the_catalogue(workbook)
    runtime.use(workbook, app_accounts)
    channels.use(store, connection)
    store.remember("shopify", **{LAST_SYNC_AT: "2999-01-01 00:00:00"})  # the reconcile is not what this tests
    runner = JobRunner(
        workbook,
        quiet_cycle,
        data_dir=tmp_path / "data",
        smtp=SmtpSettings(),
        send=quiet_send,
        channels=ChannelJobs(workbook, store, [connection], sync_seconds=3600),
        channel_seconds=0.05,  # its own pace: it looks again without being woken
        cycle_seconds=3600,
        outbox_seconds=3600,
    )
    runner.start()
    yield workbook, location, fake_google
    runner.stop()
    channels.use(None)
    runtime.use(None)


def orders_in(workbook) -> dict:
    workbook.invalidate()
    return {order.external_ref: order for order in workbook.table(ORDERS).records()}


async def post(user, fake, webhook, **forge):
    headers, body = fake.signed(webhook, **forge)
    return await user.http_client.post(WEBHOOKS, content=body, headers=headers)


async def test_an_order_arrives_is_paid_and_ships_back_to_the_shop_by_itself(
    running, user, app_accounts, fake_shopify, store
):
    workbook, location, google = running
    placed, (created,) = fake_shopify.shop.place_order([("KIT-001", 2, "30.00"), ("MUG-003", 1, "8.00")])

    # a forgery first, then the shop's own delivery, twice (Google answering 503 now and then)
    google.fail_next("values.batchGet", status=503, times=2)
    assert (await post(user, fake_shopify, created, secret="guessed")).status_code == 401
    assert (await post(user, fake_shopify, created)).json() == {"received": True, "duplicate": False}
    assert (await post(user, fake_shopify, created)).json() == {"received": True, "duplicate": True}
    await eventually(lambda: placed.name in orders_in(workbook), timeout=20)
    order = orders_in(workbook)[placed.name]
    assert (order.status, order.payment_status, order.total) == ("new", "pending", 72.9)

    # the payment is captured; its webhooks come in reverse order, while Google is down
    paid, updated = fake_shopify.shop.pay(placed.name)
    google.fail_next("*", status=503, times=10_000)
    assert (await post(user, fake_shopify, updated)).status_code == 200
    assert (await post(user, fake_shopify, paid)).status_code == 200
    inbox = Inbox(store)
    await eventually(
        lambda: all(entry.attempts >= 1 for entry in inbox.entries("shopify") if entry.state == "pending"),
        timeout=20,
    )
    assert sum(entry.state == "pending" for entry in inbox.entries("shopify")) == 2  # kept, not lost
    google.clear_faults()
    workbook.clock.now += timedelta(minutes=2)  # their backoff runs out
    await eventually(lambda: orders_in(workbook)[placed.name].payment_status == "paid", timeout=20)

    # staff ship it through Flowsheet (the API, as a script or the pages would)
    app_accounts.add_user("sam", "staff", PASSWORD)
    staff = Caller(Actor("sam", "staff"), app_accounts.issue_token("sam"), user.http_client)
    order_id = order.order_id
    assert (await staff.post(f"{API}/{order_id}/confirm", {"location_id": location})).json()[
        "status"
    ] == "paid"
    picking = await staff.post(f"{API}/{order_id}/start_picking")
    assert picking.status_code == 200, picking.json()
    picked = [line.line_id for line in workbook.table(ORDER_LINES).records() if line.order_id == order_id]
    assert (await staff.post(f"{API}/{order_id}/pack", {"picked": picked})).status_code == 200
    shipped = await staff.post(f"{API}/{order_id}/ship", {"carrier": "DHL", "tracking_no": "JD0146000062"})
    assert shipped.json()["status"] == "shipped"
    await eventually(lambda: placed.fulfilled, timeout=20)

    (made,) = placed.fulfillments
    assert (made.company, made.number, made.notify_customer) == ("DHL", "JD0146000062", True)
    assert len(orders_in(workbook)) == 1 and len(workbook.table(ORDER_LINES)) == 2
    assert list(workbook.table(OUTBOX).records()) == []  # the shop told the customer, not Flowsheet as well
    assert {entry.state for entry in inbox.entries("shopify")} == {"applied"}
