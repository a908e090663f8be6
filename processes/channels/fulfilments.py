"""Fulfilments owed to a shop: an order shipped in Flowsheet is fulfilled in the shop, with its tracking number.

    queue.owe(shipped_orders, reports, now)      # what the sheet says has shipped and the shop has not
    for item in queue.due("shopify", now): ...   # then done(...) or failed(...)

What is owed comes from the sheet itself (the ship step wrote the carrier and
the tracking number), so it cannot be lost between two writes: every round
compares the shipped orders of the channel with what the shop reported and
what was already sent, and owes the difference. A failure keeps the shop's
answer and is tried again later (the inbox's BACKOFF); the order page shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .inbox import backoff
from .reports import ShopReport
from .store import ChannelStore, moment, stamp

PENDING, DONE = "pending", "done"
#: The shop's fulfilment words meaning nothing is left to fulfil there.
FULFILLED_IN_SHOP = frozenset({"fulfilled"})


@dataclass(frozen=True)
class Shipped:
    """An order of the channel the sheet says has shipped, as the queue needs it."""

    order_id: str
    ref: str
    carrier: str
    tracking_no: str


@dataclass(frozen=True)
class Owed:
    channel: str
    order_id: str
    ref: str
    shop_id: str
    carrier: str
    tracking_no: str
    state: str
    attempts: int
    next_try_at: datetime
    error: str
    queued_at: datetime
    done_at: datetime | None
    shop_fulfilment: str

    @property
    def done(self) -> bool:
        return self.state == DONE


_COLUMNS = (
    "channel, order_id, ref, shop_id, carrier, tracking_no, state, attempts, next_try_at, error, "
    "queued_at, done_at, shop_fulfilment"
)


def _owed(row: tuple) -> Owed:
    return Owed(*row[:8], moment(row[8]), row[9], moment(row[10]), moment(row[11]), row[12])


class FulfilmentQueue:
    def __init__(self, store: ChannelStore) -> None:
        self.store = store

    def owe(
        self, channel: str, shipped: Iterable[Shipped], reports: Mapping[str, ShopReport], now: datetime
    ) -> int:
        """Queue each shipped order the shop knows and has not fulfilled, once; how many were new.

        An order the shop never reported (entered by hand, imported before the shop was
        connected) is not the connection's to fulfil.
        """
        rows = [
            (channel, order.order_id, order.ref, report.shop_id, order.carrier, order.tracking_no, stamp(now))
            for order in shipped
            if (report := reports.get(order.ref)) is not None and report.fulfillment not in FULFILLED_IN_SHOP
        ]
        with self.store.connect() as connection:
            before = connection.total_changes
            connection.executemany(
                "INSERT OR IGNORE INTO fulfilments (channel, order_id, ref, shop_id, carrier, tracking_no, "
                "next_try_at, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?7)",
                rows,
            )
            return connection.total_changes - before

    def due(self, channel: str, now: datetime) -> list[Owed]:
        with self.store.connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM fulfilments WHERE channel = ? AND state = ? AND next_try_at <= ? "
                "ORDER BY queued_at",
                (channel, PENDING, stamp(now)),
            ).fetchall()
        return [_owed(row) for row in rows]

    def done(self, owed: Owed, shop_fulfilment: str, now: datetime) -> None:
        with self.store.connect() as connection:
            connection.execute(
                "UPDATE fulfilments SET state = ?, done_at = ?, error = '', attempts = attempts + 1, "
                "shop_fulfilment = ? WHERE channel = ? AND order_id = ?",
                (DONE, stamp(now), shop_fulfilment, owed.channel, owed.order_id),
            )

    def failed(self, owed: Owed, error: str, now: datetime) -> None:
        attempts = owed.attempts + 1
        with self.store.connect() as connection:
            connection.execute(
                "UPDATE fulfilments SET attempts = ?, error = ?, next_try_at = ? WHERE channel = ? AND order_id = ?",
                (attempts, error, stamp(now + backoff(attempts)), owed.channel, owed.order_id),
            )

    def retry_now(self, channel: str, now: datetime) -> int:
        with self.store.connect() as connection:
            return connection.execute(
                "UPDATE fulfilments SET next_try_at = ? WHERE channel = ? AND state = ?",
                (stamp(now), channel, PENDING),
            ).rowcount

    def of(self, channel: str, order_id: str) -> Owed | None:
        with self.store.connect() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM fulfilments WHERE channel = ? AND order_id = ?", (channel, order_id)
            ).fetchone()
        return _owed(row) if row else None

    def waiting(self, channel: str) -> list[Owed]:
        """Fulfilments not done yet, oldest first: what the Channels page lists."""
        with self.store.connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM fulfilments WHERE channel = ? AND state = ? ORDER BY queued_at",
                (channel, PENDING),
            ).fetchall()
        return [_owed(row) for row in rows]
