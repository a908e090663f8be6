"""The suggestion box through NiceGUI's simulated user: submit, vote once, and a manager decides."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from processes import suggestions
from processes.permissions import Actor
from sheets.tabs import SUGGESTIONS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually

ANN = Actor("ann", "staff")


def stored(workbook, suggestion_id: str):
    workbook.invalidate()
    return workbook.table(SUGGESTIONS).get(suggestion_id)


def only(user: User, marker: str):
    [element] = user.find(marker=marker).elements
    return element


def shown_texts(user: User) -> list[str]:
    try:
        found = user.find(marker="suggestion-text").elements
    except AssertionError:
        return []
    return [element.text for element in sorted(found, key=lambda element: element.id)]


async def log_in_as(user: User, accounts, name: str, role: str) -> User:
    accounts.add_user(name, role, PASSWORD)
    await log_in(user, name)
    await user.should_see(f"{name} ({role})")
    return user


async def test_staff_submit_a_suggestion_and_see_it_listed(app_workbook, app_accounts, user: User):
    await log_in_as(user, app_accounts, "sam", "staff")
    await user.open("/suggestions")
    await user.should_see("No open suggestions yet: suggest an improvement above.")

    user.find(marker="new-text").type("Print the checklist on the pick list.")
    user.find(marker="submit").click()
    await user.should_see("Choose what the suggestion is about")  # no procedure chosen yet: refused
    assert only(user, "new-text").value == "Print the checklist on the pick list."  # nothing lost

    only(user, "new-process").value = "Order"
    user.find(marker="submit").click()
    await eventually(lambda: shown_texts(user) == ["Print the checklist on the pick list."])
    [made] = app_workbook.table(SUGGESTIONS).records()
    assert (made.submitted_by, made.process, made.status) == ("sam", "Order", "open")
    await user.should_see("Your suggestion")  # and no vote button for the author
    await user.should_not_see(marker=f"vote-{made.suggestion_id}")
    await user.should_not_see(marker=f"decide-{made.suggestion_id}")  # staff do not decide


async def test_a_colleague_votes_once_and_the_list_is_sorted_by_votes(app_workbook, app_accounts, user: User):
    few = suggestions.submit(app_workbook, "Ticket", "Answer templates.", by=ANN).suggestion_id
    many = suggestions.submit(app_workbook, "Order", "Ship twice a day.", by=ANN).suggestion_id
    suggestions.vote(app_workbook, many, by=Actor("ben", "staff"))
    await log_in_as(user, app_accounts, "sam", "staff")
    await user.open("/suggestions")
    await eventually(lambda: shown_texts(user) == ["Ship twice a day.", "Answer templates."])

    user.find(marker=f"vote-{few}").click()
    await user.should_see(marker=f"voted-{few}")
    assert (stored(app_workbook, few).votes, stored(app_workbook, few).voters) == (1, "sam")
    assert only(user, f"votes-{few}").text == "1"

    # A second vote, from a page opened before the first was counted, is refused with a message.
    await user.open("/suggestions")
    await user.should_see(marker=f"voted-{few}")
    await suggestions_page_with_a_stale_vote_button(user, app_workbook, few)


async def suggestions_page_with_a_stale_vote_button(user: User, workbook, suggestion_id: str) -> None:
    """Remove the vote from the sheet, let the page offer the button, then count it again behind its back."""
    row = stored(workbook, suggestion_id)
    with workbook.transaction(SUGGESTIONS, user="sheet") as tx:
        tx.update(row, {"voters": "", "votes": 0})
    await user.open("/suggestions")
    await user.should_see(marker=f"vote-{suggestion_id}")
    suggestions.vote(workbook, suggestion_id, by=Actor("sam", "staff"))
    user.find(marker=f"vote-{suggestion_id}").click()
    await user.should_see("You have already voted for")
    assert stored(workbook, suggestion_id).votes == 1


async def test_a_manager_decides_with_a_reason_and_the_decision_is_final(
    app_workbook, app_accounts, user: User
):
    made = suggestions.submit(app_workbook, "Return", "Prepaid return labels.", by=ANN).suggestion_id
    await log_in_as(user, app_accounts, "mia", "manager")
    await user.open("/suggestions")
    await eventually(lambda: shown_texts(user) == ["Prepaid return labels."])

    user.find(marker=f"decide-{made}").click()
    await user.should_see("Decide on " + made)
    only(user, "outcome").value = "rejected"
    user.find(marker="record-decision").click()
    await user.should_see("The reason for the decision must be filled in.")
    assert stored(app_workbook, made).status == "open"

    user.find(marker="reason").type("The carrier charges for every label, used or not.")
    user.find(marker="record-decision").click()
    await user.should_see(f"Suggestion {made} rejected")
    decided = stored(app_workbook, made)
    assert (decided.status, decided.decided_by, decided.decision) == (
        "rejected",
        "mia",
        "The carrier charges for every label, used or not.",
    )
    await eventually(lambda: shown_texts(user) == [])  # gone from the open list

    only(user, "filter-view").value = "decided"
    await user.should_see(marker=f"decision-{made}")
    assert "Rejected by mia" in only(user, f"decision-{made}").text
    await user.should_not_see(marker=f"decide-{made}")
    await user.should_not_see(marker=f"vote-{made}")


async def test_a_decision_on_a_suggestion_that_changed_meanwhile_is_refused_then_taken_on_the_new_version(
    app_workbook, app_accounts, user: User
):
    made = suggestions.submit(app_workbook, "Order", "Ship twice a day.", by=ANN).suggestion_id
    await log_in_as(user, app_accounts, "mia", "manager")
    await user.open("/suggestions")
    await eventually(lambda: shown_texts(user) == ["Ship twice a day."])
    user.find(marker=f"decide-{made}").click()
    user.find(marker="reason").type("Yes, from Monday.")
    suggestions.vote(app_workbook, made, by=Actor("ben", "staff"))  # a vote lands meanwhile

    user.find(marker="record-decision").click()
    await user.should_see("was changed by someone else since you opened it (votes: 0 → 1")
    await user.should_see("It changed since you opened it; press again to decide on it as it is now.")
    assert stored(app_workbook, made).status == "open"
    assert only(user, "reason").value == "Yes, from Monday."  # what was typed is kept

    user.find(marker="record-decision").click()  # decided on the suggestion as it is now
    await user.should_see(f"Suggestion {made} adopted")
    assert stored(app_workbook, made).status == "adopted"
    assert user.find(ui.dialog).elements.pop().value is False
