"""What each shop last reported about each of its orders: its own ID, payment and fulfilment words.

Kept from every webhook and every pull, newest report winning, so the app can
find an order in the shop again (to fulfil it, to ask about its payment) and
say what the shop reports (the unpaid alert, the order page) without asking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .store import ChannelStore, moment, stamp


@dataclass(frozen=True)
class ShopReport:
    """One order as the shop reports it. `financial` and `fulfillment` are the shop's own words, lower case."""

    channel: str
    ref: str  # the order's reference in the Orders tab (external_ref): Shopify's name, "#1001"
    shop_id: str  # the shop's ID for the order (Shopify: gid://shopify/Order/…)
    financial: str = ""
    fulfillment: str = ""
    shop_updated_at: str = ""  # the shop's own time of this version, in UTC: 2026-03-02T15:16:00Z
    seen_at: datetime | None = None


class ShopReports:
    def __init__(self, store: ChannelStore) -> None:
        self.store = store

    def record(self, reports: Iterable[ShopReport], now: datetime) -> None:
        """Keep each report unless a newer one of the same order is kept already (a late, older delivery)."""
        with self.store.connect() as connection:
            for report in reports:
                connection.execute(
                    "INSERT INTO shop_reports (channel, ref, shop_id, financial, fulfillment, shop_updated_at, "
                    "seen_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, ref) DO UPDATE SET "
                    "shop_id = excluded.shop_id, financial = excluded.financial, "
                    "fulfillment = excluded.fulfillment, shop_updated_at = excluded.shop_updated_at, "
                    "seen_at = excluded.seen_at WHERE excluded.shop_updated_at >= shop_reports.shop_updated_at",
                    (
                        report.channel,
                        report.ref,
                        report.shop_id,
                        report.financial,
                        report.fulfillment,
                        report.shop_updated_at,
                        stamp(now),
                    ),
                )

    def of(self, channel: str, refs: Iterable[str] | None = None) -> dict[str, ShopReport]:
        """Reference -> the latest report, for `refs` (every order of the channel when None)."""
        with self.store.connect() as connection:
            rows = connection.execute(
                "SELECT ref, shop_id, financial, fulfillment, shop_updated_at, seen_at FROM shop_reports "
                "WHERE channel = ?",
                (channel,),
            ).fetchall()
        wanted = None if refs is None else set(refs)
        return {
            row[0]: ShopReport(channel, row[0], row[1], row[2], row[3], row[4], moment(row[5]))
            for row in rows
            if wanted is None or row[0] in wanted
        }
