"""A declared column a person renamed or deleted is a data issue, and no check acts on its defaults."""

from __future__ import annotations

from jobs.cycle import run_cycle
from sheets.tabs import ORDERS
from tests.contract.test_cycle import NOW, active, shop  # noqa: F401 - the fixture


def test_a_renamed_optional_column_is_reported_by_check(shop):  # noqa: F811
    shop.person.rename_header("Orders", "payment_status", "Paid?")

    issues = [issue for issue in shop.workbook.check(assign_ids=False) if issue.tab == ORDERS.name]

    assert [issue.column for issue in issues] == ["payment_status"]
    assert "renamed or deleted" in issues[0].reason


def test_checks_that_read_a_tab_missing_a_column_leave_their_alerts_as_they_were(shop):  # noqa: F811
    run_cycle(shop.workbook, NOW)
    before = {key: [row.status for row in rows] for key, rows in active(shop).items()}
    shop.person.rename_header("Orders", "payment_status", "Paid?")

    report = run_cycle(shop.workbook, NOW)

    after = active(shop)
    orders_alerts = {key for key in before if key.startswith("order.")}
    assert orders_alerts and orders_alerts <= set(after)  # nothing resolved on a default
    assert not {key for key in after if key.startswith("order.")} - orders_alerts  # nothing opened on one
    assert "orders" not in report.ran and "data" in report.ran
    data = [key for key in after if key.startswith("data.") and "Orders" in key]
    assert data, "the alert cycle reports the missing column"
