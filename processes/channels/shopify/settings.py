"""How to reach the Shopify shop: FLOWSHEET_SHOPIFY_SHOP, _TOKEN, _WEBHOOK_SECRET and _API_URL.

None set: there is no connection, and the app runs as it always has. The shop
and the token are what the reconcile, the payment check and the fulfilments
need; the webhook secret is what lets the shop push orders. Half a
configuration is refused with the one sentence that says what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: The Admin API version Flowsheet speaks (Shopify supports each for a year; see docs/channels.md).
API_VERSION = "2026-04"


@dataclass(frozen=True)
class ShopifySettings:
    shop: str = ""  # the shop's own domain: example.myshopify.com
    token: str = field(default="", repr=False)  # the Admin API access token of the shop's custom app
    webhook_secret: str = field(default="", repr=False)  # the secret that signs the shop's webhooks
    api_url: str = ""  # where the Admin API answers; https://<shop> unless another is given (tests)
    api_version: str = API_VERSION
    timeout: float = 30.0

    @property
    def configured(self) -> bool:
        return bool(self.shop and self.token)

    @property
    def graphql_url(self) -> str:
        base = (self.api_url or f"https://{self.shop}").rstrip("/")
        return f"{base}/admin/api/{self.api_version}/graphql.json"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ShopifySettings:
        """The settings in `env`; ValueError naming what is missing or wrong."""
        shop = _domain(env.get("FLOWSHEET_SHOPIFY_SHOP", ""))
        token = env.get("FLOWSHEET_SHOPIFY_TOKEN", "").strip()
        secret = env.get("FLOWSHEET_SHOPIFY_WEBHOOK_SECRET", "").strip()
        api_url = env.get("FLOWSHEET_SHOPIFY_API_URL", "").strip()
        if not (shop or token or secret or api_url):
            return cls()
        if not shop:
            raise ValueError(
                "FLOWSHEET_SHOPIFY_SHOP is not set: give the shop's domain (example.myshopify.com)."
            )
        if "/" in shop or "." not in shop:
            raise ValueError(
                f"FLOWSHEET_SHOPIFY_SHOP is {shop!r}: give the shop's domain, like example.myshopify.com."
            )
        if not token:
            raise ValueError(
                "FLOWSHEET_SHOPIFY_TOKEN is not set: give the Admin API access token of the shop's app."
            )
        if api_url and not api_url.startswith(("https://", "http://")):
            raise ValueError(f"FLOWSHEET_SHOPIFY_API_URL is {api_url!r}: give an address (https://…).")
        return cls(shop=shop, token=token, webhook_secret=secret, api_url=api_url)


def _domain(text: str) -> str:
    """The shop's domain as people paste it: with or without https:// and a trailing slash."""
    domain = text.strip().lower()
    for prefix in ("https://", "http://"):
        domain = domain.removeprefix(prefix)
    return domain.rstrip("/")
