"""What Flowsheet asks Shopify's Admin GraphQL API, each question one function over the client.

    for node in orders_updated_since(client, "2026-03-02T15:15:00Z"): ...   # paged, oldest change first
    orders_by_id(client, ["gid://shopify/Order/1"])                           # the payment check, a refund
    create_fulfillment(client, "gid://shopify/Order/1", carrier="DHL", tracking_no="JD01")

Each order comes with the fields the export has (so the import's rules read
it) and its line items in full: an order with more than a page of them has
the rest fetched before it is handed on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import ShopRefused
from ..protocol import Fulfilled
from .client import ShopifyClient

#: Orders per page and line items per order in a page: kept so a page costs well under the 1,000-point ceiling.
ORDERS_PER_PAGE = 20
LINES_PER_PAGE = 30
#: What a page of orders is expected to cost at most (the client waits for the budget first).
ORDERS_PAGE_COST = ORDERS_PER_PAGE * (LINES_PER_PAGE + 5) + 2
#: Orders asked for by ID at once (the payment check).
IDS_PER_QUERY = 20

ORDER_FIELDS = f"""
fragment OrderFields on Order {{
  id name email createdAt updatedAt cancelledAt
  displayFinancialStatus displayFulfillmentStatus currencyCode
  totalPriceSet {{ shopMoney {{ amount currencyCode }} }}
  subtotalPriceSet {{ shopMoney {{ amount }} }}
  totalShippingPriceSet {{ shopMoney {{ amount }} }}
  totalTaxSet {{ shopMoney {{ amount }} }}
  customer {{ firstName lastName email }}
  shippingAddress {{ name address1 address2 city zip province countryCodeV2 }}
  billingAddress {{ name }}
  lineItems(first: {LINES_PER_PAGE}) {{
    nodes {{ sku quantity name originalUnitPriceSet {{ shopMoney {{ amount }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""


def _orders_query(operation: str) -> str:
    """A search of the orders (Shopify's query syntax), paged, oldest change first."""
    return (
        f"""
query {operation}($first: Int!, $after: String, $query: String!) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{ ...OrderFields }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
        + ORDER_FIELDS
    )


ORDERS_UPDATED_SINCE = _orders_query("OrdersUpdatedSince")
ORDERS_NAMED = _orders_query("OrdersNamed")

ORDERS_BY_ID = (
    """
query OrdersById($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Order { ...OrderFields } }
}
"""
    + ORDER_FIELDS
)

ORDER_LINE_ITEMS = """
query OrderLineItems($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) {
      nodes { sku quantity name originalUnitPriceSet { shopMoney { amount } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

FULFILLMENT_ORDERS = """
query FulfillmentOrders($id: ID!) {
  order(id: $id) {
    id name displayFulfillmentStatus
    fulfillmentOrders(first: 20) { nodes { id status supportedActions { action } } }
  }
}
"""

FULFILLMENT_CREATE = """
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { company number url } }
    userErrors { field message }
  }
}
"""


def pages_updated_since(client: ShopifyClient, since: str) -> Iterator[list[dict[str, Any]]]:
    """Every order changed at or after `since` (UTC, ISO 8601), a page at a time, each with all its lines."""
    after = None
    while True:
        data = client.query(
            ORDERS_UPDATED_SINCE,
            {"first": ORDERS_PER_PAGE, "after": after, "query": f"updated_at:>='{since}'"},
            cost=ORDERS_PAGE_COST,
        )
        connection = data.get("orders") or {}
        yield [_with_all_lines(client, node) for node in connection.get("nodes") or []]
        page = connection.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return
        after = page.get("endCursor")


def orders_updated_since(client: ShopifyClient, since: str) -> Iterator[dict[str, Any]]:
    """The orders of pages_updated_since, one by one."""
    for page in pages_updated_since(client, since):
        yield from page


def orders_by_id(client: ShopifyClient, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The orders with these shop IDs that the shop still has (a deleted one is left out)."""
    found = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = list(ids[start : start + IDS_PER_QUERY])
        data = client.query(ORDERS_BY_ID, {"ids": chunk}, cost=len(chunk) * (LINES_PER_PAGE + 5))
        found += [_with_all_lines(client, node) for node in data.get("nodes") or [] if node]
    return found


def orders_named(client: ShopifyClient, names: Sequence[str]) -> list[dict[str, Any]]:
    """The orders with these names (#1001 ...): for orders the connection has not seen yet."""
    found = []
    for start in range(0, len(names), IDS_PER_QUERY):
        chunk = names[start : start + IDS_PER_QUERY]
        query = " OR ".join(f"name:'{_quoted(name)}'" for name in chunk)
        data = client.query(
            ORDERS_NAMED,
            {"first": len(chunk), "after": None, "query": query},
            cost=len(chunk) * (LINES_PER_PAGE + 5) + 2,
        )
        found += [_with_all_lines(client, node) for node in (data.get("orders") or {}).get("nodes") or []]
    return found


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _with_all_lines(client: ShopifyClient, node: dict[str, Any]) -> dict[str, Any]:
    lines = node.get("lineItems") or {}
    page = lines.get("pageInfo") or {}
    if not page.get("hasNextPage"):
        return node
    items = list(lines.get("nodes") or [])
    after = page.get("endCursor")
    while after:
        data = client.query(ORDER_LINE_ITEMS, {"id": node["id"], "after": after}, cost=105)
        more = ((data.get("order") or {}).get("lineItems")) or {}
        items += more.get("nodes") or []
        more_page = more.get("pageInfo") or {}
        after = more_page.get("endCursor") if more_page.get("hasNextPage") else None
    return {**node, "lineItems": {"nodes": items, "pageInfo": {"hasNextPage": False}}}


def create_fulfillment(
    client: ShopifyClient, shop_id: str, *, carrier: str, tracking_no: str, notify_customer: bool = True
) -> Fulfilled:
    """Fulfil every open fulfillment order of the order with the carrier and tracking number.

    Safe to ask again: an order whose fulfillment orders are all closed (an earlier
    request went through but its answer was lost) is reported as fulfilled already.
    ShopRefused with Shopify's own words when it will not.
    """
    data = client.query(FULFILLMENT_ORDERS, {"id": shop_id}, cost=25)
    order = data.get("order")
    if not order:
        raise ShopRefused(f"the shop has no order {shop_id} (was it deleted?)")
    open_ones = [
        fo["id"]
        for fo in (order.get("fulfillmentOrders") or {}).get("nodes") or []
        if "CREATE_FULFILLMENT" in {action.get("action") for action in fo.get("supportedActions") or []}
    ]
    if not open_ones:
        if str(order.get("displayFulfillmentStatus") or "").upper() == "FULFILLED":
            return Fulfilled("", already=True)
        raise ShopRefused(
            f"the shop has nothing of {order.get('name') or shop_id} left to fulfil "
            f"(its fulfilment status is {order.get('displayFulfillmentStatus')})"
        )
    fulfillment = {
        "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo_id} for fo_id in open_ones],
        "trackingInfo": {"company": carrier, "number": tracking_no},
        "notifyCustomer": notify_customer,
    }
    answer = (
        client.query(FULFILLMENT_CREATE, {"fulfillment": fulfillment}, cost=10).get("fulfillmentCreate") or {}
    )
    problems = [error.get("message", str(error)) for error in answer.get("userErrors") or []]
    if problems:
        raise ShopRefused("Shopify refused the fulfilment: " + "; ".join(problems))
    return Fulfilled((answer.get("fulfillment") or {}).get("id") or "")
