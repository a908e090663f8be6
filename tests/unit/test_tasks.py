"""Tasks per role, my alerts and today's figures, computed on a few hand-made rows with known ages."""

from __future__ import annotations

from datetime import datetime, timedelta

from processes.permissions import Actor
from processes.tasks import alerts_for, roles_of, tasks_for, todays_figures
from sheets.cells import to_cell
from sheets.reading import read_table
from sheets.schema import Kind, Tab
from sheets.tabs import (
    ALERTS,
    AUDIT,
    ORDERS,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    RETURNS,
    SETTINGS,
    STOCK_COUNTS,
    TICKETS,
    TRANSFERS,
)

NOW = datetime(2026, 3, 2, 15, 0)
STAFF, MANAGER, ADMIN = Actor("sam", "staff"), Actor("mia", "manager"), Actor("ada", "admin")


#: A value for each kind of required column a test does not care about.
FILLER = {Kind.TEXT: "x", Kind.INT: 1, Kind.NUMBER: 1.0, Kind.DATETIME: NOW}


def table(tab: Tab, *rows: dict):
    """A Table of `rows`, read as from a sheet; required columns a row leaves out get a filler."""
    filled = [
        {column.name: FILLER[column.kind] for column in tab.columns if column.required} | row for row in rows
    ]
    cells = [[to_cell(column.kind, row.get(column.name)) for column in tab.columns] for row in filled]
    made = read_table(tab, [tab.column_names, *cells])
    assert not made.issues, made.issues
    return made


def tables(*made):
    return {t.tab.name: t for t in made}


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def shop():
    """A few records of every kind, each last changed a known number of hours ago."""
    return tables(
        table(
            ORDERS,
            {"order_id": "ORD-NEW", "status": "new", "customer_name": "Ann", "updated_at": ago(3)},
            {"order_id": "ORD-CONF", "status": "confirmed", "updated_at": ago(10)},
            {"order_id": "ORD-DONE", "status": "delivered", "updated_at": ago(50)},
            {"order_id": "ORD-GONE", "status": "cancelled", "updated_at": ago(60)},
        ),
        table(
            PURCHASE_ORDERS,
            {"po_id": "PO-WAIT", "status": "awaiting_approval", "updated_at": ago(20)},
            {"po_id": "PO-DRAFT", "status": "draft", "updated_at": ago(5)},
            {"po_id": "PO-IN", "status": "received", "updated_at": ago(90)},
        ),
        # Ordered: the request waits on its purchase order, not on anybody (the app closes it).
        table(PURCHASE_REQUESTS, {"request_id": "PR-ORDERED", "status": "ordered", "updated_at": ago(70)}),
        table(
            TICKETS, {"ticket_id": "TCK-1", "status": "open", "subject": "Where is it?", "updated_at": ago(1)}
        ),
        table(TRANSFERS),
        table(RETURNS),
        table(STOCK_COUNTS),
    )


def refs(found) -> list[str]:
    return [task.ref for task in found]


def test_staff_see_what_waits_on_staff_most_urgent_first_and_no_approvals():
    found = tasks_for(STAFF, shop(), NOW)
    # The ticket's first reply is due in 7 h, the new order's confirmation in 21 h, the confirmed order's
    # payment in 38 h; a draft purchase order has no deadline: last.
    assert refs(found) == ["TCK-1", "ORD-NEW", "ORD-CONF", "PO-DRAFT"]
    assert [task.left for task in found] == [
        timedelta(hours=7),
        timedelta(hours=21),
        timedelta(hours=38),
        None,
    ]
    conf = found[2]
    assert (conf.procedure, conf.state, conf.role, conf.steps, conf.waited) == (
        "Order",
        "confirmed",
        "staff",
        ("Record the payment",),
        timedelta(hours=10),
    )
    assert found[1].about == "Ann"


def test_a_manager_sees_approvals_first_then_the_staff_work():
    found = tasks_for(MANAGER, shop(), NOW)
    assert [(task.ref, task.role) for task in found] == [
        ("PO-WAIT", "manager"),
        ("TCK-1", "staff"),
        ("ORD-NEW", "staff"),
        ("ORD-CONF", "staff"),
        ("PO-DRAFT", "staff"),
    ]
    assert found[0].steps == ("Approve the order",)
    assert refs(tasks_for(ADMIN, shop(), NOW)) == refs(found)
    assert roles_of(ADMIN) == ("admin", "manager", "staff")


def test_steps_are_the_ones_the_page_offers_for_the_record():
    made = tables(
        table(
            ORDERS,  # paid while still new: the payment step is gone, confirming is left
            {"order_id": "ORD-PAID", "status": "new", "payment_status": "paid", "updated_at": ago(2)},
        ),
        table(
            RETURNS,
            # A return that is in: its refund is what waits (an exchange's replacement order is not offered).
            {
                "return_id": "RET-R",
                "kind": "return",
                "status": "received",
                "refund_status": "pending",
                "updated_at": ago(4),
            },
            {"return_id": "RET-X", "kind": "exchange", "status": "received", "updated_at": ago(3)},
            # A refund over the limit: waits on a manager.
            {
                "return_id": "RET-BIG",
                "kind": "return",
                "status": "received",
                "refund_status": "awaiting_approval",
                "updated_at": ago(1),
            },
        ),
    )
    found = {task.ref: task for task in tasks_for(MANAGER, made, NOW)}
    assert found["ORD-PAID"].steps == ("Confirm the order",)
    assert (found["RET-R"].procedure, found["RET-R"].steps) == ("Return", ("Set the refund",))
    assert found["RET-X"].steps == ("Create the replacement order",)
    assert (found["RET-BIG"].role, found["RET-BIG"].steps) == ("manager", ("Approve the refund",))
    assert "RET-BIG" not in refs(tasks_for(STAFF, made, NOW))


def test_a_stocktake_is_one_task_per_session_counting_for_staff_approving_for_a_manager():
    counts = table(
        STOCK_COUNTS,
        {
            "count_id": "CNT-1",
            "session_id": "CS-A",
            "location_id": "LOC-1",
            "status": "open",
            "updated_at": ago(8),
        },
        {
            "count_id": "CNT-2",
            "session_id": "CS-A",
            "location_id": "LOC-1",
            "status": "open",
            "updated_at": ago(9),
        },
        {
            "count_id": "CNT-3",
            "session_id": "CS-A",
            "location_id": "LOC-1",
            "status": "counted",
            "updated_at": ago(2),
        },
        {
            "count_id": "CNT-4",
            "session_id": "CS-B",
            "location_id": "LOC-2",
            "status": "approved",
            "updated_at": ago(1),
        },
    )
    staff = tasks_for(STAFF, tables(counts), NOW)
    assert [(t.ref, t.records, t.steps, t.waited) for t in staff] == [
        ("CS-A", 2, ("Record the count",), timedelta(hours=9))
    ]
    manager = tasks_for(MANAGER, tables(counts), NOW)
    assert [(t.ref, t.role, t.records, t.state) for t in manager] == [
        ("CS-A", "manager", 1, "counted"),
        ("CS-A", "staff", 2, "open"),
    ]


def test_a_row_the_app_never_changed_waits_since_its_first_date_and_unknown_ages_come_last():
    made = tables(
        table(
            TICKETS,
            {"ticket_id": "TCK-TYPED", "status": "open", "opened_at": ago(30)},
            {"ticket_id": "TCK-BARE", "status": "open"},
            {"ticket_id": "TCK-APP", "status": "open", "opened_at": ago(40), "updated_at": ago(5)},
        )
    )
    found = tasks_for(STAFF, made, NOW)
    assert [(task.ref, task.waited) for task in found] == [
        ("TCK-TYPED", timedelta(hours=30)),
        ("TCK-APP", timedelta(hours=5)),
        ("TCK-BARE", None),
    ]


def test_my_alerts_are_the_open_ones_of_my_roles_most_severe_first():
    alerts = table(
        ALERTS,
        *(
            {
                "alert_id": f"ALR-{n}",
                "key": f"k{n}",
                "severity": sev,
                "owner_role": role,
                "status": status,
                "first_seen": ago(hours),
                "message": f"m{n}",
            }
            for n, (sev, role, status, hours) in enumerate(
                [
                    ("warning", "staff", "open", 5),
                    ("breach", "manager", "open", 1),
                    ("breach", "staff", "open", 2),
                    ("breach", "staff", "resolved", 9),
                    ("info", "manager", "open", 9),
                    ("warning", "manager", "open", 3),
                ]
            )
        ),
    )
    assert [a.alert_id for a in alerts_for(STAFF, alerts)] == ["ALR-2", "ALR-0"]
    assert [a.alert_id for a in alerts_for(MANAGER, alerts)] == ["ALR-1", "ALR-2", "ALR-5", "ALR-0", "ALR-4"]
    assert len(alerts_for(MANAGER, alerts, limit=3)) == 3


def test_todays_figures_count_what_happened_since_midnight():
    midnight = datetime(2026, 3, 2)
    made = tables(
        table(
            ORDERS,
            {"order_id": "O1", "created_at": midnight, "shipped_at": ago(1)},
            {"order_id": "O2", "created_at": midnight - timedelta(seconds=1), "shipped_at": ago(2)},
            {"order_id": "O3", "created_at": ago(1)},
        ),
        table(
            TICKETS,
            {"ticket_id": "T1", "opened_at": ago(2), "resolved_at": ago(1)},
            {"ticket_id": "T2", "opened_at": ago(30), "resolved_at": ago(3)},
        ),
        table(
            RETURNS,
            {"return_id": "R1", "refunded_at": ago(1), "refund_amount": 20.5},
            {"return_id": "R2", "refunded_at": ago(2), "refund_amount": 9.5},
            {"return_id": "R3", "refunded_at": ago(30), "refund_amount": 100},
        ),
    )
    figures = {figure.label: (figure.value, figure.amount) for figure in todays_figures(made, NOW)}
    assert figures == {
        "orders in": (2, None),
        "orders shipped": (2, None),
        "tickets opened": (1, None),
        "tickets resolved": (2, None),
        "refunds paid": (2, 30.0),
    }


def test_the_wait_counts_from_when_the_audit_says_the_record_entered_its_state():
    entries = [
        (30, "enter order: insert", "Orders", "ORD-A", "customer_name: Ann; status: new"),
        (10, "confirm: update", "Orders", "ORD-A", "status: new → confirmed"),
        (2, "edit: update", "Orders", "ORD-A", "ship_address: (empty) → 1 Mill Lane"),  # no state change
        (1, "pay: update", "Orders", "ORD-B", "payment_status: pending → paid"),  # nor this
        (12, "receive: update", "Returns", "RET-1", "refund_status: none → pending"),
        # Imported 5 hours ago, but the customer ordered 40 hours ago.
        (5, "import orders: insert", "Orders", "ORD-C", "status: new; created_at: 2026-02-28 23:00:00"),
    ]
    audit = table(
        AUDIT,
        *(
            {
                "audit_id": f"AUD-{n}",
                "at": ago(hours),
                "action": verb,
                "tab": tab,
                "record_id": ref,
                "changes": text,
            }
            for n, (hours, verb, tab, ref, text) in enumerate(entries)
        ),
    )
    made = tables(
        audit,
        table(
            ORDERS,
            {"order_id": "ORD-A", "status": "confirmed", "updated_at": ago(2)},
            {"order_id": "ORD-B", "status": "new", "created_at": ago(40), "updated_at": ago(1)},
            {"order_id": "ORD-C", "status": "new", "created_at": ago(40), "updated_at": ago(5)},
        ),
        table(
            RETURNS,
            {"return_id": "RET-1", "kind": "return", "status": "received", "refund_status": "pending"},
        ),
    )
    waited = {task.ref: task.waited for task in tasks_for(STAFF, made, NOW)}
    # ORD-B: the Audit never saw its state set, so it waits since the app last changed it.
    assert waited == {
        "ORD-A": timedelta(hours=10),
        "ORD-B": timedelta(hours=1),
        "ORD-C": timedelta(hours=40),
        "RET-1": timedelta(hours=12),
    }


def test_breached_first_most_overdue_first_then_by_time_left_and_no_deadline_last():
    settings = table(SETTINGS, {"key": "order_confirm_hours", "value": "10"})  # read from Settings
    made = tables(
        table(
            ORDERS,
            {"order_id": "ORD-LATE", "status": "new", "updated_at": ago(12)},  # 2 h over its 10 h
            {"order_id": "ORD-LATER", "status": "new", "updated_at": ago(30)},  # 20 h over
            {"order_id": "ORD-SOON", "status": "new", "updated_at": ago(9)},  # 1 h left
            {"order_id": "ORD-FRESH", "status": "new", "updated_at": ago(1)},  # 9 h left
        ),
        table(
            TICKETS,
            # Its own SLA deadline counts, not its age: due in 30 minutes though opened long ago.
            {
                "ticket_id": "TCK-DUE",
                "status": "open",
                "due_at": ago(-0.5),
                "updated_at": ago(100),
                "first_response_at": ago(99),
            },
            # Waiting on the customer: the clock stands still, no deadline.
            {
                "ticket_id": "TCK-PAUSED",
                "status": "open",
                "due_at": ago(5),
                "paused_since": ago(6),
                "first_response_at": ago(7),
                "updated_at": ago(6),
            },
        ),
        table(PURCHASE_ORDERS, {"po_id": "PO-DRAFT", "status": "draft", "updated_at": ago(200)}),
        settings,
    )
    found = tasks_for(STAFF, made, NOW)
    assert [(task.ref, task.left) for task in found] == [
        ("ORD-LATER", timedelta(hours=-20)),
        ("ORD-LATE", timedelta(hours=-2)),
        ("TCK-DUE", timedelta(minutes=30)),
        ("ORD-SOON", timedelta(hours=1)),
        ("ORD-FRESH", timedelta(hours=9)),
        ("PO-DRAFT", None),  # no deadline: oldest first among these
        ("TCK-PAUSED", None),
    ]
    assert [task.overdue for task in found[:3]] == [True, True, False]
