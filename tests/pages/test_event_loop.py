"""Blocking sheet I/O never runs on NiceGUI's event loop (rule 7)."""

from __future__ import annotations

import threading

import pytest

from processes import runtime
from tests.conftest import google_workbook
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually


@pytest.fixture
def hanging_google(fake_google, app_accounts):
    workbook = google_workbook(fake_google)
    workbook.init()
    runtime.use(workbook, app_accounts)
    app_accounts.add_user("sam", "staff", PASSWORD)
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

    first, second = create_user(), create_user()
    for person in (first, second):
        await log_in(person, "sam")
        await person.should_see("sam (staff)")
    workbook.invalidate()
    fake.before_next("values.batchGet", hang)

    await first.open("/", built=False)  # the frame comes at once; the dashboard's read of the workbook hangs
    await eventually(hanging.is_set)
    await first.should_see("Dashboard")
    await second.open("/tabs/nope")  # another page, answered meanwhile
    await second.should_see("There is no tab called 'nope'.")
    await first.should_not_see("Waiting on you")

    release.set()
    await first.should_see("Waiting on you")
