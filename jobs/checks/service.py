"""Customer service: tickets due soon (warning), past due (breach), without a first reply too long.

A ticket added by hand (in the grid, typed into the sheet) gets its SLA clock
here if no write gave it one: the cycle fills in opened_at, due_at and, when
it waits on the customer, paused_since (processes/service/sla.py), and judges
the ticket by them in the same cycle.
"""

from __future__ import annotations

import pandas as pd

from i18n import _
from processes.service.procedure import (
    ACTIVE_STATES,
    PAUSED_STATE,
    TICKET_DUE_SOON,
    TICKET_NO_RESPONSE,
    TICKET_OVERDUE,
)
from processes.service.sla import missing_clock, sla_hours_in
from sheets.tabs import TICKETS

from ..effects import Effect, FillCells, NameRows, alert
from ..snapshot import Snapshot
from .common import hours, shown, waited


def check_service(snapshot: Snapshot) -> list[Effect]:
    df = snapshot.df(TICKETS)
    df = df[df["status"].isin(ACTIVE_STATES)]
    fills = clock_fills(snapshot, df)
    df = _with_fills(df, fills)
    now = pd.Timestamp(snapshot.now)
    due, paused = df["due_at"], df["paused_since"]
    effects: list[Effect] = [*fills]
    if snapshot.table(TICKETS).rows_without_id:  # named now, their clock filled in the next cycle
        effects.append(NameRows(TICKETS))

    # Past due; a ticket paused (waiting on the customer) before its due time is not.
    overdue = df[due.notna() & (due < now) & (paused.isna() | (paused > due))]
    for ticket_id, priority, due_at in overdue[["ticket_id", "priority", "due_at"]].itertuples(index=False):
        effects.append(
            alert(
                TICKET_OVERDUE.kind,
                ticket_id,
                TICKET_OVERDUE.severity,
                _(
                    "Ticket {ticket_id} ({priority}) was due {shown}",
                    ticket_id=ticket_id,
                    priority=priority,
                    shown=shown(due_at),
                ),
                TICKET_OVERDUE.owner_role,
            )
        )

    # Due soon: this share of the ticket's SLA window or less left (as sla_status says on the pages).
    share = float(snapshot.setting(TICKET_DUE_SOON.setting)) / 100
    waited_hours = pd.to_timedelta(df["paused_hours"].fillna(0), unit="h")
    window = (due - df["opened_at"] - waited_hours).clip(lower=pd.Timedelta(0))
    due_soon = df[paused.isna() & (due >= now) & (due - now <= window * share)]
    for ticket_id, priority, due_at in due_soon[["ticket_id", "priority", "due_at"]].itertuples(index=False):
        effects.append(
            alert(
                TICKET_DUE_SOON.kind,
                ticket_id,
                TICKET_DUE_SOON.severity,
                _(
                    "Ticket {ticket_id} ({priority}) is due {shown}",
                    ticket_id=ticket_id,
                    priority=priority,
                    shown=shown(due_at),
                ),
                TICKET_DUE_SOON.owner_role,
            )
        )

    limit = snapshot.setting(TICKET_NO_RESPONSE.setting)
    silent = df[df["first_response_at"].isna() & waited(df["opened_at"], snapshot.now, limit)]
    for ticket_id, opened in silent[["ticket_id", "opened_at"]].itertuples(index=False):
        effects.append(
            alert(
                TICKET_NO_RESPONSE.kind,
                ticket_id,
                TICKET_NO_RESPONSE.severity,
                _(
                    "Ticket {ticket_id} opened {shown} has no reply yet (limit {hours})",
                    ticket_id=ticket_id,
                    shown=shown(opened),
                    hours=hours(limit),
                ),
                TICKET_NO_RESPONSE.owner_role,
            )
        )
    return effects


def clock_fills(snapshot: Snapshot, active: pd.DataFrame) -> list[FillCells]:
    """The SLA clock cells the active tickets lack, from the Settings in force."""
    lacking = active[
        active["opened_at"].isna()
        | active["due_at"].isna()
        | ((active["status"] == PAUSED_STATE) & active["paused_since"].isna())
    ]
    table = snapshot.table(TICKETS)
    fills = []
    for ticket_id in lacking["ticket_id"]:
        ticket = table.get(ticket_id)
        hours_of_priority = sla_hours_in(snapshot.settings, ticket["priority"])
        values = missing_clock(ticket, snapshot.now, hours_of_priority)
        if values:
            fills.append(FillCells(TICKETS, ticket_id, values))
    return fills


def _with_fills(active: pd.DataFrame, fills: list[FillCells]) -> pd.DataFrame:
    """The tickets as they will be once the fills are written."""
    if not fills:
        return active
    completed = active.copy()
    position = dict(zip(completed["ticket_id"], completed.index, strict=True))
    for fill in fills:
        for name, value in fill.values.items():
            completed.at[position[fill.key], name] = pd.Timestamp(value)
    return completed
