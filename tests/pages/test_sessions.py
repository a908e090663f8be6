"""A page's login is checked at every action, not only when the page opened; and login starts a new session."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from processes import suggestions
from processes.permissions import Actor
from sheets.tabs import SUGGESTIONS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]


def only(user: User, marker: str):
    [element] = user.find(marker=marker).elements
    return element


def suggestions_in(workbook) -> list:
    workbook.invalidate()
    return list(workbook.table(SUGGESTIONS).records())


def session_id(user: User) -> str:
    """The id inside the browser's signed session cookie (the key of its app.storage.user)."""
    payload = user.http_client.cookies["session"].split(".")[0]
    return json.loads(base64.b64decode(payload))["id"]


async def disable_at_the_command_line(data_dir: Path, name: str) -> None:
    """`python app.py user disable NAME`, as an operator runs it on the server."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "FLOWSHEET_DATA_DIR": str(data_dir)}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(ROOT / "app.py"), "user", "disable", name],
        cwd=data_dir.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


async def test_a_login_disabled_while_its_page_is_open_saves_nothing_and_goes_back_to_log_in(
    app_workbook, app_accounts, user: User, tmp_path
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open("/suggestions")
    await user.should_see(marker="submit")
    only(user, "new-process").value = "Order"
    user.find(marker="new-text").type("Ship twice a day.")

    await disable_at_the_command_line(tmp_path / "data", "sam")
    user.find(marker="submit").click()

    await user.should_see(kind=ui.label, content="Your login sam has been disabled")
    await user.should_see(kind=ui.button, content="Log in")
    assert suggestions_in(app_workbook) == []


async def test_a_manager_demoted_while_the_page_is_open_loses_manager_actions_at_once(
    app_workbook, app_accounts, manager: User
):
    made = suggestions.submit(
        app_workbook, "Return", "Prepaid labels.", by=Actor("ann", "staff")
    ).suggestion_id
    await manager.open("/suggestions")
    await manager.should_see(marker=f"decide-{made}")
    manager.find(marker=f"decide-{made}").click()
    manager.find(marker="reason").type("Yes, from Monday.")

    app_accounts.store.update("mia", role="staff")
    manager.find(marker="record-decision").click()

    await manager.should_see("mia (staff)")  # the page is drawn again, for the role as it is now
    await manager.should_see("Your role changed from manager to staff")
    [suggestion] = suggestions_in(app_workbook)
    assert (suggestion.status, suggestion.decided_by) == ("open", None)
    await manager.should_not_see(marker=f"decide-{made}")


async def test_a_page_left_open_after_logging_out_elsewhere_acts_for_nobody(app_workbook, manager: User):
    await manager.open("/suggestions")
    await manager.should_see(marker="submit")
    only(manager, "new-process").value = "Order"
    manager.find(marker="new-text").type("Ship twice a day.")
    page = manager.client
    await manager.open("/logout")  # another tab of the same browser logs out
    manager.client = page  # back to the page left open
    manager.find(marker="submit").click()
    await eventually(lambda: manager.back_history[-1].startswith("/login"))
    assert suggestions_in(app_workbook) == []


async def test_logging_in_gives_the_browser_a_new_session_so_one_fixed_before_login_is_worthless(
    app_workbook, app_accounts, create_user
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    victim = create_user()
    await victim.open("/login")
    fixed = dict(victim.http_client.cookies)  # a session cookie someone could have planted before login
    before = session_id(victim)

    await log_in(victim, "sam")
    await victim.should_see("sam (staff)")
    assert session_id(victim) != before

    planter = create_user()
    planter.http_client.cookies.update(fixed)
    await planter.open("/")
    await planter.should_see(kind=ui.button, content="Log in")
    await planter.should_not_see("sam (staff)")


async def test_the_address_that_finishes_a_login_works_once_and_for_nobody_else(
    app_workbook, app_accounts, create_user, monkeypatch
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    issued: list[str] = []
    # The simulation imports the pages afresh for each test: patch the modules it runs.
    begin_login = sys.modules["pages.session"].begin_login

    def recording(actor, next_path):
        issued.append(begin_login(actor, next_path))
        return issued[-1]

    monkeypatch.setattr(sys.modules["pages.auth"], "begin_login", recording)
    sam = create_user()
    await log_in(sam, "sam")
    await sam.should_see("sam (staff)")

    [address] = issued  # e.g. read from a server log: it has been used already
    other = create_user()
    await other.open(address)
    await other.should_see(kind=ui.button, content="Log in")
    await other.should_not_see("sam (staff)")
