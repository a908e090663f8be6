"""Pages run over a real workbook and real logins: the runtime is pointed at them before the app starts."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from processes import runtime
from processes.accounts import Accounts
from processes.accounts.store import AccountStore
from sheets.backends.local import LocalBackend
from sheets.workbook import Workbook

PASSWORD = "correct horse battery"


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
