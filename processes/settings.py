"""The Settings tab: thresholds in force, and changing one (managers only).

Each threshold is declared once in sheets/settings.py (meaning, unit, default,
smallest allowed value). What a person typed in the sheet is read through that
declaration: a value that does not fit is reported with what is wrong, and the
default is in force instead. A change made through the app is checked here,
refused when the sheet changed since the page showed it, and audited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from i18n import LANGUAGES, _, ngettext
from processes.errors import PermissionDenied, ProcessError
from processes.permissions import Actor, Permission, require
from sheets.cells import is_blank, same_cell
from sheets.settings import BY_KEY, DECLARED, Setting, check_value, read_setting
from sheets.table import Record
from sheets.tabs import SETTINGS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

#: The area each threshold belongs to, for grouping on the Settings page.
#: A setting declared later and not listed here shows under OTHER_AREA.
AREA_OF: dict[str, str] = {
    "customer_language": "Customer service",
    "sheet_language": "Scheduled jobs",
    "po_approval_limit": "Procurement",
    "quote_wait_hours": "Procurement",
    "supplier_choice_hours": "Procurement",
    "po_approval_wait_hours": "Procurement",
    "po_send_hours": "Procurement",
    "forecast_interval_hours": "Planning",
    "service_level_percent": "Planning",
    "review_period_days": "Planning",
    "default_lead_time_days": "Planning",
    "stocktake_interval_days": "Inventory",
    "stocktake_count_hours": "Inventory",
    "stocktake_approval_hours": "Inventory",
    "transfer_ship_hours": "Inventory",
    "transfer_receive_hours": "Inventory",
    "order_confirm_hours": "Orders",
    "unpaid_timeout_hours": "Orders",
    "paid_unshipped_hours": "Orders",
    "order_delivery_days": "Orders",
    "sla_hours_urgent": "Customer service",
    "sla_hours_high": "Customer service",
    "sla_hours_normal": "Customer service",
    "sla_hours_low": "Customer service",
    "ticket_due_soon_percent": "Customer service",
    "first_response_hours": "Customer service",
    "refund_approval_limit": "After-sales",
    "return_window_days": "After-sales",
    "return_reasons": "After-sales",
    "return_photos_max": "After-sales",
    "return_photo_max_mb": "After-sales",
    "return_review_hours": "After-sales",
    "return_settle_hours": "After-sales",
    "refund_approval_wait_hours": "After-sales",
    "refund_payment_hours": "After-sales",
    "segregation_of_duties": "Approvals",
    "jobs_cycle_minutes": "Scheduled jobs",
    "outbox_send_minutes": "Scheduled jobs",
    "shop_sync_minutes": "Scheduled jobs",
    "check_stock_minutes": "Scheduled jobs",
    "check_locations_minutes": "Scheduled jobs",
    "check_procurement_minutes": "Scheduled jobs",
    "check_orders_minutes": "Scheduled jobs",
    "check_service_minutes": "Scheduled jobs",
    "check_aftersales_minutes": "Scheduled jobs",
    "check_data_minutes": "Scheduled jobs",
    "archive_after_days": "Archive",
    "cell_budget": "Archive",
    "cell_budget_warn_percent": "Archive",
    "archive_interval_days": "Archive",
}
OTHER_AREA = "Other"
AREA_ORDER = (
    "Procurement",
    "Inventory",
    "Planning",
    "Orders",
    "Customer service",
    "After-sales",
    "Approvals",
    "Scheduled jobs",
    "Archive",
    OTHER_AREA,
)


class ChangedMeanwhile(ProcessError):
    """The setting was changed in the sheet since the page showed it; nothing was saved."""


@dataclass(frozen=True)
class SettingInForce:
    key: str
    value: Any  # the value in force: the sheet's, or the default where the sheet's is unusable
    unit: str
    description: str
    problem: str | None  # why the typed value is not used, if it is not
    default: Any = None
    area: str = OTHER_AREA
    typed: str | None = None  # what the sheet holds, as text (None: no row, or a blank cell)

    @property
    def default_text(self) -> str:
        return show_value(self.default)


def area_of(setting: Setting) -> str:
    return AREA_OF.get(setting.key, OTHER_AREA)


def settings_in_force(workbook: Workbook) -> list[SettingInForce]:
    """Every declared threshold with the value in force (the default where the sheet's is unusable)."""
    table = workbook.table(SETTINGS)
    return [_in_force(setting, table.get(setting.key)) for setting in DECLARED]


def settings_by_area(workbook: Workbook) -> dict[str, list[SettingInForce]]:
    """The thresholds in force grouped by area, areas in the navigation's order."""
    grouped: dict[str, list[SettingInForce]] = {area: [] for area in AREA_ORDER}
    for setting in settings_in_force(workbook):
        grouped.setdefault(setting.area, []).append(setting)
    return {area: settings for area, settings in grouped.items() if settings}


def _in_force(setting: Setting, record: Record | None) -> SettingInForce:
    raw = record.value if record else None
    value, problem = read_setting(setting, raw)
    typed = None if is_blank(raw) else str(raw)
    return SettingInForce(
        setting.key,
        value,
        setting.unit,
        setting.description,
        problem,
        default=setting.default,
        area=area_of(setting),
        typed=typed,
    )


def value_of(key: str, record: Record | None) -> Any:
    """The value in force of setting `key`, given its Settings row (None: the default)."""
    return read_setting(BY_KEY[key], record.value if record else None)[0]


def setting_in(tx: Transaction, key: str) -> Any:
    """The value in force of setting `key`, read inside a transaction (no extra request on Google)."""
    return value_of(key, tx.get(SETTINGS, key))


def why_read_only(actor: Actor) -> str | None:
    """Why `actor` may only look at the settings, or None when they may change them."""
    try:
        require(actor, Permission.EDIT_SETTINGS)
    except PermissionDenied as refusal:
        return str(refusal)
    return None


def update_setting(
    workbook: Workbook,
    key: str,
    value: str,
    *,
    by: Actor,
    base: SettingInForce | None = None,
) -> SettingInForce:
    """Set one threshold; refused for staff, for unknown keys and for values that do not fit.

    `base` is the setting as the page showed it: if the sheet holds another
    value now (someone typed one in the meantime), ConflictError names the new
    value (ChangedMeanwhile) and nothing is written. Returns the setting as it is now in force.
    """
    require(by, Permission.EDIT_SETTINGS)
    setting = BY_KEY.get(key)
    if setting is None:
        raise ProcessError(_("There is no setting called {key}.", key=key))
    value = value.strip() if isinstance(value, str) else value
    typed, problem = check_value(setting, value)
    if problem:
        raise ProcessError(refusal(setting, value, problem))
    text = show_value(typed)
    with workbook.transaction(SETTINGS, user=by.name, action="change setting") as tx:
        current = tx.get(SETTINGS, key)
        if base is not None:
            _refuse_if_changed_since(base, current)
        if current is None:
            current = tx.insert(
                SETTINGS,
                {"key": key, "value": text, "description": f"{setting.description} ({setting.unit})"},
            )
        else:
            current = tx.update(current, {"value": text})
    return _in_force(setting, current)


def refusal(setting: Setting, value: Any, problem: str) -> str:
    """A sentence saying why `value` cannot be saved for `setting`, and what would be accepted."""
    if problem.startswith(("must be at least", "must be at most")):
        # check_value parsed the number: only its size is wrong (a negative number of hours, say).
        typed = check_value(replace(setting, minimum=None, maximum=None), value)[0]
        if problem.startswith("must be at least"):
            problem = _(
                "it must be at least {least}, not {typed}",
                least=amount(setting.minimum, setting.unit),
                typed=amount(typed, setting.unit),
            )
        else:
            problem = _(
                "it must be at most {most}, not {typed}",
                most=amount(setting.maximum, setting.unit),
                typed=amount(typed, setting.unit),
            )
    return _(
        "{description} ({key}): {problem}. Nothing was saved.",
        description=_(setting.description),
        key=setting.key,
        problem=problem,
    )


def _refuse_if_changed_since(base: SettingInForce, current: Record | None) -> None:
    now = None if current is None or is_blank(current.value) else str(current.value)
    if (base.typed is None) != (now is None) or (now is not None and not same_cell(base.typed, now)):
        raise ChangedMeanwhile(
            _(
                "{key} was changed in the Settings tab since this page showed it: it is {now} now, it was "
                "{before}. Nothing was saved; look at the new value and save again if yours should still "
                "replace it.",
                key=base.key,
                now=_shown(now),
                before=_shown(base.typed),
            )
        )


def _shown(typed: str | None) -> str:
    return _("empty") if typed is None else repr(typed)


def amount(value: Any, unit: str) -> str:
    """A threshold with its unit as people say it: "48 hours", "1 day", "25%", a sum of money as a number."""
    shown = show_value(value)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return LANGUAGES.get(shown, shown) if unit == "language" else shown
    if unit == "hours":
        return ngettext("{count:g} hour", "{count:g} hours", value)
    if unit == "days":
        return ngettext("{count:g} day", "{count:g} days", value)
    if unit == "minutes":
        return ngettext("{count:g} minute", "{count:g} minutes", value)
    if unit == "percent":
        return _("{value}%", value=shown)
    return shown  # money, and any unit said without a word


def show_value(value: Any) -> str:
    """A threshold as a person types it: 48, not 48.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
