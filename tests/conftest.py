"""Fixtures: a workbook on each backend, the person at the keyboard, the Google fake.

`record` is parametrised over both backends, so every test that takes it is a
contract test: the local SQLite workbook and Google Sheets (gspread and
google-auth unmodified, their HTTP answered by tests/fake_sheets) must behave
the same. A third parameter, marked `live`, runs the same tests against a
real spreadsheet when FLOWSHEET_LIVE_SPREADSHEET_ID and
GOOGLE_APPLICATION_CREDENTIALS are set (the spreadsheet is wiped first).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sheets.backends.google.backend import GoogleBackend
from sheets.backends.google.connect import load_credentials, open_spreadsheet
from sheets.backends.google.http import RetryingHTTPClient
from sheets.backends.local import LocalBackend
from sheets.workbook import Workbook
from tests.people import LocalPerson

SPREADSHEET_ID = "1FlowsheetTestSpreadsheet0000000000000000000"


@dataclass
class Record:
    """One backend under test: its workbook, a person editing it, and (Google) the fake."""

    kind: str
    workbook: Workbook
    person: Any
    fake: Any = None

    def requests(self, kind: str | None = None) -> int:
        """Requests the fake saw (of one kind); 0 on the local backend."""
        if self.fake is None:
            return 0
        return self.fake.count(kind) if kind else sum(self.fake.counts().values())


@pytest.fixture(autouse=True)
def no_placements_from_another_test():
    """Where open records stood and a ledger's rows are kept per spreadsheet in a process: each test starts without."""
    from sheets import kept_ledger, placements

    placements.forget()
    kept_ledger.forget()
    yield
    placements.forget()
    kept_ledger.forget()


@pytest.fixture
def retry_sleeps(monkeypatch) -> list[float]:
    """Backoff delays the Google client asked for, instead of sleeping them."""
    delays: list[float] = []
    monkeypatch.setattr(RetryingHTTPClient, "sleep", staticmethod(delays.append))
    return delays


@pytest.fixture
def fake_google(tmp_path: Path, retry_sleeps):
    from tests.fake_sheets import FakeSheets, make_service_account_file

    fake = FakeSheets()
    fake.create_spreadsheet(spreadsheet_id=SPREADSHEET_ID, title="Flowsheet", sheets=["Sheet1"])
    fake.key_file = tmp_path / "service-account.json"
    make_service_account_file(fake.key_file)
    return fake


def google_workbook(fake, cache_seconds: float = 10.0) -> Workbook:
    credentials = load_credentials(fake.key_file)
    spreadsheet = open_spreadsheet(credentials, SPREADSHEET_ID, adapter=fake.transport())
    return Workbook(GoogleBackend(spreadsheet), cache_seconds=cache_seconds)


def make_record(kind: str, tmp_path: Path, fake) -> Record:
    if kind == "local":
        backend = LocalBackend(tmp_path / "data")
        workbook = Workbook(backend)
        workbook.init()
        return Record("local", workbook, LocalPerson(backend))
    workbook = google_workbook(fake)
    workbook.init()
    fake.reset_counts()
    return Record("google", workbook, fake.person(SPREADSHEET_ID), fake)


def live_record() -> Record:
    """The contract suite on a real spreadsheet, wiped first: only with FLOWSHEET_LIVE_SPREADSHEET_ID set."""
    spreadsheet_id = os.environ.get("FLOWSHEET_LIVE_SPREADSHEET_ID", "")
    key_file = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
    if not (spreadsheet_id and key_file):
        pytest.skip(
            "live: set FLOWSHEET_LIVE_SPREADSHEET_ID (a spreadsheet it may wipe) and GOOGLE_APPLICATION_CREDENTIALS"
        )
    from tests.live_person import LivePerson, wipe

    spreadsheet = open_spreadsheet(load_credentials(key_file), spreadsheet_id)
    wipe(spreadsheet)
    workbook = Workbook(GoogleBackend(spreadsheet), cache_seconds=0)
    workbook.init()
    return Record("live", workbook, LivePerson(spreadsheet))


@pytest.fixture(params=["local", "google", pytest.param("live", marks=pytest.mark.live)])
def record(request, tmp_path: Path) -> Record:
    if request.param == "live":
        made = live_record()
    else:
        fake = request.getfixturevalue("fake_google") if request.param == "google" else None
        made = make_record(request.param, tmp_path, fake)
    yield made
    made.workbook.backend.close()


@pytest.fixture
def google(tmp_path: Path, fake_google) -> Record:
    return make_record("google", tmp_path, fake_google)


@pytest.fixture
def local(tmp_path: Path) -> Record:
    return make_record("local", tmp_path, None)


@pytest.fixture
def mailbox():
    """A real SMTP server (aiosmtpd) on a free loopback port; `mailbox.settings` send to it."""
    from aiosmtpd.controller import Controller

    from jobs.outbox import SmtpSettings
    from tests.mail_servers import Mailbox, free_port

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.settings = SmtpSettings(
        host="127.0.0.1",
        port=controller.port,
        starttls=False,
        sender="shop@example.com",
        timeout=10,
        max_attempts=3,
    )
    yield box
    controller.stop()


@pytest.fixture
def imap_server():
    """A real IMAP server (Debian's dovecot) of the test's own; skipped where dovecot is not installed."""
    from tests.mail_servers import Dovecot, dovecot_installed

    if not dovecot_installed():
        pytest.skip("dovecot is not installed: apt-get install dovecot-imapd (.ci/run does)")
    server = Dovecot().start()
    yield server
    server.stop()
