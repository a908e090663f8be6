"""Customer service through NiceGUI's simulated user: tickets against their SLA, and the public survey."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from nicegui import ui
from nicegui.testing import User

from pages.public import PUBLIC_LIMIT, TOO_MANY
from processes import service
from processes.permissions import Actor
from sheets.tabs import OUTBOX, SURVEYS, TICKETS
from tests.pages.waiting import eventually

SAM = Actor("sam", "staff")
START = datetime(2026, 3, 2, 9, 0)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def wait(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app_workbook) -> Clock:
    made = Clock()
    app_workbook.clock = made
    return made


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    PUBLIC_LIMIT.reset()
    yield
    PUBLIC_LIMIT.reset()


def pick(user: User, label: str, option: str) -> None:
    user.find(label).click()
    user.find(option).click()


def press(user: User, label: str) -> None:
    user.find(kind=ui.button, content=label).click()


def table_rows(user: User, marker: str) -> list[dict]:
    try:
        [grid] = user.find(marker=marker).elements
    except AssertionError:
        return []
    return grid.rows


def marked_texts(user: User, marker: str) -> list[str]:
    try:
        return [element.text for element in user.find(marker=marker).elements]
    except AssertionError:
        return []


async def open_ticket_on_the_page(user: User, subject: str, priority: str) -> str:
    await user.open("/tickets")
    user.find("Subject").type(subject)
    pick(user, "Ticket priority", priority)
    user.find("Customer email").type("ann@example.com")
    press(user, "Open ticket")
    await eventually(lambda: marked_texts(user, "sla") == ["on track"])
    [ticket] = [t for t in user_workbook_tickets() if t.subject == subject]
    return ticket.ticket_id


def user_workbook_tickets():
    from processes import runtime

    workbook = runtime.workbook()
    workbook.invalidate()
    return list(workbook.table(TICKETS).records())


async def resolve_on_the_page(user: User, resolution: str) -> None:
    user.find("Resolution").type(resolution)
    press(user, "Resolve")
    await eventually(lambda: [badge.text for badge in user.find(ui.badge).elements] == ["resolved"])


async def test_one_ticket_meets_its_sla_and_one_breaches_it_through_the_pages(
    app_workbook, clock, manager: User
):
    met = await open_ticket_on_the_page(manager, "Wrong colour", "urgent")  # due in 4 hours
    await manager.should_not_see(kind=ui.button, content="Resume (customer answered)")
    await manager.should_not_see(kind=ui.button, content="Close")
    clock.wait(hours=3)
    await manager.open(f"/tickets/{met}")
    await eventually(lambda: marked_texts(manager, "sla") == ["due soon"])
    manager.find("Reply to the customer").type("A new one is on its way.")
    press(manager, "Reply")
    await eventually(lambda: marked_texts(manager, "message-body") == ["A new one is on its way."])
    await resolve_on_the_page(manager, "Replacement sent")
    await eventually(lambda: marked_texts(manager, "sla") == ["SLA met"])
    await manager.should_see("Satisfaction survey sent 2026-03-02 12:00; not answered yet.")
    app_workbook.invalidate()
    [survey] = app_workbook.table(SURVEYS).records()
    [link] = [m.body for m in app_workbook.table(OUTBOX).records() if "survey" in m.body]
    assert re.search(rf"http://\S+/public/survey/{survey.token}\n", link)
    await manager.should_not_see(kind=ui.button, content="Resolve")

    late = await open_ticket_on_the_page(manager, "Parcel missing", "urgent")
    clock.wait(hours=5)
    await manager.open(f"/tickets/{late}")
    await eventually(lambda: marked_texts(manager, "sla") == ["SLA breached"])
    await resolve_on_the_page(manager, "Refunded")
    await eventually(lambda: marked_texts(manager, "sla") == ["SLA breached"])

    await manager.open("/tickets")
    pick(manager, "Status", "resolved")
    await eventually(
        lambda: (
            sorted((row["ticket_id"], row["sla"]) for row in table_rows(manager, "tickets"))
            == sorted([(met, "SLA met"), (late, "SLA breached")])
        )
    )


async def test_waiting_on_the_customer_pauses_the_ticket_on_the_page(app_workbook, clock, manager: User):
    ticket = service.open_ticket(app_workbook, subject="Address change", by=SAM)
    await manager.open(f"/tickets/{ticket.ticket_id}")
    manager.find("Assign to").clear().type("sam")
    press(manager, "Assign")
    await eventually(lambda: [badge.text for badge in manager.find(ui.badge).elements] == ["in_progress"])
    manager.find("Question for the customer").type("Which address?")
    press(manager, "Wait on the customer")
    await eventually(lambda: marked_texts(manager, "sla") == ["paused: waiting on the customer"])
    clock.wait(hours=10)
    press(manager, "Resume (customer answered)")
    await eventually(lambda: [badge.text for badge in manager.find(ui.badge).elements] == ["in_progress"])
    await manager.should_see("10 h")
    app_workbook.invalidate()
    assert app_workbook.table(TICKETS).get(ticket.ticket_id).due_at == START + timedelta(hours=58)


async def test_a_link_to_an_unknown_order_is_refused_and_the_form_keeps_what_was_typed(
    app_workbook, manager: User
):
    await manager.open("/tickets")
    manager.find("Subject").type("Late parcel")
    manager.find("Order number (optional)").type("ORD-NOPE")
    press(manager, "Open ticket")
    await manager.should_see("There is no order ORD-NOPE: check the order number.")
    assert manager.find("Subject").elements.pop().value == "Late parcel"
    assert len(app_workbook.table(TICKETS)) == 0


def survey_token(workbook) -> str:
    ticket = service.open_ticket(workbook, subject="Late parcel", customer_email="ann@example.com", by=SAM)
    service.resolve(workbook, ticket.ticket_id, "Found it", by=SAM)
    workbook.invalidate()
    [survey] = workbook.table(SURVEYS).records()
    return survey.token


async def test_a_survey_is_answered_once_on_the_public_page_without_a_login(user: User, app_workbook):
    token = survey_token(app_workbook)
    await user.open(f"/public/survey/{token}")
    await user.should_see("How satisfied are you with how we handled your request?")
    await user.should_not_see("Log out")
    user.find("4 · good").click()
    user.find("Comment (optional)").type("<b>Quick</b> =1+1")
    press(user, "Send")
    await eventually(lambda: marked_texts(user, "message") == ["Thank you! Your answer has been saved."])
    app_workbook.invalidate()
    [survey] = app_workbook.table(SURVEYS).records()
    assert (survey.score, survey.comment) == (4, "<b>Quick</b> =1+1")

    await user.open(f"/public/survey/{token}")
    await eventually(lambda: marked_texts(user, "message") == [service.ALREADY_ANSWERED])
    await user.should_not_see(kind=ui.button, content="Send")


async def test_a_second_answer_from_a_form_still_open_is_refused(user: User, app_workbook):
    token = survey_token(app_workbook)
    await user.open(f"/public/survey/{token}")
    service.answer_survey(app_workbook, token, 5)  # answered meanwhile, from another tab
    user.find("1 · very poor").click()
    press(user, "Send")
    await user.should_see(service.ALREADY_ANSWERED)
    app_workbook.invalidate()
    assert [s.score for s in app_workbook.table(SURVEYS).records()] == [5]


async def test_an_unknown_token_shows_the_neutral_message(user: User, app_workbook):
    survey_token(app_workbook)
    await user.open("/public/survey/" + "x" * 32)
    await eventually(lambda: marked_texts(user, "message") == [service.NO_SUCH_SURVEY])
    await user.should_not_see(kind=ui.button, content="Send")


async def test_the_rate_limit_refuses_loads_and_answers_after_the_limit(
    user: User, app_workbook, monkeypatch
):
    token = survey_token(app_workbook)
    monkeypatch.setattr(PUBLIC_LIMIT, "limit", 3)
    for _ in range(2):
        await user.open("/public/survey/" + "y" * 32)
    await user.open(f"/public/survey/{token}")  # the third: still allowed
    user.find("5 · excellent").click()
    press(user, "Send")  # the fourth: refused
    await user.should_see(TOO_MANY)
    await user.open(f"/public/survey/{token}")
    await eventually(lambda: marked_texts(user, "message") == [TOO_MANY])
    app_workbook.invalidate()
    assert [s.answered_at for s in app_workbook.table(SURVEYS).records()] == [None]


async def test_the_analysis_page_shows_averages_rates_and_comments(app_workbook, manager: User):
    with app_workbook.transaction(SURVEYS, user="seed") as tx:
        for ref, score, comment in (("ORD-1", 5, "Fast"), ("ORD-2", None, None), ("TCK-1", 2, "Slow answer")):
            tx.insert(
                SURVEYS,
                {
                    "ref": ref,
                    "token": f"token-{ref}",
                    "sent_at": START,
                    "answered_at": START + timedelta(hours=1) if score else None,
                    "score": score,
                    "comment": comment,
                },
            )
    await manager.open("/surveys")
    await eventually(lambda: marked_texts(manager, "average All surveys") == ["3.50 average"])
    assert marked_texts(manager, "rate After delivery") == ["50% answered (1 of 2)"]
    assert sorted(marked_texts(manager, "comment")) == ["Fast", "Slow answer"]
    assert {(row["procedure"], row["average"]) for row in table_rows(manager, "weeks")} == {
        ("All surveys", "3.50"),  # each kind named as its card names it, in the reader's language
        ("After delivery", "5.00"),
        ("After ticket", "2.00"),
    }
    [chart] = manager.find(marker="chart").elements
    assert chart.options["series"][-1]["data"] == [67]


async def test_a_ticket_page_links_its_order_and_shows_the_customers_other_records(
    app_workbook, clock, manager: User
):
    from processes.orders import ORDER_TABS, OrderLine, add_order
    from sheets.tabs import LOCATIONS, PRODUCTS, RETURNS

    with app_workbook.transaction(LOCATIONS, *ORDER_TABS, RETURNS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Cast-iron skillet", "price": 20})
        location = tx.insert(LOCATIONS, {"name": "Main warehouse"}).location_id
        orders = [
            add_order(
                tx,
                customer_name="Ann Lee",
                customer_email="ann@example.com",
                ship_address="1 High Street",
                external_ref=ref,
                lines=[OrderLine("KIT-001", 1, 20.0)],
                location_id=location,
            )
            for ref in ("#1001", "#1002")
        ]
        ret = tx.insert(RETURNS, {"order_id": orders[1].order_id, "sku": "KIT-001", "qty": 1})
    earlier = service.open_ticket(
        app_workbook, subject="Late parcel", customer_email="ANN@example.com", by=SAM
    )
    ticket = service.open_ticket(app_workbook, subject="Broken lid", order_id=orders[0].order_id, by=SAM)

    await manager.open(f"/tickets/{ticket.ticket_id}")
    await manager.should_see("This customer")
    [order_link] = manager.find(marker="ticket-order").elements
    assert (order_link.text, order_link.props["href"]) == (
        orders[0].order_id,
        f"/orders/{orders[0].order_id}",
    )
    await manager.should_see("Matched by email address")
    links = {link.text: link.props["href"] for link in manager.find(ui.link).elements}
    for record_id, page in (
        (orders[0].order_id, f"/orders/{orders[0].order_id}"),
        (orders[1].order_id, f"/orders/{orders[1].order_id}"),
        (earlier.ticket_id, f"/tickets/{earlier.ticket_id}"),
        (ret.return_id, f"/returns/{ret.return_id}"),
    ):
        assert links[record_id] == page
        manager.find(marker=f"history-{record_id}")
    await manager.should_not_see(marker=f"history-{ticket.ticket_id}")

    alone = service.open_ticket(app_workbook, subject="Question", customer_email="new@example.com", by=SAM)
    await manager.open(f"/tickets/{alone.ticket_id}")
    await manager.should_see("No other orders, tickets or returns.")
