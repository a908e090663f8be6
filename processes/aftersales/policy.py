"""The returns policy in Settings: how long after delivery a return may be asked for, and the reasons offered.

Both are read through the Settings declaration (sheets/settings.py), so a
value a person mistyped in the sheet falls back to the default; the public
page offers the same reasons the rule accepts.
"""

from __future__ import annotations

from i18n import N_, _
from processes.errors import ProcessError
from processes.settings import value_of
from sheets.table import Record
from sheets.tabs import SETTINGS
from sheets.workbook import Workbook

#: The default reasons, marked so that a customer reading Chinese sees them translated;
#: a reason the shop typed into Settings is shown as typed.
DEFAULT_REASONS = (
    N_("Wrong size"),
    N_("Not as described"),
    N_("Damaged or faulty"),
    N_("Arrived too late"),
    N_("Changed my mind"),
    N_("Other"),
)
SEPARATOR = ";"


def window_days(record: Record | None) -> int:
    """Days after delivery a return may be asked for, from the `return_window_days` row."""
    return int(value_of("return_window_days", record))


def return_reasons(record: Record | None) -> list[str]:
    """The reasons offered, in their order, from the `return_reasons` row (blank entries and repeats dropped)."""
    raw = str(value_of("return_reasons", record) or "")
    reasons = list(dict.fromkeys(part.strip() for part in raw.split(SEPARATOR) if part.strip()))
    return reasons or list(DEFAULT_REASONS)


def listed_reason(chosen: str, reasons: list[str]) -> str:
    """The listed reason `chosen` names (case and spaces aside); refused when it is not on the list."""
    wanted = chosen.strip().casefold()
    for reason in reasons:
        if reason.casefold() == wanted:
            return reason
    raise ProcessError(
        _("Choose one of the reasons offered: {reasons}.", reasons=", ".join(_(r) for r in reasons))
    )


def offered_reasons(workbook: Workbook) -> list[str]:
    """The reasons in force, for a form that records a request."""
    return return_reasons(workbook.table(SETTINGS).get("return_reasons"))
