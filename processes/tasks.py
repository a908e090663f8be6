"""What waits on whom: tasks per role derived from the procedure declarations, and today's figures.

A record waits on a role when a step its procedure allows from the record's
current state, for this record (the steps its page offers), is that role's
and moves it on. Steps that abandon a record (cancel), that leave it where it
is (a recount, another reply) or that the app takes itself are no one's task.
When both staff and a manager could move a record on, it waits on staff: a
manager is needed only where staff cannot act (approvals).

A manager sees what needs a manager first, then the work of staff; each
group by urgency: the soonest deadline first, so what is past its deadline
comes first, the most overdue at the top; what has no deadline comes last,
oldest first (processes.urgency says what a record's deadline is). How long a record has waited is counted from when it
entered its state, as the Audit tab tells (its insert, or the change of its
status); where the Audit says nothing, from the last time the app changed it
(`updated_at`), or else from the row's first date (a row a person typed).
Stocktake lines are one task per session, waiting since the oldest line.

Everything here is pure over Tables read once (`home` does the reading), so
the dashboard costs one read of the workbook, and tests build their tables by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from i18n import N_
from processes.browse import Attention, TabCount, attention_in, counts_in
from processes.declarations import PROCEDURES
from processes.home_reading import read_home
from processes.permissions import ROLES, Actor
from processes.procedure import ABANDONED, Procedure, Transition
from processes.urgency import deadline_of, settings_in_force, urgency_order
from sheets.audit_changes import changed_names
from sheets.schema import STAMP_COLUMNS, Kind
from sheets.table import Record, Table
from sheets.tabs import (
    ALERT_OPEN,
    ALERTS,
    AUDIT,
    ORDERS,
    RETURNS,
    SETTINGS,
    TICKETS,
)
from sheets.workbook import Workbook

#: Procedures whose steps are offered on another's record (a refund's, on its return), by that one's name.
SHOWN_ON: dict[str, list[Procedure]] = {}
for _procedure in PROCEDURES:
    if _procedure.shown_on:
        SHOWN_ON.setdefault(_procedure.shown_on, []).append(_procedure)


@dataclass(frozen=True)
class Task:
    """A record (or a group of them) waiting on a role, and the steps that role can take."""

    procedure: str  # the procedure's name
    ref: str  # the record's ID, or the group's (a stocktake session)
    state: str
    role: str  # the role it waits on
    steps: tuple[str, ...]  # what the buttons say
    since: datetime | None  # waiting since
    waited: timedelta | None
    about: str = ""
    records: int = 1  # records in the group
    due: datetime | None = None  # when it breaches its deadline (None: it has none)
    left: timedelta | None = None  # time left until then; negative once overdue

    @property
    def overdue(self) -> bool:
        return self.left is not None and self.left < timedelta(0)


def roles_of(actor: Actor) -> tuple[str, ...]:
    """The roles whose work `actor` does, most senior first: an admin does a manager's and staff's."""
    if actor.role not in ROLES:
        return ()
    return tuple(reversed(ROLES[: ROLES.index(actor.role) + 1]))


def tasks_for(actor: Actor, tables: Mapping[str, Table], now: datetime) -> list[Task]:
    """Every record waiting on one of `actor`'s roles: the senior role's first, the most urgent first within it."""
    roles = roles_of(actor)
    waiting = [
        item
        for procedure in PROCEDURES
        if procedure.tab.name in tables and not procedure.shown_on
        for item in _waiting(procedure, tables[procedure.tab.name], actor, roles)
    ]
    entered = entered_state(tables.get(AUDIT.name), waiting)
    settings = settings_in_force(tables.get(SETTINGS.name))
    groups: dict[tuple[str, str, str], _Group] = {}
    for item in waiting:
        name, grouped_by = item.procedure.name, item.procedure.grouped_by
        ref = str(item.record[grouped_by] or item.record_id) if grouped_by else item.record_id
        group = groups.setdefault((name, ref, item.role), _Group(name, ref, item.role))
        since = entered.get((item.procedure.tab.name, item.record_id)) or waiting_since(item.record)
        group.add(item, since, deadline_of(item.procedure, item.record, item.steps, since, settings))
    tasks = [group.task(now) for group in groups.values()]
    return sorted(tasks, key=lambda task: (roles.index(task.role), urgency_order(task.due, task.since)))


def waiting_role(steps: Sequence[Transition], roles: Sequence[str]) -> str | None:
    """The least senior of `roles` that can take one of `steps` (None: no step for any of them)."""
    for role in reversed(roles):
        if any(step.role == role for step in steps):
            return role
    return None


@dataclass(frozen=True)
class _Waiting:
    """One record waiting on `role`, and the steps that move it on."""

    procedure: Procedure
    record: Record
    record_id: str
    state: str
    role: str
    steps: list[Transition]


def _waiting(procedure: Procedure, table: Table, actor: Actor, roles: Sequence[str]) -> list[_Waiting]:
    default = procedure.tab.column(procedure.status_column).default
    with_it = SHOWN_ON.get(procedure.name, [])
    # Only rows in a state with some step for these roles are looked at one by one; with procedures
    # shown on it (a return's refund, due after an exchange closed it too), every row is.
    candidates = {
        state
        for state in procedure.states
        if with_it
        or _moving_on(procedure.allowed(state, actor), state, roles, procedure.groups.get(ABANDONED, ()))
    }

    def steps_of(record: Record, who: Actor) -> list[Transition]:
        """The steps the record's page offers: its own, and those of procedures shown on it."""
        return [step for offered in (procedure, *with_it) for step in offered.steps_for(record, who)]

    found = []
    ids = table.columns[procedure.tab.key[0]]
    for index, state in enumerate(table.columns[procedure.status_column]):
        if (state or default) not in candidates:
            continue
        record = table.record_at(index)
        steps = _moving_on(
            steps_of(record, actor), state or default, roles, procedure.groups.get(ABANDONED, ())
        )
        role = waiting_role(steps, roles)
        if role is not None:
            found.append(_Waiting(procedure, record, str(ids[index]), state or default, role, steps))
    return found


def _moving_on(
    steps: Sequence[Transition], state: str, roles: Sequence[str], abandoned: Sequence[str]
) -> list[Transition]:
    """The steps one of `roles` takes that move a record on from `state`.

    Not one that abandons it (to a state of the "abandoned" group: cancel), and not a
    step that leaves it where it is: a recount of a counted line waits on nobody, its approval does.
    """
    return [
        step
        for step in steps
        if step.role in roles
        and step.target not in abandoned
        and not (step.target == state and state in step.sources)
    ]


#: Per tab, the pattern of an Audit `changes` text that changes one of its procedures' states.
_STATE_CHANGE = {
    tab: re.compile(
        "(?:^|; )(?:" + "|".join(re.escape(p.status_column) for p in PROCEDURES if p.tab.name == tab) + "): "
    )
    for tab in {procedure.tab.name for procedure in PROCEDURES}
}


def entered_state(audit: Table | None, waiting: Sequence[_Waiting]) -> dict[tuple[str, str], datetime]:
    """When each waiting record entered its state, from the Audit tab: (tab, record ID) -> moment.

    The last Audit row of the record that sets a state column: a change
    ("status: new → confirmed"), or its insert — a record that came in with
    an earlier date of its own (an imported order) has waited since that date.
    A record the Audit does not mention (typed by a person) is left out.
    """
    if audit is None or not waiting:
        return {}
    wanted = {(item.procedure.tab.name, item.record_id): item.record for item in waiting}
    entered: dict[tuple[str, str], datetime] = {}
    columns = audit.columns
    for tab, record_id, at, action, changes in zip(
        columns["tab"],
        columns["record_id"],
        columns["at"],
        columns["action"],
        columns["changes"],
        strict=True,
    ):
        key = (tab, record_id)
        if key not in wanted or at is None or not changes or not _sets_state(tab, changes):
            continue
        if (action or "").endswith("insert"):
            at = min(at, first_moment(wanted[key]) or at)
        entered[key] = max(at, entered.get(key, at))
    return entered


def _sets_state(tab: str, changes: str) -> bool:
    """Whether an Audit `changes` cell sets a state column of `tab` (a quoted value is parsed, not matched)."""
    if '"' not in changes:
        return bool(_STATE_CHANGE[tab].search(changes))
    columns = {p.status_column for p in PROCEDURES if p.tab.name == tab}
    return any(name in columns for name in changed_names(changes))


@dataclass
class _Group:
    procedure: str
    ref: str
    role: str
    states: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    since: datetime | None = None
    about: str = ""
    records: int = 0
    due: datetime | None = None

    def add(self, item: _Waiting, since: datetime | None, due: datetime | None) -> None:
        self.records += 1
        if due is not None and (self.due is None or due < self.due):
            self.due = due
        self.states += [item.state] if item.state not in self.states else []
        self.steps += [step.label for step in item.steps if step.label not in self.steps]
        if since is not None and (self.since is None or since < self.since):
            self.since = since
        column = item.procedure.about
        value = item.record[column] if column else None
        self.about = self.about or ("" if value is None else str(value))

    def task(self, now: datetime) -> Task:
        waited = max(now - self.since, timedelta(0)) if self.since else None
        return Task(
            self.procedure,
            self.ref,
            ", ".join(self.states),
            self.role,
            tuple(self.steps),
            self.since,
            waited,
            self.about,
            self.records,
            self.due,
            self.due - now if self.due is not None else None,
        )


def waiting_since(record: Record) -> datetime | None:
    """Where the Audit says nothing: when the app last changed the record, else the row's first moment."""
    return record.get("updated_at") or first_moment(record)


def first_moment(record: Record) -> datetime | None:
    """The first moment the row gives (created, opened, requested...): its first date-and-time column."""
    for column in record.schema.columns:
        if column.kind is Kind.DATETIME and column.name not in STAMP_COLUMNS and record[column.name]:
            return record[column.name]
    return None


def _age_order(since: datetime | None) -> tuple[int, datetime]:
    return (0, since) if since else (1, datetime.min)  # unknown age last


# alerts for my role ---------------------------------------------------------------

_SEVERITY_ORDER = {"breach": 0, "warning": 1, "info": 2}


def alerts_for(actor: Actor, table: Table, limit: int = 5) -> list[Record]:
    """The most severe open alerts owned by one of `actor`'s roles: own role first, oldest first."""
    roles = roles_of(actor)
    mine = [
        alert
        for alert in table.records()
        if (alert.status or ALERT_OPEN) == ALERT_OPEN and (alert.owner_role or "manager") in roles
    ]

    def order(alert: Record) -> tuple[Any, ...]:
        return (
            _SEVERITY_ORDER.get(alert.severity or "warning", 3),
            roles.index(alert.owner_role or "manager"),
            _age_order(alert.first_seen),
        )

    return sorted(mine, key=order)[:limit]


# today's figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    amount: float | None = None  # money, where the figure has it


def todays_figures(tables: Mapping[str, Table], now: datetime) -> list[Figure]:
    """Orders in and shipped, tickets opened and resolved, refunds paid: each counted today so far."""
    start = datetime(now.year, now.month, now.day)
    end = start + timedelta(days=1)

    def today(tab_name: str, column: str) -> list[int]:
        table = tables.get(tab_name)
        values = table.columns[column] if table is not None else []
        return [index for index, value in enumerate(values) if value is not None and start <= value < end]

    refunded = today(RETURNS.name, "refunded_at")
    amounts = tables[RETURNS.name].columns["refund_amount"] if refunded else []
    return [
        Figure(N_("orders in"), len(today(ORDERS.name, "created_at"))),
        Figure(N_("orders shipped"), len(today(ORDERS.name, "shipped_at"))),
        Figure(N_("tickets opened"), len(today(TICKETS.name, "opened_at"))),
        Figure(N_("tickets resolved"), len(today(TICKETS.name, "resolved_at"))),
        Figure(N_("refunds paid"), len(refunded), sum(amounts[index] or 0 for index in refunded)),
    ]


# the home page's one read -----------------------------------------------------------


@dataclass(frozen=True)
class Home:
    """Everything the dashboard shows, from one read of the workbook."""

    tasks: list[Task]
    alerts: list[Record]
    figures: list[Figure]
    counts: list[TabCount]
    attention: Attention


def home(workbook: Workbook, actor: Actor, now: datetime | None = None) -> Home:
    """`actor`'s tasks and alerts, today's figures and the record counts (processes/home_reading.py reads them)."""
    moment = now or workbook.clock()
    read = read_home(workbook)
    tables = read.tables
    return Home(
        tasks=tasks_for(actor, tables, moment),
        alerts=alerts_for(actor, tables[ALERTS.name]),
        figures=todays_figures(tables, moment),
        counts=counts_in(tables, read.totals),
        attention=attention_in(tables),
    )
