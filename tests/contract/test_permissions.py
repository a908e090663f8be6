"""Roles are enforced where the rule lives: a staff user's crafted call changes nothing (both backends)."""

from __future__ import annotations

import pytest

from processes import alerts, browse, export, settings
from processes.errors import PermissionDenied, ProcessError
from processes.permissions import EDITORS, GRANTED_TO, READERS, Actor, Permission, require
from sheets.tabs import ALERTS, ALL_TABS, AUDIT

STAFF, MANAGER, ADMIN = Actor("sam", "staff"), Actor("mia", "manager"), Actor("ada", "admin")


@pytest.mark.parametrize("permission", list(Permission))
def test_every_listed_permission_is_for_managers_and_admins_only(permission):
    assert GRANTED_TO[permission] == {"manager", "admin"}
    require(MANAGER, permission)
    require(ADMIN, permission)
    with pytest.raises(PermissionDenied):
        require(STAFF, permission)


def audit_count(record):
    record.workbook.invalidate()
    return len(record.workbook.table(AUDIT))


def test_staff_changing_a_setting_is_refused_and_nothing_is_written(record):
    before, audits = record.person.values("Settings"), audit_count(record)
    with pytest.raises(PermissionDenied, match="Only a manager or an admin may edit Settings"):
        settings.update_setting(record.workbook, "po_approval_limit", "1", by=STAFF)
    assert record.person.values("Settings") == before
    assert audit_count(record) == audits


def test_a_manager_changes_a_setting_and_the_audit_says_who_and_what(record):
    settings.update_setting(record.workbook, "po_approval_limit", "7,500", by=MANAGER)
    in_force = {s.key: s.value for s in settings.settings_in_force(record.workbook)}
    assert in_force["po_approval_limit"] == 7500
    last = list(record.workbook.table(AUDIT).records())[-1]
    assert (last.user, last.action, last.tab, last.record_id) == (
        "mia",
        "change setting: update",
        "Settings",
        "po_approval_limit",
    )
    assert "value: 5000 → 7500" in last.changes


@pytest.mark.parametrize(
    ("key", "value", "says"), [("sla_hours_high", "-4", "at least 0"), ("nope", "1", "no setting")]
)
def test_a_bad_setting_is_refused(record, key, value, says):
    with pytest.raises(ProcessError, match=says):
        settings.update_setting(record.workbook, key, value, by=MANAGER)


def test_a_setting_a_person_mistyped_in_the_sheet_shows_the_default_in_force(record):
    row = next(i for i, r in enumerate(record.person.values("Settings"), 1) if r and r[0] == "sla_hours_high")
    record.person.set_cell("Settings", row, 2, "one day")
    record.workbook.invalidate()
    high = next(s for s in settings.settings_in_force(record.workbook) if s.key == "sla_hours_high")
    assert high.value == 24 and "default 24 is in force" in high.problem


def open_alert(record):
    with record.workbook.transaction(ALERTS, user="jobs") as tx:
        return tx.insert(ALERTS, {"key": "stock.low:KIT-001@LOC-A", "kind": "stock.low", "message": "low"})


def test_only_a_manager_acknowledges_an_alert_and_only_an_open_one(record):
    alert = open_alert(record)
    with pytest.raises(PermissionDenied):
        alerts.acknowledge(record.workbook, alert.alert_id, by=STAFF)
    assert record.workbook.table(ALERTS).get(alert.id).status == "open"

    acknowledged = alerts.acknowledge(record.workbook, alert.alert_id, by=MANAGER, base=alert)
    assert acknowledged.status == "acknowledged"
    assert acknowledged.updated_by == "mia"
    with pytest.raises(ProcessError, match="not open"):
        alerts.acknowledge(record.workbook, alert.alert_id, by=MANAGER)


def allowed(action, *args, **kwargs) -> bool:
    try:
        action(*args, **kwargs)
    except PermissionDenied:
        return False
    return True


def test_who_may_read_a_tab_is_one_rule_for_the_grid_and_the_export(record):
    """The Audit (who did what, for everybody) is a manager's to read and export; every other tab,
    Settings included, is everyone's to read in the grid and to export."""
    for actor in (STAFF, MANAGER, ADMIN):
        for tab in ALL_TABS:
            in_grid = allowed(browse.page_of, record.workbook, tab.name, browse.PageRequest(), by=actor)
            exported = allowed(export.export, record.workbook, by=actor, tab=tab.name, file_format="csv")
            expected = tab.name != AUDIT.name or actor.role != "staff"
            assert in_grid == exported == expected, (actor.role, tab.name, in_grid, exported)
    with pytest.raises(
        PermissionDenied, match="Only a manager or an admin may read Audit; you are logged in as"
    ):
        browse.page_of(record.workbook, "Audit", browse.PageRequest(), by=STAFF)


def test_whoever_may_edit_a_tab_may_read_it():
    for tab_name, editors in EDITORS.items():
        assert editors <= READERS[tab_name], tab_name
