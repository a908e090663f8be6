"""A procedure declared once: its states, the named actions between them, who does each.

Pages offer only the actions `allowed()` returns for a record's state; the
rule module checks the same declaration before it changes anything, so a
crafted request cannot skip a step. The handbook, its flowcharts and the
review metrics are derived from these declarations too.

A deadline names the Settings key that holds it, so the value in force is
always the one in the Settings tab; the alerts the scheduled checks raise
about a procedure are declared with it (kind, threshold setting, meaning), and
the checks use those declarations rather than strings of their own.

    PURCHASE_ORDER = Procedure(
        "Purchase order", PURCHASE_ORDERS, "status",
        transitions=(
            Transition("approve", ("awaiting_approval",), "approved", "manager", "Approve the order",
                       permission=Permission.APPROVE_PO_OVER_LIMIT, deadline="po_approval_wait_hours"),
            ...
        ),
        alerts=(Alert("procurement.approval_late", "Waiting too long for a manager", "warning",
                      "manager", setting="po_approval_wait_hours"),),
    )
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n import _
from processes.errors import ProcessError
from processes.permissions import ROLES, Actor, Permission, require
from sheets.schema import Tab
from sheets.settings import BY_KEY as DECLARED_SETTINGS

#: Who a responsibility can name: the app's roles and the people outside it.
PARTIES = (*ROLES, "customer", "supplier")
SEVERITIES = ("breach", "warning", "info")
#: A placeholder in a deadline's Settings key, filled with each choice of that column.
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Alert:
    """A condition the scheduled checks watch, and the alert they keep open while it holds."""

    kind: str  # as written in the Alerts tab's kind column, e.g. "order.unpaid"
    meaning: str  # what the alert says is wrong, and what to do about it
    severity: str  # breach, warning or info
    owner_role: str  # whom the alert is for
    setting: str | None = None  # the Settings key holding its threshold, when it has one


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


@dataclass(frozen=True)
class Procedure:
    name: str
    tab: Tab
    status_column: str
    transitions: tuple[Transition, ...]
    purpose: str = ""
    entries: tuple[Entry, ...] = ()  # how records come in; none declared: in the first state
    accountable: str = "manager"  # the role that answers for the procedure as a whole
    alerts: tuple[Alert, ...] = ()  # what the scheduled checks watch in it
    _by_action: dict[str, Transition] = field(init=False, repr=False, compare=False)

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
        for alert in self.alerts:
            _check_alert(self.name, alert, self.settings_named(alert.setting))
        object.__setattr__(self, "_by_action", {t.action: t for t in self.transitions})

    @property
    def states(self) -> tuple[str, ...]:
        return self.tab.column(self.status_column).choices

    @property
    def slug(self) -> str:
        """The procedure's name as a path: "Purchase order" -> "purchase-order"."""
        return "-".join(self.name.lower().split())

    @property
    def start_states(self) -> tuple[str, ...]:
        """The states records enter the procedure in."""
        return tuple(entry.state for entry in self.entries) or self.states[:1]

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
