"""No status is spelled outside its specification: every layer names states through the procedure.

A line of processes/, pages/ or jobs/ that speaks of a status (it mentions
`status`) and quotes one of the states a status column declares is drift
waiting to happen: the spelling lives in the procedure's specification
(its states and named groups, `PROCEDURE.group("open")`) or, for the tabs
no procedure owns (Alerts, Outbox), in sheets/tabs.py. The demo data is
written as a person would type it and is left out.
"""

from __future__ import annotations

import importlib
import re
import tokenize
from pathlib import Path

from processes.declarations import PROCEDURES
from processes.procedure import Procedure
from sheets.tabs import ALL_TABS

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("processes", "pages", "jobs")
#: Where states are declared: the specifications (modules named procedure.py or procedures.py).
SPECIFICATION_NAMES = ("procedure.py", "procedures.py")
LEFT_OUT = ("processes/demo/",)
STATUS_COLUMNS = {
    column.name
    for tab in ALL_TABS
    for column in tab.columns
    if column.name.endswith("status") and column.choices
}
STATES = {
    choice
    for tab in ALL_TABS
    for column in tab.columns
    if column.name in STATUS_COLUMNS
    for choice in column.choices
}


def modules() -> list[Path]:
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if path.name not in SPECIFICATION_NAMES and not relative.startswith(LEFT_OUT):
                found.append(path)
    return found


def status_literals(path: Path) -> list[str]:
    """`file:line: "state"` for each state quoted on a line that speaks of a status."""
    found = []
    lines = path.read_text(encoding="utf-8").splitlines()
    with path.open("rb") as source:
        for token in tokenize.tokenize(source.readline):
            if token.type != tokenize.STRING:
                continue
            text = re.sub(r"^[rbuRBU]*", "", token.string)
            if text[:1] in "\"'" and text.strip("\"'") in STATES:
                line = lines[token.start[0] - 1]
                if "status" in line.casefold():
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}: {text}")
    return found


def test_the_status_columns_are_known_and_every_procedure_lives_in_a_specification():
    assert {"status", "refund_status", "payment_status"} <= STATUS_COLUMNS
    specified = set()
    for path in (ROOT / "processes").rglob("*.py"):
        if path.name in SPECIFICATION_NAMES:
            module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            source = path.read_text(encoding="utf-8")
            specified |= {  # declared there, not imported from elsewhere
                id(value)
                for name, value in vars(module).items()
                if isinstance(value, Procedure) and re.search(rf"^{name} = Procedure\(", source, re.M)
            }
    assert all(id(procedure) in specified for procedure in PROCEDURES)


def test_no_state_is_spelled_outside_its_specification():
    offenders = [literal for path in modules() for literal in status_literals(path)]
    assert offenders == [], "name these states through the specification:\n" + "\n".join(offenders)
