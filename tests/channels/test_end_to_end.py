"""The whole story, with nobody touching Flowsheet but to ship, on the local workbook and on a flaky Google.

An order placed in the fake shop reaches the sheet by webhook (sent twice, beside forgeries); its
payment arrives out of order, on Google while Google is down, and is in the sheet once Google is back;
shipping it through Flowsheet's API fulfils it in the fake shop with the tracking number, after the
shop itself failed the first try. Other orders arrive paid before created, or updated after they were
cancelled, or lose their payment's webhook to a forger: each ends as one order in the shop's state,
the last by the scheduled payment check. The runner does it all in the background, as in the app: the
test only waits, with deadlines, for each state to be reached.

On Google (real gspread against tests/fake_sheets) the reads fail now and then, and a write lands
but its answer is lost; the local workbook runs the same story without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from jobs.channels import ChannelJobs
from jobs.outbox import SmtpSettings
from jobs.runner import JobRunner
from processes import channels, runtime
from processes.channels import refusals
from processes.channels.fulfilments import FulfilmentQueue
from processes.channels.inbox import Inbox
from processes.channels.store import stamp
from processes.channels.sync import LAST_SYNC_AT, SYNCED_UNTIL
from processes.permissions import Actor
from sheets.backends.local import LocalBackend
from sheets.tabs import ORDER_LINES, ORDERS, OUTBOX
from sheets.workbook import Workbook
from tests.channels.conftest import stock_the_catalogue
from tests.channels.test_worker import quiet_cycle, quiet_send
from tests.conftest import google_workbook
from tests.pages.api_caller import Caller
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually

WEBHOOKS = "/api/v1/channels/shopify/webhooks"
API = "/api/v1/orders"
SYNC_SECONDS = 3600
#: How long the test waits for the background runner to reach a state (it returns as soon as it does).
DEADLINE = 20


class Clock:
    """The workbook's clock, moved on by the test: the inbox's backoff and the sync's schedule run on it."""

    def __init__(self, start) -> None:
        self.now = start

    def __call__(self):
        return self.now


@dataclass
class Story:
    """The running app's record, and Google's moods on the Google path (none on the local workbook)."""

    workbook: Workbook
    location: str
    google: Any  # the FakeSheets, or None on the local workbook

    def flaky(self, times: int = 2) -> None:
        """The next reads answer 503 (the client tries again)."""
        if self.google is not None:
            self.google.fail_next("values.batchGet", status=503, times=times)

    def write_lands_but_its_answer_is_lost(self) -> None:
        if self.google is not None:
            self.google.apply_then_fail("batchUpdate", status=500)

    def down(self) -> None:
        if self.google is not None:
            self.google.fail_next("*", status=503, times=10_000)

    def up(self) -> None:
        if self.google is not None:
            self.google.clear_faults()

    def later(self, **delta: float) -> None:
        self.workbook.clock.now += timedelta(**delta)

    def orders(self) -> dict:
        self.workbook.invalidate()
        return {order.external_ref: order for order in self.workbook.table(ORDERS).records()}


@pytest.fixture(params=["local", "google"])
def story(request, user, app_accounts, store, connection, tmp_path):
    google = request.getfixturevalue("fake_google") if request.param == "google" else None
    workbook = google_workbook(google) if google else Workbook(LocalBackend(tmp_path / "data"))
    workbook.clock = Clock(workbook.clock())
    workbook.init()
    location = stock_the_catalogue(workbook)
    runtime.use(workbook, app_accounts)
    channels.use(store, connection)
    refusals.forget()
    # synced just now, and its window is past: the first scheduled sync is an hour away, and what it
    # finds is what the payment check asks about (the reconcile is tests/channels/test_sync.py's)
    store.remember("shopify", **{LAST_SYNC_AT: stamp(workbook.clock()), SYNCED_UNTIL: "2999-01-01T00:00:00Z"})
    runner = JobRunner(
        workbook,
        quiet_cycle,
        data_dir=tmp_path / "data",
        smtp=SmtpSettings(),
        send=quiet_send,
        channels=ChannelJobs(workbook, store, [connection], sync_seconds=SYNC_SECONDS),
        channel_seconds=0.05,  # its own pace: it looks again without being woken
        cycle_seconds=3600,
        outbox_seconds=3600,
    )
    runner.start()
    yield Story(workbook, location, google)
    runner.stop()
    refusals.forget()
    channels.use(None)
    runtime.use(None)
    workbook.backend.close()


async def post(user, fake, webhook, **forge):
    headers, body = fake.signed(webhook, **forge)
    return await user.http_client.post(WEBHOOKS, content=body, headers=headers)


async def post_forgeries(user, fake, webhook) -> None:
    """A guessed secret, a body changed after signing, no signature at all: 401 each."""
    headers, body = fake.signed(webhook)
    unsigned = {key: value for key, value in headers.items() if key != "X-Shopify-Hmac-Sha256"}
    answers = [
        await post(user, fake, webhook, secret="guessed"),
        await user.http_client.post(WEBHOOKS, content=body.replace(b"Olivia", b"Mallory"), headers=headers),
        await user.http_client.post(WEBHOOKS, content=body, headers=unsigned),
    ]
    assert [answer.status_code for answer in answers] == [401, 401, 401]


def settled(inbox: Inbox, count: int) -> bool:
    entries = inbox.entries("shopify")
    return len(entries) == count and all(entry.state == "applied" for entry in entries)


async def test_an_order_arrives_is_paid_and_ships_back_to_the_shop_by_itself(
    story, user, app_accounts, fake_shopify, store
):
    inbox = Inbox(store)
    placed, (created,) = fake_shopify.shop.place_order([("KIT-001", 2, "30.00"), ("MUG-003", 1, "8.00")])

    # forgeries first: refused, and nothing kept
    await post_forgeries(user, fake_shopify, created)
    assert inbox.entries("shopify") == []
    # then the shop's own delivery, twice; Google fails reads, and the order's write lands unanswered
    story.flaky()
    story.write_lands_but_its_answer_is_lost()
    assert (await post(user, fake_shopify, created)).json() == {"received": True, "duplicate": False}
    assert (await post(user, fake_shopify, created)).json() == {"received": True, "duplicate": True}
    await eventually(lambda: settled(inbox, 1), timeout=DEADLINE)
    order = story.orders()[placed.name]
    assert (order.status, order.payment_status, order.total) == ("new", "pending", 72.9)

    # the payment is captured; its webhooks come in reverse order, on Google while Google is down
    paid, updated = fake_shopify.shop.pay(placed.name)
    story.down()
    assert (await post(user, fake_shopify, updated)).status_code == 200
    assert (await post(user, fake_shopify, paid)).status_code == 200
    if story.google is not None:
        await eventually(
            lambda: all(
                entry.attempts >= 1 for entry in inbox.entries("shopify") if entry.state == "pending"
            ),
            timeout=DEADLINE,
        )
        kept = sorted(entry.topic for entry in inbox.entries("shopify") if entry.state == "pending")
        assert kept == ["orders/paid", "orders/updated"]  # kept, not lost
        story.up()
        story.later(minutes=2)  # their backoff runs out
    await eventually(lambda: story.orders()[placed.name].payment_status == "paid", timeout=DEADLINE)

    # staff ship it through Flowsheet (the API, as a script or the pages would); the shop fails at first
    app_accounts.add_user("sam", "staff", PASSWORD)
    staff = Caller(Actor("sam", "staff"), app_accounts.issue_token("sam"), user.http_client)
    order_id = order.order_id
    story.flaky()
    confirmed = await staff.post(f"{API}/{order_id}/confirm", {"location_id": story.location})
    assert confirmed.json()["status"] == "paid"
    assert (await staff.post(f"{API}/{order_id}/start_picking")).status_code == 200
    story.workbook.invalidate()
    picked = [
        line.line_id for line in story.workbook.table(ORDER_LINES).records() if line.order_id == order_id
    ]
    assert (await staff.post(f"{API}/{order_id}/pack", {"picked": picked})).status_code == 200
    fake_shopify.fail_next(503, times=10_000)
    shipped = await staff.post(f"{API}/{order_id}/ship", {"carrier": "DHL", "tracking_no": "JD0146000062"})
    assert shipped.json()["status"] == "shipped"
    queue = FulfilmentQueue(store)
    await eventually(lambda: bool(getattr(queue.of("shopify", order_id), "error", "")), timeout=DEADLINE)
    assert placed.fulfillments == [] and queue.of("shopify", order_id).state == "pending"  # kept, not lost
    fake_shopify.clear_faults()
    story.later(minutes=1)  # its backoff runs out
    await eventually(lambda: placed.fulfilled, timeout=DEADLINE)

    (made,) = placed.fulfillments
    assert (made.company, made.number, made.notify_customer) == ("DHL", "JD0146000062", True)
    await eventually(lambda: queue.of("shopify", order_id).state == "done", timeout=DEADLINE)
    orders = story.orders()
    assert list(orders) == [placed.name] and orders[placed.name].status == "shipped"
    assert len(story.workbook.table(ORDER_LINES)) == 2
    assert list(story.workbook.table(OUTBOX).records()) == []  # the shop told the customer, not Flowsheet
    assert {entry.state for entry in inbox.entries("shopify")} == {"applied"}


async def test_reordered_duplicated_and_forged_deliveries_end_in_one_order_each_in_the_shop_s_state(
    story, user, app_accounts, fake_shopify, store
):
    inbox = Inbox(store)
    shop = fake_shopify.shop
    # paid at checkout: its payment is delivered before its creation, and the creation twice
    early, (early_created, early_paid) = shop.place_order([("KIT-002", 1, "12.50")], paid=True)
    # cancelled in the shop: the cancellation is delivered before an older update
    gone, (gone_created,) = shop.place_order([("MUG-003", 2, "8.00")])
    stale_update = shop.authorize(gone.name)
    gone_cancelled, _update = shop.cancel(gone.name)
    # paid later: that payment's webhooks never arrive, only a forger's copy of one
    late, (late_created,) = shop.place_order([("KIT-001", 1, "30.00")])
    late_paid, _late_updated = shop.pay(late.name)

    story.flaky()
    story.write_lands_but_its_answer_is_lost()
    for hook in (early_paid, gone_created, early_created, late_created, gone_cancelled, *stale_update):
        assert (await post(user, fake_shopify, hook)).status_code == 200
    assert (await post(user, fake_shopify, early_created)).json()["duplicate"] is True
    assert (await post(user, fake_shopify, late_paid, secret="guessed")).status_code == 401
    await eventually(lambda: settled(inbox, 6), timeout=DEADLINE)

    orders = story.orders()
    assert sorted(orders) == sorted([early.name, gone.name, late.name])
    states = {ref: (order.status, order.payment_status) for ref, order in orders.items()}
    assert states == {
        early.name: ("new", "paid"),
        gone.name: ("cancelled", "voided"),
        late.name: ("new", "pending"),
    }

    # an hour on, the scheduled sync asks the shop about the unpaid order: it is paid there
    story.flaky()
    story.later(seconds=SYNC_SECONDS + 60)
    await eventually(lambda: story.orders()[late.name].payment_status == "paid", timeout=DEADLINE)
    assert "OrdersById" in fake_shopify.graphql.operations
    assert len(story.orders()) == 3 and len(story.workbook.table(ORDER_LINES)) == 3

    # and a manager sees it all on the Channels page
    app_accounts.add_user("mia", "manager", PASSWORD)
    await log_in(user, "mia")
    await user.should_see("mia (manager)")
    await user.open("/channels")
    await user.should_see(marker="backlog")
    texts = {
        marker: [element.text for element in user.find(marker=marker).elements][0]
        for marker in ("last-webhook", "last-sync", "backlog", "refused")
    }
    assert texts["last-webhook"].startswith("Last webhook: orders/")
    assert (
        texts["last-sync"].startswith("Last sync: ")
        and "unpaid orders checked: 1; deliveries applied: 1" in texts["last-sync"]
    )
    assert texts["backlog"] == "Inbox: 0 waiting to go into the sheet, 0 of them with a problem"
    assert texts["refused"].startswith("1 webhook refused since the app started")
