"""The review page through NiceGUI's simulated user, over the demo shop."""

from __future__ import annotations

from datetime import datetime

import pytest
from nicegui import ui
from nicegui.testing import User

from processes.demo import seed_demo
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually

NOW = datetime(2026, 3, 2, 9, 0)
TICKETS_IN_TIME = "figure Tickets resolved by their deadline"


@pytest.fixture
def demo(app_workbook):
    app_workbook.clock = lambda: NOW
    seed_demo(app_workbook, NOW)
    return app_workbook


def texts(user: User, marker: str) -> list[str]:
    try:
        return [element.text for element in user.find(marker=marker).elements]
    except AssertionError:
        return []


def rows(user: User, marker: str) -> list[dict]:
    [grid] = user.find(marker=marker).elements
    return grid.rows


async def test_a_manager_sees_the_figures_of_the_last_30_days_and_exports_them(demo, manager: User):
    await manager.open("/review")
    await manager.should_see("2026-02-01 to 2026-03-02 (30 days), compared with 2026-01-02 to 2026-01-31.")
    await eventually(lambda: texts(manager, TICKETS_IN_TIME) not in ([], ["no data"]))
    [tickets_in_time] = texts(manager, TICKETS_IN_TIME)
    assert tickets_in_time.endswith("%")
    transfer_stages = [row["stage"] for row in rows(manager, "stages Transfer")]
    assert "requested → in_transit" in transfer_stages
    assert manager.find(marker="chart Transfer").elements
    assert manager.find(marker="chart volumes").elements
    assert manager.find(marker="chart satisfaction").elements
    [credits] = texts(manager, "credits")
    assert credits.startswith("Thanks to ")

    manager.find(kind=ui.button, content="Markdown").click()
    report = (await manager.download.next(timeout=3)).text
    assert report.startswith("# Process review: 2026-02-01 to 2026-03-02")
    assert f"| Tickets resolved by their deadline | {tickets_in_time} |" in report
    assert "| `requested` → `in_transit` | staff |" in report
    assert credits in report

    manager.find(kind=ui.button, content="HTML").click()
    page = (await manager.download.next(timeout=3)).text
    assert page.startswith("<!DOCTYPE html>")
    assert f"<td>{tickets_in_time}</td>" in page


async def test_another_period_is_compared_with_the_one_before_it(demo, manager: User):
    await manager.open("/review")
    await eventually(lambda: texts(manager, TICKETS_IN_TIME) not in ([], ["no data"]))
    manager.find("From").clear().type("2025-01-01")
    manager.find("To").clear().type("2025-01-10")
    manager.find(kind=ui.button, content="Show").click()
    await manager.should_see("2025-01-01 to 2025-01-10 (10 days), compared with 2024-12-22 to 2024-12-31.")
    assert texts(manager, TICKETS_IN_TIME) == ["no data"]


async def test_a_date_that_cannot_be_read_is_explained(demo, manager: User):
    await manager.open("/review")
    await eventually(lambda: texts(manager, TICKETS_IN_TIME) not in ([], ["no data"]))
    manager.find("From").clear().type("1 March")
    manager.find(kind=ui.button, content="Show").click()
    await manager.should_see("type it as year-month-day, like 2026-03-01")


async def test_staff_may_view_the_review(demo, user: User, app_accounts):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open("/review")
    await eventually(lambda: texts(user, TICKETS_IN_TIME) not in ([], ["no data"]))


async def test_an_empty_workbook_says_no_data(app_workbook, manager: User):
    await manager.open("/review")
    await eventually(lambda: texts(manager, TICKETS_IN_TIME) == ["no data"])
    await manager.should_see("No survey was sent in this period: no data.")
    await manager.should_see("No suggestion was adopted in this period.")
    manager.find(kind=ui.button, content="Markdown").click()
    report = (await manager.download.next(timeout=3)).text
    assert "| Tickets resolved by their deadline | no data | no data | — | no tickets |" in report
    assert "nan" not in report.lower()
