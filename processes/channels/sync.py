"""The reconcile and the payment check: what webhooks missed, pulled from the shop into the inbox.

    report = sync(workbook, connection, store, now)        # scheduled, or `python app.py channels sync shopify`

The reconcile asks the shop for every order changed since the last sync
(from a little before it: clocks differ, and the shop's search may lag), page by
page, and keeps each in the inbox like a webhook; the same version of an
order pulled twice is one delivery. The last sync moves on only once every
page has been kept, so a sync cut short starts from the same point again.
The first sync looks back FIRST_SYNC_DAYS.

The payment check then asks the shop about every open order of the channel
still unpaid in the sheet, so a payment the shop took is confirmed here
without anybody looking; what the shop says is kept for the unpaid alert.
Both end with a round that applies the inbox.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from i18n import _
from processes.errors import ProcessError
from processes.orders.procedure import OPEN_STATES, ORDER, PAYMENT_PENDING
from sheets.errors import SheetError
from sheets.tabs import ORDERS
from sheets.workbook import Workbook

from .applying import ApplyReport, apply_inbox
from .errors import ShopError
from .inbox import Inbox
from .protocol import Connection
from .reports import ShopReports
from .store import ChannelStore, stamp

log = logging.getLogger(__name__)

FIRST_SYNC_DAYS = 7
#: How far before the last sync the next one starts.
OVERLAP = timedelta(minutes=10)
#: The facts each channel keeps in the store about its syncs.
SYNCED_UNTIL, LAST_SYNC_AT, LAST_SYNC, LAST_SYNC_FIGURES, LAST_SYNC_ERROR, SYNC_ASKED = (
    "synced_until",
    "last_sync_at",
    "last_sync",  # what it did, in a sentence for the log and the command line
    "last_sync_figures",  # the same as numbers (JSON), for the Channels page to say in its language
    "last_sync_error",
    "sync_asked_at",
)


@dataclass
class SyncReport:
    channel: str
    since: str = ""
    pulled: int = 0  # orders the shop reported changed
    new: int = 0  # of those, versions not in the inbox yet
    unpaid_checked: int = 0
    error: str = ""
    applied: ApplyReport | None = None

    @property
    def ok(self) -> bool:
        return not self.error and (self.applied is None or not self.applied.error)

    def figures(self) -> dict[str, int]:
        """What it did, counted: orders pulled, new to the inbox, unpaid checked; deliveries applied, orders added."""
        applied = self.applied
        return {
            "pulled": self.pulled,
            "new": self.new,
            "unpaid": self.unpaid_checked,
            "applied": applied.applied if applied else 0,
            "added": len(applied.added) if applied else 0,
        }

    def __str__(self) -> str:
        said = (
            f"{self.channel}: {self.pulled} order(s) changed since {self.since} ({self.new} new to the inbox), "
            f"{self.unpaid_checked} unpaid order(s) checked"
        )
        said += f"; failed: {self.error}" if self.error else ""
        return said + (f"; {self.applied}" if self.applied else "")


def sync(
    workbook: Workbook,
    connection: Connection,
    store: ChannelStore,
    now: datetime,
    *,
    since: str | None = None,
    utc_now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SyncReport:
    """Pull what changed and refresh unpaid orders, then apply the inbox; never raises for the shop or Google.

    `since` (UTC, ISO 8601) overrides where the pull starts (a backfill); `now` is the workbook's time.
    """
    channel = connection.channel
    started = utc_now()
    kept = store.recall(channel)
    report = SyncReport(
        channel, since=since or kept.get(SYNCED_UNTIL) or _iso(started - timedelta(FIRST_SYNC_DAYS))
    )
    inbox = Inbox(store)
    try:
        for page in connection.pull_since(report.since):
            report.pulled += len(page)
            report.new += inbox.receive_all(page, now=now)
        report.unpaid_checked, new = check_payments(workbook, connection, store, now)
        report.new += new
    except (
        ShopError,
        SheetError,
    ) as error:  # what was pulled is kept; the next sync starts from the same point
        log.warning("channels: the %s sync failed: %s", channel, error)
        report.error = str(error)
    report.applied = apply_inbox(workbook, connection, store, now)
    facts = {
        LAST_SYNC_AT: stamp(now),
        LAST_SYNC: str(report),
        LAST_SYNC_FIGURES: json.dumps(report.figures()),
        LAST_SYNC_ERROR: report.error,
    }
    if not report.error:
        facts[SYNCED_UNTIL] = _iso(started - OVERLAP)
    store.remember(channel, **facts)
    return report


def check_payments(
    workbook: Workbook, connection: Connection, store: ChannelStore, now: datetime
) -> tuple[int, int]:
    """Ask the shop about every open, unpaid order of the channel; (orders asked about, new deliveries)."""
    workbook.invalidate([ORDERS.name])
    refs = unpaid_refs(workbook, connection.channel)
    if not refs:
        return 0, 0
    known = ShopReports(store).of(connection.channel, refs)
    shop_ids = [known[ref].shop_id for ref in refs if ref in known]
    unknown = [ref for ref in refs if ref not in known]
    new = Inbox(store).receive_all(connection.pull(shop_ids, unknown), now=now)
    return len(refs), new


def unpaid_refs(workbook: Workbook, channel: str) -> list[str]:
    """References of the channel's open orders whose payment is still pending in the sheet."""
    columns = workbook.table(ORDERS).columns
    return [
        ref
        for order_channel, ref, status, payment in zip(
            columns["channel"],
            columns["external_ref"],
            columns["status"],
            columns["payment_status"],
            strict=True,
        )
        if order_channel == channel
        and ref
        and (status or ORDER.default_state) in OPEN_STATES
        and (payment or PAYMENT_PENDING) == PAYMENT_PENDING
    ]


def ask_for_sync(store: ChannelStore, channel: str, now: datetime) -> None:
    """A person asked for a sync now: whichever runner applies the inbox does it at its next look."""
    store.remember(channel, **{SYNC_ASKED: stamp(now)})


def sync_asked(store: ChannelStore, channel: str) -> bool:
    """Whether a sync was asked for since the last one ran."""
    kept = store.recall(channel)
    asked = kept.get(SYNC_ASKED, "")
    return bool(asked) and asked >= kept.get(LAST_SYNC_AT, "")


def since_text(typed: str) -> str:
    """Where a sync typed on the command line starts: a date (local midnight) or a date and time, in UTC."""
    try:
        moment = datetime.fromisoformat(typed.strip())
    except ValueError:
        raise ProcessError(
            _(
                "--since {typed!r} is not a date (2026-03-01) or a date and time (2026-03-01 14:00).",
                typed=typed,
            )
        ) from None
    return _iso(moment if moment.tzinfo else moment.astimezone())


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
