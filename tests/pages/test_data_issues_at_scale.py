"""The Data issues page on a big shop on Google: what the scheduled checks found in the big tabs
at once, and every row checked on demand."""

from __future__ import annotations

from nicegui.testing import User

from jobs.cycle import run_cycle
from tests.pages.conftest import log_in
from tests.pages.test_lists_at_scale_pages import big_google  # noqa: F401  (the fixture)

BIG_TABS = (
    "Orders",
    "Order Lines",
    "Stock Moves",
    "Tickets",
    "Messages",
    "Returns",
    "Outbox",
    "Surveys",
    "Audit",
)


def whole_reads(fake) -> list[str]:
    quoted = {"%27" + name.replace(" ", "+") + "%27" for name in BIG_TABS}
    ranges = [
        part.split("&")[0]
        for logged in fake.logged("values.batchGet")
        for part in logged.url.split("ranges=")[1:]
    ]
    return [part for part in ranges if part in quoted]


async def test_a_big_tab_s_unreadable_row_shows_as_the_checks_found_it_and_a_whole_check_finds_it_again(
    big_google,  # noqa: F811
    user: User,
):
    fake, workbook = big_google
    person = fake.person()
    column = 1 + [str(cell) for cell in person.values("Orders")[0]].index("created_at")
    person.set_cell("Orders", 2, column, "the day after the storm")
    run_cycle(workbook)  # the forecast's cycle reads Orders whole and names the row
    await log_in(user, "mia")
    await user.should_see("mia (manager)")
    fake.reset_counts()

    await user.open("/issues")

    await user.should_see("What the scheduled checks last found in them")
    await user.should_see("Orders: 1 problem keeps a row from being read")
    assert not whole_reads(fake)

    user.find("Check every row now").click()
    await user.should_see("Orders · 1")
    await user.should_see("Row 2, column created_at")
    assert "%27Orders%27" in whole_reads(fake)


async def test_on_a_big_shop_with_nothing_found_the_page_says_so(big_google, user: User):  # noqa: F811
    fake, _ = big_google
    await log_in(user, "mia")
    await user.should_see("mia (manager)")

    await user.open("/issues")

    await user.should_see("Nothing: every row they read could be read.")
    await user.should_see("Every row of the other tabs can be read.")
