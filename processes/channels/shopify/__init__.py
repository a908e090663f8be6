"""The Shopify connection: webhooks in, the Admin GraphQL API for the reconcile, payments and fulfilments.

    connection = ShopifyConnection(ShopifySettings.from_env(os.environ))

Modules: settings.py (the .env settings), webhooks.py (signatures and topics),
orders.py (a Shopify order as the export's rows), client.py (the GraphQL
client: budget, throttling, retries), admin.py (the questions it asks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence

from ..errors import Refused, Unreadable
from ..fulfilments import Owed
from ..inbox import PULL, Delivery, Entry
from ..protocol import Fulfilled, ShopOrder
from .admin import create_fulfillment, orders_by_id, orders_named, pages_updated_since
from .client import ShopifyClient
from .orders import OrderPointer, from_graphql, read_webhook
from .settings import ShopifySettings
from .webhooks import CHANNEL, delivery, signature

#: The topic of an order the reconcile or the payment check pulled (a GraphQL Order, as JSON).
PULLED = "graphql/order"

__all__ = ["CHANNEL", "Refused", "ShopifyConnection", "ShopifySettings", "signature"]


class ShopifyConnection:
    channel = CHANNEL
    notifies_customers = (
        True  # fulfilments are created with notifyCustomer: the shop sends its shipping email
    )

    def __init__(self, settings: ShopifySettings, client: ShopifyClient | None = None) -> None:
        self.settings = settings
        self.client = client or ShopifyClient(settings)

    @property
    def shop(self) -> str:
        return self.settings.shop

    @property
    def accepts_webhooks(self) -> bool:
        return bool(self.settings.webhook_secret)

    def delivery(self, headers: Mapping[str, str], body: bytes) -> Delivery | None:
        return delivery(self.settings.webhook_secret, self.settings.shop, headers, body)

    def read(self, entry: Entry) -> ShopOrder:
        if entry.source == PULL:
            return from_graphql(_node(entry.body))
        found = read_webhook(entry.topic, entry.body)
        if isinstance(found, OrderPointer):
            nodes = orders_by_id(self.client, [found.shop_id])
            if not nodes:
                raise Unreadable(f"the shop has no order {found.shop_id} any more")
            return from_graphql(nodes[0])
        return found

    def pull_since(self, since: str) -> Iterator[list[Delivery]]:
        for page in pages_updated_since(self.client, since):
            yield [_pulled(node) for node in page]

    def pull(self, shop_ids: Sequence[str], refs: Sequence[str]) -> list[Delivery]:
        nodes = orders_by_id(self.client, shop_ids) if shop_ids else []
        nodes += orders_named(self.client, refs) if refs else []
        return [_pulled(node) for node in nodes]

    def fulfil(self, owed: Owed) -> Fulfilled:
        return create_fulfillment(
            self.client,
            owed.shop_id,
            carrier=owed.carrier,
            tracking_no=owed.tracking_no,
            notify_customer=self.notifies_customers,
        )


def _pulled(node: Mapping) -> Delivery:
    """An order the API answered, as an inbox delivery: the same version pulled twice is one delivery."""
    version = f"pull:{node.get('id')}@{node.get('updatedAt')}"
    return Delivery(CHANNEL, version, PULLED, json.dumps(node).encode("utf-8"), PULL)


def _node(body: bytes) -> dict:
    try:
        node = json.loads(body)
    except ValueError as error:
        raise Unreadable(f"the pulled order is not JSON ({error})") from None
    if not isinstance(node, dict):
        raise Unreadable("the pulled order is not a JSON object")
    return node
