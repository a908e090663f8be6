"""Steps past their declared deadline: one alert per record, generated from the specification.

Every step with a deadline that no hand-written alert watches (see
`Procedure.deadline_alerts`) is checked here, so a new step with a deadline is
watched without a line of code. A record waits from the moment it entered its
current state: the tab's stamp for that state where it has one (`shipped_at`
for a transfer on the road), else `updated_at`, its last change — which can
only make the wait look shorter, never raise a false alarm.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from i18n import _
from processes.declarations import PROCEDURES
from processes.procedure import Alert, Procedure, Transition, hours_in_force
from processes.review.timeline import stamp_columns
from sheets.settings import BY_KEY

from ..effects import Effect, alert
from ..snapshot import Snapshot
from .common import shown, waited


def check_deadlines(snapshot: Snapshot, area: str) -> list[Effect]:
    """The late-step alerts of the procedures of `area` (an alert prefix such as "order")."""
    effects: list[Effect] = []
    for procedure in PROCEDURES:
        if procedure.area != area or not procedure.deadline_alerts:
            continue
        frame = snapshot.df(procedure.tab)
        for late in procedure.deadline_alerts:
            step = procedure.transition(late.watches[0])
            effects += _late(procedure, step, late, frame, snapshot)
    return effects


def _late(
    procedure: Procedure, step: Transition, late: Alert, frame: pd.DataFrame, snapshot: Snapshot
) -> list[Effect]:
    status = _values(procedure, frame, procedure.status_column)
    stamps = stamp_columns(procedure)
    effects = []
    for state in step.sources:
        in_state = frame[status.eq(state).to_numpy()]
        if in_state.empty:
            continue
        since = in_state[stamps.get(state, "updated_at")]
        for column, choice, key in procedure.settings_by_choice(step.deadline or ""):
            limit = hours_in_force(key, snapshot.settings)
            chosen = True if column is None else _values(procedure, in_state, column).eq(choice).to_numpy()
            rows = in_state[waited(since, snapshot.now, limit).to_numpy() & chosen]
            for row, moment in zip(rows.to_dict("records"), since[rows.index], strict=True):
                if step.applies_to(row):
                    effects.append(_alert(procedure, step, late, row, moment, _in_force(key, snapshot)))
    return effects


def _values(procedure: Procedure, rows: pd.DataFrame, column: str) -> pd.Series:
    """A column's values, a blank cell read as the column's default (a blank priority is "normal")."""
    return rows[column].fillna(procedure.tab.column(column).default)


def _in_force(key: str, snapshot: Snapshot) -> str:
    """The deadline as Settings gives it: "48 hours", "7 days"."""
    value, unit = snapshot.settings[key], BY_KEY[key].unit  # key: from the step's declared deadline
    return _("{value:g} {unit}", value=float(value), unit=_(unit))


def _alert(
    procedure: Procedure, step: Transition, late: Alert, row: dict[str, Any], since: datetime, deadline: str
) -> Effect:
    ref = str(row[procedure.tab.key[0]])
    return alert(
        late.kind,
        ref,
        late.severity,
        _(
            "{record} {ref} has waited since {shown} to {step} (deadline {hours})",
            record=_(procedure.name),
            ref=ref,
            shown=shown(since),
            step=_(step.label).lower(),
            hours=deadline,
        ),
        late.owner_role,
    )
