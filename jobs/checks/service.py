"""Customer service: tickets due soon (warning), past due (breach), without a first reply too long."""

from __future__ import annotations

import pandas as pd

from i18n import _
from processes.service.procedure import ACTIVE_STATES, TICKET_DUE_SOON, TICKET_NO_RESPONSE, TICKET_OVERDUE
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

    soon = snapshot.setting(TICKET_DUE_SOON.setting)
    due_soon = df[paused.isna() & (due >= now) & (due <= now + pd.Timedelta(hours=soon))]
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
