"""The Settings tab: thresholds in force, and changing one (managers only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from processes.errors import ProcessError
from processes.permissions import Actor, Permission, require
from sheets.settings import BY_KEY, DECLARED, check_value, read_setting
from sheets.table import Record
from sheets.tabs import SETTINGS
from sheets.transaction import Transaction
from sheets.workbook import Workbook


@dataclass(frozen=True)
class SettingInForce:
    key: str
    value: Any
    unit: str
    description: str
    problem: str | None  # why the typed value is not used, if it is not


def settings_in_force(workbook: Workbook) -> list[SettingInForce]:
    """Every declared threshold with the value in force (the default where the sheet's is unusable)."""
    table = workbook.table(SETTINGS)
    result = []
    for setting in DECLARED:
        record = table.get(setting.key)
        value, problem = read_setting(setting, record.value if record else None)
        result.append(SettingInForce(setting.key, value, setting.unit, setting.description, problem))
    return result


def value_of(key: str, record: Record | None) -> Any:
    """The value in force of setting `key`, given its Settings row (None: the default)."""
    return read_setting(BY_KEY[key], record.value if record else None)[0]


def setting_in(tx: Transaction, key: str) -> Any:
    """The value in force of setting `key`, read inside a transaction (no extra request on Google)."""
    return value_of(key, tx.get(SETTINGS, key))


def update_setting(workbook: Workbook, key: str, value: str, *, by: Actor) -> None:
    """Set one threshold; refused for staff, for unknown keys and for values that do not fit."""
    require(by, Permission.EDIT_SETTINGS)
    setting = BY_KEY.get(key)
    if setting is None:
        raise ProcessError(f"There is no setting called {key}.")
    typed, problem = check_value(setting, value)
    if problem:
        raise ProcessError(f"{key}: {problem}.")
    text = str(int(typed)) if isinstance(typed, float) and typed.is_integer() else str(typed)
    with workbook.transaction(SETTINGS, user=by.name, action="change setting") as tx:
        current = tx.get(SETTINGS, key)
        if current is None:
            tx.insert(SETTINGS, {"key": key, "value": text, "description": setting.description})
        else:
            tx.update(current, {"value": text})
