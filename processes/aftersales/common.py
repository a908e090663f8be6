"""What the after-sales rules share: reading typed input, the settings in force, the order behind a return."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from i18n import _
from processes.errors import ProcessError
from sheets.cells import CellError, is_blank, parse_cell
from sheets.schema import Kind
from sheets.table import Record
from sheets.tabs import ORDER_LINES, ORDERS, PRODUCTS
from sheets.transaction import Transaction

#: Longest text accepted from a form field, by field.
LIMITS = {"reference": 64, "email": 254, "sku": 64, "reason": 500, "note": 1000, "refund_ref": 100}


def text(raw: Any, what: str, *, limit: int, required: bool = False) -> str:
    """Typed text without surrounding spaces, at most `limit` characters; '' for nothing unless required."""
    value = "" if raw is None else str(raw).strip()
    if required and not value:
        raise ProcessError(_("{what} must be filled in.", what=_(what)))
    if len(value) > limit:
        raise ProcessError(
            _(
                "{what} can be at most {limit} characters long, not {len}.",
                what=_(what),
                limit=limit,
                len=len(value),
            )
        )
    return value


def whole_number(raw: Any, what: str, *, minimum: int = 1) -> int:
    if is_blank(raw):
        raise ProcessError(_("{what} must be filled in.", what=_(what)))
    try:
        value = parse_cell(Kind.INT, str(raw)[:20])
    except CellError:
        raise ProcessError(
            _("{what} must be a whole number, not {value!r}.", what=_(what), value=str(raw)[:20])
        ) from None
    if value < minimum:
        raise ProcessError(
            _("{what} must be at least {minimum}, not {value}.", what=_(what), minimum=minimum, value=value)
        )
    return value


def money(raw: Any, what: str) -> float:
    """A positive amount of money, rounded to cents."""
    if is_blank(raw):
        raise ProcessError(_("{what} must be filled in.", what=_(what)))
    try:
        value = parse_cell(Kind.NUMBER, str(raw)[:30])
    except CellError:
        raise ProcessError(
            _("{what} must be an amount of money, not {value!r}.", what=_(what), value=str(raw)[:30])
        ) from None
    if value <= 0:
        raise ProcessError(_("{what} must be more than 0.", what=_(what)))
    return round(value, 2)


def order_of(tx: Transaction, ret: Record) -> Record:
    order = tx.get(ORDERS, ret.order_id)
    if order is None:
        raise ProcessError(
            _(
                "The order {order_id} of {return_id} is no longer in Orders.",
                order_id=ret.order_id,
                return_id=ret.return_id,
            )
        )
    return order


def order_ref(order: Record) -> str:
    """How the customer knows the order: the shop's reference where there is one."""
    return order.external_ref or order.order_id


def lines_of(lines: Iterable[Record], order_id: str, sku: str | None = None) -> list[Record]:
    return [line for line in lines if line.order_id == order_id and (sku is None or line.sku == sku)]


def paid_for(lines: Iterable[Record]) -> tuple[int, float]:
    """(units, money) of some order lines: what was shipped and what it cost the customer."""
    lines = list(lines)
    units = sum(line.qty or 0 for line in lines)
    money = round(sum((line.qty or 0) * (line.unit_price or 0.0) for line in lines), 2)
    return units, money


def item_name(tx: Transaction, sku: str) -> str:
    product = tx.get(PRODUCTS, sku)
    return f"{product.name} ({sku})" if product and product.name else sku


def message_context(tx: Transaction, ret: Record, order: Record) -> dict[str, Any]:
    """What every return message says: who, which return, which order and item."""
    return {
        "customer_name": order.customer_name or "customer",
        "return_id": ret.return_id,
        "kind": ret.kind or "return",
        "order_ref": order_ref(order),
        "qty": ret.qty,
        "item": item_name(tx, ret.sku),
    }


#: Tabs a transaction reading a return with its order must declare.
ORDER_CONTEXT_TABS = (ORDERS, ORDER_LINES, PRODUCTS)
