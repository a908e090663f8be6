"""When each record entered each state of its procedure, and how long each stage took.

The states and the stages come from the procedure's declaration: a stage is
a declared move from one state to another (`source → target`), and a
record's time in it runs from entering the source to entering the target.

When a state was entered is read from the record itself:

- the tab's own timestamp column for the state where there is one
  (`paid_at` for paid, `shipped_at` for shipped; see `stamp_columns`);
- otherwise the Audit tab, where every change made through the app is one
  row with `at` and `changes` such as "status: new → confirmed". A record
  written straight into a later state (demo data, an import) tells nothing
  about when it got there, so an inserted row counts only for a first state.

A stamp may come before the state it names: an order paid before it was
confirmed has a paid_at earlier than its confirmation. Its timeline then goes
from new to paid, a move the declaration does not have, so that step counts
in no stage; the stages after it count as usual.

Everything here works on whole columns at once (the record can hold 100k
orders); an unreadable or missing moment is skipped, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy
import pandas as pd

from processes.procedure import Procedure
from sheets.audit_changes import parse_changes
from sheets.schema import Kind

EVENT_COLUMNS = ["record", "state", "at"]


@dataclass(frozen=True)
class Stage:
    """One declared move of a procedure: from `source` to `target` by a step of `role`."""

    source: str
    target: str
    role: str
    label: str

    @property
    def name(self) -> str:
        return f"{self.source} → {self.target}"


def stages(procedure: Procedure) -> list[Stage]:
    """Every move between two different states the declaration allows, in declaration order."""
    found: dict[tuple[str, str], Stage] = {}
    for transition in procedure.transitions:
        for source in transition.sources:
            if source != transition.target and (source, transition.target) not in found:
                found[(source, transition.target)] = Stage(
                    source, transition.target, transition.role, transition.label
                )
    return list(found.values())


def stamp_columns(procedure: Procedure) -> dict[str, str]:
    """State -> the tab's column saying when a record entered it (states without one are left out)."""
    tab = procedure.tab
    stamped = {c.name for c in tab.columns if c.kind in (Kind.DATETIME, Kind.DATE)} - {"updated_at"}
    # A record is created in the status column's default: the tab's creation stamp says when.
    default = procedure.tab.column(procedure.status_column).default
    created_in = default if default in procedure.first_states else None
    creation = procedure.stamps.get("")
    columns = {}
    for state in procedure.states:
        named = procedure.stamps.get(state, f"{state}_at")
        if named in stamped:
            columns[state] = named
        elif state == created_in and creation:
            columns[state] = creation
    return columns


def moments(values: pd.Series | None) -> pd.Series:
    """A column as timestamps; what cannot be read as a moment becomes NaT (and is skipped)."""
    if values is None:
        return pd.Series(dtype="datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    return pd.to_datetime(values.astype("object"), errors="coerce", format="mixed")


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of `frame`, or an empty one of the same length when the table has no such column."""
    if name in frame.columns:
        return frame[name].reset_index(drop=True)
    return pd.Series([None] * len(frame), dtype="object")


def entries(procedure: Procedure, records: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """One row per time a record entered a state: columns record, state, at (sorted by record and time).

    `changes` is the Audit's status changes (`status_changes`), read once for every procedure.
    """
    ids = column(records, procedure.tab.key[0]).astype("object")
    from_audit = audit_entries(procedure, changes)
    parts = [from_audit.iloc[0:0]]
    for state, name in stamp_columns(procedure).items():
        stamped = pd.DataFrame({"record": ids, "state": state, "at": moments(column(records, name))})
        stamped = stamped.dropna(subset=["record", "at"])
        # The tab's own stamp wins; the Audit fills the states the tab has no (filled) column for.
        same_state = from_audit["state"].eq(state).to_numpy()
        if same_state.any():
            stamped_too = numpy.zeros(len(from_audit), dtype=bool)
            stamped_too[same_state] = from_audit["record"][same_state].isin(stamped["record"]).to_numpy()
            from_audit = from_audit[~stamped_too]
        parts.append(stamped)
    filled = [part for part in (*parts, from_audit) if len(part)]
    events = pd.concat(filled or [from_audit], ignore_index=True)  # empty frames would blur the dtypes
    events["at"] = events["at"].astype("datetime64[ns]")
    events["state"] = pd.Categorical(events["state"], categories=procedure.states)
    # By record, then time; two entries at the same moment in the order the states are declared.
    records = pd.factorize(events["record"])[0]
    order = numpy.lexsort((events["state"].cat.codes.to_numpy(), events["at"].to_numpy(), records))
    return events.iloc[order].reset_index(drop=True)


STATUS_CHANGE = re.compile(r"(?:^|; )(\w*status): (?:([^;]*?) → )?([^;]*)")


def status_changes(audit: pd.DataFrame | None, tabs: Iterable[str] | None = None) -> pd.DataFrame:
    """Every change of a status column in the Audit: tab, record, column, old (None: inserted), new, at.

    The Audit's `changes` reads "status: new → confirmed; paid_at: (empty) → …" for
    an update and "status: new; …" for an insert (sheets/transaction.py). With
    `tabs`, only the rows about those tabs are read.
    """
    if audit is None or audit.empty:
        return pd.DataFrame(columns=["tab", "record", "column", "old", "new", "at"])
    if tabs is not None:
        audit = audit[column(audit, "tab").isin(list(tabs)).to_numpy()]
    texts = column(audit, "changes").to_numpy()
    found = pd.DataFrame(
        [
            (row, *parts)
            for row, text in enumerate(texts)
            if isinstance(text, str) and "status: " in text
            for parts in _status_parts(text)
        ],
        columns=["row", "column", "old", "new"],
    )
    rows = found["row"].to_numpy(dtype="int64")
    found["tab"] = pd.Categorical(column(audit, "tab").to_numpy()[rows])
    found["column"] = found["column"].astype("category")  # compared once per procedure
    found["record"] = column(audit, "record_id").to_numpy()[rows]
    found["at"] = moments(column(audit, "at")).to_numpy()[rows]
    return found.drop(columns="row")


def _status_parts(text: str) -> list[tuple[str, str | None, str]]:
    """(column, old, new) of every status change in one `changes` cell.

    The pattern reads the cell fast; a cell with a quoted value (one holding
    "; " or ": ", which may look like a status) is parsed properly.
    """
    if '"' not in text:
        return [match.groups() for match in STATUS_CHANGE.finditer(text)]
    return [
        (change.name, change.old, change.new)
        for change in parse_changes(text)
        if change.name.endswith("status") and change.name.replace("_", "").isalnum()
    ]


def audit_entries(procedure: Procedure, changes: pd.DataFrame) -> pd.DataFrame:
    """The Audit's record of entering each state: a change "status: a → b", or an insert into a first state."""
    mine = changes[changes["tab"].eq(procedure.tab.name) & changes["column"].eq(procedure.status_column)]
    known = mine["new"].isin(procedure.states)
    keep = known & (mine["old"].notna() | mine["new"].isin(procedure.first_states))
    found = mine[keep].rename(columns={"new": "state"})[EVENT_COLUMNS]
    return found.dropna(subset=["record", "at"]).astype({"record": "object", "state": "object"})


def stage_times(procedure: Procedure, events: pd.DataFrame) -> pd.DataFrame:
    """One row per stage a record went through: stage (its name), ended (a moment) and hours.

    `events` are sorted by record and time (`entries`): each entry after the
    first of a record ends the stage from the state before it, if declared.
    """
    states = list(procedure.states)
    declared = stages(procedure)
    # A move from state a to state b is the number a × n + b; `stage_of` turns it into the stage's number.
    stage_of = numpy.full(len(states) ** 2, -1)
    for number, stage in enumerate(declared):
        stage_of[states.index(stage.source) * len(states) + states.index(stage.target)] = number
    records = events["record"].to_numpy()
    state = events["state"].cat.codes.to_numpy().astype("int64")
    at = events["at"].to_numpy()
    stage = stage_of[state[:-1] * len(states) + state[1:]]
    ends = numpy.flatnonzero((records[1:] == records[:-1]) & (stage >= 0)) + 1
    return pd.DataFrame(
        {
            "stage": pd.Categorical.from_codes(stage[ends - 1], categories=[s.name for s in declared]),
            "ended": pd.Series(at[ends], dtype="datetime64[ns]"),
            "hours": (at[ends] - at[ends - 1]) / numpy.timedelta64(1, "h"),
        }
    )


def _no_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record": pd.Series(dtype="object"),
            "state": pd.Series(dtype="object"),
            "at": pd.Series(dtype="datetime64[ns]"),
        }
    )
