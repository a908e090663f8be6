"""The archive in the pages: an archived order's page reads it, read-only; the spreadsheet's fullness shown."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from processes import archive
from processes.archive import fullness
from processes.permissions import Actor
from processes.settings import update_setting
from sheets.tabs import ORDERS
from tests.archive.shop import CUTOFF, local_shop_archives, seed_shop


@pytest.fixture(autouse=True)
def fresh_figures():
    fullness.forget()
    yield
    fullness.forget()
    archive.use(None)


@pytest.fixture
def archived(app_workbook) -> dict[str, str]:
    seed_shop(app_workbook)
    names = {order.customer_name: order.order_id for order in app_workbook.table(ORDERS).records()}
    archives = local_shop_archives(app_workbook)
    archive.run_archive(app_workbook, archives, before=CUTOFF)
    archive.use(archives)
    return names


async def test_an_archived_order_page_shows_it_read_only_with_its_lines_and_no_step(archived, manager: User):
    order_id = archived["Old 0"]
    await manager.open(f"/orders/{order_id}")
    await manager.should_see(kind=ui.label, content=f"{order_id} is archived (closed records of 2025)")
    await manager.should_see("Old 0")
    await manager.should_see("Timeline")
    await manager.should_not_see("Nothing more to do for this order.")
    await manager.should_not_see("Cancel")
    live = archived["Still on its way"]
    await manager.open(f"/orders/{live}")
    await manager.should_see("Still on its way")
    await manager.should_not_see(kind=ui.label, content="is archived")


async def test_the_dashboard_and_data_issues_say_how_full_the_spreadsheet_is(app_workbook, manager: User):
    cells = sum(fullness.cells_used(app_workbook.backend).values())
    assert cells > 0
    await manager.open("/")
    await manager.should_see(f"The spreadsheet holds {cells:,} cells of its budget of 10,000,000")
    await manager.should_not_see("It is past 80% of its budget")
    update_setting(app_workbook, "cell_budget", "1000", by=Actor("mia", "manager"))
    fullness.forget()
    cells = sum(fullness.cells_used(app_workbook.backend).values())  # the change added an Audit row
    assert 800 <= cells <= 1000
    await manager.open("/issues")
    await manager.should_see(
        f"The spreadsheet holds {cells:,} cells of its budget of 1,000 ({cells / 10:.1f}%). It is past 80% of its budget"
    )
