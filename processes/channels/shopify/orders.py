"""A Shopify order, as a webhook or the Admin GraphQL API sends it, written as the rows of Shopify's export.

The orders export is what the CSV import already reads, line by line, with
every rule the record keeps (SKU checks, amounts, payment words, text kept
as text). So an order the shop sends by itself is laid out as the export lays
it out — one row per line item, the order's own fields on the first row —
and from there takes the very same path as a file (processes.orders.importing).
Only which field of Shopify's JSON goes in which column of the export is
said here.

Payment time: neither payload says when the money came in, so an order first
reported paid is stamped with the moment the shop last changed it (its
`updated_at`): for an order paid at checkout that is when it was placed, for
one paid later, when the payment was recorded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import Unreadable
from ..protocol import ShopOrder
from ..reports import ShopReport
from .webhooks import CHANNEL

#: Shopify's payment words meaning the money came in (and perhaps went back).
PAID_WORDS = frozenset({"paid", "partially_refunded", "refunded"})
#: The REST payload's fulfilment words in the GraphQL API's terms.
_FULFILLMENT_WORDS = {"": "unfulfilled", "partial": "partially_fulfilled"}


@dataclass(frozen=True)
class OrderPointer:
    """A delivery naming an order without carrying it (a refund): the order is fetched from the shop."""

    shop_id: str


def read_webhook(topic: str, body: bytes) -> ShopOrder | OrderPointer:
    """The order a webhook of `topic` carries; Unreadable with the reason when it carries none."""
    payload = _json(body)
    if topic == "refunds/create":
        order_id = payload.get("order_id")
        if not order_id:
            raise Unreadable("the refund names no order (no order_id)")
        return OrderPointer(f"gid://shopify/Order/{order_id}")
    return from_rest(payload)


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise Unreadable(f"the body is not JSON ({error})") from None
    if not isinstance(payload, dict):
        raise Unreadable("the body is not a JSON object")
    return payload


# the webhook's payload (the REST Admin API's order) --------------------------------


def from_rest(order: Mapping[str, Any]) -> ShopOrder:
    name = _text(order.get("name"))
    if not name:
        raise Unreadable("the order has no name (the #1001 customers see)")
    shipping = _mapping(order.get("shipping_address"))
    customer = _mapping(order.get("customer"))
    financial = _word(order.get("financial_status"))
    fields = {
        "Name": name,
        "Email": _text(order.get("email")) or _text(customer.get("email")),
        "Financial Status": financial,
        "Paid at": _export_time(order.get("updated_at")) if financial in PAID_WORDS else "",
        "Created at": _export_time(order.get("created_at")),
        "Cancelled at": _export_time(order.get("cancelled_at")),
        "Currency": _text(order.get("currency")),
        "Subtotal": _text(order.get("subtotal_price")),
        "Shipping": _text(_money(order.get("total_shipping_price_set"), "shop_money")),
        "Taxes": _text(order.get("total_tax")),
        "Total": _text(order.get("total_price")),
        "Billing Name": _text(_mapping(order.get("billing_address")).get("name"))
        or _full_name(customer.get("first_name"), customer.get("last_name")),
        "Shipping Name": _text(shipping.get("name")),
        "Shipping Address1": _text(shipping.get("address1")),
        "Shipping Address2": _text(shipping.get("address2")),
        "Shipping City": _text(shipping.get("city")),
        "Shipping Zip": _text(shipping.get("zip")),
        "Shipping Country": _text(shipping.get("country_code")) or _text(shipping.get("country")),
    }
    lines = [
        {
            "Lineitem quantity": _text(item.get("quantity")),
            "Lineitem name": _text(item.get("name")) or _text(item.get("title")),
            "Lineitem price": _text(item.get("price")),
            "Lineitem sku": _text(item.get("sku")),
        }
        for item in _items(order.get("line_items"))
    ]
    fulfillment = _word(order.get("fulfillment_status"))
    report = ShopReport(
        CHANNEL,
        name,
        _text(order.get("admin_graphql_api_id")) or f"gid://shopify/Order/{_text(order.get('id'))}",
        financial,
        _FULFILLMENT_WORDS.get(fulfillment, fulfillment),
        _utc(order.get("updated_at")),
    )
    return ShopOrder(_rows(name, fields, lines), report)


# the Admin GraphQL API's Order (what the reconcile pulls) -----------------------


def from_graphql(node: Mapping[str, Any]) -> ShopOrder:
    name = _text(node.get("name"))
    if not name:
        raise Unreadable("the order has no name (the #1001 customers see)")
    shipping = _mapping(node.get("shippingAddress"))
    customer = _mapping(node.get("customer"))
    financial = _word(node.get("displayFinancialStatus"))
    fields = {
        "Name": name,
        "Email": _text(node.get("email")) or _text(customer.get("email")),
        "Financial Status": financial,
        "Paid at": _export_time(node.get("updatedAt")) if financial in PAID_WORDS else "",
        "Created at": _export_time(node.get("createdAt")),
        "Cancelled at": _export_time(node.get("cancelledAt")),
        "Currency": _text(node.get("currencyCode")),
        "Subtotal": _text(_money(node.get("subtotalPriceSet"), "shopMoney")),
        "Shipping": _text(_money(node.get("totalShippingPriceSet"), "shopMoney")),
        "Taxes": _text(_money(node.get("totalTaxSet"), "shopMoney")),
        "Total": _text(_money(node.get("totalPriceSet"), "shopMoney")),
        "Billing Name": _text(_mapping(node.get("billingAddress")).get("name"))
        or _full_name(customer.get("firstName"), customer.get("lastName")),
        "Shipping Name": _text(shipping.get("name")),
        "Shipping Address1": _text(shipping.get("address1")),
        "Shipping Address2": _text(shipping.get("address2")),
        "Shipping City": _text(shipping.get("city")),
        "Shipping Zip": _text(shipping.get("zip")),
        "Shipping Country": _text(shipping.get("countryCodeV2")) or _text(shipping.get("country")),
    }
    lines = [
        {
            "Lineitem quantity": _text(item.get("quantity")),
            "Lineitem name": _text(item.get("name")),
            "Lineitem price": _text(_money(item.get("originalUnitPriceSet"), "shopMoney")),
            "Lineitem sku": _text(item.get("sku")),
        }
        for item in _items(_mapping(node.get("lineItems")).get("nodes"))
    ]
    report = ShopReport(
        CHANNEL,
        name,
        _text(node.get("id")),
        financial,
        _word(node.get("displayFulfillmentStatus")),
        _utc(node.get("updatedAt")),
    )
    return ShopOrder(_rows(name, fields, lines), report)


# the export's layout -----------------------------------------------------------


def _rows(name: str, fields: dict[str, str], lines: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per line item, the order's own fields on the first (as the export writes them).

    An order without line items still gives one row, so the import says what is missing.
    """
    rows = [{"Name": name, **line} for line in lines] or [{"Name": name, "Lineitem quantity": ""}]
    rows[0] = {**fields, **rows[0]}
    rows[0].setdefault("Lineitem sku", "")
    return rows


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _money(value: Any, currency_set: str) -> Any:
    return _mapping(_mapping(value).get(currency_set)).get("amount")


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _word(value: Any) -> str:
    """A status word as the export writes it: paid, partially_refunded ('PARTIALLY_REFUNDED' from GraphQL)."""
    return _text(value).lower()


def _full_name(first: Any, last: Any) -> str:
    return " ".join(part for part in (_text(first), _text(last)) if part)


def _parsed(value: Any) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Unreadable(f"{text!r} is not a date and time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _export_time(value: Any) -> str:
    """An ISO 8601 time as the export writes it: 2026-03-02 10:15:00 -0500."""
    parsed = _parsed(value)
    return parsed.strftime("%Y-%m-%d %H:%M:%S %z") if parsed else ""


def _utc(value: Any) -> str:
    """An ISO 8601 time in UTC, so that versions of an order compare as text: 2026-03-02T15:15:00Z."""
    parsed = _parsed(value)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if parsed else ""
