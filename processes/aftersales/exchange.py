"""Exchanging for another item (another size, another colour): which items, and the difference in price.

A customer may exchange a returned item for any item on sale with a price in
the same category (the same item included). The difference is what the new
items cost at today's price less what the customer paid for the returned ones:
above 0 the customer pays it before the replacement is sent, below 0 it is
refunded. It is computed when the request is made, shown to the customer
before they send it, recorded on the request (`price_difference`), and carried
into the settlement as quoted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sheets.table import Record

from .common import lines_of, paid_for


@dataclass(frozen=True)
class ExchangeOption:
    sku: str
    name: str
    price: float  # today's price of one unit


def exchange_options(products: Iterable[Record], returned: Record | None) -> list[ExchangeOption]:
    """Items the returned one may be exchanged for: on sale, priced, of its category (every category if it has none)."""
    category = (returned.category or "").strip().casefold() if returned is not None else ""
    return [
        ExchangeOption(product.sku, product.name or product.sku, float(product.price))
        for product in products
        if product.active is not False
        and product.price is not None
        and (not category or (product.category or "").strip().casefold() == category)
    ]


def paid_unit_price(lines: Iterable[Record], order_id: str, sku: str) -> float:
    """What the customer paid for one unit of `sku` on the order (lines at several prices averaged)."""
    units, money = paid_for(lines_of(lines, order_id, sku))
    return money / units if units else 0.0


def price_difference(paid_unit: float, new_price: float, qty: int) -> float:
    """What `qty` new items cost more than the returned ones were paid (negative: less), to the cent."""
    return round((new_price - paid_unit) * qty, 2)
