"""The Settings page through NiceGUI's simulated user: managers save, staff look, mistakes in the sheet show."""

from __future__ import annotations

from nicegui.testing import User

from processes import settings
from sheets.backends.local import LocalBackend
from sheets.tabs import AUDIT, SETTINGS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually
from tests.people import LocalPerson


def marked_texts(user: User, marker: str) -> list[str]:
    try:
        return [element.text for element in user.find(marker=marker).elements]
    except AssertionError:
        return []


def type_value(user: User, key: str, text: str) -> None:
    field = user.find(marker=f"value-{key}")
    field.clear()
    field.type(text)


def in_force(workbook, key: str):
    workbook.invalidate()
    return next(s for s in settings.settings_in_force(workbook) if s.key == key)


def person_types(workbook, key: str, text: str) -> None:
    """Someone edits the Settings tab directly, as people do."""
    assert isinstance(workbook.backend, LocalBackend)
    person = LocalPerson(workbook.backend)
    row = next(i for i, cells in enumerate(person.values(SETTINGS.name), 1) if cells and cells[0] == key)
    person.set_cell(SETTINGS.name, row, 2, text)


async def test_a_manager_sees_every_area_and_saves_a_valid_value(manager: User, app_workbook):
    await manager.open("/settings")
    await eventually(lambda: marked_texts(manager, "in-force-sla_hours_high") == ["24 hours"])
    for area in ("Procurement", "Inventory", "Orders", "Customer service", "After-sales", "Scheduled jobs"):
        assert manager.find(marker=f"area-{area}").elements
    await manager.should_see("Resolution deadline for high tickets")
    await manager.should_see("sla_hours_high · in hours · default 24")

    type_value(manager, "sla_hours_high", "30")
    manager.find(marker="save-sla_hours_high").click()
    await eventually(lambda: marked_texts(manager, "in-force-sla_hours_high") == ["30 hours"])
    assert in_force(app_workbook, "sla_hours_high").value == 30
    last = list(app_workbook.table(AUDIT).records())[-1]
    assert (last.user, last.record_id, last.changes) == ("mia", "sla_hours_high", "value: 24 → 30")


async def test_negative_hours_are_refused_with_a_message_and_the_typed_value_stays(
    manager: User, app_workbook
):
    await manager.open("/settings")
    await eventually(lambda: marked_texts(manager, "in-force-unpaid_timeout_hours") == ["48 hours"])
    type_value(manager, "unpaid_timeout_hours", "-5")
    manager.find(marker="save-unpaid_timeout_hours").click()
    said = (
        "An order unpaid this long raises an alert (unpaid_timeout_hours): it must be at least 0 hours, "
        "not -5 hours. Nothing was saved."
    )
    await eventually(lambda: marked_texts(manager, "error-unpaid_timeout_hours") == [said])
    assert said in manager.notify.messages
    [field] = manager.find(marker="value-unpaid_timeout_hours").elements
    assert field.value == "-5"
    assert in_force(app_workbook, "unpaid_timeout_hours").value == 48


async def test_a_value_changed_in_the_sheet_meanwhile_is_not_overwritten_and_is_shown(
    manager: User, app_workbook
):
    await manager.open("/settings")
    await eventually(lambda: marked_texts(manager, "in-force-po_approval_limit") == ["5000"])
    person_types(app_workbook, "po_approval_limit", "6000")
    type_value(manager, "po_approval_limit", "7000")
    manager.find(marker="save-po_approval_limit").click()
    await eventually(lambda: marked_texts(manager, "in-force-po_approval_limit") == ["6000"])
    assert any("it is '6000' now, it was '5000'" in message for message in manager.notify.messages)
    assert in_force(app_workbook, "po_approval_limit").value == 6000


async def test_staff_see_the_settings_read_only_and_are_told_why(user: User, app_workbook, app_accounts):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open("/settings")
    await eventually(lambda: marked_texts(user, "in-force-sla_hours_high") == ["24 hours"])
    assert marked_texts(user, "read-only") == [
        "You can look at the settings but not change them. "
        "Only a manager or an admin may edit Settings; you are logged in as staff."
    ]
    await user.should_not_see(marker="save-sla_hours_high")
    await user.should_not_see(marker="value-sla_hours_high")


async def test_a_value_mistyped_in_the_sheet_is_shown_as_wrong_with_the_default(manager: User, app_workbook):
    person_types(app_workbook, "sla_hours_urgent", "four")
    await manager.open("/settings")
    await eventually(
        lambda: (
            marked_texts(manager, "problem-sla_hours_urgent")
            == ["The sheet holds 'four': expected a number, found 'four'; the default 4 is in force."]
        )
    )
    assert marked_texts(manager, "in-force-sla_hours_urgent") == ["4 hours"]
