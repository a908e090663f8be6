"""The connection's jobs in the runner: woken by a webhook, under the runner's lock, one look at a time."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from jobs.channels import ChannelJobs, ChannelWorker
from jobs.outbox import SmtpSettings
from jobs.runner import JobRunner, RunnerLock, run_once
from processes import channels
from processes.channels.sync import LAST_SYNC_AT, ask_for_sync
from tests.channels.test_applying import deliver, shop_orders

NOW = datetime(2026, 3, 2, 12, 0, 0)


def wait_until(condition, timeout: float = 10.0) -> None:
    """Return as soon as `condition()` holds; fail after `timeout` seconds (the background thread's pace)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.01)


def quiet_cycle(workbook, state=None):
    return "no checks in this test"


def quiet_send(workbook, smtp):
    return "no mail in this test"


def test_a_delivery_wakes_the_worker_which_applies_it(shop, fake_shopify, connection, store):
    jobs = ChannelJobs(shop.workbook, store, [connection], sync_seconds=3600)
    store.remember("shopify", **{LAST_SYNC_AT: "2999-01-01 00:00:00"})  # no sync due: rounds only
    worker = ChannelWorker(jobs, lambda: True, round_seconds=3600)  # it would wait an hour unwoken
    channels.use(store, connection)
    try:
        worker.start()
        wait_until(lambda: worker.looks >= 1)  # the first look, at once
        placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
        deliver(fake_shopify, connection, store, *hooks)
        channels.delivered()  # what the webhook route does once it has kept it
        wait_until(lambda: placed.name in shop_orders(shop.workbook))
    finally:
        worker.stop()
        channels.use(None)
    assert worker.looks == 2


def test_a_runner_without_the_lock_leaves_the_inbox_alone(shop, fake_shopify, connection, store, tmp_path):
    holder = RunnerLock(tmp_path / "data")
    assert holder.acquire()  # another process applies the inbox
    runner = JobRunner(
        shop.workbook,
        quiet_cycle,
        data_dir=tmp_path / "data",
        smtp=SmtpSettings(),
        send=quiet_send,
        channels=ChannelJobs(shop.workbook, store, [connection]),
    )
    _placed, hooks = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    deliver(fake_shopify, connection, store, *hooks)
    assert runner.channels.look_once() is False
    assert shop_orders(shop.workbook) == {}
    holder.release()
    assert runner.channels.look_once() is True
    assert len(shop_orders(shop.workbook)) == 1
    runner.release()


def test_a_sync_asked_for_is_the_next_look(shop, fake_shopify, connection, store):
    jobs = ChannelJobs(shop.workbook, store, [connection], sync_seconds=3600)
    store.remember("shopify", **{LAST_SYNC_AT: "2026-03-02 11:59:00"})
    assert jobs.sync_due(NOW) is False
    ask_for_sync(store, "shopify", NOW)
    assert jobs.sync_due(NOW) is True
    assert jobs.sync_due(NOW + timedelta(hours=1)) is True  # and every sync_seconds anyway


def test_jobs_once_syncs_the_shop_as_well(shop, fake_shopify, connection, store, tmp_path):
    placed, _lost = fake_shopify.shop.place_order([("KIT-001", 1, "30.00")])
    said: list[str] = []
    code = run_once(
        shop.workbook,
        quiet_cycle,
        data_dir=tmp_path / "data",
        smtp=SmtpSettings(),
        send=quiet_send,
        out=said.append,
        channels=ChannelJobs(shop.workbook, store, [connection]),
    )
    assert code == 0
    assert any(line.startswith("channels: shopify:") for line in said)
    # the first sync looks back a week from today; the fake shop's orders are older: a backfill brings them
    ChannelJobs(shop.workbook, store, [connection]).sync(since="2026-03-01T00:00:00Z")
    assert placed.name in shop_orders(shop.workbook)


def test_stopping_the_runner_stops_the_worker(shop, connection, store, tmp_path):
    runner = JobRunner(
        shop.workbook,
        quiet_cycle,
        data_dir=tmp_path / "data",
        smtp=SmtpSettings(),
        send=quiet_send,
        channels=ChannelJobs(shop.workbook, store, [connection]),
        cycle_seconds=3600,
        outbox_seconds=3600,
    )
    runner.start()
    wait_until(lambda: runner.channels.looks >= 1)
    assert runner.stop()
    assert not any(
        thread.name == "flowsheet-channels" and thread.is_alive() for thread in threading.enumerate()
    )
