"""Which language is in force, and dates and money written the reader's way."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest

import i18n
from i18n.formatting import money, number, when


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-GB,en;q=0.9,zh;q=0.5", "en"),
        ("fr-FR,fr;q=0.9,zh-TW;q=0.5", "zh"),
        ("de-DE", "en"),
        ("", "en"),
        (None, "en"),
        ("zh_Hans", "zh"),
    ],
)
def test_the_browsers_first_supported_language_is_taken(header, language):
    assert i18n.from_accept_language(header) == language


def test_use_language_holds_only_inside_its_block():
    with i18n.use_language("zh"):
        assert i18n.current() == "zh"
        with i18n.use_language("en"):
            assert i18n.current() == "en"
        assert i18n.current() == "zh"
    assert i18n.current() == "en"


def test_an_unknown_language_falls_back_to_english():
    with i18n.use_language("klingon"):
        assert i18n.current() == "en"


def test_a_worker_thread_speaks_the_language_of_who_started_it():
    heard = []
    with i18n.use_language("zh"):
        work = i18n.in_current_language(lambda: heard.append(i18n._("Dashboard")))
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert heard == ["仪表盘"]


def test_a_resolver_that_fails_outside_its_context_means_english():
    def outside_a_page() -> str:
        raise RuntimeError("no page here")

    i18n.set_resolver(outside_a_page)
    try:
        assert i18n.current() == "en"
    finally:
        i18n.set_resolver(None)


def test_dates_and_times_in_each_language():
    moment = datetime(2026, 11, 25, 14, 5, 33)
    assert when(moment, "en") == "2026-11-25 14:05"
    assert when(date(2026, 11, 25), "en") == "2026-11-25"
    assert when(moment, "zh") == "2026年11月25日 14:05"
    assert when(date(2026, 11, 25), "zh") == "2026年11月25日"
    assert when(None, "zh") == ""


def test_numbers_and_money_in_each_language():
    assert number(1234567, "en") == "1,234,567"
    assert money(1234.5, None, "zh") == "1,234.50"
    assert money(1234.5, "CNY", "zh") == "¥1,234.50"
    assert money(1234.5, "EUR", "en") == "€1,234.50"
    assert money(-3, None, "en") == "-3.00"
