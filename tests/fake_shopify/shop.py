"""The fake shop's state: its orders, their fulfillment orders and fulfilments, and the webhooks each change sends.

Every change a customer or the merchant makes returns the webhooks Shopify
would send for it (orders/create, orders/paid, ...); the test decides what
to do with them: deliver them, twice, in another order, or not at all.
Times are the shop's own clock, which moves one second per change, so every
version of an order has its own `updated_at`.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
SHOP_DOMAIN = "flowsheet-test.myshopify.com"
#: The shop's time zone: webhooks write times with its offset.
SHOP_ZONE = timezone(timedelta(hours=-5))


@dataclass
class FakeLine:
    sku: str | None
    quantity: int
    name: str
    price: str


@dataclass
class FulfillmentOrder:
    id: str
    status: str = "OPEN"  # OPEN, CLOSED


@dataclass
class Fulfillment:
    id: str
    company: str
    number: str
    notify_customer: bool
    fulfillment_order_ids: list[str]


@dataclass
class FakeOrder:
    number: int
    name: str
    email: str
    first_name: str
    last_name: str
    shipping: dict[str, str]
    lines: list[FakeLine]
    currency: str
    subtotal: str
    shipping_price: str
    tax: str
    total: str
    created_at: datetime
    updated_at: datetime
    financial: str = "pending"  # the REST payload's word; the API says it upper case
    cancelled_at: datetime | None = None
    fulfillment_orders: list[FulfillmentOrder] = field(default_factory=list)
    fulfillments: list[Fulfillment] = field(default_factory=list)

    @property
    def gid(self) -> str:
        return f"gid://shopify/Order/{self.number}"

    @property
    def fulfilled(self) -> bool:
        return bool(self.fulfillment_orders) and all(fo.status == "CLOSED" for fo in self.fulfillment_orders)


@dataclass(frozen=True)
class Webhook:
    """One webhook as the shop would send it: its topic, its payload and its own delivery ID."""

    topic: str
    payload: dict[str, Any]
    webhook_id: str


class FakeShop:
    def __init__(self, domain: str = SHOP_DOMAIN) -> None:
        self.domain = domain
        self.orders: dict[str, FakeOrder] = {}  # by name
        self.lock = threading.RLock()
        self._now = START
        self._numbers = itertools.count(820982911946154500)
        self._names = itertools.count(1001)
        self._ids = itertools.count(1)

    def tick(self) -> datetime:
        self._now += timedelta(seconds=1)
        return self._now

    # what customers and the merchant do -------------------------------------------

    def place_order(
        self,
        lines: list[tuple[str | None, int, str]],
        *,
        email: str = "olivia@example.com",
        first_name: str = "Olivia",
        last_name: str = "Hart",
        shipping_name: str | None = None,
        address: tuple[str, str, str, str] = ("12 Maple Street", "12345", "Riverton", "DE"),
        paid: bool = False,
        currency: str = "EUR",
        shipping_price: str = "4.90",
        tax: str = "0.00",
    ) -> tuple[FakeOrder, list[Webhook]]:
        """A customer checks out `lines` (sku, quantity, unit price); the webhooks it sends."""
        with self.lock:
            now = self.tick()
            subtotal = sum(float(price) * qty for _sku, qty, price in lines)
            order = FakeOrder(
                number=next(self._numbers),
                name=f"#{next(self._names)}",
                email=email,
                first_name=first_name,
                last_name=last_name,
                shipping={
                    "name": shipping_name if shipping_name is not None else f"{first_name} {last_name}",
                    "address1": address[0],
                    "address2": "",
                    "zip": address[1],
                    "city": address[2],
                    "country_code": address[3],
                },
                lines=[FakeLine(sku, qty, f"Item {sku}", price) for sku, qty, price in lines],
                currency=currency,
                subtotal=f"{subtotal:.2f}",
                shipping_price=shipping_price,
                tax=tax,
                total=f"{subtotal + float(shipping_price) + float(tax):.2f}",
                created_at=now,
                updated_at=now,
                financial="paid" if paid else "pending",
                fulfillment_orders=[FulfillmentOrder(f"gid://shopify/FulfillmentOrder/{next(self._ids)}")],
            )
            self.orders[order.name] = order
            hooks = [self._webhook("orders/create", order)]
            if paid:
                hooks.append(self._webhook("orders/paid", order))
            return order, hooks

    def pay(self, name: str) -> list[Webhook]:
        """The payment is captured."""
        with self.lock:
            order = self._changed(name)
            order.financial = "paid"
            return [self._webhook("orders/paid", order), self._webhook("orders/updated", order)]

    def authorize(self, name: str) -> list[Webhook]:
        with self.lock:
            order = self._changed(name)
            order.financial = "authorized"
            return [self._webhook("orders/updated", order)]

    def refund(self, name: str) -> list[Webhook]:
        """The whole order is refunded (Shopify sends the refund, which carries no order, and an update)."""
        with self.lock:
            order = self._changed(name)
            order.financial = "refunded"
            refund = {"id": next(self._ids), "order_id": order.number, "created_at": _iso(order.updated_at)}
            return [
                Webhook("refunds/create", refund, self._webhook_id()),
                self._webhook("orders/updated", order),
            ]

    def cancel(self, name: str, *, refund: bool = True) -> list[Webhook]:
        with self.lock:
            order = self._changed(name)
            order.cancelled_at = order.updated_at
            if refund:
                order.financial = "refunded" if order.financial == "paid" else "voided"
            for fo in order.fulfillment_orders:
                fo.status = "CLOSED"
            return [self._webhook("orders/cancelled", order), self._webhook("orders/updated", order)]

    def edit_quietly(self, name: str, **changes: Any) -> None:
        """A change that sends no webhook (a dropped delivery, as far as Flowsheet can tell)."""
        with self.lock:
            order = self._changed(name)
            for key, value in changes.items():
                setattr(order, key, value)

    def _changed(self, name: str) -> FakeOrder:
        order = self.orders[name]
        order.updated_at = self.tick()
        return order

    # the API's side ------------------------------------------------------------------

    def fulfil(self, fo_ids: list[str], company: str, number: str, notify: bool) -> Fulfillment:
        """fulfillmentCreate: close the fulfillment orders; ValueError with Shopify's words if one cannot be."""
        with self.lock:
            owners = {fo.id: order for order in self.orders.values() for fo in order.fulfillment_orders}
            for fo_id in fo_ids:
                if fo_id not in owners:
                    raise ValueError(f"Fulfillment order {fo_id} does not exist.")
                fo = next(fo for fo in owners[fo_id].fulfillment_orders if fo.id == fo_id)
                if fo.status != "OPEN":
                    raise ValueError(f"Fulfillment order {fo_id} has an unfulfillable status= closed.")
            order = owners[fo_ids[0]]
            for fo in order.fulfillment_orders:
                if fo.id in fo_ids:
                    fo.status = "CLOSED"
            made = Fulfillment(
                f"gid://shopify/Fulfillment/{next(self._ids)}", company, number, notify, fo_ids
            )
            order.fulfillments.append(made)
            order.updated_at = self.tick()
            return made

    def by_gid(self, gid: str) -> FakeOrder | None:
        return next((order for order in self.orders.values() if order.gid == gid), None)

    # payloads --------------------------------------------------------------------

    def _webhook(self, topic: str, order: FakeOrder) -> Webhook:
        return Webhook(topic, rest_payload(order), self._webhook_id())

    def _webhook_id(self) -> str:
        return f"b54557e4-bdd9-4b37-8a5f-{next(self._ids):012d}"


def rest_payload(order: FakeOrder) -> dict[str, Any]:
    """The order as a webhook carries it (the REST Admin API's order resource)."""
    return {
        "id": order.number,
        "admin_graphql_api_id": order.gid,
        "name": order.name,
        "order_number": int(order.name.lstrip("#")),
        "email": order.email,
        "contact_email": order.email,
        "created_at": _iso(order.created_at, local=True),
        "updated_at": _iso(order.updated_at, local=True),
        "processed_at": _iso(order.created_at, local=True),
        "cancelled_at": _iso(order.cancelled_at, local=True) if order.cancelled_at else None,
        "cancel_reason": "customer" if order.cancelled_at else None,
        "financial_status": order.financial,
        "fulfillment_status": "fulfilled" if order.fulfilled and not order.cancelled_at else None,
        "currency": order.currency,
        "presentment_currency": order.currency,
        "subtotal_price": order.subtotal,
        "total_tax": order.tax,
        "total_price": order.total,
        "total_shipping_price_set": {
            "shop_money": {"amount": order.shipping_price, "currency_code": order.currency},
            "presentment_money": {"amount": order.shipping_price, "currency_code": order.currency},
        },
        "customer": {
            "id": 115310627314723954,
            "email": order.email,
            "first_name": order.first_name,
            "last_name": order.last_name,
        },
        "billing_address": {"name": f"{order.first_name} {order.last_name}"},
        "shipping_address": {**order.shipping, "country": order.shipping["country_code"], "province": None},
        "line_items": [
            {
                "id": 466157049 + index,
                "sku": line.sku,
                "quantity": line.quantity,
                "name": line.name,
                "title": line.name,
                "price": line.price,
                "price_set": {"shop_money": {"amount": line.price, "currency_code": order.currency}},
            }
            for index, line in enumerate(order.lines)
        ],
        "refunds": [],
    }


def _iso(moment: datetime, *, local: bool = False) -> str:
    """As Shopify writes times: the shop's offset in webhooks (2026-03-02T04:00:01-05:00), Z in the GraphQL API."""
    if local:
        return moment.astimezone(SHOP_ZONE).isoformat()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
