"""Every declared step deadline is watched: a generated alert per late record, at exactly its limit.

The cases are derived from the specification, so a step given a deadline
tomorrow is tested here without a new line.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jobs.checks import run_checks
from jobs.effects import OpenAlert
from jobs.snapshot import snapshot_of
from processes.declarations import PROCEDURES, declared_alerts
from processes.procedure import Alert, Procedure, Transition, hours_in_force
from processes.review.timeline import stamp_columns
from sheets.settings import BY_KEY
from tests.contract.test_workflow_columns import SAMPLE
from tests.test_checks import table

NOW = datetime(2026, 3, 2, 9, 0)
MINUTE = timedelta(minutes=1)
DEFAULTS = {key: setting.default for key, setting in BY_KEY.items()}

LATE_STEPS = [
    (procedure, procedure.transition(alert.watches[0]), alert)
    for procedure in PROCEDURES
    for alert in procedure.deadline_alerts
]


def a_record(procedure: Procedure, step: Transition, since: datetime) -> dict:
    """A record waiting for `step` since `since`, that the step applies to."""
    state = step.sources[0]
    row = {c.name: SAMPLE[c.kind] for c in procedure.tab.columns if c.required}
    row |= {procedure.tab.key[0]: "REC-1", procedure.status_column: state, "updated_at": since}
    if procedure.name in ("Return", "Refund"):
        row |= {"status": "received", "kind": "exchange" if step.action == "exchange" else "return"}
        row[procedure.status_column] = state
    stamp = stamp_columns(procedure).get(state)
    if stamp:
        row[stamp] = since
    return row


def late_keys(procedure: Procedure, row: dict) -> set[str]:
    effects = run_checks(snapshot_of({procedure.tab.name: table(procedure.tab, row)}, NOW))
    return {e.key for e in effects if isinstance(e, OpenAlert) and ".late." in e.kind}


@pytest.mark.parametrize(
    ("procedure", "step", "alert"), LATE_STEPS, ids=[f"{p.slug}.{s.action}" for p, s, _a in LATE_STEPS]
)
@pytest.mark.parametrize(("past_the_limit", "late"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_a_step_past_its_deadline_raises_its_alert(procedure, step, alert, past_the_limit, late):
    limit = timedelta(hours=hours_in_force(step.deadline, DEFAULTS))
    row = a_record(procedure, step, NOW - limit - past_the_limit)
    assert (f"{alert.kind}:REC-1" in late_keys(procedure, row)) is late


def test_every_step_with_a_deadline_is_watched_by_one_alert():
    for procedure in PROCEDURES:
        for step in procedure.transitions:
            if step.deadline and not step.automatic:
                watching = [a for a in procedure.all_alerts if step.action in a.watches]
                assert len(watching) == 1, f"{procedure.name}: {step.action} is watched by {watching}"
    generated = [a for p in PROCEDURES for a in p.deadline_alerts]
    assert all(a.kind in declared_alerts() for a in generated)


def test_the_deadlines_named_in_the_defects_are_watched():
    watched = {a.setting for p in PROCEDURES for a in p.all_alerts}
    assert {
        "order_confirm_hours",
        "transfer_ship_hours",
        "transfer_receive_hours",
        "po_send_hours",
    } <= watched


def test_a_step_that_does_not_apply_to_the_record_raises_nothing():
    from processes.aftersales.procedures import RETURN

    exchange = RETURN.transition("exchange")
    row = a_record(RETURN, exchange, NOW - timedelta(days=60)) | {"kind": "return"}
    assert late_keys(RETURN, row) == set()


def test_the_message_names_the_record_the_step_and_when():
    from processes.inventory.transfers import TRANSFER

    ship = TRANSFER.transition("ship")
    row = a_record(TRANSFER, ship, NOW - timedelta(days=9))
    effects = run_checks(snapshot_of({TRANSFER.tab.name: table(TRANSFER.tab, row)}, NOW))
    late = next(e for e in effects if isinstance(e, OpenAlert) and e.kind == "location.late.transfer.ship")
    assert late.message.startswith("Transfer REC-1 has waited since 2026-02-21 09:00 to ship")
    assert late.owner_role == "staff" and isinstance(late, OpenAlert)


def test_a_deadline_in_days_is_said_in_days():
    from processes.orders.procedure import ORDER

    row = a_record(ORDER, ORDER.transition("deliver"), NOW - timedelta(days=30))
    effects = run_checks(snapshot_of({ORDER.tab.name: table(ORDER.tab, row)}, NOW))
    [late] = [e for e in effects if isinstance(e, OpenAlert) and e.kind == "order.late.order.deliver"]
    assert late.message.endswith("to mark as delivered (deadline 10 days)")


def test_a_generated_alert_is_an_alert_like_any_other():
    alert = next(a for p in PROCEDURES for a in p.deadline_alerts)
    assert isinstance(alert, Alert) and alert.step and "{step}" in alert.meaning
    assert alert.step.lower() in alert.meaning_in_force()
