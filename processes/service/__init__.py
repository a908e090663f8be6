"""Customer service: tickets with an SLA deadline by priority, and satisfaction surveys, analysed.

    ticket = open_ticket(workbook, subject="Arrived damaged", kind="complaint", priority="high",
                         order_id="ORD-…", customer_email="ann@example.com", by=actor)
    reply(workbook, ticket.ticket_id, "A replacement is on its way.", by=actor)
    wait_on_customer(workbook, ticket.ticket_id, "Could you send a photo?", by=actor)
    resume(workbook, ticket.ticket_id, by=actor)
    resolve(workbook, ticket.ticket_id, "Replacement sent.", by=actor)   # + a survey to the customer
    sla_status(ticket, now)                                              # met, breached, due_soon, ...
    answer_survey(workbook, token, score=5, comment="Thank you!")       # the public page
    survey_analysis(workbook)
    receive(workbook, mails, attachments_root=…)                        # the mail job: emails in
    add_internal_note(workbook, ticket_id, "Carrier called.", by=actor) # never emailed
    fill_reply(workbook, ticket_id, "where_is_my_order", by=actor)      # a canned reply's text

The rules live here; pages call these functions and offer only the steps
`ticket_steps` returns. Every change is one transaction.
"""

from sheets.tabs import PRIORITIES

from .analysis import Comment, Figures, SurveyAnalysis, WeekFigures, analyse, survey_analysis, week_of
from .canned import CannedReply, canned_replies, fill_reply
from .conversation import INTERNAL, Received, add_internal_note, attachment_file, attachment_names, receive
from .customer import CustomerHistory, customer_history
from .procedure import ACTIVE_STATES, FINISHED_STATES, SLA_SETTING_KEYS, TICKET, ticket_steps
from .sla import SlaStatus, sla_status
from .surveys import (
    ALREADY_ANSWERED,
    COMMENT_LIMIT,
    NO_SUCH_SURVEY,
    SCORES,
    SURVEY_PATH,
    PublicSurvey,
    answer_survey,
    create_survey,
    procedure_of,
    public_survey,
    survey_link,
)
from .tickets import (
    KINDS,
    Note,
    append_note,
    assign,
    close,
    note_entries,
    open_ticket,
    reply,
    resolve,
    resume,
    wait_on_customer,
)
from .views import ACTIVE, ALL, TicketPage, TicketQuery, TicketRow, TicketView, ticket_page, ticket_view

__all__ = [
    "ACTIVE",
    "ACTIVE_STATES",
    "ALL",
    "ALREADY_ANSWERED",
    "INTERNAL",
    "COMMENT_LIMIT",
    "FINISHED_STATES",
    "KINDS",
    "NO_SUCH_SURVEY",
    "PRIORITIES",
    "SCORES",
    "SLA_SETTING_KEYS",
    "SURVEY_PATH",
    "TICKET",
    "CannedReply",
    "Comment",
    "Figures",
    "Note",
    "PublicSurvey",
    "Received",
    "SlaStatus",
    "SurveyAnalysis",
    "TicketPage",
    "TicketQuery",
    "TicketRow",
    "TicketView",
    "CustomerHistory",
    "customer_history",
    "WeekFigures",
    "add_internal_note",
    "analyse",
    "answer_survey",
    "append_note",
    "assign",
    "attachment_file",
    "attachment_names",
    "canned_replies",
    "close",
    "create_survey",
    "fill_reply",
    "note_entries",
    "open_ticket",
    "procedure_of",
    "public_survey",
    "receive",
    "reply",
    "resolve",
    "resume",
    "sla_status",
    "survey_analysis",
    "survey_link",
    "ticket_page",
    "ticket_steps",
    "ticket_view",
    "wait_on_customer",
    "week_of",
]
