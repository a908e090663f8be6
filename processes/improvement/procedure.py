"""The suggestion box as a procedure: anyone proposes, colleagues vote, a manager decides.

The rules live in processes/suggestions.py; this is the specification the
grid, the handbook and the review read, so votes and decisions are the steps'
cells and never typed by hand in the app.
"""

from __future__ import annotations

from processes.permissions import Permission
from processes.procedure import EDITABLE, Entry, Procedure, Transition
from sheets.tabs import SUGGESTIONS

SUGGESTION = Procedure(
    "Suggestion",
    SUGGESTIONS,
    "status",
    purpose="Improve the procedures: anyone proposes a change, colleagues vote, a manager adopts or rejects it.",
    entries=(Entry("open", "Anyone writes a suggestion on the suggestions page"),),
    accountable="manager",
    page="/suggestions",
    stamps={"": "submitted_at"},
    about="process",
    groups={
        "open": ("open",),
        "decided": ("adopted", "rejected"),
        EDITABLE: ("open",),
    },
    step_columns=("submitted_by", "submitted_at", "votes", "voters", "decided_by", "decision"),
    terms=("process", "text"),
    transitions=(
        Transition("vote", ("open",), "open", "staff", "Vote for it", checklist=("One vote per person",)),
        Transition(
            "adopt",
            ("open",),
            "adopted",
            "manager",
            "Adopt it",
            permission=Permission.DECIDE_SUGGESTIONS,
            checklist=("Write down why, and from when the procedure changes",),
            informed=("staff",),
        ),
        Transition(
            "reject",
            ("open",),
            "rejected",
            "manager",
            "Reject it",
            permission=Permission.DECIDE_SUGGESTIONS,
            checklist=("Write down why",),
            informed=("staff",),
        ),
    ),
)

#: The state of a suggestion the procedures took up.
ADOPTED = SUGGESTION.transition("adopt").target
#: The step that ends a suggestion with each outcome.
STEP_OF_OUTCOME = {transition.target: transition.action for transition in SUGGESTION.transitions[1:]}
