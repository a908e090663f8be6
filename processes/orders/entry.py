"""Entering an order: the one place an order and its lines are created (by hand, by import, by an exchange)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from i18n import _
from processes import steps
from processes.errors import ProcessError
from processes.orders.procedure import ORDER, PAYMENT_PENDING, address_problem
from processes.permissions import Actor
from sheets.cells import CellError, is_blank, parse_cell
from sheets.schema import Kind
from sheets.table import Record
from sheets.tabs import ORDER_LINES, ORDERS, PRODUCTS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

#: Tabs a transaction that enters orders must declare.
ORDER_TABS = (ORDERS, ORDER_LINES, PRODUCTS)


@dataclass(frozen=True)
class OrderLine:
    sku: str
    qty: int
    unit_price: float | None = None  # None: the product's price


@dataclass(frozen=True)
class OrderAmounts:
    """The amounts a channel reports for an order (None where it reports none), and their currency.

    The channel's total is what the customer paid, shipping and tax included; the
    app keeps it as it came rather than recomputing it from the lines.
    """

    total: float | None = None
    subtotal: float | None = None
    shipping: float | None = None
    tax: float | None = None
    currency: str = ""


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
    payment_status: str = PAYMENT_PENDING,
    paid_at: datetime | None = None,
    created_at: datetime | None = None,
    amounts: OrderAmounts | None = None,
    return_id: str = "",
) -> Record:
    """Create an order in status `new` with its lines.

    `created_at` is when the customer ordered (an import knows it); by default now.
    `amounts` are what the channel reported; the total is theirs when given, else
    the sum of the lines. No currency given leaves it blank: Settings holds no
    shop currency to fall back on. `return_id` names the return a replacement order is for.
    """
    if not (customer_name or "").strip():
        raise ProcessError(_("An order needs the customer's name."))
    if not lines:
        raise ProcessError(_("An order needs at least one line."))
    priced = [_priced(tx, line) for line in lines]
    amounts = amounts or OrderAmounts()
    total = amounts.total
    if total is None:
        total = round(sum(line.qty * line.unit_price for line in priced), 2)
    order = tx.insert(
        ORDERS,
        {
            "channel": channel,
            "external_ref": external_ref,
            "customer_name": customer_name,
            "customer_email": customer_email,
            "ship_address": ship_address,
            "return_id": return_id or None,
            "created_at": created_at or tx.now,
            "status": ORDER.start_states[0],
            "payment_status": payment_status,
            "paid_at": paid_at,
            "total": total,
            "subtotal": amounts.subtotal,
            "shipping": amounts.shipping,
            "tax": amounts.tax,
            "currency": amounts.currency or None,
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
        raise ProcessError(_("{sku}: the quantity must be at least 1.", sku=line.sku))
    product = tx.get(PRODUCTS, line.sku)
    if product is None:
        raise ProcessError(_("There is no product {sku}.", sku=line.sku))
    if product.active is False:
        raise ProcessError(_("{sku} ({name}) is no longer sold.", sku=line.sku, name=product.name))
    price = line.unit_price if line.unit_price is not None else product.price
    if price is None:
        raise ProcessError(_("{sku} has no price: give one.", sku=line.sku))
    if price < 0:
        raise ProcessError(
            _("{sku}: the unit price must be 0 or more, not {price}.", sku=line.sku, price=price)
        )
    return OrderLine(line.sku, int(line.qty), float(price))


@steps.entry(ORDER)
def enter_order(
    workbook: Workbook,
    *,
    customer_name: str,
    lines: list[OrderLine],
    by: Actor,
    customer_email: str = "",
    ship_address: str = "",
    location_id: str = "",
    channel: str = "manual",
    external_ref: str = "",
) -> Record:
    """An order typed by staff (the manual entry form): checked, then created with its lines in one commit.

    `lines` may also be mappings with sku, qty and unit_price, as the HTTP API sends them.
    """
    lines = [_as_line(item) for item in _listed(lines)]
    email = (customer_email or "").strip()
    if email and not EMAIL.fullmatch(email):
        raise ProcessError(_("{email!r} is not an email address.", email=email))
    # Refused here, where it can still be corrected, rather than at confirmation (the order page
    # cannot edit an address); an empty address is left for orders collected in person.
    problem = address_problem(ship_address) if (ship_address or "").strip() else None
    if problem:
        raise ProcessError(_("Cannot save the order: {problem}.", problem=problem))
    with workbook.transaction(*ORDER_TABS, user=by.name, action="enter order") as tx:
        return add_order(
            tx,
            customer_name=customer_name,
            lines=lines,
            customer_email=email,
            ship_address=ship_address,
            channel=channel,
            external_ref=external_ref,
            location_id=location_id,
        )


def _listed(lines: Any) -> list[Any]:
    if not isinstance(lines, list | tuple):  # an empty list is refused with the order's other checks
        raise ProcessError(_("The lines of an order are a list of sku, qty and unit_price."))
    return list(lines)


def _as_line(item: Any) -> OrderLine:
    if isinstance(item, OrderLine):
        return item
    if not isinstance(item, Mapping):
        raise ProcessError(
            _("Each line of an order is a sku, a qty and a unit_price, not {item!r}.", item=item)
        )
    return read_line(str(item.get("sku") or ""), item.get("qty"), item.get("unit_price"))


def read_line(sku: str, qty: object, unit_price: object = None) -> OrderLine:
    """A line as typed in a form: the quantity a whole number, the price a number or blank (the product's)."""
    if not (sku or "").strip():
        raise ProcessError(_("Choose a product for every line."))
    try:
        quantity = parse_cell(Kind.INT, qty) if not is_blank(qty) else None
    except CellError:
        raise ProcessError(
            _("{sku}: the quantity {qty!r} is not a whole number.", sku=sku, qty=qty)
        ) from None
    if quantity is None:
        raise ProcessError(_("{sku}: enter a quantity.", sku=sku))
    try:
        price = None if is_blank(unit_price) else parse_cell(Kind.NUMBER, unit_price)
    except CellError:
        raise ProcessError(
            _("{sku}: the price {unit_price!r} is not a number.", sku=sku, unit_price=unit_price)
        ) from None
    return OrderLine(sku.strip(), quantity, price)
