"""Blocking sheet I/O never runs on NiceGUI's event loop (rule 7)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from processes import runtime
from tests.conftest import google_workbook
from tests.pages.waiting import eventually


@pytest.fixture
def hanging_google(fake_google):
    workbook = google_workbook(fake_google)
    workbook.init()
    runtime.use(workbook)
    yield fake_google, workbook
    runtime.use(None)


async def test_another_client_is_served_while_a_sheet_request_hangs(hanging_google, create_user):
    fake, workbook = hanging_google
    workbook.invalidate()
    release = threading.Event()
    hanging = threading.Event()

    def hang() -> None:
        hanging.set()
        release.wait(timeout=30)

    fake.before_next("values.batchGet", hang)
    first, second = create_user(), create_user()

    slow = asyncio.create_task(first.open("/"))  # the dashboard reads every tab: this read hangs
    await eventually(hanging.is_set)
    await second.open("/tabs/nope")  # another page, answered meanwhile
    await second.should_see("There is no tab called 'nope'.")
    assert not slow.done()

    release.set()
    await slow
    await first.should_see("Procurement")
