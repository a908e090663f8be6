"""Pages run over a real workbook and real logins: the runtime is pointed at them before the app starts."""

from __future__ import annotations

import asyncio
import re

import pytest
from nicegui import background_tasks
from nicegui.testing import User

from api.auth import LIMIT
from pages.auth import SHOWN_VALUES
from processes import runtime
from processes.accounts import Accounts
from processes.accounts.store import AccountStore
from processes.permissions import Actor
from sheets.backends.local import LocalBackend
from sheets.workbook import Workbook
from tests.pages.api_caller import Caller

PASSWORD = "correct horse battery"
#: should_see / should_not_see wait 0.1 s per retry; NiceGUI's default of 3 is too short on a busy machine.
PATIENT_RETRIES = 40


@pytest.fixture(autouse=True)
def patient_user(monkeypatch):
    """Let the simulated user wait up to 4 s for what a page shows (it returns as soon as it is there)."""
    for name in ("should_see", "should_not_see"):
        original = getattr(User, name)

        async def patient(self, *args, _original=original, retries: int = PATIENT_RETRIES, **kwargs):
            return await _original(self, *args, retries=max(retries, PATIENT_RETRIES), **kwargs)

        monkeypatch.setattr(User, name, patient)
    original_open = User.open

    async def open_and_wait(self, *args, built: bool = True, **kwargs):
        """Open a page and (unless `built=False`) wait until it is built: its frame comes first,
        its reads fill it in after."""
        self.javascript_rules[ASKS_WHAT_FIELDS_SHOW] = lambda asked, user=self: shown_by(user, asked)
        before = set(page_tasks())
        opened = await original_open(self, *args, **kwargs)
        if built:
            await page_built(set(page_tasks()) - before)
        return opened

    monkeypatch.setattr(User, "open", open_and_wait)


#: A page asking the browser what its fields show (pages.auth.shown_in).
ASKS_WHAT_FIELDS_SHOW = re.compile(r"return \[([\d, ]*)\]" + re.escape(SHOWN_VALUES) + "$")


def shown_by(user: User, asked: re.Match) -> list[str]:
    """What the simulated browser shows in the fields asked about: what was typed into them."""
    ids = [int(element_id) for element_id in asked.group(1).split(",") if element_id.strip()]
    return [user.client.elements[element_id].value or "" for element_id in ids]


#: How long a page may take to fill in after its frame arrived.
PAGE_BUILT_SECONDS = 15.0


def page_tasks() -> list[asyncio.Task]:
    """The pages NiceGUI is building now (each in a task named for its page)."""
    return [
        task
        for task in background_tasks.running_tasks
        if task.get_name().startswith("wait for result of page")
    ]


async def navigations_finished() -> None:
    """Wait for the pages a click navigated to: one arriving late (after "Log out", say) would
    replace the page a test goes on to type into."""
    navigating = [task for task in background_tasks.running_tasks if task.get_name().startswith("navigate ")]
    if navigating:
        await asyncio.wait(navigating, timeout=PAGE_BUILT_SECONDS)


async def page_built(building: set[asyncio.Task]) -> None:
    """Wait until the pages in `building` are built."""
    if building:
        _done, pending = await asyncio.wait(building, timeout=PAGE_BUILT_SECONDS)
        if pending:
            raise AssertionError(f"a page took more than {PAGE_BUILT_SECONDS} s to fill in")


@pytest.fixture
def app_accounts(tmp_path) -> Accounts:
    return Accounts(AccountStore(tmp_path / "data"))


@pytest.fixture
def app_workbook(tmp_path, app_accounts) -> Workbook:
    """The local workbook the pages show (initialised, empty); tests add records."""
    workbook = Workbook(LocalBackend(tmp_path / "data"))
    workbook.init()
    runtime.use(workbook, app_accounts)
    yield workbook
    runtime.use(None)
    workbook.backend.close()


async def log_in(user: User, name: str, password: str = PASSWORD) -> None:
    """Log in through the login page, as a person would."""
    await navigations_finished()
    await user.open("/login")
    user.find("User name").type(name)
    user.find("Password").type(password)
    user.find("Log in").click()


@pytest.fixture
async def manager(user: User, app_workbook, app_accounts) -> User:
    """The simulated user, logged in as a manager."""
    app_accounts.add_user("mia", "manager", PASSWORD)
    await log_in(user, "mia")
    await user.should_see("mia (manager)")
    return user


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Each test's tokens start with no calls counted against them."""
    LIMIT._seen.clear()
    yield
    LIMIT._seen.clear()


@pytest.fixture
def login(user: User, app_workbook, app_accounts: Accounts):
    """login(name, role) -> a Caller with a new token for that login."""

    def made(name: str, role: str) -> Caller:
        if app_accounts.actor(name) is None:
            app_accounts.add_user(name, role, PASSWORD)
        return Caller(Actor(name, role), app_accounts.issue_token(name), user.http_client)

    return made
