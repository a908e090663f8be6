"""The Settings rules on both backends: values in force by area, checked changes, a person's edits in between."""

from __future__ import annotations

import pytest

from processes import settings
from processes.errors import PermissionDenied, ProcessError
from processes.permissions import Actor
from sheets.settings import DECLARED
from sheets.tabs import AUDIT

STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")


def shown(record, key):
    """The setting as a page would show it now."""
    record.workbook.invalidate()
    return next(s for s in settings.settings_in_force(record.workbook) if s.key == key)


def settings_row(record, key) -> int:
    return next(i for i, row in enumerate(record.person.values("Settings"), 1) if row and row[0] == key)


def audit_count(record) -> int:
    record.workbook.invalidate()
    return len(record.workbook.table(AUDIT))


def test_every_declared_setting_shows_once_grouped_by_area_with_its_default(record):
    areas = settings.settings_by_area(record.workbook)
    keys = [s.key for group in areas.values() for s in group]
    assert sorted(keys) == sorted(setting.key for setting in DECLARED)
    assert [s.key for s in areas["Customer service"]][:4] == [
        "sla_hours_urgent",
        "sla_hours_high",
        "sla_hours_normal",
        "sla_hours_low",
    ]
    high = shown(record, "sla_hours_high")
    assert (high.value, high.default, high.unit, high.typed, high.problem) == (24, 24, "hours", "24", None)


def test_a_manager_saves_a_value_over_what_the_page_showed(record):
    saved = settings.update_setting(
        record.workbook, "sla_hours_high", "30", by=MANAGER, base=shown(record, "sla_hours_high")
    )
    assert (saved.value, saved.typed) == (30, "30")
    assert shown(record, "sla_hours_high").value == 30
    last = list(record.workbook.table(AUDIT).records())[-1]
    assert (last.user, last.record_id, last.changes) == ("mia", "sla_hours_high", "value: 24 → 30")


def test_a_value_changed_in_the_sheet_since_the_page_showed_it_is_not_overwritten(record):
    page = shown(record, "sla_hours_high")
    record.person.set_cell("Settings", settings_row(record, "sla_hours_high"), 2, "36")
    audits = audit_count(record)
    with pytest.raises(settings.ChangedMeanwhile) as refused:
        settings.update_setting(record.workbook, "sla_hours_high", "30", by=MANAGER, base=page)
    assert str(refused.value).startswith(
        "sla_hours_high was changed in the Settings tab since this page showed it: it is '36' now, it was '24'."
    )
    assert shown(record, "sla_hours_high").value == 36
    assert audit_count(record) == audits


def test_a_negative_number_of_hours_is_refused_with_what_is_allowed(record):
    before = record.person.values("Settings")
    with pytest.raises(ProcessError) as refused:
        settings.update_setting(record.workbook, "unpaid_timeout_hours", "-5", by=MANAGER)
    assert str(refused.value) == (
        "An order unpaid this long raises an alert (unpaid_timeout_hours): it must be at least 0 hours, "
        "not -5 hours. Nothing was saved."
    )
    assert record.person.values("Settings") == before


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("return_window_days", "2.5", "expected a whole number, found '2.5'"),
        ("po_approval_limit", "lots", "expected a number, found 'lots'"),
        ("jobs_cycle_minutes", "0", "must be at least 1 minute, not 0 minutes"),
        ("refund_approval_limit", "-5", r"must be at least 0, not -5\. Nothing"),
        ("sla_hours_low", "  ", "a value is required"),
    ],
)
def test_values_that_do_not_fit_are_refused(record, key, value, says):
    with pytest.raises(ProcessError, match=says):
        settings.update_setting(record.workbook, key, value, by=MANAGER)


def test_staff_may_look_but_not_change(record):
    assert "Only a manager or an admin may edit Settings" in settings.why_read_only(STAFF)
    assert settings.why_read_only(MANAGER) is None
    with pytest.raises(PermissionDenied):
        settings.update_setting(
            record.workbook, "sla_hours_high", "30", by=STAFF, base=shown(record, "sla_hours_high")
        )


def test_a_mistyped_value_is_shown_as_wrong_with_the_default_in_force(record):
    record.person.set_cell("Settings", settings_row(record, "return_window_days"), 2, "a month")
    wrong = shown(record, "return_window_days")
    assert wrong.typed == "a month"
    assert wrong.value == 30
    assert wrong.problem == "expected a whole number, found 'a month'; the default 30 is in force"
    saved = settings.update_setting(record.workbook, "return_window_days", "45", by=MANAGER, base=wrong)
    assert (saved.value, saved.problem) == (45, None)


def test_a_setting_whose_row_a_person_deleted_is_added_back_on_save(record):
    record.person.delete_rows("Settings", settings_row(record, "stocktake_interval_days"))
    page = shown(record, "stocktake_interval_days")
    assert (page.typed, page.value) == (None, 90)
    settings.update_setting(record.workbook, "stocktake_interval_days", "60", by=MANAGER, base=page)
    row = record.person.values("Settings")[settings_row(record, "stocktake_interval_days") - 1]
    assert row[:3] == ["stocktake_interval_days", "60", "Each location is counted at least this often (days)"]


def test_every_declared_setting_has_an_area():
    assert [setting.key for setting in DECLARED if setting.key not in settings.AREA_OF] == []
