"""Entering an order: lines priced from the catalogue, the total their sum, bad lines refused."""

from __future__ import annotations

import pytest

from processes.errors import ProcessError
from processes.orders import ORDER_TABS, OrderLine, add_order, enter_order
from processes.permissions import Actor
from sheets.tabs import ORDER_LINES, ORDERS, PRODUCTS


@pytest.fixture
def catalogue(record):
    with record.workbook.transaction(PRODUCTS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Kettle", "price": 30})
        tx.insert(PRODUCTS, {"sku": "KIT-002", "name": "Pan", "price": 12.5})
        tx.insert(PRODUCTS, {"sku": "OLD-001", "name": "Old kettle", "price": 9, "active": False})
    return record


def enter(record, lines, **values):
    with record.workbook.transaction(*ORDER_TABS, user="sam", action="enter order") as tx:
        return add_order(tx, customer_name="Ann", lines=lines, **values)


def test_an_order_is_new_with_its_lines_and_their_total(catalogue):
    order = enter(catalogue, [OrderLine("KIT-001", 2), OrderLine("KIT-002", 1, unit_price=10)])
    assert (order.status, order.payment_status, order.total) == ("new", "pending", 70)
    lines = [
        line for line in catalogue.workbook.table(ORDER_LINES).records() if line.order_id == order.order_id
    ]
    assert sorted((line.sku, line.qty, line.unit_price) for line in lines) == [
        ("KIT-001", 2, 30),
        ("KIT-002", 1, 10),
    ]


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ([], "at least one line"),
        ([OrderLine("NOPE-1", 1)], "There is no product NOPE-1"),
        ([OrderLine("KIT-001", 0)], "at least 1"),
        ([OrderLine("OLD-001", 1)], "no longer sold"),
    ],
)
def test_a_bad_order_is_refused_and_nothing_is_written(catalogue, lines, says):
    with pytest.raises(ProcessError, match=says):
        enter(catalogue, lines)
    assert len(catalogue.workbook.table(ORDERS)) == 0


def test_an_order_typed_with_an_incomplete_address_is_refused_before_anything_is_saved(catalogue):
    with pytest.raises(ProcessError, match="incomplete"):
        enter_order(
            catalogue.workbook,
            customer_name="Ann Lee",
            ship_address="1 A Road",
            lines=[OrderLine("KIT-001", 1)],
            by=Actor("sam", "staff"),
        )
    catalogue.workbook.invalidate()
    assert len(catalogue.workbook.table(ORDERS)) == 0
