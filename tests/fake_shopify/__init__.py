"""A fake Shopify for Flowsheet's tests: a shop whose changes send real, signed webhooks, and its Admin
GraphQL API on a local port (paged, priced, throttled, and failing when told to). No test reaches the
internet. See server.py for the control panel, shop.py for what customers and the merchant can do.
"""

from .server import SECRET, TOKEN, FakeShopify
from .shop import SHOP_DOMAIN, FakeOrder, FakeShop, Webhook

__all__ = ["SECRET", "SHOP_DOMAIN", "TOKEN", "FakeOrder", "FakeShop", "FakeShopify", "Webhook"]
