"""Canned replies: titled in the reader's language, filled in the customers' language with the ticket's values."""

from __future__ import annotations

from processes import service, settings
from processes.permissions import Actor

SAM = Actor("sam", "staff")
MIA = Actor("mia", "manager")


def test_every_canned_reply_has_a_chinese_version_with_the_same_placeholders():
    english = {reply.name: reply for reply in service.canned_replies("en")}
    chinese = {reply.name: reply for reply in service.canned_replies("zh")}
    assert set(english) == set(chinese) and len(english) >= 3
    for name, reply in english.items():
        assert chinese[name].title != reply.title
        assert set(_placeholders(chinese[name].text)) == set(_placeholders(reply.text))


def _placeholders(text: str) -> list[str]:
    import string

    return [field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field]


def test_a_canned_reply_is_filled_in_the_language_customers_are_written_to(local):
    ticket = service.open_ticket(
        local.workbook, subject="Lamp", customer_name="Ann Lee", customer_email="ann@example.com", by=SAM
    )
    text = service.fill_reply(local.workbook, ticket.ticket_id, "where_is_my_order", by=SAM)
    assert text.startswith("Dear Ann Lee,") and ticket.ticket_id in text
    assert "{order_id}" in text  # no order on the ticket: left for staff to fill in
    settings.update_setting(local.workbook, "customer_language", "zh", by=MIA)
    text = service.fill_reply(local.workbook, ticket.ticket_id, "where_is_my_order", by=SAM)
    assert text.startswith("Ann Lee，您好") and ticket.ticket_id in text
