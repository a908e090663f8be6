"""The home page through NiceGUI's simulated user: tasks by role, my alerts and today's figures."""

from __future__ import annotations

from datetime import datetime, timedelta

from nicegui import ui
from nicegui.testing import User

from processes import settings
from processes.demo import seed_demo
from processes.permissions import Actor
from sheets.tabs import ALERTS, ORDERS, PURCHASE_ORDERS
from tests.pages.conftest import PASSWORD, log_in

NOW = datetime(2026, 3, 2, 15, 0)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def only(user: User, marker: str):
    [element] = user.find(marker=marker).elements
    return element


def add_work(workbook) -> dict[str, str]:
    """A new order, a purchase order awaiting approval, and one alert per role, entered 3 hours before NOW."""
    workbook.clock = Clock(NOW - timedelta(hours=3))
    with workbook.transaction(ORDERS, PURCHASE_ORDERS, ALERTS, user="seed") as tx:
        order = tx.insert(ORDERS, {"customer_name": "Ann Lee", "status": "new", "created_at": NOW})
        po = tx.insert(
            PURCHASE_ORDERS,
            {"supplier_id": "SUP-1", "sku": "KIT-001", "qty": 40, "status": "awaiting_approval"},
        )
        for role, severity in (("staff", "breach"), ("manager", "warning")):
            tx.insert(
                ALERTS,
                {"key": f"k-{role}", "severity": severity, "owner_role": role, "message": f"For the {role}"},
            )
    workbook.clock = Clock(NOW)
    return {"order": order.order_id, "po": po.po_id}


async def open_home(user: User, accounts, name: str, role: str) -> User:
    accounts.add_user(name, role, PASSWORD)
    await log_in(user, name)
    await user.should_see(f"{name} ({role})")
    await user.open("/")
    await user.should_see("Waiting on you")
    return user


async def test_staff_see_the_order_waiting_on_them_with_its_wait_and_link(
    app_workbook, app_accounts, user: User
):
    made = add_work(app_workbook)
    await open_home(user, app_accounts, "sam", "staff")
    await user.should_see(marker=f"task-{made['order']}")
    assert only(user, f"due-{made['order']}").text == "21 h 0 min left"  # confirmed within 24 hours
    assert only(user, f"waited-{made['order']}").text == "waited 3 h 0 min"
    [link] = [link for link in user.find(ui.link).elements if link.text == made["order"]]
    assert link.props["href"] == f"/orders/{made['order']}"
    await user.should_see("new: Confirm the order")
    await user.should_not_see(marker=f"task-{made['po']}")  # an approval is a manager's
    await user.should_see("For the staff")
    await user.should_not_see("For the manager")
    assert only(user, "today-orders-in").text == "1"
    await user.should_see("Procurement")  # the record counts are still there


async def test_a_manager_sees_the_approval_first_then_the_staff_work(app_workbook, app_accounts, user: User):
    made = add_work(app_workbook)
    await open_home(user, app_accounts, "mia", "manager")
    await user.should_see("Needs a manager (1)")
    await user.should_see("Staff work (1)")
    assert only(user, f"task-{made['po']}").id < only(user, f"task-{made['order']}").id  # listed first
    await user.should_see("awaiting_approval: Approve the order")
    await user.should_see("For the manager")


async def test_nothing_waiting_says_so(app_workbook, app_accounts, user: User):
    await open_home(user, app_accounts, "sam", "staff")
    await user.should_see("Nothing waits on you right now.")
    await user.should_see("No open alerts for your role.")


async def test_the_demo_shop_gives_staff_and_managers_their_tasks(app_workbook, app_accounts, user: User):
    seed_demo(app_workbook)
    await open_home(user, app_accounts, "mia", "manager")
    await user.should_see("Needs a manager")
    await user.should_see("awaiting_approval: Approve the order")
    await user.should_see("counted: Approve the adjustment")
    await user.should_see("Staff work")
    await user.should_see("more, the most urgent shown first")


async def test_the_list_runs_by_deadline_overdue_first_and_says_the_time_left(
    app_workbook, app_accounts, user: User
):
    """Orders entered 20 and 5 hours ago with 3 hours to confirm (Settings), and a draft without a deadline."""
    app_workbook.clock = Clock(NOW - timedelta(hours=20))
    with app_workbook.transaction(ORDERS, user="seed") as tx:
        old = tx.insert(ORDERS, {"customer_name": "Old", "status": "new"})
    app_workbook.clock = Clock(NOW - timedelta(hours=5))
    with app_workbook.transaction(ORDERS, PURCHASE_ORDERS, user="seed") as tx:
        fresh = tx.insert(ORDERS, {"customer_name": "Fresh", "status": "new"})
        draft = tx.insert(
            PURCHASE_ORDERS, {"supplier_id": "SUP-1", "sku": "KIT-001", "qty": 4, "status": "draft"}
        )
    app_workbook.clock = Clock(NOW)
    manager = Actor("mia", "manager")
    settings.update_setting(app_workbook, "order_confirm_hours", "3", by=manager)
    await open_home(user, app_accounts, "sam", "staff")
    await user.should_see(marker=f"task-{old.order_id}")
    listed = sorted(
        (only(user, f"task-{ref}").id, ref) for ref in (old.order_id, fresh.order_id, draft.po_id)
    )
    assert [ref for _, ref in listed] == [old.order_id, fresh.order_id, draft.po_id]
    assert only(user, f"due-{old.order_id}").text == "overdue by 17 h 0 min"
    assert "text-negative" in only(user, f"due-{old.order_id}").classes
    assert only(user, f"due-{fresh.order_id}").text == "overdue by 2 h 0 min"
    assert only(user, f"waited-{draft.po_id}").text == "5 h 0 min"  # no deadline: only its wait
