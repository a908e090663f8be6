"""Pick lists: one order's, ticked off line by line, and a batch across orders by location and SKU."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sheets.tabs import LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS
from sheets.workbook import Workbook

from .pipeline import lines_of
from .procedure import ORDER

#: Orders a batch pick list can cover: the ones being picked, and the paid ones waiting to be.
BATCH_STATES = ("picking", "paid")


@dataclass(frozen=True)
class PickLine:
    line_id: str
    sku: str
    name: str
    qty: int


@dataclass
class PickList:
    order_id: str
    location_id: str
    location_name: str
    lines: list[PickLine]


def pick_list(workbook: Workbook, order_id: str) -> PickList:
    """What to take from where for one order (the picker ticks each line)."""
    tables = workbook.tables(ORDERS, ORDER_LINES, PRODUCTS, LOCATIONS)
    order = tables[ORDERS.name].get(order_id)
    location_id = (order.location_id if order else None) or ""
    return PickList(
        order_id,
        location_id,
        _name(tables[LOCATIONS.name], location_id),
        [
            PickLine(line.line_id, line.sku, _name(tables[PRODUCTS.name], line.sku), line.qty or 0)
            for line in lines_of(tables[ORDER_LINES.name], order_id)
        ],
    )


@dataclass
class BatchItem:
    sku: str
    name: str
    qty: int
    orders: list[str] = field(default_factory=list)  # "ORD-… (2)" per order


@dataclass
class BatchGroup:
    location_id: str
    location_name: str
    items: list[BatchItem]


def batch_pick_list(workbook: Workbook, states: tuple[str, ...] = ("picking",)) -> list[BatchGroup]:
    """One walk through each location: per SKU the total to take and the orders it is for."""
    tables = workbook.tables(ORDERS, ORDER_LINES, PRODUCTS, LOCATIONS)
    orders = tables[ORDERS.name]
    wanted = {
        order.order_id: order.location_id or ""
        for order in orders.records()
        if ORDER.state_of(order) in states
    }
    totals: dict[tuple[str, str], BatchItem] = {}
    per_order: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in tables[ORDER_LINES.name].records():
        location_id = wanted.get(line.order_id)
        if location_id is None:
            continue
        key = (location_id, line.sku)
        item = totals.get(key)
        if item is None:
            item = totals[key] = BatchItem(line.sku, _name(tables[PRODUCTS.name], line.sku), 0)
        item.qty += line.qty or 0
        per_order[key][line.order_id] += line.qty or 0
    groups: dict[str, BatchGroup] = {}
    for (location_id, sku), item in sorted(totals.items()):
        item.orders = [f"{order_id} ({qty})" for order_id, qty in per_order[(location_id, sku)].items()]
        group = groups.get(location_id)
        if group is None:
            name = _name(tables[LOCATIONS.name], location_id) if location_id else "no location"
            group = groups[location_id] = BatchGroup(location_id, name, [])
        group.items.append(item)
    return list(groups.values())


def _name(table, key: str) -> str:
    record = table.get(key) if key else None
    return (record.name or key) if record is not None else key
