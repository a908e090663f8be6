"""A webhook from Shopify: proved by its signature, then taken as it came.

Shopify signs the raw body with the app's secret: X-Shopify-Hmac-Sha256 is the
base64 of HMAC-SHA256(secret, body). It is checked on the bytes exactly as they
arrived, before anything reads them, and compared in constant time, so
neither a forged body nor a guess at the signature gets anywhere near the
record. X-Shopify-Webhook-Id names the delivery: the same one sent again is
a duplicate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

from ..errors import Refused
from ..inbox import WEBHOOK, Delivery

CHANNEL = "shopify"
#: The topics Flowsheet subscribes to (docs/channels.md): every change to an order's payment or state.
TOPICS = ("orders/create", "orders/updated", "orders/paid", "orders/cancelled", "refunds/create")

SIGNATURE = "X-Shopify-Hmac-Sha256"
WEBHOOK_ID = "X-Shopify-Webhook-Id"
TOPIC = "X-Shopify-Topic"
SHOP_DOMAIN = "X-Shopify-Shop-Domain"


def signature(secret: str, body: bytes) -> str:
    """What Shopify sends in X-Shopify-Hmac-Sha256 for `body`."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def delivery(secret: str, shop: str, headers: Mapping[str, str], body: bytes) -> Delivery | None:
    """The delivery these headers and body make; None for a topic Flowsheet does not take (answered, not kept).

    Refused for a missing or wrong signature, a delivery without its ID, or another shop's.
    `headers` is looked up case-insensitively, as HTTP headers are.
    """
    given = _header(headers, SIGNATURE)
    if not given or not hmac.compare_digest(
        given.encode("ascii", "replace"), signature(secret, body).encode()
    ):
        raise Refused("the X-Shopify-Hmac-Sha256 signature is missing or does not match the body")
    domain = _header(headers, SHOP_DOMAIN).lower()
    if domain and domain != shop:
        raise Refused(f"the webhook is from {domain}, not from {shop}")
    webhook_id = _header(headers, WEBHOOK_ID)
    if not webhook_id:
        raise Refused("the webhook has no X-Shopify-Webhook-Id")
    topic = _header(headers, TOPIC).lower()
    if topic not in TOPICS:
        return None
    return Delivery(CHANNEL, webhook_id, topic, body, WEBHOOK)


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return (value or "").strip()
    return ""
