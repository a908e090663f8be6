"""A cycle of the scheduled checks on both backends: idempotent, self-resolving, respectful of people's edits."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from jobs.cycle import run_cycle
from processes.demo import seed_demo
from sheets.errors import SheetError
from sheets.tabs import ALERTS, PURCHASE_REQUESTS, STOCK

NOW = datetime(2026, 3, 2, 9, 0)
LOW = "stock.low:KIT-004@"
UNPAID = "order.unpaid:"


@pytest.fixture
def shop(record):
    record.workbook.clock = lambda: NOW
    seed_demo(record.workbook, now=NOW)
    if record.fake is not None:
        record.fake.reset_counts()
    return record


def read(record, tab):
    record.workbook.invalidate()
    return record.workbook.table(tab)


def active(record) -> dict[str, list]:
    rows: dict[str, list] = {}
    for row in read(record, ALERTS).records():
        if row.status in ("open", "acknowledged"):
            rows.setdefault(row.key, []).append(row)
    return rows


def demo_key(record, prefix: str) -> str:
    """The key of the demo's own open alert starting with `prefix` (seeded before any cycle)."""
    [key] = [
        row.key
        for row in read(record, ALERTS).records()
        if row.key.startswith(prefix) and row.status == "open"
    ]
    return key


def one(record, key: str):
    rows = active(record)[key]
    assert len(rows) == 1, key
    return rows[0]


def test_the_demo_cycle_keeps_its_two_open_alerts_and_a_second_cycle_changes_nothing(shop):
    keys = [demo_key(shop, prefix) for prefix in (LOW, UNPAID)]
    before = {key: one(shop, key).alert_id for key in keys}
    if shop.fake is not None:
        shop.fake.reset_counts()
    first = run_cycle(shop.workbook, NOW)
    if shop.fake is not None:
        # The small tabs' read, then the demo's big Order Lines and Stock Moves whole (the forecast's
        # cycle), and the write: the same at any size (docs/big-shops.md).
        assert shop.fake.counts() == {"values.batchGet": 3, "batchUpdate": 1}
    # Google: the snapshot's read and the write; local: the transaction also reads (no request).
    assert first.opened > 0 and first.resolved == 0 and first.requests == (3 if shop.kind == "local" else 2)
    assert {key: one(shop, key).alert_id for key in keys} == before
    assert all(len(rows) == 1 for rows in active(shop).values())
    requests = len(read(shop, PURCHASE_REQUESTS))
    if shop.fake is not None:
        shop.fake.reset_counts()
    second = run_cycle(shop.workbook, NOW)
    assert (second.opened, second.refreshed, second.resolved, second.created, second.summary_rows) == (0,) * 5
    assert second.requests == 1
    if shop.fake is not None:  # the small tabs, and the ledger (a one-off run keeps none of it)
        assert shop.fake.counts() == {"values.batchGet": 2}
    assert len(read(shop, PURCHASE_REQUESTS)) == requests


def test_an_alert_resolves_when_a_person_fixes_the_stock_and_comes_back_as_a_new_row(shop):
    key = demo_key(shop, LOW)
    run_cycle(shop.workbook, NOW)
    low = one(shop, key)
    row = next(
        r for r in read(shop, STOCK).records() if f"{LOW}{r.location_id}" == low.key and r.sku == "KIT-004"
    )
    shop.person.set_cell(STOCK.name, row.row_number, "on_hand", (row.on_hand or 0) + 100)
    later = NOW + timedelta(minutes=5)
    report = run_cycle(shop.workbook, later)
    assert report.resolved >= 1
    resolved = read(shop, ALERTS).get(low.alert_id)
    assert (resolved.status, resolved.resolved_at) == ("resolved", later)
    assert low.key not in active(shop)
    assert "data.ledger:KIT-004@" + row.location_id in active(shop)  # the typed-over balance is reported

    shop.person.set_cell(STOCK.name, row.row_number, "on_hand", row.on_hand)
    run_cycle(shop.workbook, later + timedelta(minutes=5))
    again = one(shop, key)
    assert again.alert_id != low.alert_id and again.first_seen == later + timedelta(minutes=5)
    assert read(shop, ALERTS).get(low.alert_id).status == "resolved"


def test_an_alert_acknowledged_in_the_sheet_stays_acknowledged(shop):
    key = demo_key(shop, UNPAID)
    run_cycle(shop.workbook, NOW)
    unpaid = one(shop, key)
    shop.person.set_cell(ALERTS.name, unpaid.row_number, "status", "Acknowledged")
    report = run_cycle(shop.workbook, NOW + timedelta(minutes=5))
    assert (report.opened, report.resolved) == (0, 0)
    assert one(shop, key).status == "acknowledged"
    assert one(shop, key).alert_id == unpaid.alert_id


def test_two_active_rows_for_one_key_are_made_one(shop):
    key = demo_key(shop, UNPAID)
    run_cycle(shop.workbook, NOW)
    unpaid = one(shop, key)
    values = [unpaid[name] for name in ALERTS.column_names]
    values[0] = "ALR-COPY"
    shop.person.append_row(
        ALERTS.name, [v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in values]
    )
    run_cycle(shop.workbook, NOW + timedelta(minutes=5))
    assert one(shop, key).alert_id == unpaid.alert_id


def test_google_requests_do_not_grow_with_the_alerts(google):
    google.workbook.clock = lambda: NOW
    seed_demo(google.workbook, now=NOW)
    google.fake.reset_counts()
    run_cycle(google.workbook, NOW + timedelta(days=30))  # many more conditions hold a month later
    assert google.fake.counts() == {"values.batchGet": 3, "batchUpdate": 1}  # as on the demo's first cycle


@pytest.mark.parametrize("fault", ["fail_next", "apply_then_fail"])
def test_a_fault_while_writing_leaves_no_partial_or_duplicated_effects(google, fault):
    google.workbook.clock = lambda: NOW
    seed_demo(google.workbook, now=NOW)
    keys = {demo_key(google, LOW), demo_key(google, UNPAID)}
    before = set(read(google, PURCHASE_REQUESTS).keys())
    getattr(google.fake, fault)("batchUpdate", status=500)
    try:
        run_cycle(google.workbook, NOW)
    except SheetError:
        assert active(google).keys() == keys  # nothing of the cycle landed
    keys = Counter(row.key for row in read(google, ALERTS).records() if row.status != "resolved")
    assert all(count == 1 for count in keys.values())
    run_cycle(google.workbook, NOW)
    created = [row for row in read(google, PURCHASE_REQUESTS).records() if row.id not in before]
    google.fake.reset_counts()
    again = run_cycle(google.workbook, NOW)
    assert google.fake.count("batchUpdate") == 0 and again.created == 0
    needs = [(row.sku, row.location_id) for row in created]
    assert needs and len(needs) == len(set(needs))  # each row short of stock asked for once
    assert all(len(rows) == 1 for rows in active(google).values())


def test_alerts_are_written_in_the_sheet_language_and_rewritten_once_when_it_changes(shop):
    from processes.permissions import Actor
    from processes.settings import update_setting

    key = demo_key(shop, UNPAID)
    run_cycle(shop.workbook, now=NOW)
    unpaid = one(shop, key)
    assert unpaid.message.startswith("Order ")

    update_setting(shop.workbook, "sheet_language", "zh", by=Actor("mia", "manager"))
    run_cycle(shop.workbook, now=NOW)
    unpaid = one(shop, unpaid.key)
    assert "未付款" in unpaid.message and unpaid.status == "open"
    assert len(active(shop)[unpaid.key]) == 1  # refreshed in place, not opened again
