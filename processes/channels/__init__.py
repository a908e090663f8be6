"""Orders and payments that arrive by themselves, and tracking numbers that go back: the shop connections.

    channels.use(ChannelStore(data_dir), ShopifyConnection(settings))   # the entry point, once
    channels.connection("shopify")                                       # None: not connected

A shop pushes webhooks (api/webhooks.py) into the inbox, a durable SQLite file
in the data folder (inbox.py), answered at once; the jobs apply the inbox to
the record (applying.py) through the import's own path, pull what webhooks
missed and refresh unpaid orders (sync.py), and fulfil in the shop what
shipped here (fulfilling.py). What each channel does differently is one
module (shopify/); protocol.py says what such a module provides.

Without a connection (no FLOWSHEET_SHOPIFY_* set) nothing here runs and the
app behaves as it did before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .reports import ShopReport, ShopReports
from .store import ChannelStore

if TYPE_CHECKING:
    from .protocol import Connection

_store: ChannelStore | None = None
_connections: dict[str, Connection] = {}
_listeners: list[Callable[[], object]] = []
_lock = threading.Lock()


def use(store: ChannelStore | None, *connections: Connection) -> None:
    """The connections the app runs with (none: the app runs without any), and their file."""
    global _store
    with _lock:
        _store = store
        _connections.clear()
        _connections.update({connection.channel: connection for connection in connections})


def store() -> ChannelStore | None:
    return _store


def connection(channel: str) -> Connection | None:
    return _connections.get(channel)


def connections() -> tuple[Connection, ...]:
    return tuple(_connections.values())


def notifies_customers(channel: str | None) -> bool:
    """Whether the shop of `channel` tells its customers itself when their order ships."""
    found = _connections.get(channel or "")
    return found is not None and found.notifies_customers


def shop_reports() -> dict[tuple[str, str], ShopReport]:
    """(channel, order reference) -> what its shop last reported about it, for every connected channel."""
    if _store is None or not _connections:
        return {}
    reports = ShopReports(_store)
    return {(channel, ref): report for channel in _connections for ref, report in reports.of(channel).items()}


def when_delivered(listener: Callable[[], object]) -> None:
    """Call `listener` whenever a delivery has been kept in the inbox (the runner wakes to apply it)."""
    with _lock:
        _listeners.append(listener)


def stop_listening(listener: Callable[[], object]) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def delivered() -> None:
    """A delivery has been kept: wake whoever applies the inbox."""
    for listener in list(_listeners):
        listener()
