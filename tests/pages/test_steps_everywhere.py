"""Every declared step, walked from the specification: reachable, and refused as it declares, over the API.

The grid's side of the same rule (no status or step cell typed by hand) is
tests/contract/test_workflow_columns.py; the pages take their steps through
the same dispatcher (processes/steps.py) whose rules are called here.
"""

from __future__ import annotations

import pytest

from processes import steps
from processes.declarations import PROCEDURES
from processes.procedure import Procedure, Transition
from sheets.schema import Kind
from tests.contract.test_workflow_columns import SAMPLE
from tests.pages.api_caller import error_of
from tests.pages.waiting import eventually

API = "/api/v1"
STEPS = [(p, t) for p in PROCEDURES for t in p.transitions if not t.automatic]
IDS = [f"{p.slug}.{t.action}" for p, t in STEPS]
GUARDED = [(p, t) for p, t in STEPS if t.permission is not None]


def a_record(workbook, procedure: Procedure, state: str, applying: Transition | None = None):
    """A row in `state`, written through the record layer as the steps before it would have left it."""
    tab = procedure.tab
    values = {c.name: SAMPLE[c.kind] for c in tab.columns if c.required and c.name not in tab.key}
    if procedure.status_column == "refund_status":  # a refund lives on a received return
        values |= {"status": "received", "kind": "return"}
    if applying is not None and applying.action == "exchange":
        values["kind"] = "exchange"
    values[procedure.status_column] = state
    with workbook.transaction(tab, user="seed") as tx:
        return tx.insert(tab, values)


def inputs_for(procedure: Procedure, transition: Transition) -> dict:
    """Plausible values for the step's required inputs, so that what refuses it is the state, not a blank."""
    found = steps.rule_for(procedure, transition.action)
    values = {}
    for item in found.inputs:
        if item.required:
            column = procedure.tab.column(item.name) if procedure.tab.has_column(item.name) else None
            values[item.name] = SAMPLE[column.kind] if column else (["X-1"] if item.name == "picked" else "1")
    return values


def path(procedure: Procedure, record, action: str) -> str:
    return f"{API}/{procedure.tab.slug}/{record.id}/{action}"


def test_every_step_a_person_takes_has_its_rule_and_none_the_app_takes_does():
    for procedure in PROCEDURES:
        for transition in procedure.transitions:
            if transition.automatic:
                with pytest.raises(Exception, match="taken by the app itself"):
                    steps.rule_for(procedure, transition.action)
            else:
                assert steps.rule_for(procedure, transition.action).run is not None


@pytest.mark.parametrize(("procedure", "transition"), STEPS, ids=IDS)
async def test_a_step_from_a_state_it_does_not_leave_is_refused_and_writes_nothing(
    procedure, transition, login, app_workbook
):
    wrong = next(state for state in procedure.states if state not in transition.sources)
    record = a_record(app_workbook, procedure, wrong)
    caller = login("mia", "admin")  # every permission: only the state can refuse it

    answer = await caller.post(path(procedure, record, transition.action), inputs_for(procedure, transition))

    assert answer.status_code in (403, 404, 409, 422), answer.text
    assert error_of(answer)["message"]
    app_workbook.invalidate()
    assert app_workbook.table(procedure.tab).get(record.id) == record


@pytest.mark.parametrize(
    ("procedure", "transition"), GUARDED, ids=[f"{p.slug}.{t.action}" for p, t in GUARDED]
)
async def test_a_step_needing_a_permission_is_refused_to_staff(procedure, transition, login, app_workbook):
    record = a_record(app_workbook, procedure, transition.sources[0])
    answer = await login("sam", "staff").post(
        path(procedure, record, transition.action), inputs_for(procedure, transition)
    )
    assert answer.status_code == 403, answer.text
    assert error_of(answer)["code"] == "forbidden" and "Only" in error_of(answer)["message"]
    app_workbook.invalidate()
    assert app_workbook.table(procedure.tab).get(record.id) == record


def test_the_sample_values_cover_every_kind():
    assert set(SAMPLE) == set(Kind)


# the pages -------------------------------------------------------------------------------


def page_of(procedure: Procedure) -> str:
    """The record page a procedure's steps are offered on (its own, or its host's: a refund's return)."""
    host = next((p for p in PROCEDURES if p.name == procedure.shown_on), procedure)
    return host.page


ON_A_PAGE = [(p, t) for p, t in STEPS if "{id}" in page_of(p)]


def showing(user, **what: str) -> bool:
    """Whether the page shows an element with this marker or content now."""
    try:
        user.find(**what)
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize(
    ("procedure", "transition"), ON_A_PAGE, ids=[f"{p.slug}.{t.action}" for p, t in ON_A_PAGE]
)
async def test_a_step_is_offered_on_its_record_s_page_exactly_where_the_specification_allows_it(
    procedure, transition, user, app_workbook, app_accounts
):
    from tests.pages.conftest import PASSWORD, log_in

    app_accounts.add_user("ada", "admin", PASSWORD)  # every permission: only the state decides
    await log_in(user, "ada")
    await user.should_see("ada (admin)")
    markers = (f"step-{transition.action}", f"extra-{transition.action}")

    record = a_record(app_workbook, procedure, transition.sources[0], applying=transition)
    await user.open(page_of(procedure).format(id=record.id))
    await eventually(lambda: any(showing(user, marker=marker) for marker in markers), timeout=5)

    elsewhere = [state for state in procedure.states if state not in transition.sources]
    other = a_record(app_workbook, procedure, elsewhere[0], applying=transition)
    await user.open(page_of(procedure).format(id=other.id))
    await eventually(lambda: showing(user, content=str(other.id)), timeout=5)
    assert not any(showing(user, marker=marker) for marker in markers)
