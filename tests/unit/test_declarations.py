"""Rule 9 kept: the checks raise only declared alerts, and every threshold and deadline is a declared setting."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re

import pytest

import jobs.checks
from processes.declarations import ALERT_GROUPS, PROCEDURES, declared_alerts
from processes.procedure import Alert, Procedure, Transition, hours_in_force
from sheets.settings import BY_KEY
from sheets.tabs import PURCHASE_ORDERS, TICKETS

#: What an alert kind written as a string would look like: "order.unpaid".
KIND_SHAPED = re.compile(r"^[a-z]+\.[a-z_]+$")
CHECK_MODULES = [
    importlib.import_module(f"jobs.checks.{info.name}") for info in pkgutil.iter_modules(jobs.checks.__path__)
]


def calls(module, name: str) -> list[ast.Call]:
    """Every call of `name(...)` or `x.name(...)` in the module's source."""
    tree = ast.parse(inspect.getsource(module))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)
    ]


def alerts_in(module) -> set[Alert]:
    return {value for value in vars(module).values() if isinstance(value, Alert)}


@pytest.mark.parametrize("module", CHECK_MODULES, ids=lambda m: m.__name__)
def test_a_check_raises_alerts_only_through_their_declarations(module):
    for call in calls(module, "alert"):
        kind, severity, owner = call.args[0], call.args[2], call.args[4]
        for argument, field in ((kind, "kind"), (severity, "severity"), (owner, "owner_role")):
            assert isinstance(argument, ast.Attribute) and argument.attr == field, (
                f"{module.__name__} line {call.lineno}: the alert's {field} comes from its declaration"
            )
    literals = [
        node.value
        for node in ast.walk(ast.parse(inspect.getsource(module)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and KIND_SHAPED.match(node.value)
    ]
    assert literals == [], f"{module.__name__} spells alert kinds itself: {literals}"
    assert alerts_in(module) <= set(declared_alerts().values())


@pytest.mark.parametrize("module", CHECK_MODULES, ids=lambda m: m.__name__)
def test_a_check_reads_its_thresholds_from_the_declared_alerts_settings(module):
    for call in calls(module, "setting"):
        (argument,) = call.args
        assert isinstance(argument, ast.Attribute) and argument.attr == "setting", (
            f"{module.__name__} line {call.lineno}: the threshold's key comes from the alert's declaration"
        )
        assert getattr(vars(module)[argument.value.id], "setting", None) in BY_KEY


def test_every_declared_alert_is_raised_by_some_check():
    raised = {alert.kind for module in CHECK_MODULES for alert in alerts_in(module)}
    # jobs/checks/deadlines.py raises the generated ones (tests/test_deadline_checks.py raises each).
    raised |= {alert.kind for procedure in PROCEDURES for alert in procedure.deadline_alerts}
    assert raised == set(declared_alerts())


def test_every_deadline_and_threshold_names_a_declared_setting():
    for procedure in PROCEDURES:
        for transition in procedure.transitions:
            for key in procedure.deadline_settings(transition):
                assert key in BY_KEY, f"{procedure.name}: {transition.action}"
        for alert in procedure.alerts:
            for key in procedure.settings_named(alert.setting):
                assert key in BY_KEY, f"{procedure.name}: {alert.kind}"
    for group in ALERT_GROUPS:
        assert all(alert.setting in BY_KEY for alert in group.alerts if alert.setting)


def test_every_deadline_setting_says_its_unit_and_default():
    keys = {key for p in PROCEDURES for t in p.transitions for key in p.deadline_settings(t)}
    assert keys, "the procedures declare deadlines"
    for key in keys:
        assert BY_KEY[key].unit in ("hours", "days") and BY_KEY[key].default > 0


def test_a_deadline_per_priority_names_one_setting_per_priority():
    ticket = next(p for p in PROCEDURES if p.tab is TICKETS)
    assert set(ticket.deadline_settings(ticket.transition("resolve"))) == {
        "sla_hours_urgent",
        "sla_hours_high",
        "sla_hours_normal",
        "sla_hours_low",
    }


def test_a_declaration_naming_an_unknown_setting_or_party_is_refused():
    def procedure(**changes) -> Procedure:
        step = Transition("submit", ("draft",), "awaiting_approval", "staff", "Submit", **changes)
        return Procedure("Broken", PURCHASE_ORDERS, "status", (step,))

    with pytest.raises(ValueError, match="approval_wait_days.*does not declare"):
        procedure(deadline="approval_wait_days")
    with pytest.raises(ValueError, match="the board"):
        procedure(informed=("the board",))
    with pytest.raises(ValueError, match="does not declare"):
        Procedure(
            "Broken",
            PURCHASE_ORDERS,
            "status",
            (),
            alerts=(Alert("po.slow", "Slow", "warning", "staff", setting="po_slow_hours"),),
        )


def test_each_alert_kind_is_declared_once_and_each_procedure_has_its_own_slug():
    assert len(declared_alerts()) == sum(len(p.all_alerts) for p in PROCEDURES) + sum(
        len(g.alerts) for g in ALERT_GROUPS
    )
    assert len({p.slug for p in PROCEDURES}) == len(PROCEDURES)


def test_a_deadline_in_force_counts_in_hours_whatever_its_unit():
    assert hours_in_force("unpaid_timeout_hours", {"unpaid_timeout_hours": 36.0}) == 36
    assert hours_in_force("order_delivery_days", {}) == 240


def test_where_records_are_worked_on_and_what_they_are_about_is_declared_with_each_procedure():
    by_name = {procedure.name: procedure for procedure in PROCEDURES}
    for procedure in PROCEDURES:
        assert procedure.page.startswith("/"), f"{procedure.name} says where its records are worked on"
        if procedure.shown_on:
            host = by_name[procedure.shown_on]
            assert host.tab == procedure.tab, f"{procedure.name} is shown on a record of its own tab"
        else:
            assert procedure.about, f"{procedure.name} says what a record is about"
    assert by_name["Order"].page_of("ORD-1") == "/orders/ORD-1"
    assert by_name["Transfer"].page_of("TRF-1") == "/inventory/transfers"  # worked on in its list
