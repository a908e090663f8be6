"""The language switch: per user, remembered with the login, and the pages speak it."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually


def choose_language(user: User, language: str) -> None:
    (switch,) = user.find(marker="language").elements
    switch.value = language


async def test_switching_to_chinese_translates_the_frame_and_is_remembered(
    app_workbook, app_accounts, user: User
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see(kind=ui.link, content="Data issues")
    # The simulation runs a value change in the test's own context, whose request was the
    # login page's until the test opens a page itself; a browser's change runs in its page's.
    await user.open("/")

    choose_language(user, "zh")
    await user.open("/")

    await user.should_see(kind=ui.link, content="数据问题")
    await user.should_see("sam (员工)")
    await eventually(lambda: app_accounts.language_of("sam") == "zh")  # saved off the event loop


async def test_the_login_page_after_logging_out_keeps_the_language(app_workbook, app_accounts, user: User):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open("/")  # as above: the value change below runs in this page's request
    choose_language(user, "zh")
    await user.open("/logout")
    await user.should_see(kind=ui.button, content="登录")


async def test_the_choice_follows_the_user_to_a_new_session(app_workbook, app_accounts, user: User):
    app_accounts.add_user("sam", "staff", PASSWORD)
    app_accounts.set_language("sam", "zh", by=app_accounts.actor("sam"))
    await log_in(user, "sam")
    await user.should_see(kind=ui.link, content="仪表盘")


async def test_another_user_keeps_english(app_workbook, app_accounts, user: User):
    app_accounts.add_user("sam", "staff", PASSWORD)
    app_accounts.add_user("kim", "staff", PASSWORD)
    app_accounts.set_language("sam", "zh", by=app_accounts.actor("sam"))
    await log_in(user, "kim")
    await user.should_see(kind=ui.link, content="Dashboard")


async def test_a_refusal_from_a_rule_reaches_the_user_in_their_language(
    app_workbook, app_accounts, user: User
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    app_accounts.set_language("sam", "zh", by=app_accounts.actor("sam"))
    await log_in(user, "sam")
    await user.should_see("sam (员工)")
    await user.open("/orders/new")
    user.find(kind=ui.button, content="创建订单").click()
    await user.should_see("订单需要填写客户姓名。")


async def test_the_grid_shows_states_and_yes_no_in_chinese_and_keeps_them_in_english(
    app_workbook, app_accounts, user: User
):
    from sheets.tabs import SUPPLIERS

    with app_workbook.transaction(SUPPLIERS, user="seed") as tx:
        tx.insert(SUPPLIERS, {"name": "Acme", "active": True})
    app_accounts.add_user("sam", "staff", PASSWORD)
    app_accounts.set_language("sam", "zh", by=app_accounts.actor("sam"))
    await log_in(user, "sam")
    await user.should_see("sam (员工)")
    await user.open("/tabs/suppliers")
    await user.should_see(kind=ui.table)
    await eventually(lambda: [row["active"] for row in user.find(ui.table).elements.pop().rows] == ["是"])
    assert [supplier.active for supplier in app_workbook.table(SUPPLIERS).records()] == [True]


async def test_the_declared_steps_on_a_return_page_read_in_chinese(app_workbook, app_accounts, user: User):
    from sheets.tabs import ORDERS, RETURNS

    with app_workbook.transaction(ORDERS, RETURNS, user="seed") as tx:
        order = tx.insert(ORDERS, {"customer_name": "Ann", "status": "delivered"})
        ret = tx.insert(
            RETURNS, {"order_id": order.order_id, "sku": "KIT-001", "qty": 1, "status": "requested"}
        )
    app_accounts.add_user("sam", "staff", PASSWORD)
    app_accounts.set_language("sam", "zh", by=app_accounts.actor("sam"))
    await log_in(user, "sam")
    await user.should_see("sam (员工)")
    await user.open(f"/returns/{ret.return_id}")
    await user.should_see("批准申请")  # Approve the request
    await user.should_see("驳回申请")  # Reject the request
    await user.should_not_see("Approve the request")
