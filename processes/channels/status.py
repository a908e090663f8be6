"""The shop connections at a glance, for the Channels page and for an order's page.

    connection_status(by=manager)          # each connection: webhooks, syncs, the inbox, fulfilments, errors
    order_in_shop(order)                   # what its shop says about one order, and its fulfilment there
    sync_now("shopify", by=manager); try_again_now("shopify", by=manager)

Read from the connections' own file (processes/channels/store.py): no request
to the sheet or to the shop. Managers look after the connections; anyone
working on an order sees what its shop says about it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from i18n import _
from processes.errors import ProcessError
from processes.permissions import Actor, Permission, require
from sheets.table import Record

from . import connection, connections, delivered, refusals, store
from .fulfilments import FulfilmentQueue, Owed
from .inbox import Backlog, Entry, Inbox
from .refusals import Refusals
from .reports import ShopReport, ShopReports
from .store import moment
from .sync import (
    LAST_SYNC,
    LAST_SYNC_AT,
    LAST_SYNC_ERROR,
    LAST_SYNC_FIGURES,
    SYNCED_UNTIL,
    ask_for_sync,
    sync_asked,
)

#: The channels' names as people read them.
CHANNEL_NAMES = {"shopify": "Shopify"}


@dataclass(frozen=True)
class ConnectionStatus:
    channel: str
    name: str  # "Shopify"
    shop: str  # the shop's domain
    takes_webhooks: bool
    backlog: Backlog
    troubled: list[Entry]  # deliveries waiting with a problem, oldest first
    fulfilments: list[Owed]  # fulfilments not done yet, oldest first
    refused: Refusals
    last_sync_at: datetime | None
    last_sync: str
    last_sync_figures: dict[str, int]  # SyncReport.figures() of the last sync ({} before the first)
    last_sync_error: str
    synced_until: str
    sync_asked: bool


@dataclass(frozen=True)
class OrderInShop:
    """One order as its shop reports it, and what became of its fulfilment there."""

    name: str  # the channel as people read it
    report: ShopReport | None
    fulfilment: Owed | None


def connection_status(*, by: Actor) -> list[ConnectionStatus]:
    """Every connection in use, as the Channels page shows it (managers only)."""
    require(by, Permission.MANAGE_CHANNELS)
    kept = store()
    if kept is None:
        return []
    inbox, queue = Inbox(kept), FulfilmentQueue(kept)
    found = []
    for shop in connections():
        facts = kept.recall(shop.channel)
        found.append(
            ConnectionStatus(
                channel=shop.channel,
                name=CHANNEL_NAMES.get(shop.channel, shop.channel),
                shop=shop.shop,
                takes_webhooks=shop.accepts_webhooks,
                backlog=inbox.backlog(shop.channel),
                troubled=inbox.troubled(shop.channel),
                fulfilments=queue.waiting(shop.channel),
                refused=refusals.refusals(shop.channel),
                last_sync_at=moment(facts.get(LAST_SYNC_AT)),
                last_sync=facts.get(LAST_SYNC, ""),
                last_sync_figures=_figures(facts.get(LAST_SYNC_FIGURES, "")),
                last_sync_error=facts.get(LAST_SYNC_ERROR, ""),
                synced_until=facts.get(SYNCED_UNTIL, ""),
                sync_asked=sync_asked(kept, shop.channel),
            )
        )
    return found


def _figures(kept: str) -> dict[str, int]:
    try:
        figures = json.loads(kept) if kept else {}
    except ValueError:
        return {}
    return figures if isinstance(figures, dict) else {}


def order_in_shop(order: Record) -> OrderInShop | None:
    """What the shop of the order's channel says about it; None when that channel is not connected."""
    kept = store()
    if kept is None or connection(order.channel or "") is None or not order.external_ref:
        return None
    report = ShopReports(kept).of(order.channel, [order.external_ref]).get(order.external_ref)
    return OrderInShop(
        CHANNEL_NAMES.get(order.channel, order.channel),
        report,
        FulfilmentQueue(kept).of(order.channel, order.order_id),
    )


def sync_now(channel: str, *, by: Actor, now: datetime) -> bool:
    """Ask for a reconcile now: the runner that applies the inbox does it at once (or at its next look)."""
    require(by, Permission.MANAGE_CHANNELS)
    ask_for_sync(_store_of(channel), channel, now)
    delivered()
    return True


def try_again_now(channel: str, *, by: Actor, now: datetime) -> int:
    """Every waiting delivery and fulfilment of `channel` is due at once (a person fixed what stopped them)."""
    require(by, Permission.MANAGE_CHANNELS)
    kept = _store_of(channel)
    count = Inbox(kept).retry_now(channel, now) + FulfilmentQueue(kept).retry_now(channel, now)
    delivered()
    return count


def _store_of(channel: str):
    kept = store()
    if kept is None or connection(channel) is None:
        raise ProcessError(_("{channel} is not connected.", channel=CHANNEL_NAMES.get(channel, channel)))
    return kept
