"""A procedure declared once: its states, the named actions between them, who does each.

Pages offer only the actions `allowed()` returns for a record's state; the
rule module checks the same declaration before it changes anything, so a
crafted request cannot skip a step. The handbook, its flowcharts and the
review metrics are to be derived from these declarations too.

    PURCHASE_ORDER = Procedure(
        "Purchase order", PURCHASE_ORDERS, "status",
        transitions=(
            Transition("approve", ("awaiting_approval",), "approved", "manager", "Approve the order",
                       permission=Permission.APPROVE_PO_OVER_LIMIT),
            ...
        ),
    )
"""

from __future__ import annotations

from dataclasses import dataclass, field

from processes.errors import ProcessError
from processes.permissions import Actor, Permission, require
from sheets.schema import Tab


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
    deadline_hours: float | None = None  # how long a record may wait in the source state


@dataclass(frozen=True)
class Procedure:
    name: str
    tab: Tab
    status_column: str
    transitions: tuple[Transition, ...]
    purpose: str = ""
    _by_action: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        choices = set(self.tab.column(self.status_column).choices)
        for transition in self.transitions:
            unknown = {*transition.sources, transition.target} - choices
            if unknown:
                raise ValueError(f"{self.name}: {transition.action} names states {unknown} not declared")
        object.__setattr__(self, "_by_action", {t.action: t for t in self.transitions})

    @property
    def states(self) -> tuple[str, ...]:
        return self.tab.column(self.status_column).choices

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise ProcessError(f"{self.name} has no step called {action!r}.") from None

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
            allowed = ", ".join(t.label.lower() for t in self.allowed(state)) or "nothing"
            raise ProcessError(
                f"Cannot {transition.label.lower()}: the {self.tab.name.lower().rstrip('s')} is {state}. "
                f"From {state} you can: {allowed}."
            )
        if transition.permission is not None:
            require(actor, transition.permission)
        return transition
