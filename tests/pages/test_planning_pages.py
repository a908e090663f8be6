"""The planning pages and the forecast on the purchase request form, through NiceGUI's simulated user."""

from __future__ import annotations

import csv
import io

import pytest
from nicegui.testing import User

from jobs.cycle import run_cycle
from processes import steps
from processes.permissions import Actor
from processes.planning.views import SHOW_MOVE, PlanQuery, plan_csv
from processes.procurement import PURCHASE_REQUEST
from sheets.tabs import PURCHASE_REQUESTS, TRANSFERS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually
from tests.planning_shop import NOW, seed_mug_shop


def seed_shop(workbook, warehouse: int = 80) -> None:
    """The mug selling about 4 a day at the store, which has 1 left; the warehouse holds 80 and sells none."""
    seed_mug_shop(workbook, store_stock=1, warehouse_stock=warehouse)
    run_cycle(workbook, NOW)


@pytest.fixture
async def mia(user: User, app_workbook, app_accounts, request) -> User:
    seed_shop(app_workbook, **getattr(request, "param", {}))
    app_accounts.add_user("mia", "manager", PASSWORD)
    await log_in(user, "mia")
    await user.should_see("mia (manager)")
    return user


async def test_the_plan_suggests_moving_stock_and_one_click_requests_the_transfer(mia: User, app_workbook):
    await mia.open("/planning")
    await mia.should_see(marker="plan summary")
    await mia.should_see("Stoneware mug")
    await mia.should_see(marker="transfer MUG@STORE")
    mia.find(marker="transfer MUG@STORE").click()
    await mia.should_see("requested")

    def requested():
        app_workbook.invalidate()
        return [row for row in app_workbook.table(TRANSFERS).records() if row.sku == "MUG"]

    await eventually(lambda: len(requested()) == 1)
    [transfer] = requested()
    assert (transfer.from_location, transfer.to_location, transfer.status) == ("WH", "STORE", "requested")
    assert transfer.qty > 1


async def test_a_product_page_draws_history_and_forecast_per_location(mia: User):
    await mia.open("/planning/MUG")
    await mia.should_see("Harbour store")
    await mia.should_see(marker="chart STORE")
    await mia.should_see("Error (WAPE)")
    await mia.open("/planning/NOPE")
    await mia.should_see("There is no product 'NOPE' in Products.")


async def test_the_request_form_shows_the_forecast_and_fills_the_suggested_quantity(mia: User):
    await mia.open("/procurement")
    mia.find("Product to buy").click()
    mia.find("MUG · Stoneware mug").click()
    mia.find("Deliver to").click()
    mia.find("STORE · Harbour store").click()
    await mia.should_see(marker="forecast")
    await mia.should_see("Sells")
    await mia.should_see("can be moved from Main warehouse first")


async def choose_mug_for_the_store(user: User) -> None:
    await user.open("/procurement")
    user.find("Product to buy").click()
    user.find("MUG · Stoneware mug").click()
    user.find("Deliver to").click()
    user.find("STORE · Harbour store").click()


@pytest.mark.parametrize("mia", [{"warehouse": 0}], indirect=True)
async def test_with_nothing_to_move_the_form_suggests_buying_and_fills_the_quantity(mia: User, app_workbook):
    [request] = [row for row in app_workbook.table(PURCHASE_REQUESTS).records() if row.source == "auto"]
    await choose_mug_for_the_store(mia)
    await mia.should_see("Nothing needs buying now")  # the automatic request asks for it already
    reason = {"reason": "checking a cheaper supplier"}
    steps.take(
        app_workbook, PURCHASE_REQUEST, request.request_id, "cancel", reason, by=Actor("mia", "manager")
    )
    await choose_mug_for_the_store(mia)
    await mia.should_see("snoozed: checking a cheaper supplier")
    mia.find(marker="use suggestion").click()
    quantity = mia.find("Quantity").elements.pop()
    await eventually(lambda: quantity.value == request.qty)


def test_the_plan_exports_every_matching_line_as_csv(app_workbook):
    seed_shop(app_workbook)
    rows = list(
        csv.DictReader(io.StringIO(plan_csv(app_workbook, PlanQuery(show=SHOW_MOVE)).decode("utf-8-sig")))
    )
    assert [(row["sku"], row["location_id"], row["transfer_from"]) for row in rows] == [
        ("MUG", "STORE", "WH")
    ]
    assert float(rows[0]["daily_demand"]) > 3
