"""The suggestion box, below the pages, on both backends: submit, vote once, decide once, with the sheet edited by hand."""

from __future__ import annotations

import pytest

from processes import suggestions
from processes.errors import PermissionDenied, ProcessError
from processes.permissions import Actor
from processes.suggestions import SuggestionQuery
from sheets.errors import ConflictError
from sheets.tabs import AUDIT, SUGGESTIONS

ANN, BEN, CAT = Actor("ann", "staff"), Actor("ben", "staff"), Actor("cat", "staff")
MIA = Actor("mia", "manager")


def read(record, suggestion_id: str):
    record.workbook.invalidate()
    return record.workbook.table(SUGGESTIONS).get(suggestion_id)


def row_of(record, suggestion_id: str) -> int:
    rows = record.person.values(SUGGESTIONS.name)
    return next(number for number, row in enumerate(rows, 1) if row and row[0] == suggestion_id)


def test_the_whole_flow_submit_vote_decide(record):
    workbook = record.workbook
    made = suggestions.submit(workbook, "order", "  Print the checklist on the pick list.  ", by=ANN)
    assert (made.process, made.text, made.status, made.votes, made.submitted_by) == (
        "Order",
        "Print the checklist on the pick list.",
        "open",
        0,
        "ann",
    )
    suggestions.vote(workbook, made.suggestion_id, by=BEN)
    voted = suggestions.vote(workbook, made.suggestion_id, by=MIA)
    assert (voted.votes, voted.voters) == (2, "ben, mia")

    decided = suggestions.decide(workbook, made.suggestion_id, "adopted", "From Monday.", by=MIA)
    stored = read(record, made.suggestion_id)
    assert (stored.status, stored.decided_by, stored.decision, stored.votes) == (
        "adopted",
        "mia",
        "From Monday.",
        2,
    )
    assert decided == stored
    actions = [row.action for row in workbook.table(AUDIT).records() if row.record_id == made.suggestion_id]
    assert actions == [
        "submit suggestion: insert",
        "vote on suggestion: update",
        "vote on suggestion: update",
        "decide suggestion: adopted: update",
    ]


def test_a_second_vote_by_the_same_person_is_refused_and_counts_once(record):
    made = suggestions.submit(record.workbook, "Ticket", "Templates for common answers.", by=ANN)
    suggestions.vote(record.workbook, made.suggestion_id, by=BEN)
    with pytest.raises(ProcessError, match="already voted .* each person votes once"):
        suggestions.vote(record.workbook, made.suggestion_id, by=Actor("BEN", "staff"))
    assert (read(record, made.suggestion_id).votes, read(record, made.suggestion_id).voters) == (1, "ben")


def test_the_author_cannot_vote_for_their_own_suggestion(record):
    made = suggestions.submit(record.workbook, "Ticket", "Templates for common answers.", by=ANN)
    with pytest.raises(ProcessError, match="You made this suggestion"):
        suggestions.vote(record.workbook, made.suggestion_id, by=ANN)
    assert read(record, made.suggestion_id).votes == 0


def test_staff_cannot_decide_and_a_reason_is_required(record):
    made = suggestions.submit(record.workbook, "Return", "Prepaid return labels.", by=ANN)
    with pytest.raises(PermissionDenied, match="Only a manager or an admin may adopt or reject a suggestion"):
        suggestions.decide(record.workbook, made.suggestion_id, "adopted", "Yes", by=BEN)
    with pytest.raises(ProcessError, match="The reason for the decision must be filled in"):
        suggestions.decide(record.workbook, made.suggestion_id, "rejected", "   ", by=MIA)
    with pytest.raises(ProcessError, match="adopted or rejected, not 'maybe'"):
        suggestions.decide(record.workbook, made.suggestion_id, "maybe", "Later", by=MIA)
    assert read(record, made.suggestion_id).status == "open"


def test_a_decided_suggestion_is_neither_decided_again_nor_voted_on(record):
    made = suggestions.submit(record.workbook, "Transfer", "Move stock on Fridays only.", by=ANN)
    suggestions.decide(record.workbook, made.suggestion_id, "rejected", "Stores need stock daily.", by=MIA)
    with pytest.raises(
        ProcessError, match="was rejected by mia already; only an open suggestion can be decided"
    ):
        suggestions.decide(record.workbook, made.suggestion_id, "adopted", "Changed my mind", by=MIA)
    with pytest.raises(ProcessError, match="only an open suggestion can be voted on"):
        suggestions.vote(record.workbook, made.suggestion_id, by=BEN)
    stored = read(record, made.suggestion_id)
    assert (stored.status, stored.decision, stored.votes) == ("rejected", "Stores need stock daily.", 0)


def test_what_a_suggestion_is_about_must_be_a_declared_procedure_or_other(record):
    with pytest.raises(
        ProcessError, match="one of Purchase request, .*Order, Ticket, .* other — not 'Lunch'"
    ):
        suggestions.submit(record.workbook, "Lunch", "Pizza on Fridays.", by=ANN)
    with pytest.raises(ProcessError, match="The suggestion must be filled in"):
        suggestions.submit(record.workbook, "other", " ", by=ANN)
    assert (
        suggestions.submit(record.workbook, "OTHER", "A kettle in the warehouse.", by=ANN).process == "other"
    )


def test_a_decision_on_a_suggestion_changed_since_it_was_read_is_refused(record):
    made = suggestions.submit(record.workbook, "Order", "Ship twice a day.", by=ANN)
    loaded = read(record, made.suggestion_id)
    suggestions.vote(record.workbook, made.suggestion_id, by=BEN)
    with pytest.raises(ConflictError, match="votes"):
        suggestions.decide(record.workbook, made.suggestion_id, "adopted", "Yes", by=MIA, base=loaded)
    assert read(record, made.suggestion_id).status == "open"


def test_votes_and_voters_typed_by_hand_are_read_tolerantly(record):
    made = suggestions.submit(record.workbook, "Order", "Ship twice a day.", by=ANN)
    row = row_of(record, made.suggestion_id)
    # Someone tidied the voters by hand (odd separators, a repeat) and lowered the count.
    record.person.set_cell(SUGGESTIONS.name, row, "voters", "ben; Cat\nBEN,")
    record.person.set_cell(SUGGESTIONS.name, row, "votes", "1")
    assert suggestions.vote_count(read(record, made.suggestion_id)) == 2
    with pytest.raises(ProcessError, match="already voted"):
        suggestions.vote(record.workbook, made.suggestion_id, by=CAT)
    voted = suggestions.vote(record.workbook, made.suggestion_id, by=MIA)
    assert (voted.voters, voted.votes) == ("ben, Cat, mia", 3)

    # Votes taken at a meeting, added to the count without names, are kept and added to.
    record.person.set_cell(SUGGESTIONS.name, row, "votes", "7")
    voted = suggestions.vote(record.workbook, made.suggestion_id, by=Actor("dan", "staff"))
    assert (voted.voters, voted.votes) == ("ben, Cat, mia, dan", 8)


def test_a_suggestion_row_a_person_typed_without_votes_or_status_is_open_with_none(record):
    record.person.append_row(SUGGESTIONS.name, ["", "ann", "", "Order", "Bigger boxes."])
    record.workbook.check()  # gives the row its ID
    record.workbook.invalidate()
    [typed] = record.workbook.table(SUGGESTIONS).records()
    assert (suggestions.status_of(typed), suggestions.vote_count(typed)) == ("open", 0)
    voted = suggestions.vote(record.workbook, typed.suggestion_id, by=BEN)
    assert (voted.votes, voted.voters) == (1, "ben")


def test_the_list_filters_by_view_and_procedure_most_votes_first(record):
    workbook = record.workbook
    few = suggestions.submit(workbook, "Order", "Few votes.", by=ANN).suggestion_id
    many = suggestions.submit(workbook, "Order", "Many votes.", by=ANN).suggestion_id
    ticket = suggestions.submit(workbook, "Ticket", "About tickets.", by=ANN).suggestion_id
    decided = suggestions.submit(workbook, "Order", "Decided.", by=ANN).suggestion_id
    for voter in (BEN, CAT):
        suggestions.vote(workbook, many, by=voter)
    suggestions.vote(workbook, few, by=BEN)
    suggestions.decide(workbook, decided, "adopted", "Done.", by=MIA)

    def shown(**query) -> list[str]:
        workbook.invalidate()
        page = suggestions.suggestion_page(workbook, SuggestionQuery(**query))
        return [item.suggestion_id for item in page.suggestions]

    assert shown() == [many, few, ticket]
    assert shown(process="Order") == [many, few]
    assert shown(view="decided") == [decided]
    assert shown(view="all", process="Order") == [many, few, decided]
    assert shown(view="open", process="other") == []


def test_the_demo_suggestions_follow_the_rules(local):
    from processes.demo import seed_demo

    seed_demo(local.workbook)
    seeded = list(local.workbook.table(SUGGESTIONS).records())
    assert {suggestions.status_of(item) for item in seeded} == {"open", "adopted", "rejected"}
    for item in seeded:
        assert item.process in suggestions.PROCESSES
        assert item.votes == len(suggestions.voters(item))
        assert not any(suggestions.same_person(name, item.submitted_by) for name in suggestions.voters(item))
        assert (item.status == "open") == (item.decided_by is None)
