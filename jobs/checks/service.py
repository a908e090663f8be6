"""Customer service: tickets due soon (warning), past due (breach), without a first reply too long."""

from __future__ import annotations

import pandas as pd

from processes.service.procedure import ACTIVE_STATES
from sheets.tabs import TICKETS

from ..effects import Effect, alert
from ..snapshot import Snapshot
from .common import hours, shown, waited


def check_service(snapshot: Snapshot) -> list[Effect]:
    df = snapshot.df(TICKETS)
    df = df[df["status"].isin(ACTIVE_STATES)]
    now = pd.Timestamp(snapshot.now)
    due, paused = df["due_at"], df["paused_since"]
    effects: list[Effect] = []

    # Past due; a ticket paused (waiting on the customer) before its due time is not.
    overdue = df[due.notna() & (due < now) & (paused.isna() | (paused > due))]
    for ticket_id, priority, due_at in overdue[["ticket_id", "priority", "due_at"]].itertuples(index=False):
        effects.append(
            alert(
                "service.overdue",
                ticket_id,
                "breach",
                f"Ticket {ticket_id} ({priority}) was due {shown(due_at)}",
                "manager",
            )
        )

    soon = snapshot.setting("ticket_due_soon_hours")
    due_soon = df[paused.isna() & (due >= now) & (due <= now + pd.Timedelta(hours=soon))]
    for ticket_id, priority, due_at in due_soon[["ticket_id", "priority", "due_at"]].itertuples(index=False):
        effects.append(
            alert(
                "service.due_soon",
                ticket_id,
                "warning",
                f"Ticket {ticket_id} ({priority}) is due {shown(due_at)}",
                "staff",
            )
        )

    limit = snapshot.setting("first_response_hours")
    silent = df[df["first_response_at"].isna() & waited(df["opened_at"], snapshot.now, limit)]
    for ticket_id, opened in silent[["ticket_id", "opened_at"]].itertuples(index=False):
        effects.append(
            alert(
                "service.no_response",
                ticket_id,
                "warning",
                f"Ticket {ticket_id} opened {shown(opened)} has no reply yet (limit {hours(limit)})",
                "staff",
            )
        )
    return effects
