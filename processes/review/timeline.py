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

Everything here works on whole columns at once (the record can hold 100k
orders); an unreadable or missing moment is skipped, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from processes.procedure import Procedure
from sheets.schema import Kind

#: Stamp columns whose name is not `<state>_at`: (tab, status column, state) -> column.
NAMED_OTHERWISE: dict[tuple[str, str, str], str] = {
    ("Transfers", "status", "in_transit"): "shipped_at",  # on the road from the moment it ships
    ("Returns", "refund_status", "paid"): "refunded_at",
}
#: Where a tab says when a record was created: the stamp of its first state.
CREATION_COLUMNS = ("created_at", "opened_at", "requested_at", "submitted_at")

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


def first_states(procedure: Procedure) -> tuple[str, ...]:
    """The states a record starts in: left by some step, entered by none (its default if none is)."""
    entered = {t.target for t in procedure.transitions if any(s != t.target for s in t.sources)}
    left = [s for t in procedure.transitions for s in t.sources]
    starts = tuple(dict.fromkeys(s for s in left if s not in entered))
    default = procedure.tab.column(procedure.status_column).default
    return starts or ((default,) if default else ())


def stamp_columns(procedure: Procedure) -> dict[str, str]:
    """State -> the tab's column saying when a record entered it (states without one are left out)."""
    tab = procedure.tab
    moments = {c.name for c in tab.columns if c.kind in (Kind.DATETIME, Kind.DATE)} - {"updated_at"}
    # A record is created in the status column's default: the tab's creation stamp says when.
    default = procedure.tab.column(procedure.status_column).default
    created_in = default if default in first_states(procedure) else None
    creation = next((name for name in CREATION_COLUMNS if name in moments), None)
    columns = {}
    for state in procedure.states:
        named = NAMED_OTHERWISE.get((tab.name, procedure.status_column, state), f"{state}_at")
        if named in moments:
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


def entries(procedure: Procedure, records: pd.DataFrame, audit: pd.DataFrame) -> pd.DataFrame:
    """One row per time a record entered a state: columns record, state, at (sorted by record and time)."""
    key = procedure.tab.key[0]
    ids = column(records, key).astype("object")
    from_columns = [
        pd.DataFrame({"record": ids, "state": state, "at": moments(column(records, name))})
        for state, name in stamp_columns(procedure).items()
    ]
    stamped = pd.concat(from_columns, ignore_index=True) if from_columns else _no_events()
    stamped = stamped.dropna(subset=["record", "at"])
    from_audit = audit_entries(procedure, audit)
    # The tab's own stamp wins; the Audit fills the states the tab has no (filled) column for.
    covered = pd.MultiIndex.from_frame(stamped[["record", "state"]])
    from_audit = from_audit[~pd.MultiIndex.from_frame(from_audit[["record", "state"]]).isin(covered)]
    events = pd.concat([stamped, from_audit], ignore_index=True)
    order = {state: position for position, state in enumerate(procedure.states)}
    events["_order"] = events["state"].map(order)
    events = events.sort_values(["record", "at", "_order"], kind="stable").drop(columns="_order")
    return events.reset_index(drop=True)


def audit_entries(procedure: Procedure, audit: pd.DataFrame) -> pd.DataFrame:
    """The Audit's record of entering each state: a change "status: a → b", or an insert into a first state."""
    if audit is None or audit.empty:
        return _no_events()
    rows = audit[column(audit, "tab").eq(procedure.tab.name).to_numpy()]
    if rows.empty:
        return _no_events()
    changes = column(rows, "changes").astype("string")
    pattern = rf"(?:^|; ){re.escape(procedure.status_column)}: (?:(?P<old>[^;]*?) → )?(?P<new>[^;]+?)(?:;|$)"
    found = changes.str.extract(pattern)
    found["record"] = column(rows, "record_id").astype("object")
    found["at"] = moments(column(rows, "at"))
    inserted = found["old"].isna()
    known = found["new"].isin(procedure.states)
    keep = known & (~inserted | found["new"].isin(first_states(procedure)))
    found = found[keep.fillna(False).astype(bool)].rename(columns={"new": "state"})
    return found[EVENT_COLUMNS].dropna(subset=["record", "at"]).astype({"state": "object"})


def stage_times(procedure: Procedure, events: pd.DataFrame) -> pd.DataFrame:
    """One row per stage a record went through: stage (its name), ended (a moment) and hours."""
    previous = events.groupby("record", sort=False).shift(1)
    moved = pd.DataFrame(
        {
            "stage": previous["state"].astype("object") + " → " + events["state"].astype("object"),
            "ended": events["at"],
            "hours": (events["at"] - previous["at"]).dt.total_seconds() / 3600,
        }
    ).dropna(subset=["stage", "hours"])
    declared = {stage.name for stage in stages(procedure)}
    return moved[moved["stage"].isin(declared)].reset_index(drop=True)


def _no_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record": pd.Series(dtype="object"),
            "state": pd.Series(dtype="object"),
            "at": pd.Series(dtype="datetime64[ns]"),
        }
    )
