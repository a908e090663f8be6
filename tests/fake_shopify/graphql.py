"""The fake's Admin GraphQL API: the operations Flowsheet sends, answered in Shopify's shapes, priced and throttled.

It does not parse GraphQL: it knows Flowsheet's operations by name and answers
each with the fields Shopify would, `nodes`/`pageInfo` connections and opaque
cursors included. Every answer carries `extensions.cost` with the bucket
(maximumAvailable, currentlyAvailable, restoreRate); a query costing more than
is available is answered THROTTLED, as Shopify does, with HTTP 200 and no data.
An operation it does not know is a GraphQL error, so no test passes by accident.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .shop import FakeOrder, FakeShop, _iso

OPERATION = re.compile(r"^\s*(query|mutation)\s+(\w+)", re.MULTILINE)
LINES_FIRST = re.compile(r"lineItems\(first:\s*(\d+)")
QUERY_TERM = re.compile(r"(\w+):(>=|<=|>|<)?'((?:[^'\\]|\\.)*)'")


@dataclass
class Bucket:
    """Shopify's leaky bucket of query points."""

    maximum: float = 1000.0
    restore_rate: float = 50.0
    available: float = 1000.0
    at: float = 0.0

    def refill(self, now: float) -> None:
        self.available = min(self.maximum, self.available + (now - self.at) * self.restore_rate)
        self.at = now

    def status(self) -> dict[str, float]:
        return {
            "maximumAvailable": self.maximum,
            "currentlyAvailable": round(self.available, 1),
            "restoreRate": self.restore_rate,
        }


class GraphQL:
    def __init__(self, shop: FakeShop, clock: Callable[[], float]) -> None:
        self.shop = shop
        self.clock = clock
        self.bucket = Bucket(at=clock())
        self.operations: list[str] = []  # every operation answered, throttled ones included
        self.throttled = 0

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        document = str(body.get("query") or "")
        variables = body.get("variables") or {}
        found = OPERATION.search(document)
        name = found.group(2) if found else ""
        handler = getattr(self, f"_op_{name}", None)
        self.operations.append(name)
        if handler is None:
            return {"errors": [{"message": f"fake Shopify does not know the operation {name!r}"}]}
        requested = self._requested(name, document, variables)
        with self.shop.lock:
            self.bucket.refill(self.clock())
            if requested > self.bucket.available:
                self.throttled += 1
                return {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": {"cost": self._cost(requested, None)},
                }
            data, actual = handler(document, variables)
            self.bucket.available -= actual
            answer: dict[str, Any] = {"data": data, "extensions": {"cost": self._cost(requested, actual)}}
            return answer

    def _cost(self, requested: float, actual: float | None) -> dict[str, Any]:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.bucket.status(),
        }

    @staticmethod
    def _requested(name: str, document: str, variables: dict[str, Any]) -> int:
        lines = int(LINES_FIRST.search(document).group(1)) if LINES_FIRST.search(document) else 0
        if name in ("OrdersUpdatedSince", "OrdersNamed"):
            return 2 + int(variables.get("first") or 0) * (lines + 5)
        if name == "OrdersById":
            return len(variables.get("ids") or []) * (lines + 5)
        if name == "OrderLineItems":
            return 102
        return 10

    # the operations -----------------------------------------------------------

    def _op_OrdersUpdatedSince(self, document: str, variables: dict[str, Any]) -> tuple[dict, int]:
        return self._orders(document, variables)

    def _op_OrdersNamed(self, document: str, variables: dict[str, Any]) -> tuple[dict, int]:
        return self._orders(document, variables)

    def _orders(self, document: str, variables: dict[str, Any]) -> tuple[dict, int]:
        matching = sorted(
            (
                order
                for order in self.shop.orders.values()
                if _matches(order, str(variables.get("query") or ""))
            ),
            key=lambda order: (order.updated_at, order.number),
        )
        start = _position(variables.get("after"))
        first = int(variables.get("first") or 0)
        page = matching[start : start + first]
        lines = _lines_first(document)
        nodes = [order_node(order, lines) for order in page]
        end = start + len(page)
        data = {
            "orders": {
                "nodes": nodes,
                "pageInfo": {"hasNextPage": end < len(matching), "endCursor": _cursor(end) if page else None},
            }
        }
        return data, 2 + sum(1 + min(len(order.lines), lines) for order in page)

    def _op_OrdersById(self, document: str, variables: dict[str, Any]) -> tuple[dict, int]:
        lines = _lines_first(document)
        found = [self.shop.by_gid(gid) for gid in variables.get("ids") or []]
        nodes = [order_node(order, lines) if order else None for order in found]
        return {"nodes": nodes}, 1 + sum(1 + len(order.lines) for order in found if order)

    def _op_OrderLineItems(self, document: str, variables: dict[str, Any]) -> tuple[dict, int]:
        order = self.shop.by_gid(str(variables.get("id")))
        if order is None:
            return {"order": None}, 1
        start = _position(variables.get("after"))
        return {"order": {"lineItems": _line_items(order, start, 100)}}, 1 + len(
            order.lines[start : start + 100]
        )

    def _op_FulfillmentOrders(self, document: str, variables: dict[str, Any]) -> tuple[dict, int]:
        order = self.shop.by_gid(str(variables.get("id")))
        if order is None:
            return {"order": None}, 1
        return {
            "order": {
                "id": order.gid,
                "name": order.name,
                "displayFulfillmentStatus": "FULFILLED" if order.fulfilled else "UNFULFILLED",
                "fulfillmentOrders": {
                    "nodes": [
                        {
                            "id": fo.id,
                            "status": fo.status,
                            "supportedActions": [{"action": "CREATE_FULFILLMENT"}]
                            if fo.status == "OPEN"
                            else [],
                        }
                        for fo in order.fulfillment_orders
                    ]
                },
            }
        }, 3

    def _op_FulfillmentCreate(self, document: str, variables: dict[str, Any]) -> tuple[dict, int]:
        given = variables.get("fulfillment") or {}
        fo_ids = [pair.get("fulfillmentOrderId") for pair in given.get("lineItemsByFulfillmentOrder") or []]
        tracking = given.get("trackingInfo") or {}
        try:
            made = self.shop.fulfil(
                fo_ids,
                tracking.get("company") or "",
                tracking.get("number") or "",
                bool(given.get("notifyCustomer")),
            )
        except ValueError as error:
            return {
                "fulfillmentCreate": {
                    "fulfillment": None,
                    "userErrors": [{"field": ["fulfillment"], "message": str(error)}],
                }
            }, 10
        return {
            "fulfillmentCreate": {
                "fulfillment": {
                    "id": made.id,
                    "status": "SUCCESS",
                    "trackingInfo": [{"company": made.company, "number": made.number, "url": None}],
                },
                "userErrors": [],
            }
        }, 10


def order_node(order: FakeOrder, lines_first: int) -> dict[str, Any]:
    """The order as the Admin GraphQL API's Order, with the fields Flowsheet's fragment selects."""
    money = lambda amount: {"shopMoney": {"amount": amount, "currencyCode": order.currency}}  # noqa: E731
    shipping = order.shipping
    financial = order.financial.upper()
    return {
        "id": order.gid,
        "name": order.name,
        "email": order.email,
        "createdAt": _iso(order.created_at),
        "updatedAt": _iso(order.updated_at),
        "cancelledAt": _iso(order.cancelled_at) if order.cancelled_at else None,
        "displayFinancialStatus": financial,
        "displayFulfillmentStatus": "FULFILLED"
        if order.fulfilled and not order.cancelled_at
        else "UNFULFILLED",
        "currencyCode": order.currency,
        "totalPriceSet": money(order.total),
        "subtotalPriceSet": money(order.subtotal),
        "totalShippingPriceSet": money(order.shipping_price),
        "totalTaxSet": money(order.tax),
        "customer": {"firstName": order.first_name, "lastName": order.last_name, "email": order.email},
        "shippingAddress": {
            "name": shipping["name"],
            "address1": shipping["address1"],
            "address2": shipping["address2"] or None,
            "city": shipping["city"],
            "zip": shipping["zip"],
            "province": None,
            "countryCodeV2": shipping["country_code"],
        },
        "billingAddress": {"name": f"{order.first_name} {order.last_name}"},
        "lineItems": _line_items(order, 0, lines_first),
    }


def _line_items(order: FakeOrder, start: int, first: int) -> dict[str, Any]:
    page = order.lines[start : start + first]
    end = start + len(page)
    return {
        "nodes": [
            {
                "sku": line.sku,
                "quantity": line.quantity,
                "name": line.name,
                "originalUnitPriceSet": {"shopMoney": {"amount": line.price, "currencyCode": order.currency}},
            }
            for line in page
        ],
        "pageInfo": {"hasNextPage": end < len(order.lines), "endCursor": _cursor(end) if page else None},
    }


def _lines_first(document: str) -> int:
    found = LINES_FIRST.search(document)
    return int(found.group(1)) if found else 10


def _matches(order: FakeOrder, query: str) -> bool:
    """Shopify's search syntax, as far as Flowsheet uses it: updated_at:>='…', name:'…' joined by OR."""
    terms = QUERY_TERM.findall(query)
    if not terms:
        return True
    for field, comparison, value in terms:
        value = value.replace("\\'", "'").replace("\\\\", "\\")
        if field == "name" and order.name == value:
            return True
        if field == "updated_at" and _compare(_iso(order.updated_at), comparison, value):
            return True
    return False


def _compare(left: str, comparison: str, right: str) -> bool:
    return {
        ">=": left >= right,
        ">": left > right,
        "<=": left <= right,
        "<": left < right,
        "": left == right,
    }[comparison]


def _cursor(position: int) -> str:
    return base64.b64encode(f"cursor:{position}".encode()).decode()


def _position(cursor: Any) -> int:
    if not cursor:
        return 0
    return int(base64.b64decode(str(cursor)).decode().split(":", 1)[1])
