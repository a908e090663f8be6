"""How soon a waiting record breaches its deadline: the order of the dashboard's "Waiting on you".

A record's deadline is the earliest of the declared deadlines of the steps
that move it on (each step's `deadline` setting, counted from when the
record entered its state, a day being 24 hours), except where the record
keeps its own deadline: a ticket's `due_at` is its SLA clock, with the time
spent waiting on the customer already added; while the ticket waits on the
customer (`paused_since`), its clock stands still and it has no deadline.

Pure over the records and the Settings table, like processes.tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from processes.procedure import Procedure, Transition, hours_in_force
from sheets.settings import BY_KEY, read_setting
from sheets.table import Record, Table

#: A record's own deadline, kept on its row (a ticket's SLA resolution time).
OWN_DEADLINE = "due_at"
#: While set, the record's own deadline stands still (a ticket waiting on the customer).
CLOCK_STOPPED = "paused_since"


def settings_in_force(table: Table | None) -> dict[str, Any]:
    """Every Settings row a declaration reads: key -> the value in force (a default for an unusable cell)."""
    if table is None:
        return {}
    return {
        record.key: read_setting(BY_KEY[record.key], record.value)[0]
        for record in table.records()
        if record.key in BY_KEY
    }


def deadline_of(
    procedure: Procedure,
    record: Record,
    steps: Iterable[Transition],
    since: datetime | None,
    settings: Mapping[str, Any],
) -> datetime | None:
    """When `record` breaches: its own deadline, else the earliest of its steps' deadlines; None without one."""
    if OWN_DEADLINE in record.schema.column_names:
        if CLOCK_STOPPED in record.schema.column_names and record[CLOCK_STOPPED] is not None:
            return None
        if record[OWN_DEADLINE] is not None:
            return record[OWN_DEADLINE]
    if since is None:
        return None
    hours = [
        hours_in_force(key, settings)
        for step in steps
        if step.deadline
        for key in [_setting_for(procedure, step.deadline, record)]
        if key is not None
    ]
    return since + timedelta(hours=min(hours)) if hours else None


def _setting_for(procedure: Procedure, deadline: str, record: Record) -> str | None:
    """The Settings key of a step's deadline for this record: "sla_hours_{priority}" by its priority."""
    for column, choice, key in procedure.settings_by_choice(deadline):
        if column is None:
            return key
        value = record[column] or procedure.tab.column(column).default
        if value == choice:
            return key
    return None


def urgency_order(due: datetime | None, since: datetime | None) -> tuple[int, datetime]:
    """Sort key: the soonest deadline first (so the most overdue first); without a deadline last, oldest first."""
    if due is not None:
        return (0, due)
    return (1, since) if since is not None else (2, datetime.min)
