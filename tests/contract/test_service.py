"""Customer service, below the pages, on both backends: SLA due times, pauses, breaches, surveys and their analysis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

import i18n
from jobs.cycle import run_cycle
from processes import service, settings, sheet_edit
from processes.errors import ProcessError
from processes.permissions import Actor
from sheets.errors import ConflictError
from sheets.tabs import ALERTS, ORDERS, OUTBOX, SURVEYS, TICKETS

STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")
NOW = datetime(2026, 3, 2, 9, 0)  # a Monday


@dataclass
class Desk:
    """A workbook on a clock the test moves."""

    record: object
    now: datetime = NOW

    @property
    def workbook(self):
        return self.record.workbook

    def wait(self, **delta) -> None:
        self.now += timedelta(**delta)

    def open(self, priority: str = "normal", **values) -> str:
        values.setdefault("subject", "Where is my parcel?")
        values.setdefault("customer_email", "ann@example.com")
        return service.open_ticket(self.workbook, priority=priority, by=STAFF, **values).ticket_id

    def ticket(self, ticket_id: str):
        return self.read(TICKETS).get(ticket_id)

    def read(self, tab):
        self.workbook.invalidate()
        return self.workbook.table(tab)


@pytest.fixture
def desk(record) -> Desk:
    made = Desk(record)
    record.workbook.clock = lambda: made.now
    return made


def test_the_due_time_is_the_sla_hours_of_the_priority_from_settings(desk):
    due = {p: desk.ticket(desk.open(p)).due_at for p in ("urgent", "high", "normal", "low")}
    assert due == {
        "urgent": NOW + timedelta(hours=4),
        "high": NOW + timedelta(hours=24),
        "normal": NOW + timedelta(hours=48),
        "low": NOW + timedelta(hours=120),
    }

    settings.update_setting(desk.workbook, "sla_hours_high", "10", by=MANAGER)
    desk.wait(hours=1)
    ticket = desk.ticket(desk.open("high"))
    assert (ticket.opened_at, ticket.due_at, ticket.status) == (
        NOW + timedelta(hours=1),
        NOW + timedelta(hours=11),
        "open",
    )


def test_a_refused_field_is_named_in_a_sentence_that_reads_right_in_both_languages(desk):
    with pytest.raises(ProcessError) as refused:
        desk.open(details="x" * 5001)
    assert str(refused.value) == "The details can be at most 5000 characters long, not 5001."
    with i18n.use_language("zh"), pytest.raises(ProcessError) as refused:
        desk.open(subject=" ")
    assert str(refused.value) == "请填写主题。"


def test_a_sla_value_a_person_typed_that_cannot_be_read_falls_back_to_the_default(desk):
    row = next(
        i for i, r in enumerate(desk.record.person.values("Settings"), 1) if r and r[0] == "sla_hours_urgent"
    )
    desk.record.person.set_cell("Settings", row, "value", "soon")
    assert desk.ticket(desk.open("urgent")).due_at == NOW + timedelta(hours=4)


def test_waiting_on_the_customer_pauses_the_clock_and_moves_the_due_time(desk):
    ticket_id = desk.open("normal")
    service.assign(desk.workbook, ticket_id, "sam", by=STAFF)
    desk.wait(hours=2)
    service.wait_on_customer(desk.workbook, ticket_id, "Could you send a photo?", by=STAFF)
    paused = desk.ticket(ticket_id)
    assert (paused.status, paused.paused_since, paused.due_at) == (
        "waiting_on_customer",
        NOW + timedelta(hours=2),
        NOW + timedelta(hours=48),
    )
    desk.wait(hours=60)  # past the original due time, but the clock is stopped
    assert service.sla_status(paused, desk.now) == "paused"

    service.resume(desk.workbook, ticket_id, by=STAFF)
    resumed = desk.ticket(ticket_id)
    assert (resumed.status, resumed.paused_since, resumed.paused_hours) == ("in_progress", None, 60)
    assert resumed.due_at == NOW + timedelta(hours=108)
    assert service.sla_status(resumed, desk.now) == "on_track"

    desk.wait(hours=30)
    service.wait_on_customer(desk.workbook, ticket_id, by=STAFF)
    desk.wait(hours=1, minutes=30)
    service.resolve(desk.workbook, ticket_id, "Sorted by phone", by=STAFF)  # resolving ends the pause too
    resolved = desk.ticket(ticket_id)
    assert (resolved.paused_hours, resolved.paused_since) == (61.5, None)
    assert resolved.due_at == NOW + timedelta(hours=109, minutes=30)
    assert service.sla_status(resolved, desk.now) == "met"


def test_one_ticket_meets_its_sla_and_one_breaches_it(desk):
    met, breached = desk.open("urgent"), desk.open("urgent", subject="Wrong item")
    assert service.sla_status(desk.ticket(met), desk.now) == "on_track"
    desk.wait(hours=3, minutes=30)
    assert service.sla_status(desk.ticket(met), desk.now) == "due_soon"  # the last quarter of 4 hours
    service.resolve(desk.workbook, met, "Answered", by=STAFF)
    desk.wait(hours=1)
    assert service.sla_status(desk.ticket(breached), desk.now) == "breached"
    service.resolve(desk.workbook, breached, "Replacement sent", by=STAFF)

    assert service.sla_status(desk.ticket(met), desk.now) == "met"
    assert service.sla_status(desk.ticket(breached), desk.now) == "breached"
    assert desk.ticket(breached).resolved_at == NOW + timedelta(hours=4, minutes=30)


def test_replies_are_noted_with_time_and_author_and_the_first_stamps_the_first_response(desk):
    ticket_id = desk.open("high", customer_name="Ann")
    desk.wait(minutes=20)
    service.reply(desk.workbook, ticket_id, "We are looking into it.", by=STAFF)
    desk.wait(hours=1)
    service.reply(desk.workbook, ticket_id, '=HYPERLINK("x")\nsecond line', by=MANAGER)

    ticket = desk.ticket(ticket_id)
    assert (ticket.status, ticket.assignee) == ("in_progress", "sam")
    assert ticket.first_response_at == NOW + timedelta(minutes=20)
    assert ticket.notes == (
        '[2026-03-02 09:20 sam] We are looking into it.\n[2026-03-02 10:20 mia] =HYPERLINK("x")\nsecond line'
    )
    assert [(n.at, n.author, n.text) for n in service.note_entries(ticket.notes)] == [
        ("2026-03-02 09:20", "sam", "We are looking into it."),
        ("2026-03-02 10:20", "mia", '=HYPERLINK("x")\nsecond line'),
    ]
    replies = [m for m in desk.read(OUTBOX).records() if m.ref == ticket_id]
    assert [m.to for m in replies] == ["ann@example.com"] * 2
    assert "We are looking into it." in replies[0].body and ticket_id in replies[0].subject


def test_steps_the_procedure_does_not_allow_now_are_refused(desk):
    ticket_id = desk.open()
    with pytest.raises(ProcessError, match=r"Cannot resume \(customer answered\): the ticket is open"):
        service.resume(desk.workbook, ticket_id, by=STAFF)
    with pytest.raises(ProcessError, match="Cannot close: the ticket is open"):
        service.close(desk.workbook, ticket_id, by=STAFF)
    with pytest.raises(ProcessError, match="Cannot wait on the customer"):
        service.wait_on_customer(desk.workbook, ticket_id, by=STAFF)
    service.resolve(desk.workbook, ticket_id, "Done", by=STAFF)
    with pytest.raises(
        ProcessError, match="Cannot reply: the ticket is resolved. From resolved you can: close"
    ):
        service.reply(desk.workbook, ticket_id, "More", by=STAFF)
    service.close(desk.workbook, ticket_id, by=STAFF)
    with pytest.raises(ProcessError, match="Cannot resolve: the ticket is closed"):
        service.resolve(desk.workbook, ticket_id, "Again", by=STAFF)
    with pytest.raises(ProcessError, match="The resolution must be filled in"):
        service.resolve(desk.workbook, desk.open(), "  ", by=STAFF)
    assert [t.action for t in service.ticket_steps(desk.ticket(ticket_id), STAFF)] == []
    assert desk.ticket(ticket_id).status == "closed"


def test_a_step_on_a_ticket_someone_changed_since_it_was_loaded_is_refused(desk):
    ticket_id = desk.open()
    loaded = desk.ticket(ticket_id)
    service.assign(desk.workbook, ticket_id, "lin", by=MANAGER)
    with pytest.raises(ConflictError):
        service.reply(desk.workbook, ticket_id, "Hello", by=STAFF, base=loaded)
    assert desk.ticket(ticket_id).notes is None


def test_a_ticket_links_only_to_an_order_that_exists_and_takes_its_customer(desk):
    with desk.workbook.transaction(ORDERS, user="seed") as tx:
        order = tx.insert(ORDERS, {"customer_name": "Bo Lund", "customer_email": "bo@example.com"})
    with pytest.raises(ProcessError, match="There is no order ORD-NOPE"):
        desk.open(order_id="ORD-NOPE")
    assert len(desk.read(TICKETS)) == 0

    ticket = desk.ticket(desk.open(order_id=order.order_id, customer_email="", kind="complaint"))
    assert (ticket.order_id, ticket.customer_name, ticket.customer_email, ticket.kind) == (
        order.order_id,
        "Bo Lund",
        "bo@example.com",
        "complaint",
    )
    with pytest.raises(ProcessError, match="not an email address"):
        desk.open(customer_email="bo at example")
    with pytest.raises(ProcessError, match="The subject must be filled in"):
        desk.open(subject="")


def test_resolving_creates_a_survey_and_queues_its_link_to_the_customer(desk):
    ticket_id = desk.open(customer_name="Ann")
    desk.wait(hours=5)
    service.resolve(desk.workbook, ticket_id, "Parcel found", by=STAFF, site_url="https://shop.example/")

    [survey] = desk.read(SURVEYS).records()
    assert (survey.ref, survey.sent_at, survey.answered_at) == (ticket_id, desk.now, None)
    assert len(survey.token) >= 32
    [message] = [m for m in desk.read(OUTBOX).records() if m.ref == ticket_id]
    assert (message.to, message.status) == ("ann@example.com", "queued")
    assert f"https://shop.example/public/survey/{survey.token}\n" in message.body
    assert "Where is my parcel?" in message.subject and message.body.startswith("Dear Ann,")
    assert desk.ticket(ticket_id).resolution == "Parcel found"


def test_no_survey_without_an_address_to_send_it_to(desk):
    service.resolve(desk.workbook, desk.open(customer_email=""), "Done", by=STAFF)
    assert len(desk.read(SURVEYS)) == 0


def resolved_survey(desk: Desk):
    service.resolve(desk.workbook, desk.open(), "Done", by=STAFF)
    [survey] = desk.read(SURVEYS).records()
    return survey


def test_a_survey_is_answered_once_and_the_second_answer_is_refused(desk):
    survey = resolved_survey(desk)
    assert service.public_survey(desk.workbook, survey.token) == service.PublicSurvey("ticket", False)
    desk.wait(hours=2)
    service.answer_survey(desk.workbook, survey.token, 4, '=IMPORTXML("http://x")  ')

    answered = desk.read(SURVEYS).get(survey.survey_id)
    assert (answered.score, answered.comment, answered.answered_at) == (4, '=IMPORTXML("http://x")', desk.now)
    assert service.public_survey(desk.workbook, survey.token).answered
    with pytest.raises(ProcessError, match="already been answered"):
        service.answer_survey(desk.workbook, survey.token, 1, "changed my mind")
    assert desk.read(SURVEYS).get(survey.survey_id).score == 4


def test_an_unknown_token_reveals_nothing(desk):
    resolved_survey(desk)
    for token in ("x" * 32, "", "../../etc", "a" * 500):
        assert service.public_survey(desk.workbook, token) is None
        with pytest.raises(ProcessError) as refused:
            service.answer_survey(desk.workbook, token, 5)
        assert str(refused.value) == service.NO_SUCH_SURVEY


@pytest.mark.parametrize("score", [0, 6, "abc", 4.5, None, True])
def test_a_score_outside_1_to_5_is_refused(desk, score):
    survey = resolved_survey(desk)
    with pytest.raises(ProcessError, match="score from 1"):
        service.answer_survey(desk.workbook, survey.token, score)
    assert desk.read(SURVEYS).get(survey.survey_id).answered_at is None


def test_a_comment_too_long_is_refused(desk):
    survey = resolved_survey(desk)
    with pytest.raises(ProcessError, match="at most 1000 characters"):
        service.answer_survey(desk.workbook, survey.token, 3, "x" * 1001)


def test_the_analysis_gives_average_and_response_rate_by_week_and_procedure(desk):
    week1, week2 = NOW, NOW + timedelta(days=7)
    made = [
        # ref, sent, score, comment
        ("ORD-A", week1, 5, "Fast"),
        ("ORD-B", week1, 3, None),
        ("ORD-C", week1, None, None),
        ("ORD-D", week1 + timedelta(days=6), None, None),  # Sunday: still week 1
        ("TCK-A", week1, 2, "Slow answer"),
        ("TCK-B", week2, 4, "Kind"),
        ("TCK-C", week2, 5, None),
        ("ORD-E", week2, 4, "Good"),
        ("TCK-D", None, None, None),  # never sent: does not count
    ]
    with desk.workbook.transaction(SURVEYS, user="seed") as tx:
        for index, (ref, sent, score, comment) in enumerate(made):
            answered = sent + timedelta(hours=index) if score else None
            tx.insert(
                SURVEYS,
                {
                    "ref": ref,
                    "token": f"t{index}",
                    "sent_at": sent,
                    "answered_at": answered,
                    "score": score,
                    "comment": comment,
                },
            )

    analysis = service.survey_analysis(desk.workbook)
    assert analysis.overall == service.Figures(sent=8, answered=6, average=3.83)
    assert analysis.by_procedure == {
        "delivery": service.Figures(sent=5, answered=3, average=4.0),
        "ticket": service.Figures(sent=3, answered=3, average=3.67),
    }
    assert analysis.by_procedure["delivery"].response_rate == 0.6
    figures = {(row.week.isoformat(), row.procedure): row.figures for row in analysis.by_week}
    assert figures == {
        ("2026-03-02", "all"): service.Figures(5, 3, 3.33),
        ("2026-03-02", "delivery"): service.Figures(4, 2, 4.0),
        ("2026-03-02", "ticket"): service.Figures(1, 1, 2.0),
        ("2026-03-09", "all"): service.Figures(3, 3, 4.33),
        ("2026-03-09", "delivery"): service.Figures(1, 1, 4.0),
        ("2026-03-09", "ticket"): service.Figures(2, 2, 4.5),
    }
    assert [(c.ref, c.score, c.text) for c in analysis.comments] == [
        ("ORD-E", 4, "Good"),
        ("TCK-B", 4, "Kind"),
        ("TCK-A", 2, "Slow answer"),
        ("ORD-A", 5, "Fast"),
    ]


def test_the_ticket_list_filters_searches_and_pages_on_the_server(desk):
    ids = [desk.open("high" if n % 3 == 0 else "low", subject=f"Question {n}") for n in range(7)]
    service.resolve(desk.workbook, ids[0], "Done", by=STAFF)

    active = service.ticket_page(desk.workbook, service.TicketQuery(per_page=4))
    assert (active.total, active.pages, len(active.rows)) == (6, 2, 4)
    assert [row.priority for row in active.rows] == ["high", "high", "low", "low"]  # soonest due first
    second = service.ticket_page(desk.workbook, service.TicketQuery(page=2, per_page=4))
    assert len(second.rows) == 2

    high = service.ticket_page(desk.workbook, service.TicketQuery(status="all", priority="high"))
    assert sorted(row.ticket_id for row in high.rows) == sorted([ids[0], ids[3], ids[6]])
    resolved = service.ticket_page(desk.workbook, service.TicketQuery(status="resolved"))
    assert [(row.ticket_id, row.sla) for row in resolved.rows] == [(ids[0], "met")]
    found = service.ticket_page(desk.workbook, service.TicketQuery(status="all", search="question 5"))
    assert [row.subject for row in found.rows] == ["Question 5"]


# tickets that did not come in through open_ticket get their SLA clock ----------


def typed_ticket(desk: Desk, **cells) -> None:
    """A person types a ticket row into the sheet, in the column order of the header."""
    row = [cells.get(name, "") for name in TICKETS.column_names]
    desk.record.person.append_row(TICKETS.name, row)


def alert_keys(desk: Desk) -> set[str]:
    return {row.key for row in desk.read(ALERTS).records() if row.status == "open"}


def test_a_ticket_added_in_the_grid_is_due_the_sla_hours_of_its_priority(desk):
    added = sheet_edit.add_row(
        desk.workbook, TICKETS.name, {"subject": "Parcel missing", "priority": "urgent"}, by=STAFF
    )
    ticket = desk.ticket(added.ticket_id)
    assert (ticket.status, ticket.opened_at, ticket.due_at) == ("open", NOW, NOW + timedelta(hours=4))

    desk.wait(hours=4, minutes=5)
    run_cycle(desk.workbook, desk.now)
    assert f"service.overdue:{added.ticket_id}" in alert_keys(desk)


def test_a_ticket_typed_into_the_sheet_gets_its_due_time_at_the_next_cycle(desk):
    typed_ticket(
        desk, ticket_id="TCK-TYPED", subject="Parcel missing", priority="urgent", opened_at="2026-03-02 09:00"
    )
    desk.wait(hours=4, minutes=30)
    if desk.record.fake is not None:
        desk.record.fake.reset_counts()

    first = run_cycle(desk.workbook, desk.now)

    if desk.record.fake is not None:  # the fill rides in the cycle's one write
        assert desk.record.fake.counts() == {"values.batchGet": 1, "batchUpdate": 1}

    ticket = desk.ticket("TCK-TYPED")
    assert (ticket.opened_at, ticket.due_at) == (NOW, NOW + timedelta(hours=4))
    assert first.filled == 1
    assert "service.overdue:TCK-TYPED" in alert_keys(desk)  # judged by the due time filled in
    again = run_cycle(desk.workbook, desk.now)
    assert (again.filled, again.opened) == (0, 0)


def test_a_ticket_typed_without_id_or_opening_is_named_then_opened_by_the_cycles(desk):
    typed_ticket(desk, subject="Where is my parcel?", priority="high")
    run_cycle(desk.workbook, desk.now)
    [ticket] = desk.read(TICKETS).records()
    assert ticket.ticket_id.startswith("TCK")

    desk.wait(minutes=5)
    run_cycle(desk.workbook, desk.now)
    ticket = desk.ticket(ticket.ticket_id)
    assert (ticket.opened_at, ticket.due_at) == (desk.now, desk.now + timedelta(hours=24))


def test_a_ticket_typed_as_waiting_on_the_customer_is_paused_from_the_cycle(desk):
    typed_ticket(
        desk,
        ticket_id="TCK-WAIT",
        subject="Which size?",
        priority="urgent",
        status="waiting_on_customer",
        opened_at="2026-03-02 09:00",
    )
    desk.wait(hours=1)
    run_cycle(desk.workbook, desk.now)
    ticket = desk.ticket("TCK-WAIT")
    assert (ticket.paused_since, ticket.due_at) == (NOW + timedelta(hours=1), NOW + timedelta(hours=4))

    desk.wait(hours=10)  # the clock is stopped: not overdue
    run_cycle(desk.workbook, desk.now)
    assert "service.overdue:TCK-WAIT" not in alert_keys(desk)
    service.resume(desk.workbook, "TCK-WAIT", by=STAFF)
    assert desk.ticket("TCK-WAIT").due_at == NOW + timedelta(hours=14)


def test_the_first_step_on_a_ticket_without_a_clock_gives_it_one(desk):
    typed_ticket(desk, ticket_id="TCK-HAND", subject="Refund?", priority="low")
    desk.wait(hours=1)
    service.assign(desk.workbook, "TCK-HAND", "sam", by=STAFF)
    ticket = desk.ticket("TCK-HAND")
    assert (ticket.status, ticket.opened_at, ticket.due_at) == (
        "in_progress",
        desk.now,
        desk.now + timedelta(hours=120),
    )


def test_the_ticket_pages_warn_at_the_due_soon_share_of_the_settings(desk):
    ticket_id = desk.open("urgent")
    desk.wait(hours=1, minutes=30)  # 2.5 of 4 hours left
    assert service.ticket_view(desk.workbook, ticket_id).sla == "on_track"
    settings.update_setting(desk.workbook, "ticket_due_soon_percent", "75", by=MANAGER)
    assert service.ticket_view(desk.workbook, ticket_id).sla == "due_soon"
    [row] = service.ticket_page(desk.workbook, service.TicketQuery()).rows
    assert row.sla == "due_soon"
