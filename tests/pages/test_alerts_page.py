"""The alerts page through NiceGUI's simulated user: filters, order, and acknowledging."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui
from nicegui.testing import User

from sheets.tabs import ALERTS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually


def add_alerts(workbook) -> dict[str, str]:
    rows = [
        ("late-ship", "warning", "open", "manager", "ORD-1 is late to ship", datetime(2026, 3, 2, 9)),
        ("sla-breach", "breach", "open", "manager", "TCK-7 missed its SLA", datetime(2026, 3, 1, 9)),
        ("low-stock", "info", "acknowledged", "staff", "SKU-9 is below min", datetime(2026, 3, 2, 8)),
        ("unpaid", "warning", "resolved", "manager", "ORD-3 was unpaid", datetime(2026, 2, 28, 9)),
    ]
    with workbook.transaction(ALERTS, user="checks", action="raise") as tx:
        return {
            key: tx.insert(
                ALERTS,
                {
                    "key": key,
                    "kind": key,
                    "severity": severity,
                    "status": status,
                    "owner_role": owner,
                    "message": message,
                    "ref": message.split()[0],
                    "first_seen": seen,
                    "last_seen": seen,
                },
            ).alert_id
            for key, severity, status, owner, message, seen in rows
        }


def messages(user: User) -> list[str]:
    try:
        found = user.find(marker="alert-message").elements
    except AssertionError:
        return []
    return [element.text for element in sorted(found, key=lambda element: element.id)]  # in page order


def choose(user: User, marker: str, value: str) -> None:
    [select] = user.find(marker=marker).elements
    select.value = value


async def test_the_page_lists_open_alerts_breaches_first_and_filters(manager: User, app_workbook):
    add_alerts(app_workbook)
    await manager.open("/alerts")
    await eventually(lambda: messages(manager) == ["TCK-7 missed its SLA", "ORD-1 is late to ship"])
    choose(manager, "alert-status", "all")
    await eventually(lambda: len(messages(manager)) == 4)
    # open before acknowledged before resolved; a breach before a warning
    assert messages(manager) == [
        "TCK-7 missed its SLA",
        "ORD-1 is late to ship",
        "SKU-9 is below min",
        "ORD-3 was unpaid",
    ]
    choose(manager, "alert-owner_role", "staff")
    await eventually(lambda: messages(manager) == ["SKU-9 is below min"])
    choose(manager, "alert-owner_role", "all")
    choose(manager, "alert-severity", "warning")
    await eventually(lambda: messages(manager) == ["ORD-1 is late to ship", "ORD-3 was unpaid"])
    manager.find(marker="alert-search").type("ORD-3")
    await eventually(lambda: messages(manager) == ["ORD-3 was unpaid"])
    choose(manager, "alert-severity", "breach")
    await manager.should_see(marker="no-alerts")


async def test_a_manager_acknowledges_an_open_alert(manager: User, app_workbook):
    ids = add_alerts(app_workbook)
    breach = ids["sla-breach"]
    await manager.open("/alerts")
    await manager.should_see(marker=f"ack-{breach}")
    # Only open alerts can be acknowledged.
    choose(manager, "alert-status", "all")
    await eventually(lambda: len(messages(manager)) == 4)
    await manager.should_not_see(marker=f"ack-{ids['low-stock']}")
    await manager.should_not_see(marker=f"ack-{ids['unpaid']}")
    manager.find(marker=f"ack-{breach}").click()
    await eventually(lambda: app_workbook.table(ALERTS).get(breach).status == "acknowledged")
    await manager.should_not_see(marker=f"ack-{breach}")
    [status] = manager.find(marker=f"status-{breach}").elements
    assert status.text == "acknowledged"
    assert app_workbook.table(ALERTS).get(breach).updated_by == "mia"


async def test_acknowledging_an_alert_changed_in_the_sheet_meanwhile_is_refused(manager: User, app_workbook):
    ids = add_alerts(app_workbook)
    late = ids["late-ship"]
    await manager.open("/alerts")
    await manager.should_see(marker=f"ack-{late}")
    with app_workbook.transaction(ALERTS, user="checks", action="seen again") as tx:
        tx.update(late, {"message": "ORD-1 is two days late to ship"}, tab=ALERTS)
    manager.find(marker=f"ack-{late}").click()
    await eventually(lambda: any("changed" in message for message in manager.notify.messages))
    assert app_workbook.table(ALERTS).get(late).status == "open"


async def test_staff_see_the_alerts_without_the_button(user: User, app_workbook, app_accounts):
    ids = add_alerts(app_workbook)
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open("/alerts")
    await eventually(lambda: messages(user) == ["TCK-7 missed its SLA", "ORD-1 is late to ship"])
    await user.should_not_see(kind=ui.button, content="Acknowledge")
    await user.should_not_see(marker=f"ack-{ids['sla-breach']}")


async def test_an_alerts_reference_links_to_the_page_of_its_record(manager: User, app_workbook):
    ids = add_alerts(app_workbook)
    await manager.open("/alerts")
    await manager.should_see(marker=f"ref-{ids['late-ship']}")
    [link] = manager.find(marker=f"ref-{ids['late-ship']}").elements
    assert (link.text, link.props["href"]) == ("ORD-1", "/orders/ORD-1")
