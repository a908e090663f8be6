"""What a shop connection does for Flowsheet: the part each channel module fills in.

The inbox, the rounds that apply it, the reconcile, the payment check and the
fulfilment queue are the same for every channel (processes/channels/*.py).
A channel module (processes/channels/shopify/) only says how its shop talks:
how a webhook is proved and named, how its order reads as the export's rows,
how to ask it for orders, and how to fulfil one there. WooCommerce or a
marketplace would be one more such module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .fulfilments import Owed
from .inbox import Delivery, Entry
from .reports import ShopReport


@dataclass(frozen=True)
class ShopOrder:
    """One order as a shop reports it: the rows of Shopify's orders export, which the import reads, and the
    report to keep (the shop's ID for it, its payment and fulfilment words)."""

    rows: list[dict[str, str]]
    report: ShopReport

    @property
    def ref(self) -> str:
        return self.report.ref


@dataclass(frozen=True)
class Fulfilled:
    """What a fulfilment request came to: the shop's fulfilment, or that there was nothing left to fulfil."""

    shop_fulfilment: str  # the fulfilment's ID, or "" when the shop had fulfilled it already
    already: bool = False


class Connection(Protocol):
    #: The Orders tab's channel value for its orders ("shopify"); also the Audit's user for their changes.
    channel: str
    #: Whether the shop tells the customer when it is told an order shipped (so Flowsheet sends no message).
    notifies_customers: bool

    @property
    def shop(self) -> str:
        """The shop's address, as the Channels page names it (example.myshopify.com)."""

    @property
    def accepts_webhooks(self) -> bool:
        """Whether webhooks can be proved (a secret is configured)."""

    def delivery(self, headers: Mapping[str, str], body: bytes) -> Delivery | None:
        """The delivery a webhook makes, or None for a topic not taken; raises Refused when not proved."""

    def read(self, entry: Entry) -> ShopOrder:
        """The order an inbox entry reports (fetched from the shop if the entry only names it).

        Raises Unreadable (kept with why) or ShopError (tried again later).
        """

    def pull_since(self, since: str) -> Iterator[list[Delivery]]:
        """Every order changed in the shop at or after `since` (UTC, ISO 8601), as deliveries for the inbox,
        a page of the shop's answers at a time (each is kept before the next is asked for)."""

    def pull(self, shop_ids: Sequence[str], refs: Sequence[str]) -> list[Delivery]:
        """These orders as the shop has them now (by the shop's IDs, or by reference when the ID is unknown)."""

    def fulfil(self, owed: Owed) -> Fulfilled:
        """Fulfil the order in the shop with its carrier and tracking number; ShopError when it cannot be."""
