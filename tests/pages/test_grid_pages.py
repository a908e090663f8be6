"""The grid of a tab through NiceGUI's simulated user: edit a cell, add a row, delete a row, read-only tabs."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from sheets.tabs import AUDIT, SUPPLIERS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually


def add_suppliers(workbook, *names):
    with workbook.transaction(SUPPLIERS, user="seed") as tx:
        return [tx.insert(SUPPLIERS, {"name": name}) for name in names]


def grid(user: User) -> ui.table:
    [table] = user.find(ui.table).elements
    return table


def shown(user: User, column: str) -> list[str]:
    return [row[column] for row in grid(user).rows]


async def open_grid(user: User, path: str, rows: int) -> None:
    await user.open(path)
    await user.should_see(kind=ui.table)
    await eventually(lambda: len(grid(user).rows) == rows)


async def test_a_cell_is_edited_in_the_grid(app_workbook, manager: User):
    acme, _ = add_suppliers(app_workbook, "Acme", "Globex")
    await open_grid(manager, "/tabs/suppliers", 2)

    manager.find(ui.table).trigger("edit_row", grid(manager).rows[0])
    await manager.should_see("Edit " + acme.supplier_id)
    manager.find(marker="field-phone").type("555-0101")
    manager.find("Save").click()

    await eventually(lambda: shown(manager, "phone")[0] == "555-0101")
    assert app_workbook.table(SUPPLIERS).get(acme.id).phone == "555-0101"
    edit = [row for row in app_workbook.table(AUDIT).records() if row.record_id == acme.supplier_id][-1]
    assert edit.user == "mia" and edit.changes.startswith("phone: (empty) → 555-0101")


async def test_a_bad_value_is_shown_in_place_and_nothing_is_saved(app_workbook, manager: User):
    (acme,) = add_suppliers(app_workbook, "Acme")
    await open_grid(manager, "/tabs/suppliers", 1)

    manager.find(ui.table).trigger("edit_row", grid(manager).rows[0])
    await manager.should_see(marker="field-lead_time_days")
    manager.find(marker="field-lead_time_days").type("soon")
    manager.find(marker="field-notes").type("slow")
    manager.find("Save").click()

    await manager.should_see(kind=ui.label, content="lead_time_days:")
    assert manager.find(marker="field-notes").elements.pop().value == "slow"  # what was typed stays
    assert app_workbook.table(SUPPLIERS).get(acme.id).notes is None


async def test_a_row_is_added_and_gets_its_id(app_workbook, manager: User):
    await manager.open("/tabs/suppliers")
    await manager.should_see("Suppliers has no records yet.")

    manager.find("Add row").click()
    manager.find(marker="field-name").type("Initech")
    manager.find("Save").click()

    await manager.should_see(kind=ui.table)
    await eventually(lambda: shown(manager, "name") == ["Initech"])
    assert shown(manager, "supplier_id")[0].startswith("SUP")


async def test_a_row_is_deleted_after_confirmation(app_workbook, manager: User):
    _, globex = add_suppliers(app_workbook, "Acme", "Globex")
    await open_grid(manager, "/tabs/suppliers", 2)

    manager.find(ui.table).trigger("delete_row", grid(manager).rows[1])
    await manager.should_see(f"Delete {globex.supplier_id} from Suppliers?")
    manager.find(kind=ui.button, content="Delete").click()

    await eventually(lambda: shown(manager, "name") == ["Acme"])
    assert app_workbook.table(SUPPLIERS).get(globex.id) is None


async def test_staff_see_settings_read_only_and_why(user: User, app_workbook, app_accounts):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open("/tabs/settings")

    await user.should_see(
        "Read only: Only a manager or an admin may edit Settings; you are logged in as staff."
    )
    await user.should_see(kind=ui.table)
    assert all(column["name"] != "actions" for column in grid(user).columns)
    await user.should_not_see("Add row")


async def test_staff_do_not_read_the_audit_in_the_grid_nor_find_it_in_the_navigation(
    user: User, app_workbook, app_accounts
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.should_see(kind=ui.link, content="Settings")
    await user.should_not_see(kind=ui.link, content="Audit")
    await user.open("/tabs/audit")

    await user.should_see("Only a manager or an admin may read Audit; you are logged in as staff.")
    await user.should_not_see(kind=ui.table)
    await user.should_not_see("Search")


async def test_a_manager_edits_settings_but_nobody_edits_the_audit(app_workbook, manager: User):
    await manager.open("/tabs/settings")
    await manager.should_see("Add row")
    await manager.open("/tabs/audit")
    await manager.should_see("Read only: Nobody edits Audit in the app")
    await manager.should_not_see("Add row")


async def test_stock_quantities_are_not_typed_into_the_grid(app_workbook, manager: User):
    from sheets.tabs import STOCK

    with app_workbook.transaction(STOCK, user="seed") as tx:
        tx.insert(STOCK, {"sku": "MUG", "location_id": "LOC-1", "on_hand": 4})
    await open_grid(manager, "/tabs/stock", 1)

    manager.find(ui.table).trigger("edit_row", grid(manager).rows[0])
    await manager.should_see(marker="field-min_qty")
    await manager.should_see("stock changes only through stock moves")
    await manager.should_not_see(marker="field-on_hand")
    manager.find(marker="field-min_qty").type("2")
    manager.find("Save").click()
    await eventually(lambda: shown(manager, "min_qty") == ["2"])


async def test_an_edit_of_a_row_changed_meanwhile_is_refused_in_place(app_workbook, manager: User):
    (acme,) = add_suppliers(app_workbook, "Acme")
    await open_grid(manager, "/tabs/suppliers", 1)
    manager.find(ui.table).trigger("edit_row", grid(manager).rows[0])
    await manager.should_see(marker="field-notes")
    with app_workbook.transaction(SUPPLIERS, user="someone") as tx:  # someone else, meanwhile
        tx.update(acme, {"phone": "555-0199"})

    manager.find(marker="field-notes").type("reliable")
    manager.find("Save").click()

    await manager.should_see(kind=ui.label, content="was changed by someone else since you opened it")
    assert app_workbook.table(SUPPLIERS).get(acme.id).notes is None


async def test_rows_are_filtered_by_one_column(app_workbook, manager: User):
    add_suppliers(app_workbook, "Acme", "Globex", "Initech")
    await open_grid(manager, "/tabs/suppliers", 3)

    manager.find("Filter column").click()
    manager.find("name").click()
    manager.find(marker="filter-text").type("tech")

    await eventually(lambda: shown(manager, "name") == ["Initech"])
