"""Notification templates and the public pages' rate limit."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from pages.public import RateLimiter, public_path
from processes import notify
from sheets.tabs import OUTBOX


def test_a_message_is_rendered_from_its_template(tmp_path, monkeypatch):
    (tmp_path / "hello.txt").write_text(
        "Subject: Hello {{ name }}\n\nDear {{ name }},\nyour order {{ ref }} ships.\n"
    )
    monkeypatch.setattr(notify, "MESSAGES_DIR", tmp_path)
    notify._environment.cache_clear()
    try:
        assert notify.render("hello", name="Ann", ref="ORD-1") == (
            "Hello Ann",
            "Dear Ann,\nyour order ORD-1 ships.\n",
        )
        with pytest.raises(UndefinedError):
            notify.render("hello", name="Ann")
    finally:
        notify._environment.cache_clear()


def test_a_queued_message_is_an_outbox_row_in_the_same_commit(local, tmp_path, monkeypatch):
    (tmp_path / "hello.txt").write_text('Subject: Hi\n\n=HYPERLINK("x") {{ name }}\n')
    monkeypatch.setattr(notify, "MESSAGES_DIR", tmp_path)
    notify._environment.cache_clear()
    try:
        with local.workbook.transaction(OUTBOX, user="sam") as tx:
            queued = notify.queue_message(tx, to="ann@example.com", template="hello", ref="ORD-1", name="Ann")
            skipped = notify.queue_message(tx, to="", template="hello", ref="ORD-2", name="Bo")
    finally:
        notify._environment.cache_clear()
    assert skipped is None
    row = local.workbook.table(OUTBOX).get(queued.id)
    assert (row.to, row.subject, row.status, row.ref) == ("ann@example.com", "Hi", "queued", "ORD-1")
    assert row.body.startswith("=HYPERLINK")  # text, never a formula


def test_the_rate_limit_allows_a_burst_then_refuses_until_the_window_moves():
    limiter = RateLimiter(limit=3, window=60)
    assert [limiter.allow("203.0.113.5", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.allow("198.51.100.7", now=3)  # another address is not affected
    assert limiter.allow("203.0.113.5", now=61)


def test_each_public_page_counts_on_its_own():
    limiter = RateLimiter(limit=2, window=60)
    assert [limiter.allow("203.0.113.5", now=t, page="survey") for t in (0, 1, 2)] == [True, True, False]
    assert limiter.allow("203.0.113.5", now=2, page="returns")


def test_public_pages_live_under_the_prefix_the_login_gate_lets_through():
    assert public_path("survey/abc") == "/public/survey/abc"
