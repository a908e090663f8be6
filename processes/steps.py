"""One dispatcher for every procedure's steps: the rule of each step, found from its specification.

A rule module declares which function takes a step with `@rule(PROCEDURE, "action")`
(and how records come in with `@entry(PROCEDURE)`). A page's steps panel, the
HTTP API and the tests then take any step the same way:

    take(workbook, PURCHASE_ORDER, "PO-1", "approve", by=actor, base=shown)
    take(workbook, RETURN, "RET-1", "refund", {"amount": "24.50"}, by=actor)

A step's inputs are its rule's keyword arguments (other than `by` and `base`),
so the fields a form or a JSON body offers can never drift from what the rule
reads. Every rule still checks its own step against the specification: a
crafted call is refused there, not here.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from i18n import _
from processes.archive.lookup import archived, read_only_message
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.procedure import Procedure, Transition
from sheets.errors import RecordNotFound
from sheets.table import Record
from sheets.transaction import remarking
from sheets.workbook import Workbook

#: The modules holding the rules; imported before the first step is looked up.
RULE_MODULES = (
    "processes.procurement",
    "processes.inventory",
    "processes.orders",
    "processes.service",
    "processes.aftersales",
    "processes.suggestions",
)
#: The input naming the checklist items a person ticked (every step with a checklist takes it).
CHECKLIST = "checklist"
#: Arguments every rule takes that are not inputs a person types.
NOT_INPUTS = frozenset({"workbook", "by", "base", "site_url"})


@dataclass(frozen=True)
class Input:
    """One input of a step or an entry: a keyword argument of its rule."""

    name: str
    required: bool
    default: Any = None


@dataclass(frozen=True)
class Rule:
    """The function that takes one step (or makes one record) of a procedure, and the inputs it reads."""

    procedure: Procedure
    action: str  # the step's action; "" for the entry
    run: Callable[..., Any]
    inputs: tuple[Input, ...]

    @property
    def transition(self) -> Transition | None:
        return self.procedure.transition(self.action) if self.action else None

    def arguments(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """`values` as the rule's keyword arguments; ProcessError naming an unknown or missing input."""
        known = {item.name for item in self.inputs}
        unknown = sorted(set(values) - known)
        if unknown:
            raise UnknownInput(unknown[0], sorted(known))
        missing = [item.name for item in self.inputs if item.required and item.name not in values]
        if missing:
            raise MissingInput(missing[0])
        return dict(values)


class UnknownInput(ProcessError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            _(
                "There is no input {name!r} here; the inputs are: {known}.",
                name=name,
                known=", ".join(known) or "-",
            )
        )
        self.field = name


class InvalidChecklist(ProcessError):
    def __init__(self, checklist: tuple[str, ...], item: str | None = None) -> None:
        super().__init__(
            _("{item!r} is not on this step's checklist: {items}.", item=item, items=" | ".join(checklist))
            if item
            else _("The checklist is a list of the items ticked: {items}.", items=" | ".join(checklist))
        )
        self.field = CHECKLIST


class MissingInput(ProcessError):
    def __init__(self, name: str) -> None:
        super().__init__(_("{name} is required.", name=name))
        self.field = name


_RULES: dict[tuple[str, str], Rule] = {}


def rule(procedure: Procedure, *actions: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated function as the rule taking `actions` of `procedure`.

    Its signature is (workbook, record_id, *, inputs..., by, base=None).
    """

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        for action in actions:
            procedure.transition(action)  # an action the specification does not declare fails at import
            _register(Rule(procedure, action, function, _inputs_of(function, skip=2)))
        return function

    return register


def entry(procedure: Procedure) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated function as how a person makes a new record: (workbook, *, inputs..., by)."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _register(Rule(procedure, "", function, _inputs_of(function, skip=1)))
        return function

    return register


def _register(made: Rule) -> None:
    key = (made.procedure.name, made.action)
    if key in _RULES and _RULES[key].run is not made.run:
        raise ValueError(f"{made.procedure.name}: {made.action or 'the entry'} has two rules")
    _RULES[key] = made


def _inputs_of(function: Callable[..., Any], *, skip: int) -> tuple[Input, ...]:
    parameters = list(inspect.signature(function).parameters.values())[skip:]
    return tuple(
        Input(
            p.name,
            p.default is inspect.Parameter.empty,
            None if p.default is inspect.Parameter.empty else p.default,
        )
        for p in parameters
        if p.name not in NOT_INPUTS
        and p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    )


def _load_rules() -> None:
    for module in RULE_MODULES:
        importlib.import_module(module)


def rule_for(procedure: Procedure, action: str) -> Rule:
    """The rule taking `action`; ProcessError when the procedure has no such step a person takes."""
    _load_rules()
    transition = procedure.transition(action)
    found = _RULES.get((procedure.name, action))
    if found is None or transition.automatic:
        raise ProcessError(
            _(
                "{step} is taken by the app itself ({why}), not by a person.",
                step=_(transition.label),
                why=_(transition.automatic),
            )
            if transition.automatic
            else _("{name} has no step called {action!r}.", name=procedure.name, action=action)
        )
    return found


def entry_for(procedure: Procedure) -> Rule | None:
    """How a person makes a new record of `procedure`, or None when records only come in otherwise."""
    _load_rules()
    return _RULES.get((procedure.name, ""))


def rules_of(procedure: Procedure) -> list[Rule]:
    """The rules of the steps a person takes, in the order the specification declares them."""
    _load_rules()
    return [
        _RULES[(procedure.name, t.action)]
        for t in procedure.transitions
        if (procedure.name, t.action) in _RULES
    ]


def take(
    workbook: Workbook,
    procedure: Procedure,
    record_id: str,
    action: str,
    values: Mapping[str, Any] | None = None,
    *,
    by: Actor,
    base: Record | None = None,
    site_url: str = "",
) -> Any:
    """Take step `action` on a record with its inputs: the one way every page and the API take a step.

    `values` may hold "checklist": the items of the step's checklist the person ticked. What
    was ticked and what was not goes into the Audit row of the step, with who and when.
    `site_url` is the app's own address, for the links a step writes into a customer's message.
    """
    try:
        return _take(workbook, procedure, record_id, action, values, by=by, base=base, site_url=site_url)
    except RecordNotFound as missing:
        kept = archived(procedure.tab, record_id) if missing.tab == procedure.tab.name else None
        if kept is not None:
            raise ProcessError(read_only_message(procedure.tab, record_id, kept.year)) from None
        raise


def _take(
    workbook: Workbook,
    procedure: Procedure,
    record_id: str,
    action: str,
    values: Mapping[str, Any] | None,
    *,
    by: Actor,
    base: Record | None,
    site_url: str,
) -> Any:
    found = rule_for(procedure, action)
    given = dict(values or {})
    remark = checklist_remark(found.transition, given.pop(CHECKLIST, None))
    arguments = found.arguments(given)
    if _serves_several(found):  # the rule picks its step from the record: the one named must fit it
        shown = base if base is not None else _current(workbook, procedure, record_id)
        _check_named_step(procedure, shown, action, by)
    accepted = inspect.signature(found.run).parameters
    if "base" in accepted:
        arguments["base"] = base
    if "site_url" in accepted and site_url:
        arguments["site_url"] = site_url
    if remark is None:
        return found.run(workbook, record_id, by=by, **arguments)
    with remarking(procedure.tab, record_id, remark):
        return found.run(workbook, record_id, by=by, **arguments)


def checklist_remark(transition: Transition | None, ticked: Any) -> str | None:
    """What the Audit keeps of a step's checklist: "checklist: [x] Count … | [ ] Inspect …"; None without one."""
    if transition is None or not transition.checklist:
        if ticked:
            raise UnknownInput(CHECKLIST, [])
        return None
    ticked = [] if ticked is None else ticked
    if not isinstance(ticked, list | tuple | set | frozenset) or not all(isinstance(i, str) for i in ticked):
        raise InvalidChecklist(transition.checklist)
    unknown = set(ticked) - set(transition.checklist)
    if unknown:
        raise InvalidChecklist(transition.checklist, sorted(unknown)[0])
    marks = [f"[{'x' if item in ticked else ' '}] {item}" for item in transition.checklist]
    return f"{CHECKLIST}: " + " | ".join(marks)


def _serves_several(found: Rule) -> bool:
    return sum(1 for other in _RULES.values() if other.run is found.run) > 1


def _current(workbook: Workbook, procedure: Procedure, record_id: Any) -> Record | None:
    workbook.invalidate([procedure.tab.name])
    return workbook.table(procedure.tab).get(record_id)


def _check_named_step(procedure: Procedure, record: Record | None, action: str, by: Actor) -> None:
    """The step named must be one the record's state allows (as shown, or as it is now); the rule checks again."""
    if record is not None:
        procedure.check(action, procedure.state_of(record), by)


def make(workbook: Workbook, procedure: Procedure, values: Mapping[str, Any], *, by: Actor) -> Any:
    """Make a new record through the procedure's entry rule."""
    found = entry_for(procedure)
    if found is None:
        raise ProcessError(_("{name} records are not made by hand.", name=_(procedure.name)))
    return found.run(workbook, by=by, **found.arguments(values))
