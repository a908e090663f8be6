"""The review's figures on hand-made timelines whose answers are known."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

import i18n
from processes.errors import ProcessError
from processes.inventory.transfers import TRANSFER
from processes.orders.procedure import ORDER
from processes.review import NO_DATA, Figure, Period, period_from, render_html, render_markdown, review
from processes.review.timeline import entries, stage_times, stages, stamp_columns, status_changes
from processes.service.procedure import TICKET

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 30))  # 30 days; the previous one is 2026-01-30 to 02-28
DAY = datetime(2026, 3, 10, 8, 0)
BEFORE = datetime(2026, 2, 10, 8, 0)


def hours(n: float, since: datetime = DAY) -> datetime:
    return since + timedelta(hours=n)


def stage(result, procedure: str, name: str):
    [found] = [p for p in result.procedures if p.name == procedure]
    [figures] = [s for s in found.stages if s.stage.name == name]
    return figures


def transfers(durations: list[float], since: datetime = DAY) -> pd.DataFrame:
    """Transfers requested at `since` and shipped `durations` hours later."""
    return pd.DataFrame(
        {
            "transfer_id": [f"TRF-{since:%m}{n}" for n in range(len(durations))],
            "requested_at": [since] * len(durations),
            "shipped_at": [hours(d, since) for d in durations],
        }
    )


def audit(*rows: tuple) -> pd.DataFrame:
    """Audit rows (at, tab, record_id, changes), as sheets/transaction.py writes them."""
    return pd.DataFrame(rows, columns=["at", "tab", "record_id", "changes"])


# --- stages come from the declaration -------------------------------------------


def test_stages_are_the_declared_moves_between_two_states():
    declared = {
        (source, t.target) for t in TRANSFER.transitions for source in t.sources if source != t.target
    }
    assert {(s.source, s.target) for s in stages(TRANSFER)} == declared
    assert [s.name for s in stages(TRANSFER)] == [
        "requested → in_transit",
        "in_transit → received",
        "requested → cancelled",
    ]
    assert stages(TRANSFER)[0].role == "staff"


def test_each_state_takes_its_tabs_own_timestamp_where_there_is_one():
    assert stamp_columns(ORDER) == {
        "new": "created_at",
        "paid": "paid_at",
        "shipped": "shipped_at",
        "delivered": "delivered_at",
    }
    assert stamp_columns(TICKET) == {"open": "opened_at", "resolved": "resolved_at"}
    assert stamp_columns(TRANSFER)["in_transit"] == "shipped_at"


# --- cycle times ------------------------------------------------------------------


def test_median_and_90th_percentile_of_known_durations():
    result = review({"Transfers": transfers([1, 2, 3, 4, 10])}, PERIOD)
    shipping = stage(result, "Transfer", "requested → in_transit")
    assert shipping.count.value == 5
    assert shipping.median.value == pytest.approx(3.0)
    assert shipping.p90.value == pytest.approx(7.6)  # 4 + 0.6 × (10 − 4), between neighbours
    assert shipping.median.shown == "3.0 h"


def test_a_stage_the_tab_has_no_column_for_is_taken_from_the_audit():
    orders = pd.DataFrame(
        {"order_id": ["ORD-1", "ORD-2"], "created_at": [DAY, DAY], "paid_at": [hours(9), hours(20)]}
    )
    trail = audit(
        (hours(5), "Orders", "ORD-1", "status: new → confirmed; updated_at: x → y"),
        (hours(8), "Orders", "ORD-2", "status: new → confirmed"),
        (hours(1), "Returns", "ORD-1", "status: requested → approved"),  # another tab
        (hours(2), "Orders", "ORD-1", "payment_status: pending → paid"),  # another column
    )
    result = review({"Orders": orders, "Audit": trail}, PERIOD)
    confirming = stage(result, "Order", "new → confirmed")
    assert confirming.count.value == 2
    assert confirming.median.value == pytest.approx(6.5)
    paying = stage(result, "Order", "confirmed → paid")  # from the Audit to the paid_at column
    assert sorted(stage_times(ORDER, entries(ORDER, orders, status_changes(trail)))["hours"]) == [4, 5, 8, 12]
    assert paying.median.value == pytest.approx(8.0)


def test_the_tabs_own_timestamp_wins_over_the_audit_and_a_record_written_in_a_late_state_tells_nothing():
    transfers_tab = pd.DataFrame(
        {"transfer_id": ["TRF-1", "TRF-2"], "requested_at": [DAY, DAY], "shipped_at": [hours(3), None]}
    )
    trail = audit(
        (hours(7), "Transfers", "TRF-1", "status: requested → in_transit"),  # the column says 3 h
        (
            hours(1),
            "Transfers",
            "TRF-2",
            "transfer_id: TRF-2; status: in_transit",
        ),  # inserted already shipped
    )
    result = review({"Transfers": transfers_tab, "Audit": trail}, PERIOD)
    shipping = stage(result, "Transfer", "requested → in_transit")
    assert shipping.count.value == 1
    assert shipping.median.value == 3


def test_a_record_going_round_a_loop_counts_each_pass():
    tickets = pd.DataFrame({"ticket_id": ["TCK-1"], "opened_at": [DAY], "resolved_at": [hours(10)]})
    trail = audit(
        (hours(1), "Tickets", "TCK-1", "status: open → in_progress"),
        (hours(2), "Tickets", "TCK-1", "status: in_progress → waiting_on_customer"),
        (hours(6), "Tickets", "TCK-1", "status: waiting_on_customer → in_progress"),
        (hours(10), "Tickets", "TCK-1", "status: in_progress → resolved"),
    )
    result = review({"Tickets": tickets, "Audit": trail}, PERIOD)
    assert stage(result, "Ticket", "open → in_progress").median.value == 1
    assert stage(result, "Ticket", "waiting_on_customer → in_progress").median.value == 4
    assert stage(result, "Ticket", "in_progress → resolved").median.value == 4
    assert stage(result, "Ticket", "open → resolved").count.value == 0


def test_the_change_against_the_previous_period():
    now = review({"Transfers": transfers([18])}, PERIOD)
    both = pd.concat([transfers([18]), transfers([22], since=BEFORE)], ignore_index=True)
    result = review({"Transfers": both}, PERIOD)
    shipping = stage(result, "Transfer", "requested → in_transit")
    assert (shipping.median.value, shipping.median.previous) == (18, 22)
    assert shipping.median.change == pytest.approx(-4 / 22)
    assert shipping.median.shown_change == "−18%"
    assert stage(now, "Transfer", "requested → in_transit").median.shown_previous == NO_DATA
    started = [p for p in result.procedures if p.name == "Transfer"][0].started
    assert (started.value, started.previous) == (1, 1)


def test_a_stage_counts_in_the_period_it_ended_in():
    across = transfers([48], since=datetime(2026, 2, 28, 12, 0))  # requested in February, shipped 2 March
    shipping = stage(review({"Transfers": across}, PERIOD), "Transfer", "requested → in_transit")
    assert shipping.count.value == 1 and shipping.count.previous == 0


def test_rows_with_unreadable_timestamps_are_skipped():
    typed = pd.DataFrame(
        {
            "transfer_id": ["TRF-1", "TRF-2", "TRF-3"],
            "requested_at": [DAY, "yesterday-ish", DAY],
            "shipped_at": [hours(2), hours(5), "soon"],
        }
    )
    trail = audit(("not a time", "Transfers", "TRF-3", "status: requested → in_transit"))
    shipping = stage(
        review({"Transfers": typed, "Audit": trail}, PERIOD), "Transfer", "requested → in_transit"
    )
    assert shipping.count.value == 1
    assert shipping.median.value == 2


# --- service levels -------------------------------------------------------------


def test_service_levels_count_the_boundary_as_in_time():
    tickets = pd.DataFrame(
        {
            "ticket_id": ["TCK-1", "TCK-2", "TCK-3"],
            "opened_at": [DAY, DAY, DAY],
            "due_at": [hours(48), hours(48), hours(48)],
            "resolved_at": [hours(48), hours(48, DAY + timedelta(seconds=1)), None],
            "first_response_at": [hours(8), hours(8, DAY + timedelta(seconds=1)), hours(1)],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["ORD-1", "ORD-2", "ORD-3"],
            "paid_at": [DAY, DAY, None],
            "shipped_at": [hours(72), hours(73), hours(1)],  # the unpaid one is not measured
        }
    )
    levels = review(
        {"Tickets": tickets, "Orders": orders}, PERIOD, {"first_response_hours": 8}
    ).service_levels
    # TCK-3, still open past its deadline, counts as missed
    assert levels.tickets_resolved_in_time.value == pytest.approx(1 / 3)
    assert levels.tickets_resolved_in_time.basis == "1 of 3 tickets"
    assert levels.first_response_in_time.value == pytest.approx(2 / 3)
    assert levels.orders_shipped_in_time.value == pytest.approx(1 / 2)
    assert levels.shipping_hours == 72  # the default of paid_unshipped_hours


def test_a_ticket_still_open_past_its_deadline_lowers_the_share_resolved_in_time():
    tickets = pd.DataFrame(
        {
            "ticket_id": ["TCK-MET", "TCK-OPEN", "TCK-WAITING", "TCK-AHEAD", "TCK-OLD"],
            "due_at": [hours(4), hours(4), hours(4), hours(30), hours(4, BEFORE)],
            "resolved_at": [hours(2), None, None, None, None],
            "paused_since": [None, None, hours(1), None, None],  # waiting since before its due time
        }
    )
    levels = review({"Tickets": tickets}, PERIOD, now=hours(24)).service_levels
    met = levels.tickets_resolved_in_time
    assert (met.value, met.basis) == (pytest.approx(1 / 2), "1 of 2 tickets")  # the deadline ahead: undecided
    assert met.previous == 0  # TCK-OLD was due last period and is still open

    later = review({"Tickets": tickets}, PERIOD, now=hours(31)).service_levels.tickets_resolved_in_time
    assert later.basis == "1 of 3 tickets"


def test_a_share_changes_in_points():
    figure = Figure(0.9, 0.75, "share")
    assert figure.shown == "90%"
    assert figure.shown_change == "+15 pts"


# --- stocktake, suppliers, refunds, satisfaction, suggestions ------------------------


def test_stocktake_accuracy_and_total_absolute_variance():
    counts = pd.DataFrame(
        {
            "count_id": ["C1", "C2", "C3", "C4", "C5"],
            "book_qty": [10, 10, 10, 10, 10],
            "counted_qty": [10, 8, 13, None, 7],
            "variance": [0, -2, None, None, -3],  # C3's variance is worked out from the counts
            "status": ["approved", "counted", "counted", "open", "rejected"],
            "counted_at": [DAY, DAY, DAY, None, DAY],
        }
    )
    result = review({"Stock Counts": counts}, PERIOD).stocktake
    assert result.lines.value == 3
    assert result.accuracy.value == pytest.approx(1 / 3)
    assert result.absolute_variance.value == 5


def test_supplier_on_time_rate_counts_delivery_on_the_expected_day_as_on_time():
    orders = pd.DataFrame(
        {
            "po_id": ["PO-1", "PO-2", "PO-3"],
            "supplier_id": ["SUP-A", "SUP-A", "SUP-B"],
            "expected_at": [date(2026, 3, 10), date(2026, 3, 10), date(2026, 3, 12)],
        }
    )
    receipts = pd.DataFrame(
        {
            "receipt_id": ["R1", "R2", "R3", "R4"],
            "po_id": ["PO-1", "PO-2", "PO-2", "PO-3"],
            "received_at": [
                datetime(2026, 3, 10, 23, 59),  # the expected day: on time
                datetime(2026, 3, 11, 9, 0),  # late...
                datetime(2026, 3, 9, 9, 0),  # ...but its first delivery was early
                datetime(2026, 3, 13, 9, 0),
            ],
        }
    )
    names = pd.DataFrame({"supplier_id": ["SUP-A", "SUP-B"], "name": ["Acme", "Bolt"]})
    result = review({"Purchase Orders": orders, "Receipts": receipts, "Suppliers": names}, PERIOD).suppliers
    assert result.on_time.value == pytest.approx(2 / 3)
    assert [(line.supplier, line.deliveries, line.on_time) for line in result.by_supplier] == [
        ("Bolt", 1, 0),
        ("Acme", 2, 2),
    ]


def test_refund_turnaround_from_request_to_refund():
    returns = pd.DataFrame(
        {
            "return_id": ["RET-1", "RET-2", "RET-3"],
            "requested_at": [DAY, DAY, DAY],
            "refunded_at": [hours(24), hours(72), None],
        }
    )
    result = review({"Returns": returns}, PERIOD).refunds
    assert result.count.value == 2
    assert result.median.value == 48
    assert result.median.shown == "48.0 h"
    assert result.p90.shown == "67.2 h"  # days from 72 hours on


def test_satisfaction_average_response_rate_and_distribution():
    surveys = pd.DataFrame(
        {
            "survey_id": ["S1", "S2", "S3", "S4", "S5"],
            "sent_at": [DAY, DAY, DAY, DAY, BEFORE],
            "score": [5, 4, None, 9, 1],  # 9 is no score: unanswered
        }
    )
    result = review({"Surveys": surveys}, PERIOD).satisfaction
    assert (result.sent, result.answered) == (4, 2)
    assert result.average.value == 4.5 and result.average.previous == 1
    assert result.response_rate.value == 0.5
    assert result.distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}


def test_adopted_suggestions_are_credited_to_their_authors():
    suggestions = pd.DataFrame(
        {
            "suggestion_id": ["SUG-1", "SUG-2", "SUG-3", "SUG-4"],
            "submitted_by": ["tom", "lena", "tom", "raj"],
            "submitted_at": [BEFORE, DAY, DAY, DAY],
            "process": ["Orders", "Tickets", "Orders", "Returns"],
            "text": ["Checklist on the slip", "Canned replies", "Scan to pick", "Label printer"],
            "status": ["adopted", "adopted", "adopted", "rejected"],
        }
    )
    trail = audit((hours(30), "Suggestions", "SUG-1", "status: open → adopted; decided_by: maria"))
    result = review({"Suggestions": suggestions, "Audit": trail}, PERIOD).suggestions
    assert result.adopted.value == 3  # SUG-1 was submitted in February and adopted in March
    assert [(c.author, c.adopted) for c in result.credits] == [("tom", 2), ("lena", 1)]
    assert result.items[0].suggestion_id == "SUG-1"


# --- no data, the period, the report ---------------------------------------------------


def test_an_empty_period_says_no_data():
    result = review({}, PERIOD)
    assert result.service_levels.tickets_resolved_in_time.shown == NO_DATA
    assert result.satisfaction.average.shown == NO_DATA
    assert result.stocktake.absolute_variance.value is None
    assert all(not p.measured for p in result.procedures)
    text = render_markdown(result)
    assert "no data" in text
    assert "No survey was sent in this period: no data." in text
    assert "nan" not in text.lower()
    assert "NaN" not in render_html(result)


def test_the_period_defaults_to_the_last_30_days_and_explains_bad_dates():
    today = date(2026, 3, 30)
    assert period_from(None, "", today) == PERIOD
    assert PERIOD.previous() == Period(date(2026, 1, 30), date(2026, 2, 28))
    with pytest.raises(ProcessError, match="year-month-day"):
        period_from("30/03/2026", None, today)
    with pytest.raises(ProcessError, match="after the end date"):
        period_from("2026-03-05", "2026-03-01", today)


def test_the_report_holds_the_figures_and_no_markup_from_a_suggestion():
    suggestions = pd.DataFrame(
        {
            "suggestion_id": ["SUG-1"],
            "submitted_by": ["tom_b"],
            "submitted_at": [DAY],
            "process": ["Orders"],
            "text": ["<script>alert(1)</script> | split\nlines *now*"],
            "status": ["adopted"],
        }
    )
    result = review({"Transfers": transfers([1, 2, 3, 4, 10]), "Suggestions": suggestions}, PERIOD)
    text = render_markdown(result)
    assert "| `requested` → `in_transit` | staff | 5 | 3.0 h | no data | — | 7.6 h |" in text
    assert "No data for: `in_transit` → `received`, `requested` → `cancelled`." in text
    assert "Thanks to tom\\_b (1)." in text
    assert "\\| split lines \\*now\\*" in text
    page = render_html(result)
    assert "<td><code>requested</code> → <code>in_transit</code></td>" in page
    assert "<td>7.6 h</td>" in page
    assert "Thanks to tom_b (1)." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | split lines *now*" in page
    assert "<script>" not in page and "<em>" not in page


def test_the_report_in_chinese_uses_the_chinese_template():
    result = review({}, PERIOD)
    with i18n.use_language("zh"):
        markdown, page = render_markdown(result), render_html(result)
    assert markdown.startswith("# 流程评审") and "## 服务水平" in markdown
    assert '<html lang="zh">' in page and "本期没有发出调查" in page
    assert render_markdown(result).startswith("# Process review")


def test_every_purchase_order_counts_as_started_whichever_entry_it_came_in_by():
    """A PO made at once approved, one waiting for a manager and a draft typed in the sheet: three started."""
    created = audit(
        (hours(1), "Purchase Orders", "PO-1", "status: approved; qty: 10"),
        (hours(2), "Purchase Orders", "PO-2", "status: awaiting_approval; qty: 400"),
        (hours(3), "Purchase Orders", "PO-3", "status: draft; qty: 5"),
    )
    orders = pd.DataFrame(
        {"po_id": ["PO-1", "PO-2", "PO-3"], "status": ["approved", "awaiting_approval", "draft"]}
    )
    result = review({"Purchase Orders": orders, "Audit": created}, PERIOD)
    started = [p for p in result.procedures if p.name == "Purchase order"][0].started
    assert started.value == 3
