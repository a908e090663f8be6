"""Logging in and out, the redirect after login, and throttling, through the simulated user."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from pages.auth import safe_next
from processes.accounts import MAX_FAILURES
from tests.pages.conftest import PASSWORD, log_in


async def test_every_page_needs_a_login_and_the_login_leads_back_to_it(
    app_workbook, app_accounts, user: User
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await user.open("/tabs/orders?tab=1")
    await user.should_see("Log in")
    await user.should_not_see("Orders has no records yet.")
    user.find("User name").type("sam")
    user.find("Password").type(PASSWORD)
    user.find("Log in").click()
    await user.should_see("Orders has no records yet.")
    await user.should_see("sam (staff)")


async def test_a_wrong_password_says_so_and_keeps_the_user_out(app_workbook, app_accounts, user: User):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam", "not the password")
    await user.should_see("Wrong user name or password.")
    await user.open("/")
    await user.should_see("Log in")


async def test_after_five_failures_logging_in_is_paused_with_a_message(
    app_workbook, app_accounts, user: User
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    for _ in range(MAX_FAILURES):
        await log_in(user, "sam", "guess")
        await user.should_see("Wrong user name or password.")
    await log_in(user, "sam", PASSWORD)
    await user.should_see("Too many failed attempts: logging in is paused for 15 minutes.")
    await user.should_not_see("sam (staff)")


async def test_one_user_s_failures_leave_the_manager_at_the_same_address_free_to_log_in(
    app_workbook, app_accounts, user: User
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    app_accounts.add_user("mia", "manager", PASSWORD)
    for _ in range(MAX_FAILURES):
        await log_in(user, "sam", "guess")
        await user.should_see("Wrong user name or password.")
    await log_in(user, "mia")
    await user.should_see("mia (manager)")


async def test_logging_out_ends_the_session(manager: User):
    manager.find("Log out").click()
    await manager.should_see("Log in")
    await manager.open("/issues")
    await manager.should_see("Log in")
    await manager.should_not_see("Data issues", kind=ui.label)


async def test_a_redirect_to_another_site_after_login_goes_home_instead(
    app_workbook, app_accounts, user: User
):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await user.open("/login?next=//evil.example/phish")
    user.find("User name").type("sam")
    user.find("Password").type(PASSWORD)
    user.find("Log in").click()
    await user.should_see("Procurement")  # the dashboard


def test_only_paths_on_this_site_are_redirect_targets():
    assert safe_next("/tabs/orders?x=1") == "/tabs/orders?x=1"
    for hostile in (
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        None,
    ):
        assert safe_next(hostile) == "/"


async def test_a_login_disabled_meanwhile_is_sent_back_to_log_in(manager: User, app_accounts):
    app_accounts.set_active("mia", False)
    await manager.open("/")
    await manager.should_see("Log in")


async def test_a_fresh_install_says_how_to_create_the_first_admin(app_workbook, user: User):
    await user.open("/login")
    await user.should_see("No logins exist yet. On the server, run: python app.py user add NAME --role admin")


async def test_staff_do_not_get_the_users_page(app_workbook, app_accounts, user: User):
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.should_not_see("Users", kind=ui.link)
    await user.open("/users")
    await user.should_see("Only a manager or an admin may manage users.")


async def test_a_manager_adds_and_disables_a_login(manager: User, app_accounts):
    await manager.open("/users")
    manager.find("User name").type("lee")
    manager.find("Password").type("long enough pw")
    manager.find("Add").click()
    await manager.should_see("lee can log in now")
    assert app_accounts.actor("lee").role == "staff"
    manager.find("Disable lee").click()
    await manager.should_see("lee disabled")
    assert app_accounts.actor("lee") is None
