"""Pick lists and packing slips: one order's, and a batch across orders walked by location and bin.

Orders are named by the number the customer knows (the shop's `#1001`), their
internal ID only where they have no other; a line says the bin its stock sits in
(Stock's `bin`, blank on a sheet without that column), and a batch is sorted so
the picker walks each location bin by bin.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from i18n import _
from sheets.table import Record, Table
from sheets.tabs import LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS, STOCK
from sheets.workbook import Workbook

from .pipeline import lines_of
from .procedure import ORDER

#: Orders a batch pick list can cover: the ones being picked, and the paid ones waiting to be.
BATCH_STATES = ("picking", "paid")


def order_number(order: Record) -> str:
    """How the customer knows the order: the shop's reference where there is one, else its ID."""
    return order.external_ref or order.order_id


@dataclass(frozen=True)
class PickLine:
    line_id: str
    sku: str
    name: str
    qty: int
    bin: str = ""
    unit_price: float | None = None


@dataclass
class PickList:
    """One order as the picker and the packer see it; its packing slip prints from the same."""

    order_id: str
    location_id: str
    location_name: str
    lines: list[PickLine]
    number: str = ""
    status: str = ""
    customer_name: str = ""
    ship_address: str = ""
    created_at: datetime | None = None

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)

    @property
    def expected(self) -> dict[str, int]:
        """Units to take per SKU (a SKU on two lines counts once, with both quantities)."""
        wanted: dict[str, int] = defaultdict(int)
        for line in self.lines:
            wanted[line.sku] += line.qty
        return dict(wanted)


def pick_list(workbook: Workbook, order_id: str) -> PickList:
    """What to take from where for one order (the picker ticks each line), in bin order."""
    tables = workbook.tables(ORDERS, ORDER_LINES, PRODUCTS, LOCATIONS, STOCK)
    order = tables[ORDERS.name].get(order_id)
    location_id = (order.location_id if order else None) or ""
    bins = _bins(tables[STOCK.name])
    lines = [
        PickLine(
            line.line_id,
            line.sku,
            _name(tables[PRODUCTS.name], line.sku),
            line.qty or 0,
            bins.get((line.sku, location_id), ""),
            line.unit_price,
        )
        for line in lines_of(tables[ORDER_LINES.name], order_id)
    ]
    return PickList(
        order_id,
        location_id,
        _name(tables[LOCATIONS.name], location_id),
        sorted(lines, key=lambda line: (line.bin == "", line.bin, line.sku)),
        number=order_number(order) if order else order_id,
        status=ORDER.state_of(order) if order else "",
        customer_name=(order.customer_name or "") if order else "",
        ship_address=(order.ship_address or "") if order else "",
        created_at=order.created_at if order else None,
    )


def find_order(workbook: Workbook, code: str, states: tuple[str, ...] = ("picking",)) -> str | None:
    """The ID of the order in `states` a scanned or typed code names: its number, its ID; else None."""
    wanted = "".join(code.split()).casefold().lstrip("#")
    for order in workbook.table(ORDERS).records():
        if ORDER.state_of(order) not in states:
            continue
        names = {order.order_id.casefold(), order_number(order).casefold().lstrip("#")}
        if wanted in names:
            return order.order_id
    return None


@dataclass
class BatchItem:
    sku: str
    name: str
    qty: int
    bin: str = ""
    orders: list[str] = field(default_factory=list)  # "#1001 (2)" per order


@dataclass
class BatchGroup:
    location_id: str
    location_name: str
    items: list[BatchItem]


def batch_pick_list(workbook: Workbook, states: tuple[str, ...] = ("picking",)) -> list[BatchGroup]:
    """One walk through each location, bin by bin: per SKU the total to take and the orders it is for."""
    tables = workbook.tables(ORDERS, ORDER_LINES, PRODUCTS, LOCATIONS, STOCK)
    orders = tables[ORDERS.name]
    wanted = {
        order.order_id: order.location_id or ""
        for order in orders.records()
        if ORDER.state_of(order) in states
    }
    numbers = {order_id: order_number(orders.get(order_id)) for order_id in wanted}
    bins = _bins(tables[STOCK.name])
    totals: dict[tuple[str, str], BatchItem] = {}
    per_order: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in tables[ORDER_LINES.name].records():
        location_id = wanted.get(line.order_id)
        if location_id is None:
            continue
        key = (location_id, line.sku)
        item = totals.get(key)
        if item is None:
            name = _name(tables[PRODUCTS.name], line.sku)
            item = totals[key] = BatchItem(line.sku, name, 0, bins.get((line.sku, location_id), ""))
        item.qty += line.qty or 0
        per_order[key][line.order_id] += line.qty or 0
    groups: dict[str, BatchGroup] = {}
    walk = sorted(
        totals.items(), key=lambda entry: (entry[0][0], entry[1].bin == "", entry[1].bin, entry[0][1])
    )
    for (location_id, sku), item in walk:
        item.orders = [
            f"{numbers[order_id]} ({qty})" for order_id, qty in per_order[(location_id, sku)].items()
        ]
        group = groups.get(location_id)
        if group is None:
            name = _name(tables[LOCATIONS.name], location_id) if location_id else _("no location")
            group = groups[location_id] = BatchGroup(location_id, name, [])
        group.items.append(item)
    return list(groups.values())


def _bins(stock: Table) -> dict[tuple[str, str], str]:
    return {(row.sku, row.location_id): row.bin or "" for row in stock.records()}


def _name(table, key: str) -> str:
    record = table.get(key) if key else None
    return (record.name or key) if record is not None else key
