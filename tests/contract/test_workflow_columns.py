"""Workflow columns belong to the steps: the grid never sets them, for any role.

Each procedure's specification (processes/procedure.py) names the cells its
steps own. These tests walk every procedure, so a new procedure or a new
step column is covered without a line here; the defects found by trying the
grid as a hostile member of staff each have a test of their own below.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from processes.declarations import PROCEDURES
from processes.errors import ProcessError
from processes.permissions import ROLES, Actor
from processes.procedure import EDITABLE, HOLDS_STOCK, Procedure
from processes.sheet_edit import add_row, delete_row, edit_cells
from sheets.errors import InvalidValue
from sheets.schema import Kind
from sheets.tabs import (
    ORDER_LINES,
    ORDERS,
    PURCHASE_ORDERS,
    RETURNS,
    STOCK,
    STOCK_COUNTS,
    SUGGESTIONS,
    TRANSFERS,
)

EVERY_ROLE = [Actor(f"a-{role}", role) for role in ROLES]
STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")
SAMPLE = {
    Kind.TEXT: "X-1",
    Kind.INT: 3,
    Kind.NUMBER: 4.5,
    Kind.BOOL: True,
    Kind.DATE: date(2026, 5, 4),
    Kind.DATETIME: datetime(2026, 5, 4, 9, 0),
}


def a_row_in(record, tab, **values):
    """A row as the app's steps would have left it (written through the record layer, not the grid)."""
    required = {
        column.name: SAMPLE[column.kind]
        for column in tab.columns
        if column.required and column.name not in tab.key
    }
    with record.workbook.transaction(tab, user="setup") as tx:
        return tx.insert(tab, {**required, **values})


def a_value_for(procedure: Procedure, column: str, record) -> object:
    """A value the column could hold that differs from the record's."""
    declared = procedure.tab.column(column)
    if declared.choices:
        return next(choice for choice in declared.choices if choice != record[column])
    other = {Kind.TEXT: "Y-2", Kind.INT: 4, Kind.NUMBER: 5.5, Kind.BOOL: False}.get(declared.kind)
    return SAMPLE[declared.kind] if record[column] != SAMPLE[declared.kind] else other


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda procedure: procedure.slug)
def test_no_role_sets_a_steps_cell_in_the_grid(record, procedure):
    row = a_row_in(record, procedure.tab)
    for column in procedure.owned_columns:
        for actor in EVERY_ROLE:
            with pytest.raises(InvalidValue, match=f"^{column}: cannot be edited here"):
                edit_cells(
                    record.workbook,
                    procedure.tab.name,
                    row.id,
                    {column: a_value_for(procedure, column, row)},
                    row,
                    by=actor,
                )
    assert record.workbook.table(procedure.tab).get(row.id) == row


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda procedure: procedure.slug)
def test_a_row_added_in_the_grid_starts_where_the_procedure_starts(record, procedure):
    required = {
        column.name: SAMPLE[column.kind]
        for column in procedure.tab.columns
        if column.required and column.name not in procedure.tab.key
    }
    target = procedure.states[-1]
    with pytest.raises(InvalidValue, match=f"^{procedure.status_column}: cannot be edited here"):
        add_row(
            record.workbook, procedure.tab.name, {**required, procedure.status_column: target}, by=MANAGER
        )
    added = add_row(record.workbook, procedure.tab.name, required, by=MANAGER)
    assert added[procedure.status_column] in procedure.start_states


@pytest.mark.parametrize(
    "procedure", [p for p in PROCEDURES if p.terms], ids=lambda procedure: procedure.slug
)
def test_terms_are_typed_only_while_the_record_is_editable(record, procedure):
    editable_state = procedure.group(EDITABLE)[0]
    fixed_state = next(state for state in procedure.states if state not in procedure.group(EDITABLE))
    term = procedure.terms[-1]
    draft = a_row_in(record, procedure.tab, **{procedure.status_column: editable_state})
    fixed = a_row_in(record, procedure.tab, **{procedure.status_column: fixed_state})

    edited = edit_cells(
        record.workbook,
        procedure.tab.name,
        draft.id,
        {term: a_value_for(procedure, term, draft)},
        draft,
        by=STAFF,
    )
    assert edited[term] != draft[term]
    with pytest.raises(InvalidValue, match=f"^{term}: cannot be edited here \\(fixed once"):
        edit_cells(
            record.workbook,
            procedure.tab.name,
            fixed.id,
            {term: a_value_for(procedure, term, fixed)},
            fixed,
            by=MANAGER,
        )


@pytest.mark.parametrize(
    "procedure", [p for p in PROCEDURES if HOLDS_STOCK in p.groups], ids=lambda procedure: procedure.slug
)
def test_a_record_holding_stock_is_not_deleted_by_any_role(record, procedure):
    state = procedure.group(HOLDS_STOCK)[0]
    row = a_row_in(record, procedure.tab, **{procedure.status_column: state})
    releasing = procedure.steps_out_of(state, HOLDS_STOCK)
    assert releasing, f"{procedure.name}: nothing releases the stock of a record {state}"
    for actor in EVERY_ROLE:
        with pytest.raises(ProcessError, match="holds stock") as refused:
            delete_row(record.workbook, procedure.tab.name, row.id, row, by=actor)
        assert releasing[0].label.lower() in str(refused.value)
    assert record.workbook.table(procedure.tab).get(row.id) == row


# the defects found in the grid, one by one ---------------------------------------------


def test_staff_cannot_approve_a_purchase_order_over_the_limit_in_the_grid(record):
    po = a_row_in(record, PURCHASE_ORDERS, qty=1, unit_price=5358, total=5358, status="awaiting_approval")
    for forged in ({"status": "approved"}, {"approved_by": "demo-manager"}, {"status": "ordered"}):
        with pytest.raises(InvalidValue, match="only the steps of the purchase order change it"):
            edit_cells(record.workbook, "Purchase Orders", po.id, forged, po, by=STAFF)
    with pytest.raises(InvalidValue, match="fixed once the purchase order is awaiting_approval"):
        edit_cells(record.workbook, "Purchase Orders", po.id, {"total": 10}, po, by=STAFF)
    assert record.workbook.table(PURCHASE_ORDERS).get(po.id).status == "awaiting_approval"


def test_a_refund_is_not_approved_nor_its_amount_set_in_the_grid(record):
    ret = a_row_in(record, RETURNS, status="received", refund_status="pending")
    for forged in ({"refund_status": "approved"}, {"refund_amount": 99999}):
        with pytest.raises(InvalidValue, match="only the steps of the (refund|return) change it"):
            edit_cells(record.workbook, "Returns", ret.id, forged, ret, by=STAFF)


def test_a_suggestion_is_not_adopted_nor_voted_in_the_grid(record):
    suggestion = a_row_in(record, SUGGESTIONS, status="open", votes=0)
    for forged in ({"votes": 500}, {"voters": "a, b, c"}, {"status": "adopted"}, {"decided_by": "mia"}):
        with pytest.raises(InvalidValue, match="only the steps of the suggestion change it"):
            edit_cells(record.workbook, "Suggestions", suggestion.id, forged, suggestion, by=MANAGER)


def test_a_stock_count_is_not_approved_in_the_grid(record):
    line = a_row_in(record, STOCK_COUNTS, status="counted", book_qty=5, counted_qty=9, variance=4)
    for forged in ({"status": "approved"}, {"counted_qty": 5}, {"approved_by": "mia"}):
        with pytest.raises(InvalidValue, match="only the steps of the stocktake change it"):
            edit_cells(record.workbook, "Stock Counts", line.id, forged, line, by=STAFF)


def test_an_order_is_not_shipped_in_the_grid_nor_given_a_negative_total(record):
    order = a_row_in(record, ORDERS, customer_name="Ann", status="new")
    with pytest.raises(InvalidValue, match="^status: cannot be edited here"):
        edit_cells(record.workbook, "Orders", order.id, {"status": "shipped"}, order, by=STAFF)
    with pytest.raises(InvalidValue, match="^total: must be 0 or more, not -50"):
        edit_cells(record.workbook, "Orders", order.id, {"total": -50}, order, by=STAFF)
    assert record.workbook.table(ORDERS).get(order.id) == order


def test_a_paid_order_is_not_deleted_and_its_reservation_stays(record):
    a_row_in(record, STOCK, sku="SKU-1", location_id="LOC-1", on_hand=5, reserved=2)
    order = a_row_in(record, ORDERS, customer_name="Ann", status="paid", payment_status="paid")
    a_row_in(record, ORDER_LINES, order_id=order.order_id, sku="SKU-1", qty=2)

    with pytest.raises(ProcessError, match=r"is paid and holds stock.*First cancel the order"):
        delete_row(record.workbook, "Orders", order.id, order, by=MANAGER)

    assert record.workbook.table(ORDERS).get(order.id) is not None
    assert record.workbook.table(STOCK).get(("SKU-1", "LOC-1")).reserved == 2


def test_the_lines_of_a_reserved_order_are_fixed_those_of_a_new_one_are_not(record):
    confirmed = a_row_in(record, ORDERS, customer_name="Ann", status="confirmed")
    line = a_row_in(record, ORDER_LINES, order_id=confirmed.order_id, sku="SKU-1", qty=2)
    fixed = f"The order {confirmed.order_id} is confirmed: its rows in Order Lines are fixed"
    with pytest.raises(ProcessError, match=fixed):
        edit_cells(record.workbook, "Order Lines", line.id, {"qty": 20}, line, by=MANAGER)
    with pytest.raises(ProcessError, match=fixed):
        add_row(
            record.workbook,
            "Order Lines",
            {"order_id": confirmed.order_id, "sku": "SKU-2", "qty": 1},
            by=STAFF,
        )
    with pytest.raises(ProcessError, match=fixed):
        delete_row(record.workbook, "Order Lines", line.id, line, by=MANAGER)
    new = a_row_in(record, ORDERS, customer_name="Bo", status="new")
    with pytest.raises(ProcessError, match=fixed):  # nor moved onto another order
        edit_cells(record.workbook, "Order Lines", line.id, {"order_id": new.order_id}, line, by=STAFF)

    added = add_row(
        record.workbook, "Order Lines", {"order_id": new.order_id, "sku": "SKU-2", "qty": 1}, by=STAFF
    )
    edit_cells(record.workbook, "Order Lines", added.id, {"qty": 3}, added, by=STAFF)
    assert record.workbook.table(ORDER_LINES).get(added.id).qty == 3


def test_a_transfer_on_the_road_is_not_deleted(record):
    transfer = a_row_in(record, TRANSFERS, status="in_transit")
    with pytest.raises(ProcessError, match="First receive on its page"):
        delete_row(record.workbook, "Transfers", transfer.id, transfer, by=MANAGER)
    requested = a_row_in(record, TRANSFERS, status="requested")
    delete_row(record.workbook, "Transfers", requested.id, requested, by=STAFF)
    assert record.workbook.table(TRANSFERS).get(requested.id) is None


# sanity limits, enforced in the record layer for every writer -----------------------------


def test_limits_name_the_real_problem(record):
    stock = a_row_in(record, STOCK, sku="SKU-1", location_id="LOC-1", min_qty=2, max_qty=10)
    with pytest.raises(InvalidValue, match="^min_qty: the minimum must not be above the maximum"):
        edit_cells(record.workbook, "Stock", stock.id, {"min_qty": 11}, stock, by=STAFF)
    with pytest.raises(InvalidValue, match="^max_qty: must be at most 1,000,000, not 5,000,000"):
        edit_cells(record.workbook, "Stock", stock.id, {"max_qty": 5_000_000}, stock, by=STAFF)
    refused = pytest.raises(InvalidValue, match="^unit_price: must be 0 or more, not -3")
    with refused, record.workbook.transaction(PURCHASE_ORDERS, user="a job") as tx:  # not only the grid
        tx.insert(PURCHASE_ORDERS, {"supplier_id": "SUP-1", "sku": "SKU-1", "qty": 1, "unit_price": -3})
    edit_cells(record.workbook, "Stock", stock.id, {"min_qty": 0, "max_qty": 0}, stock, by=STAFF)
