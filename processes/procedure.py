"""A procedure's specification: its states and their groups, its steps, the cells they own.

Every layer reads the specification instead of spelling it again: pages draw
the steps `steps_for()` returns for a record (pages/steps_panel.py), the one
dispatcher takes them (processes/steps.py) for pages and the HTTP API alike,
the grid refuses hand edits of the cells the steps own (processes/sheet_edit.py),
and the handbook, the review, the dashboard's tasks and the deadline alerts
are derived from it. The rule module checks the same declaration inside its
transaction before it changes anything, so a crafted request cannot skip a step.

A deadline names the Settings key that holds it, so the value in force is
always the one in the Settings tab; a step's deadline that no declared alert
watches gets a generated one (`deadline_alerts`), raised by jobs/checks/deadlines.py.

    PURCHASE_ORDER = Procedure(
        "Purchase order", PURCHASE_ORDERS, "status",
        groups={"open": (...), "incoming": (...), EDITABLE: ("draft",)},
        step_columns=("approved_by", "raised_by", ...),  # no hand edit, whoever asks
        terms=("supplier_id", "sku", "qty", "unit_price", "total", "location_id"),  # only while a draft
        transitions=(
            Transition("approve", ("awaiting_approval",), "approved", "manager", "Approve the order",
                       permission=Permission.APPROVE_PO_OVER_LIMIT, deadline="po_approval_wait_hours"),
            ...
        ),
        alerts=(Alert("procurement.approval_late", "Waiting too long for a manager", "warning",
                      "manager", setting="po_approval_wait_hours", watches=("approve",)),),
        area="procurement", page="/procurement/orders/{id}", about="supplier_id",
    )
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n import N_, _
from processes.errors import ProcessError
from processes.permissions import ROLES, Actor, Permission, require
from sheets.schema import Tab
from sheets.settings import BY_KEY as DECLARED_SETTINGS

#: Who a responsibility can name: the app's roles and the people outside it.
PARTIES = (*ROLES, "customer", "supplier")
SEVERITIES = ("breach", "warning", "info")
#: A placeholder in a deadline's Settings key, filled with each choice of that column.
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: The state group in which a record's terms (and its parts) may still be changed by hand.
EDITABLE = "editable"
#: The state group in which a record holds stock (reserved, in transit): it is not deleted there.
HOLDS_STOCK = "holds_stock"
#: The state group of records dropped rather than finished (cancelled): a step there waits on nobody.
ABANDONED = "abandoned"


@dataclass(frozen=True)
class Alert:
    """A condition the scheduled checks watch, and the alert they keep open while it holds."""

    kind: str  # as written in the Alerts tab's kind column, e.g. "order.unpaid"
    meaning: str  # what the alert says is wrong, and what to do about it
    severity: str  # breach, warning or info
    owner_role: str  # whom the alert is for
    setting: str | None = None  # the Settings key holding its threshold, when it has one
    watches: tuple[str, ...] = ()  # the steps whose deadline it watches: no generic deadline alert for them
    step: str = ""  # a generated deadline alert: the label of its step, for `{step}` in the meaning

    def meaning_in_force(self) -> str:
        """The meaning in the language in force."""
        return _(self.meaning, step=_(self.step).lower()) if self.step else _(self.meaning)


#: What a deadline alert generated from a step's declared deadline says.
LATE_STEP = N_(
    "A record has waited longer than the deadline for its next step, to {step}: "
    "take the step, or find out what holds it up."
)


@dataclass(frozen=True)
class AlertGroup:
    """Alerts that watch no single procedure: stock levels, the record itself."""

    name: str
    purpose: str
    alerts: tuple[Alert, ...]

    def __post_init__(self) -> None:
        for alert in self.alerts:
            _check_alert(self.name, alert, (alert.setting,) if alert.setting else ())


@dataclass(frozen=True)
class Entry:
    """How a record comes into the procedure: the state it starts in, and who or what puts it there.

    `after` names the state it comes from when the app moves it as the effect
    of another procedure's step (a refund becomes due when the return is received).
    """

    state: str
    how: str
    after: str | None = None


@dataclass(frozen=True)
class Transition:
    """One named action: from which states, to which state, done by which role."""

    action: str
    sources: tuple[str, ...]
    target: str
    role: str  # the role responsible for the step (staff, manager)
    label: str  # what the button says
    permission: Permission | None = None  # checked in the rule, not only by hiding the button
    checklist: tuple[str, ...] = ()  # what the person confirms before the step
    # The Settings key holding how long the step may take (its unit is the setting's);
    # "sla_hours_{priority}" names one setting per choice of the record's priority column.
    deadline: str | None = None
    automatic: str = ""  # when the app takes the step itself, what makes it do so; no page offers it
    accountable: str | None = None  # who answers for the step; None: the procedure's accountable role
    consulted: tuple[str, ...] = ()  # whose word the step needs before it is taken
    informed: tuple[str, ...] = ()  # who is told once it is taken (the customer by a message)
    # The step applies only to records for which this holds (an exchange only to an exchange).
    when: Callable[[Mapping[str, Any]], bool] | None = None

    def applies_to(self, record: Mapping[str, Any]) -> bool:
        return self.when is None or bool(self.when(record))


@dataclass(frozen=True)
class Part:
    """Rows of another tab that belong to a record by `link` (an order's lines): changed with it."""

    tab: Tab
    link: str  # the column of `tab` holding the record's key


@dataclass(frozen=True)
class Procedure:
    """A procedure's whole specification: states and their groups, steps, and the cells they own.

    Cells are of three sorts. The status column and `step_columns` are the steps'
    (approval, refund, vote, stock-effect cells): no hand edit, in the grid or the
    API, changes them, whoever asks. `terms` (quantities, prices, where) are typed
    by hand only while the record is in its "editable" state group, and so are the
    rows of its `parts`. Every other cell is free. A record in the "holds_stock"
    group is not deleted: a step releases its stock first.
    """

    name: str
    tab: Tab
    status_column: str
    transitions: tuple[Transition, ...]
    purpose: str = ""
    entries: tuple[Entry, ...] = ()  # how records come in; none declared: in the first state
    accountable: str = "manager"  # the role that answers for the procedure as a whole
    alerts: tuple[Alert, ...] = ()  # what the scheduled checks watch in it
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # named sets of states
    step_columns: tuple[str, ...] = ()  # besides the status: cells written only by the steps
    terms: tuple[str, ...] = ()  # cells typed by hand only in the "editable" group
    parts: tuple[Part, ...] = ()  # rows of other tabs that belong to a record
    area: str = ""  # the alert area its alerts belong to (the part of their kind before the dot)
    page: str = ""  # where one record is worked on: "/orders/{id}" (or the list it is worked in)
    about: str = ""  # the column that says what a record is about, shown next to its ID
    grouped_by: str = ""  # records worked on together by this column (a stocktake's session): one task
    shown_on: str = ""  # the procedure on whose record page its steps are offered (a refund: its return)
    # When a record entered a state, where the tab's column for it is not "<state>_at"
    # (a transfer is in_transit from shipped_at); "" names the column a record is created with.
    stamps: Mapping[str, str] = field(default_factory=dict)
    _by_action: dict[str, Transition] = field(init=False, repr=False, compare=False)
    _deadline_alerts: tuple[Alert, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        choices = set(self.tab.column(self.status_column).choices)
        for transition in self.transitions:
            unknown = {*transition.sources, transition.target} - choices
            if unknown:
                raise ValueError(f"{self.name}: {transition.action} names states {unknown} not declared")
            parties = {transition.role, transition.accountable or self.accountable}
            _check_parties(
                f"{self.name}: {transition.action}", parties | {*transition.consulted, *transition.informed}
            )
            for key in self.deadline_settings(transition):
                _check_setting(f"{self.name}: the deadline of {transition.action}", key)
        for entry in self.entries:
            unknown = {entry.state, entry.after or entry.state} - choices
            if unknown:
                raise ValueError(f"{self.name}: an entry names states {unknown} not declared")
        _check_parties(self.name, {self.accountable})
        self._check_cells(choices)
        object.__setattr__(self, "_by_action", {t.action: t for t in self.transitions})
        object.__setattr__(self, "_deadline_alerts", tuple(self._late_step_alerts()))
        for alert in self.all_alerts:
            _check_alert(self.name, alert, self.settings_named(alert.setting))
            if self.area and not alert.kind.startswith(f"{self.area}."):
                raise ValueError(f"{self.name}: alert {alert.kind} is not in the area {self.area}")
            if set(alert.watches) - set(self._by_action):
                raise ValueError(f"{self.name}: alert {alert.kind} watches steps not declared")

    def _late_step_alerts(self) -> list[Alert]:
        """One alert per step with a deadline that no declared alert watches."""
        watched = {action for alert in self.alerts for action in alert.watches}
        late = [t for t in self.transitions if t.deadline and not t.automatic and t.action not in watched]
        if late and not self.area:
            raise ValueError(f"{self.name}: steps with deadlines need the procedure's alert area")
        return [
            Alert(
                f"{self.area}.late.{self.slug}.{t.action}",
                LATE_STEP,
                "warning",
                t.role,
                setting=t.deadline,
                watches=(t.action,),
                step=t.label,
            )
            for t in late
        ]

    @property
    def deadline_alerts(self) -> tuple[Alert, ...]:
        """The alerts generated from the steps' declared deadlines (those no declared alert watches)."""
        return self._deadline_alerts

    @property
    def all_alerts(self) -> tuple[Alert, ...]:
        """The declared alerts and the generated deadline alerts."""
        return (*self.alerts, *self._deadline_alerts)

    def steps_for(self, record: Mapping[str, Any], actor: Actor | None = None) -> list[Transition]:
        """The steps a person may take on `record` now: from its state, applying to it, permitted to `actor`.

        Steps the app takes itself (`automatic`) are not among them: no page offers them.
        """
        return [
            t for t in self.allowed(self.state_of(record), actor) if not t.automatic and t.applies_to(record)
        ]

    def _check_cells(self, choices: set[str]) -> None:
        for group, states in self.groups.items():
            if set(states) - choices:
                raise ValueError(
                    f"{self.name}: group {group} names states {set(states) - choices} not declared"
                )
        for name in (*self.step_columns, *self.terms):
            self.tab.column(name)  # raises for a column the tab does not declare
        if set(self.step_columns) & set(self.terms):
            raise ValueError(f"{self.name}: a column cannot be both a step's and a term")
        if self.terms and EDITABLE not in self.groups:
            raise ValueError(f"{self.name}: terms need the {EDITABLE!r} group of states")
        for part in self.parts:
            part.tab.column(part.link)
        for name in (self.about, self.grouped_by, *self.stamps.values()):
            if name:
                self.tab.column(name)
        if set(self.stamps) - choices - {""}:
            raise ValueError(
                f"{self.name}: stamps name states {set(self.stamps) - choices - {''}} not declared"
            )
        default = self.tab.column(self.status_column).default
        if default not in self.start_states:
            raise ValueError(f"{self.name}: a row added by hand starts {default!r}, which is no entry state")

    @property
    def states(self) -> tuple[str, ...]:
        return self.tab.column(self.status_column).choices

    @property
    def owned_columns(self) -> tuple[str, ...]:
        """The cells only the steps write: the status and the step columns."""
        return (self.status_column, *self.step_columns)

    def group(self, name: str) -> tuple[str, ...]:
        """The states of the named group ("open", "reserved" ...); ValueError for one not declared."""
        try:
            return self.groups[name]
        except KeyError:
            raise ValueError(f"{self.name} declares no state group {name!r}") from None

    @property
    def default_state(self) -> str:
        """The state a row added by hand starts in: what a blank status cell counts as."""
        return self.tab.column(self.status_column).default

    def state_of(self, record: Any) -> str:
        """The record's state; a blank status cell is the state a row added by hand starts in."""
        return record.get(self.status_column) or self.default_state

    def in_group(self, record: Any, name: str) -> bool:
        return self.state_of(record) in self.groups.get(name, ())

    def steps_out_of(self, state: str, group: str) -> list[Transition]:
        """The steps a person takes from `state` that leave `group` (what releases the stock)."""
        inside = self.groups.get(group, ())
        return [t for t in self.allowed(state) if t.target not in inside and not t.automatic]

    def page_of(self, record_id: str) -> str | None:
        """The address a record is worked on at, or None when the procedure has no page."""
        return self.page.format(id=record_id) if self.page else None

    @property
    def slug(self) -> str:
        """The procedure's name as a path: "Purchase order" -> "purchase-order"."""
        return "-".join(self.name.lower().split())

    @property
    def start_states(self) -> tuple[str, ...]:
        """The states records enter the procedure in."""
        return tuple(entry.state for entry in self.entries) or self.states[:1]

    @property
    def first_states(self) -> tuple[str, ...]:
        """The states a record's life begins in: what "started" counts (an entry `after` another is not one)."""
        return tuple(entry.state for entry in self.entries if entry.after is None) or self.states[:1]

    def deadline_settings(self, transition: Transition) -> tuple[str, ...]:
        """The Settings keys of `transition`'s deadline: one, or one per choice of the column it names."""
        return self.settings_named(transition.deadline)

    def settings_named(self, key: str | None) -> tuple[str, ...]:
        """`key` as Settings keys: none, itself, or "sla_hours_{priority}" once per priority."""
        if key is None:
            return ()
        placeholder = _PLACEHOLDER.search(key)
        if placeholder is None:
            return (key,)
        choices = self.tab.column(placeholder.group(1)).choices
        return tuple(_PLACEHOLDER.sub(choice, key) for choice in choices)

    def settings_by_choice(self, key: str) -> list[tuple[str | None, str | None, str]]:
        """`key` as (column, choice, Settings key): "sla_hours_{priority}" once per priority, else (None, None, key)."""
        placeholder = _PLACEHOLDER.search(key)
        if placeholder is None:
            return [(None, None, key)]
        column = placeholder.group(1)
        return [(column, choice, _PLACEHOLDER.sub(choice, key)) for choice in self.tab.column(column).choices]

    def accountable_for(self, transition: Transition) -> str:
        return transition.accountable or self.accountable

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise ProcessError(
                _("{name} has no step called {action!r}.", name=self.name, action=action)
            ) from None

    def allowed(self, state: str, actor: Actor | None = None) -> list[Transition]:
        """The actions possible from `state` (for `actor`, if given): the only buttons a page shows."""
        return [
            t
            for t in self.transitions
            if state in t.sources and (actor is None or t.permission is None or actor.may(t.permission))
        ]

    def check(self, action: str, state: str, actor: Actor) -> Transition:
        """The transition for `action`, provided it is a valid next step now and `actor` may take it."""
        transition = self.transition(action)
        if state not in transition.sources:
            allowed = _(", ").join(_(t.label).lower() for t in self.allowed(state)) or _("nothing")
            raise ProcessError(
                _(
                    "Cannot {step}: the {record} is {state}. From {state} you can: {allowed}.",
                    step=_(transition.label).lower(),
                    record=_(self.name).lower(),
                    state=state,
                    allowed=allowed,
                )
            )
        if transition.permission is not None:
            require(actor, transition.permission)
        return transition


def hours_in_force(key: str, settings: Mapping[str, Any]) -> float:
    """A deadline setting's value in force in hours (its default when `settings` lacks it; a day is 24)."""
    setting = DECLARED_SETTINGS[key]
    value = float(settings.get(key, setting.default))
    return value * 24 if setting.unit == "days" else value


def _check_setting(where: str, key: str) -> None:
    if key not in DECLARED_SETTINGS:
        raise ValueError(f"{where} names the setting {key!r}, which sheets/settings.py does not declare")


def _check_parties(where: str, parties: set[str]) -> None:
    unknown = parties - set(PARTIES)
    if unknown:
        raise ValueError(
            f"{where} names {sorted(unknown)}: responsibilities name one of {', '.join(PARTIES)}"
        )


def _check_alert(where: str, alert: Alert, settings: tuple[str, ...]) -> None:
    if alert.severity not in SEVERITIES:
        raise ValueError(
            f"{where}: alert {alert.kind} has severity {alert.severity!r}, not one of {SEVERITIES}"
        )
    _check_parties(f"{where}: alert {alert.kind}", {alert.owner_role})
    for key in settings:
        _check_setting(f"{where}: alert {alert.kind}", key)
