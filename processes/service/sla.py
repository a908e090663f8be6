"""The SLA clock of a ticket: due time from the priority's hours, pauses, and where a ticket stands.

    due_at = opened_at + sla_hours_<priority>
    waiting on the customer: paused_since = now
    answered: paused_hours += elapsed, due_at += elapsed, paused_since cleared

A ticket resolved by its due time met its SLA; one resolved after it breached it.

A ticket that did not come in through `open_ticket` (added in the grid, typed
into the sheet) lacks some of its clock; `missing_clock` says what the app
fills in, at its next write to the ticket or the next cycle of the checks:
opened now, due the SLA hours of its priority from opening, and, when it is
waiting on the customer, paused from now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sheets.settings import BY_KEY, read_setting
from sheets.table import Record, Table
from sheets.tabs import PRIORITIES, SETTINGS
from sheets.transaction import Transaction

from .procedure import ACTIVE_STATES, FINISHED_STATES, PAUSED_STATE, SLA_SETTING_KEYS, TICKET

#: The setting saying when an active ticket is due soon: this percentage of its SLA window or less left.
#: A share, not hours: a fixed number of hours would warn about every urgent ticket as it opens.
DUE_SOON_SETTING = "ticket_due_soon_percent"
DEFAULT_DUE_SOON_PERCENT: float = BY_KEY[DUE_SOON_SETTING].default


class SlaStatus(StrEnum):
    MET = "met"
    BREACHED = "breached"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    PAUSED = "paused"


def sla_key(priority: str | None) -> str:
    """The setting holding the SLA hours of `priority`; a blank or unknown priority counts as normal."""
    return SLA_SETTING_KEYS[priority if priority in PRIORITIES else "normal"]


def sla_hours(tx: Transaction, priority: str | None) -> float:
    """The SLA hours in force for `priority`, read in the transaction (the default where the sheet's is unusable)."""
    setting = BY_KEY[sla_key(priority)]
    row = tx.get(SETTINGS, setting.key)
    value, _problem = read_setting(setting, row.value if row else None)
    return float(value)


def sla_hours_in(settings: Mapping[str, Any], priority: str | None) -> float:
    """The SLA hours of `priority` among the settings in force (a snapshot's)."""
    return float(settings[sla_key(priority)])


def due_time(opened_at: datetime, hours: float) -> datetime:
    return (opened_at + timedelta(hours=hours)).replace(microsecond=0)


def missing_clock(ticket: Mapping[str, Any], now: datetime, hours: float) -> dict[str, Any]:
    """The clock cells an active ticket lacks, as `open_ticket` and `wait_on_customer` would have set them.

    `hours` are the SLA hours of the ticket's priority. A finished ticket is
    left as it is (its opening is history nobody typed); {} when nothing is missing.
    """
    state = ticket.get("status") or TICKET.default_state
    if state not in ACTIVE_STATES:
        return {}
    opened = ticket.get("opened_at")
    filled: dict[str, Any] = {}
    if opened is None:
        opened = filled["opened_at"] = now
    if ticket.get("due_at") is None:
        filled["due_at"] = due_time(opened, hours)
    if state == PAUSED_STATE and ticket.get("paused_since") is None:
        filled["paused_since"] = now
    return filled


def fill_clock(tx: Transaction, ticket: Mapping[str, Any]) -> dict[str, Any]:
    """`missing_clock` for a write: now is the transaction's, the hours are the Settings' in force."""
    return missing_clock(ticket, tx.now, sla_hours(tx, ticket.get("priority")))


def pause_folded(ticket: Record | dict[str, Any], now: datetime) -> dict[str, Any]:
    """The changes that end a pause: the waited hours added to paused_hours and to due_at ({} if not paused)."""
    since = ticket["paused_since"]
    if since is None:
        return {}
    elapsed = max(now - since, timedelta(0))
    changes: dict[str, Any] = {
        "paused_since": None,
        "paused_hours": round((ticket["paused_hours"] or 0) + elapsed / timedelta(hours=1), 4),
    }
    if ticket["due_at"] is not None:
        changes["due_at"] = ticket["due_at"] + elapsed
    return changes


def sla_status(
    ticket: Record | dict[str, Any], now: datetime, due_soon_percent: float = DEFAULT_DUE_SOON_PERCENT
) -> SlaStatus:
    """Where `ticket` stands against its due time at `now`.

    Finished: met (resolved by due_at) or breached. Active: breached once
    past due_at, paused while waiting on the customer, due_soon with
    `due_soon_percent` of its window or less left (Settings:
    ticket_due_soon_percent), else on_track. A ticket without a due time is
    on track (nobody set a deadline on it).
    """
    due = ticket["due_at"]
    if (ticket["status"] or TICKET.default_state) in FINISHED_STATES:
        if due is None:
            return SlaStatus.MET
        finished = ticket["resolved_at"] or ticket["updated_at"] or now
        return SlaStatus.MET if finished <= due else SlaStatus.BREACHED
    if due is None:
        return SlaStatus.ON_TRACK
    since = ticket["paused_since"]
    if since is not None:
        return SlaStatus.BREACHED if since > due else SlaStatus.PAUSED
    if now > due:
        return SlaStatus.BREACHED
    if due - now <= _window(ticket) * (due_soon_percent / 100):
        return SlaStatus.DUE_SOON
    return SlaStatus.ON_TRACK


def _window(ticket: Record | dict[str, Any]) -> timedelta:
    """The ticket's SLA window: from opening to due, less the time it waited on the customer."""
    opened, due = ticket["opened_at"], ticket["due_at"]
    if opened is None or due is None:
        return timedelta(hours=4)
    return max(due - opened - timedelta(hours=ticket["paused_hours"] or 0), timedelta(0))


def due_soon_percent_in(settings: Table) -> float:
    """The due-soon percentage in force, from the Settings tab as read."""
    setting = BY_KEY[DUE_SOON_SETTING]
    row = settings.get(setting.key)
    return float(read_setting(setting, row.value if row else None)[0])
