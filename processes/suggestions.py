"""The suggestion box: anyone proposes an improvement to a procedure, others vote, a manager decides.

    suggestion = submit(workbook, "Order", "Print the checklist on the pick list.", by=actor)
    vote(workbook, suggestion.suggestion_id, by=colleague)
    decide(workbook, suggestion.suggestion_id, "adopted", "On the pick list from Monday.", by=manager)

Each action is one transaction with its checks here, so a crafted request
gets no further than a page's hidden button. Who voted is kept in `voters`
(login names separated by commas) and `votes` is the count, both written in
the same commit. They are the steps' cells (processes/improvement.py): the
app's grid never edits them. People can still type into them in the
spreadsheet, so both are read tolerantly: any of `,` `;` or a line break
separates names, blanks and repeats are ignored, and the count is never less
than the names listed — a count raised in the sheet (votes taken at a
meeting) is kept and added to.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from i18n import N_, _
from processes import steps
from processes.declarations import PROCEDURES
from processes.errors import ProcessError
from processes.improvement.procedure import STEP_OF_OUTCOME, SUGGESTION
from processes.permissions import Actor, Permission, require
from processes.service import inputs
from sheets.table import Record, Table
from sheets.tabs import SUGGESTIONS
from sheets.workbook import Workbook

OTHER = "other"
#: What a suggestion can be about: every declared procedure, or something else.
PROCESSES: tuple[str, ...] = (*dict.fromkeys(procedure.name for procedure in PROCEDURES), OTHER)
OUTCOMES: tuple[str, ...] = SUGGESTION.group("decided")
#: The states in which a suggestion can still be voted on and decided.
OPEN_STATES: tuple[str, ...] = SUGGESTION.group("open")
TEXT_LIMIT, REASON_LIMIT = 2000, 2000
_NAME_SEPARATORS = re.compile(r"[,;\n]+")


@steps.entry(SUGGESTION)
def submit(workbook: Workbook, process: str, text: str, *, by: Actor) -> Record:
    """A new open suggestion about `process` (a declared procedure's name, or "other"), by `by`."""
    about = process_named(process)
    wording = inputs.text(text, N_("The suggestion"), limit=TEXT_LIMIT, required=True)
    with workbook.transaction(SUGGESTIONS, user=by.name, action="submit suggestion") as tx:
        return tx.insert(
            SUGGESTIONS,
            {
                "submitted_by": by.name,
                "submitted_at": tx.now,
                "process": about,
                "text": wording,
                "votes": 0,
                "voters": "",
                "status": SUGGESTION.start_states[0],
            },
        )


@steps.rule(SUGGESTION, "vote")
def vote(workbook: Workbook, suggestion_id: str, *, by: Actor) -> Record:
    """Add `by`'s one vote to an open suggestion somebody else made."""
    with workbook.transaction(SUGGESTIONS, user=by.name, action="vote on suggestion") as tx:
        suggestion = tx.require(SUGGESTIONS, _id(suggestion_id))
        _refuse_unless_open(suggestion, N_("only an open suggestion can be voted on"))
        SUGGESTION.check("vote", status_of(suggestion), by)
        if same_person(suggestion.submitted_by, by.name):
            raise ProcessError(_("You made this suggestion, so you cannot vote for it; ask a colleague to."))
        names = voters(suggestion)
        if any(same_person(name, by.name) for name in names):
            raise ProcessError(
                _(
                    "You have already voted for {suggestion_id}; each person votes once.",
                    suggestion_id=suggestion.suggestion_id,
                )
            )
        return tx.update(
            suggestion, {"voters": ", ".join([*names, by.name]), "votes": vote_count(suggestion) + 1}
        )


def decide(
    workbook: Workbook,
    suggestion_id: str,
    outcome: str,
    reason: str,
    *,
    by: Actor,
    base: Record | None = None,
) -> Record:
    """A manager adopts or rejects an open suggestion, saying why; the decision is final.

    `base` is the suggestion as the manager read it: if it changed since (a
    late vote, an edit in the sheet), the decision is refused with what changed.
    """
    require(by, Permission.DECIDE_SUGGESTIONS)
    if outcome not in OUTCOMES:
        raise ProcessError(
            _("A suggestion is {join}, not {outcome!r}.", join=" or ".join(OUTCOMES), outcome=outcome)
        )
    why = inputs.text(reason, N_("The reason for the decision"), limit=REASON_LIMIT, required=True)
    with workbook.transaction(SUGGESTIONS, user=by.name, action=f"decide suggestion: {outcome}") as tx:
        suggestion = tx.require(SUGGESTIONS, _id(suggestion_id), base=base)
        _refuse_unless_open(suggestion, N_("only an open suggestion can be decided"))
        SUGGESTION.check(STEP_OF_OUTCOME[outcome], status_of(suggestion), by)
        return tx.update(suggestion, {"status": outcome, "decided_by": by.name, "decision": why})


@steps.rule(SUGGESTION, "adopt")
def adopt(
    workbook: Workbook, suggestion_id: str, *, reason: str, by: Actor, base: Record | None = None
) -> Record:
    """Adopt a suggestion, saying why and from when (the step "adopt")."""
    return decide(workbook, suggestion_id, "adopted", reason, by=by, base=base)


@steps.rule(SUGGESTION, "reject")
def reject(
    workbook: Workbook, suggestion_id: str, *, reason: str, by: Actor, base: Record | None = None
) -> Record:
    """Reject a suggestion, saying why (the step "reject")."""
    return decide(workbook, suggestion_id, "rejected", reason, by=by, base=base)


# reading the cells people may have edited ---------------------------------------


def voters(suggestion: Record) -> list[str]:
    """The names in the voters cell, in order, each once (compared without case)."""
    return _unique(_NAME_SEPARATORS.split(suggestion.voters or ""))


def vote_count(suggestion: Record) -> int:
    """The votes: the count in the sheet, but never fewer than the names listed."""
    return max(suggestion.votes or 0, len(voters(suggestion)))


def status_of(suggestion: Record) -> str:
    return SUGGESTION.state_of(suggestion)


def same_person(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()


def process_named(process: str) -> str:
    """The declared spelling of `process` (any case); refused when it names no procedure."""
    typed = (process or "").strip().casefold()
    for name in PROCESSES:
        if name.casefold() == typed:
            return name
    raise ProcessError(
        f"Choose what the suggestion is about: one of {', '.join(PROCESSES)}"
        + (f" — not {process!r}." if typed else ".")
    )


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        if name.strip():
            seen.setdefault(name.strip().casefold(), name.strip())
    return list(seen.values())


def _refuse_unless_open(suggestion: Record, rule: str) -> None:
    status = status_of(suggestion)
    if status not in OPEN_STATES:
        raise ProcessError(
            _(
                "Suggestion {suggestion_id} was {status} by {who} already; {rule}.",
                suggestion_id=suggestion.suggestion_id,
                status=_(status),
                who=suggestion.decided_by or _("a manager"),
                rule=_(rule),
            )
        )


def _id(suggestion_id: str) -> str:
    return inputs.text(suggestion_id, N_("The suggestion"), limit=100, required=True)


# the list ------------------------------------------------------------------------

PER_PAGE = 25
#: The lists the page offers: view -> the statuses it holds.
VIEWS: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATES,
    "decided": OUTCOMES,
    **{outcome: (outcome,) for outcome in OUTCOMES},
    "all": SUGGESTION.states,
}


@dataclass(frozen=True)
class SuggestionQuery:
    view: str = "open"
    process: str = "all"  # a name from PROCESSES, or "all"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class SuggestionPage:
    suggestions: list[Record]
    total: int  # suggestions matching
    page: int
    pages: int
    unreadable: int  # rows of the tab that cannot be read (listed under Data issues)


def suggestion(workbook: Workbook, suggestion_id: str) -> Record | None:
    """One suggestion as the sheet holds it now, or None."""
    return workbook.table(SUGGESTIONS).get(suggestion_id)


def suggestion_page(workbook: Workbook, query: SuggestionQuery) -> SuggestionPage:
    """One page of the suggestions matching `query`, most votes first (older first among equals)."""
    table = workbook.table(SUGGESTIONS)
    matching = sorted(matching_suggestions(table, query), key=_by_votes)
    per_page = max(1, query.per_page)
    pages = max(1, math.ceil(len(matching) / per_page))
    page = min(max(1, query.page), pages)
    start = (page - 1) * per_page
    return SuggestionPage(matching[start : start + per_page], len(matching), page, pages, len(table.issues))


def matching_suggestions(table: Table, query: SuggestionQuery) -> list[Record]:
    statuses = VIEWS.get(query.view, VIEWS["all"])
    wanted = query.process.casefold()
    return [
        suggestion
        for suggestion in table.records()
        if status_of(suggestion) in statuses
        and (wanted == "all" or process_of(suggestion).casefold() == wanted)
    ]


def process_of(suggestion: Record) -> str:
    """The procedure a suggestion is about; what a person typed that names none counts as "other"."""
    typed = (suggestion.process or "").strip().casefold()
    return next((name for name in PROCESSES if name.casefold() == typed), OTHER)


def _by_votes(suggestion: Record) -> tuple[int, datetime]:
    return -vote_count(suggestion), suggestion.submitted_at or datetime.min
