"""The inventory and master-data pages through NiceGUI's simulated user, over a real local workbook."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from processes import inventory, master_data
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, ledger_issues, post_move
from sheets.tabs import AUDIT, STOCK, TRANSFERS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually

SEED = Actor("seed", "admin")


def seed_shop(workbook) -> dict[str, str]:
    """Two locations, a kettle, and ten kettles at the main warehouse; returns the location IDs."""
    ids = {
        name: master_data.add_record(workbook, master_data.LOCATION, {"name": name}, by=SEED).location_id
        for name in ("Main warehouse", "City store")
    }
    master_data.add_record(
        workbook, master_data.PRODUCT, {"sku": "KIT-001", "name": "Kettle", "price": 10}, by=SEED
    )
    with workbook.transaction(*LEDGER_TABS, user="seed", action="opening balance") as tx:
        post_move(tx, sku="KIT-001", qty=10, reason="adjustment", to_location=ids["Main warehouse"])
    return ids


def on_hand(workbook, sku, location_id):
    row = workbook.table(STOCK).get((sku, location_id))
    return None if row is None else row.on_hand


async def shows(user: User, target: str | None = None, **filters) -> None:
    """Wait (up to 5 s, for a loaded machine) until the page shows `target` or what `filters` describe."""
    await user.should_see(target, retries=50, **filters)


@pytest.fixture
async def mia(user: User, app_workbook, app_accounts) -> User:
    """The simulated user, logged in as a manager (waiting as long as a loaded machine needs)."""
    app_accounts.add_user("mia", "manager", PASSWORD)
    await log_in(user, "mia")
    await shows(user, "mia (manager)")
    return user


def pick(user: User, field: str, option: str) -> None:
    user.find(field).click()
    user.find(option).click()


async def test_a_stocktake_is_counted_blind_by_staff_and_approved_by_a_manager(
    app_workbook, app_accounts, user: User
):
    main = seed_shop(app_workbook)["Main warehouse"]
    app_accounts.add_user("sam", "staff", PASSWORD)
    app_accounts.add_user("mia", "manager", PASSWORD)
    await log_in(user, "sam")
    await shows(user, "sam (staff)")

    await user.open("/inventory/stocktake")
    await shows(user, "No stocktakes yet.")
    pick(user, "Location to count", f"Main warehouse ({main})")
    user.find("Start count").click()
    await shows(user, "Count sheet")
    await shows(user, "Kettle")
    await user.should_not_see("Variances")  # staff count blind: no book quantity, no variance
    await user.should_not_see(kind=ui.label, content="book ")

    user.find("Count of KIT-001").type("8")
    user.find("Save counts").click()
    await shows(user, "1 count saved")
    await shows(user, "counted by sam")
    assert on_hand(app_workbook, "KIT-001", main) == 10  # a count alone changes no stock

    [session] = inventory.stocktake_sessions(app_workbook)
    user.find("Log out").click()
    await log_in(user, "mia")
    await shows(user, "mia (manager)")
    await user.open(f"/inventory/stocktake/{session.session_id}")
    await shows(user, "Variances")
    await shows(user, "book 10")
    await shows(user, "variance -2")

    user.find(marker="approve-KIT-001").click()
    await shows(user, "1 line: approved")
    await shows(user, "approved by mia")
    # An approved line is offered no step: the buttons are the specification's, not the page's.
    await user.should_not_see(marker="approve-KIT-001")
    await user.should_not_see(marker="reject-KIT-001")
    assert on_hand(app_workbook, "KIT-001", main) == 8
    assert app_workbook.table(STOCK).get(("KIT-001", main)).last_counted_at is not None
    assert ledger_issues(app_workbook) == []


async def test_a_transfer_is_requested_shipped_and_received(app_workbook, mia: User):
    ids = seed_shop(app_workbook)
    main, store = ids["Main warehouse"], ids["City store"]
    await mia.open("/inventory/transfers")
    await shows(mia, "No transfers to show.")

    pick(mia, "Product to move", "Kettle (KIT-001)")
    pick(mia, "From location", f"Main warehouse ({main})")
    pick(mia, "To location", f"City store ({store})")
    mia.find("Quantity").type("11")
    mia.find("Request transfer").click()
    await shows(mia, "Only 10 of KIT-001 are available at Main warehouse; 11 cannot be moved.")
    assert len(app_workbook.table(TRANSFERS)) == 0

    mia.find("Quantity").clear().type("4")
    mia.find("Request transfer").click()
    await eventually(lambda: len(app_workbook.table(TRANSFERS)) == 1, timeout=5)
    [transfer] = app_workbook.table(TRANSFERS).records()
    transfer_id = transfer.transfer_id
    await shows(mia, marker=f"ship-{transfer_id}")
    await shows(mia, marker=f"cancel-{transfer_id}")
    await mia.should_not_see(marker=f"receive-{transfer_id}")  # only the steps allowed now

    mia.find(marker=f"ship-{transfer_id}").click()  # the step's card: its checklist, then its button
    for box in mia.find(marker="tick-ship").elements:
        box.value = True
    mia.find(marker="step-ship").click()
    await shows(mia, marker=f"receive-{transfer_id}")
    await mia.should_not_see(marker=f"cancel-{transfer_id}")
    assert (on_hand(app_workbook, "KIT-001", main), on_hand(app_workbook, "KIT-001", store)) == (6, None)
    assert ledger_issues(app_workbook) == []

    mia.find(marker=f"receive-{transfer_id}").click()  # counted on arrival: one short
    mia.find("Qty received").type("3")
    mia.find(marker="step-receive").click()
    await shows(mia, "3 of 4 arrived: say what was found")
    mia.find("Discrepancy note").type("one box crushed, thrown away")
    mia.find(marker="step-receive").click()
    await shows(mia, "No transfers to show.")  # the open view no longer lists it
    assert on_hand(app_workbook, "KIT-001", store) == 3
    received = app_workbook.table(TRANSFERS).get(transfer_id)
    assert (received.qty_received, received.discrepancy) == (
        3,
        "1 of 4 missing: one box crushed, thrown away",
    )
    assert ledger_issues(app_workbook) == []
    [shipped] = [
        row
        for row in app_workbook.table(AUDIT).records()
        if row.action.startswith("ship transfer") and row.record_id == transfer_id
    ]
    assert "checklist: [x] Pick the quantity asked for at the origin" in shipped.changes


def shown_stock(user: User) -> list[tuple[str, str, str]]:
    [table] = user.find(ui.table).elements
    return [(row["sku"], row["location"], row["flag"]) for row in table.rows]


async def test_the_stock_view_flags_rows_below_their_minimum(app_workbook, mia: User):
    ids = seed_shop(app_workbook)
    master_data.add_record(app_workbook, master_data.PRODUCT, {"sku": "MUG-002", "name": "Mug"}, by=SEED)
    with app_workbook.transaction(*LEDGER_TABS, user="seed", action="opening balance") as tx:
        post_move(tx, sku="MUG-002", qty=2, reason="adjustment", to_location=ids["City store"])
    inventory.set_limits(app_workbook, "MUG-002", ids["City store"], min_qty=5, max_qty=20, by=SEED)

    await mia.open("/inventory")
    await shows(mia, "2 rows · 1 below min")
    assert shown_stock(mia) == [
        ("KIT-001", "Main warehouse", ""),
        ("MUG-002", "City store", "below min"),
    ]

    mia.find("Below min only").click()
    await eventually(lambda: len(shown_stock(mia)) == 1, timeout=5)
    assert shown_stock(mia) == [("MUG-002", "City store", "below min")]


async def test_a_product_is_edited_and_a_conflicting_edit_is_refused(app_workbook, mia: User):
    seed_shop(app_workbook)
    await mia.open("/products")
    await shows(mia, "Kettle")

    mia.find(marker="edit-KIT-001").click()
    await shows(mia, "Edit product KIT-001")
    mia.find(kind=ui.input, content="Price").clear().type("abc")
    mia.find("Save").click()
    await shows(mia, "price: expected a number, found 'abc'")

    mia.find(kind=ui.input, content="Price").clear().type("12.5")
    mia.find("Save").click()
    await shows(mia, "Saved product KIT-001")
    await shows(mia, "12.50")
    assert app_workbook.table(master_data.PRODUCT.tab).get("KIT-001").price == 12.5

    mia.find(marker="edit-KIT-001").click()
    await shows(mia, "Edit product KIT-001")
    with app_workbook.backend.raw_edit() as grid:  # a person retypes the name in the sheet meanwhile
        header = grid.rows("Products")[0]
        grid.set_cell("Products", 1, header.index("name"), "Steel kettle")
    mia.find(kind=ui.input, content="Category").type("Kitchen")
    mia.find("Save").click()
    await shows(mia, "was changed by someone else")
    assert mia.find(kind=ui.input, content="Category").elements.pop().value == "Kitchen"  # nothing lost
    product = app_workbook.table(master_data.PRODUCT.tab).get("KIT-001")
    assert (product.name, product.category) == ("Steel kettle", None)


async def test_a_location_is_added_with_an_id_from_the_app_and_deactivated(app_workbook, mia: User):
    await mia.open("/locations")
    await shows(mia, "No active locations")
    mia.find("Add a location").click()
    mia.find(kind=ui.input, content="Name").type("Airport kiosk")
    pick(mia, "Kind", "store")
    mia.find("Save").click()
    await shows(mia, "Saved location LOC-")
    await shows(mia, kind=ui.label, content="Airport kiosk")
    [kiosk] = app_workbook.table(master_data.LOCATION.tab).records()
    assert (kiosk.name, kiosk.kind, kiosk.active) == ("Airport kiosk", "store", True)

    mia.find(marker=f"deactivate-{kiosk.location_id}").click()
    await shows(mia, f"{kiosk.location_id} deactivated")
    await shows(mia, "No active locations")


async def test_an_unknown_stocktake_is_a_clear_message_not_an_error(app_workbook, mia: User):
    await mia.open("/inventory/stocktake/CS-NOPE")
    await shows(mia, "There is no stocktake CS-NOPE.")
    await shows(mia, kind=ui.link, content="All stocktakes")
