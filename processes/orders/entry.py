"""Entering an order: the one place an order and its lines are created (by hand, by import, by an exchange)."""

from __future__ import annotations

from dataclasses import dataclass

from processes.errors import ProcessError
from sheets.table import Record
from sheets.tabs import ORDER_LINES, ORDERS, PRODUCTS
from sheets.transaction import Transaction

#: Tabs a transaction that enters orders must declare.
ORDER_TABS = (ORDERS, ORDER_LINES, PRODUCTS)


@dataclass(frozen=True)
class OrderLine:
    sku: str
    qty: int
    unit_price: float | None = None  # None: the product's price


def add_order(
    tx: Transaction,
    *,
    customer_name: str,
    lines: list[OrderLine],
    customer_email: str = "",
    ship_address: str = "",
    channel: str = "manual",
    external_ref: str = "",
    location_id: str = "",
    payment_status: str = "pending",
    paid_at=None,
) -> Record:
    """Create an order in status `new` with its lines; the total is the sum of the lines."""
    if not (customer_name or "").strip():
        raise ProcessError("An order needs the customer's name.")
    if not lines:
        raise ProcessError("An order needs at least one line.")
    priced = [_priced(tx, line) for line in lines]
    total = round(sum(line.qty * line.unit_price for line in priced), 2)
    order = tx.insert(
        ORDERS,
        {
            "channel": channel,
            "external_ref": external_ref,
            "customer_name": customer_name,
            "customer_email": customer_email,
            "ship_address": ship_address,
            "created_at": tx.now,
            "status": "new",
            "payment_status": payment_status,
            "paid_at": paid_at,
            "total": total,
            "location_id": location_id or None,
        },
    )
    for line in priced:
        tx.insert(
            ORDER_LINES,
            {"order_id": order.order_id, "sku": line.sku, "qty": line.qty, "unit_price": line.unit_price},
        )
    return order


def _priced(tx: Transaction, line: OrderLine) -> OrderLine:
    if line.qty is None or line.qty <= 0:
        raise ProcessError(f"{line.sku}: the quantity must be at least 1.")
    product = tx.get(PRODUCTS, line.sku)
    if product is None:
        raise ProcessError(f"There is no product {line.sku}.")
    if product.active is False:
        raise ProcessError(f"{line.sku} ({product.name}) is no longer sold.")
    price = line.unit_price if line.unit_price is not None else product.price
    if price is None or price < 0:
        raise ProcessError(f"{line.sku} has no price: give one.")
    return OrderLine(line.sku, int(line.qty), float(price))
