"""A list of a big tab on Google says so while a search reads the whole tab, and then shows the result."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from processes import runtime
from tests.conftest import google_workbook
from tests.google.test_targeted_reads import seed_shop
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually


@pytest.fixture
def big_google(fake_google, app_accounts):
    workbook = google_workbook(fake_google)
    workbook.init()
    workbook.backend.sparse_from = 0  # the orders count as big however few
    seed_shop(SimpleNamespace(workbook=workbook), 3)
    runtime.use(workbook, app_accounts)
    app_accounts.add_user("mia", "manager", PASSWORD)
    yield fake_google, workbook
    runtime.use(None)


def hold_next_read(fake) -> tuple[threading.Event, threading.Event]:
    """The next values read waits until `release` is set; `holding` is set once it waits."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        holding.set()
        release.wait(timeout=30)

    fake.before_next("values.batchGet", hold)
    return holding, release


@pytest.mark.parametrize(
    ("path", "first", "reading", "found"),
    [
        ("/orders", "3 orders", "Reading all 3 orders to search…", "1 order"),
        ("/tabs/orders", "3 rows", "Reading all 3 rows to search…", "1 row"),
    ],
)
async def test_a_search_on_a_big_tab_says_it_reads_every_row_until_it_has(
    big_google, user, path, first, reading, found
):
    fake, workbook = big_google
    await log_in(user, "mia")
    await user.should_see("mia (manager)")
    await user.open(path)
    await user.should_see(f"Page 1 of 1 · {first}")
    workbook.invalidate()
    holding, release = hold_next_read(fake)

    user.find("Search").type("customer 0001")

    await eventually(holding.is_set)
    await user.should_see(reading)
    release.set()
    await user.should_see(f"Page 1 of 1 · {found}")
    await user.should_not_see(reading)
