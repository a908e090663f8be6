"""Each area's checks on their own interval: only a check that ran may open, refresh or resolve its alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jobs.checks import AREA_NAMES, area_of_key, due_areas, run_checks
from jobs.cycle import CycleState, run_cycle
from jobs.effects import OpenAlert
from jobs.snapshot import snapshot_of, take_snapshot
from processes.demo import seed_demo
from sheets.reading import read_table
from sheets.settings import BY_KEY
from sheets.tabs import ALERTS, ORDERS, SETTINGS, STOCK, SUMMARY

NOW = datetime(2026, 3, 2, 9, 0)


def settings(**values) -> dict:
    rows = [["key", "value"], *([key, value] for key, value in values.items())]
    return {SETTINGS.name: read_table(SETTINGS, rows)}


def test_every_area_has_an_interval_setting_that_defaults_to_every_cycle():
    for area in AREA_NAMES:
        setting = BY_KEY[f"check_{area}_minutes"]
        assert (setting.default, setting.unit) == (0, "minutes")
    snapshot = snapshot_of({}, NOW)
    assert due_areas(snapshot, dict.fromkeys(AREA_NAMES, NOW - timedelta(minutes=5))) == AREA_NAMES


def test_an_area_is_due_once_its_interval_has_passed_with_half_a_cycle_of_slack():
    snapshot = snapshot_of(settings(check_orders_minutes="60", jobs_cycle_minutes="5"), NOW)
    ran = dict.fromkeys(AREA_NAMES, NOW - timedelta(minutes=55))
    assert "orders" not in due_areas(snapshot, ran)
    ran["orders"] = NOW - timedelta(minutes=58)  # the cycle came a little early: still due
    assert "orders" in due_areas(snapshot, ran)
    assert "orders" in due_areas(snapshot, {})  # never ran in this runner: due


def test_every_alert_kind_a_check_raises_belongs_to_that_checks_area(local):
    """The mapping from alert keys to areas, checked against what each check really produces."""
    seed_demo(local.workbook, now=NOW)
    local.person.set_cell(STOCK.name, 2, "on_hand", "lots")  # a row the data check reports
    snapshot = take_snapshot(local.workbook, NOW + timedelta(days=40))  # many conditions hold
    seen = set()
    for area in AREA_NAMES:
        for item in run_checks(snapshot, [area]):
            if isinstance(item, OpenAlert):
                assert area_of_key(item.key) == area, item.key
                seen.add(area)
    assert seen >= {"stock", "orders", "service", "aftersales", "data"}


def confirmed_cycle(record, state: CycleState, now: datetime):
    """A cycle that runs the checks: on Google the first one only claims the lease."""
    report = run_cycle(record.workbook, now, state=state)
    if report.lease.startswith("lease claimed"):
        report = run_cycle(record.workbook, now, state=state)
    return report


def active(record) -> dict:
    record.workbook.invalidate()
    return {
        row.key: row
        for row in record.workbook.table(ALERTS).records()
        if row.status in ("open", "acknowledged")
    }


def summary_value(record, section: str, figure: str) -> str:
    record.workbook.invalidate()
    return record.workbook.table(SUMMARY).get((section, figure)).value


@pytest.fixture
def shop(record):
    record.workbook.clock = lambda: NOW
    seed_demo(record.workbook, now=NOW)
    return record


def test_a_skipped_check_neither_resolves_nor_refreshes_its_alerts_until_it_runs(shop):
    state = CycleState()
    confirmed_cycle(shop, state, NOW)
    alerts = active(shop)
    unpaid = next(row for key, row in alerts.items() if key.startswith("order.unpaid:"))
    low = next(row for key, row in alerts.items() if key.startswith("stock.low:KIT-004@"))
    breaches = summary_value(shop, "Open alerts", "order breach")
    workbook = shop.workbook

    # A manager sets the orders checks to hourly; the order is paid and the stock refilled.
    setting = workbook.table(SETTINGS).get("check_orders_minutes")
    shop.person.set_cell(SETTINGS.name, setting.row_number, "value", "60")
    order = workbook.table(ORDERS).get(unpaid.ref)
    shop.person.set_cell(ORDERS.name, order.row_number, "payment_status", "paid")
    stock = next(
        row for row in workbook.table(STOCK).records() if low.key == f"stock.low:{row.sku}@{row.location_id}"
    )
    shop.person.set_cell(STOCK.name, stock.row_number, "on_hand", (stock.on_hand or 0) + 100)

    later = NOW + timedelta(minutes=5)
    report = run_cycle(workbook, later, state=state)
    assert "orders" not in report.ran and "stock" in report.ran
    assert "not due: orders" in str(report)
    still = active(shop)
    assert (
        unpaid.key in still and still[unpaid.key].last_seen == unpaid.last_seen
    )  # neither resolved nor refreshed
    assert low.key not in still  # the stock check ran and resolved its alert
    assert summary_value(shop, "Open alerts", "order breach") == breaches  # still counted

    for minutes in range(10, 60, 5):  # the cycles of the hour (on Google they renew the lease)
        assert "orders" not in run_cycle(workbook, NOW + timedelta(minutes=minutes), state=state).ran
    assert unpaid.key in active(shop)
    hour = NOW + timedelta(minutes=60)
    report = run_cycle(workbook, hour, state=state)
    assert "orders" in report.ran
    assert unpaid.key not in active(shop)
    resolved = workbook.table(ALERTS).get(unpaid.alert_id)
    assert (resolved.status, resolved.resolved_at) == ("resolved", hour)


def test_a_skipped_check_creates_nothing_and_opens_nothing(shop):
    state = CycleState()
    confirmed_cycle(shop, state, NOW)
    for area in AREA_NAMES:
        setting = shop.workbook.table(SETTINGS).get(f"check_{area}_minutes")
        shop.person.set_cell(SETTINGS.name, setting.row_number, "value", "1440")
    opened = len(active(shop))
    report = confirmed_cycle(shop, state, NOW + timedelta(hours=12))  # more is overdue by now
    assert report.ran == ()
    assert (report.opened, report.resolved, report.refreshed, report.created) == (0, 0, 0, 0)
    assert len(active(shop)) == opened
    assert run_cycle(shop.workbook, NOW + timedelta(hours=12)).opened > 0  # every check, run now, finds more
