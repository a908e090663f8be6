"""The inbox: every order report a shop sent (a webhook) or the reconcile pulled, kept until it is in the record.

    inbox.receive(delivery, now=now)          # False: that delivery is here already (a duplicate)
    inbox.receive_all(page, now=now)          # a page the reconcile pulled, in one commit: how many were new
    for entry in inbox.due("shopify", now): ...
    inbox.settle({entry_id: Settled(ref, outcome, problem)}, now)
    inbox.failed(entry_ids, "Google answered 503 ...", now)

An entry is stored exactly as it came (the raw body), before anything reads
it, so nothing is lost whatever happens next. It stays pending until a round
has put it into the sheet; one that could not be (a Google error, an unknown
SKU, a body that is not JSON) keeps its error and is tried again later, each
time a little later (BACKOFF), and a person can ask for it at once. Applied
entries are kept for KEEP_DAYS, then pruned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .store import ChannelStore, moment, stamp

PENDING, APPLIED = "pending", "applied"
#: Sources of an entry: the shop pushed it, or the reconcile (or the payment check) pulled it.
WEBHOOK, PULL = "webhook", "pull"
#: How long after its nth failure an entry is tried again: 30 s doubling, at most an hour.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
KEEP_DAYS = 30
#: The most entries one round applies: one transaction, so Google sees one read and one write.
ROUND_LIMIT = 500


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass(frozen=True)
class Delivery:
    """One report as it arrived: `delivery` is the shop's own ID for it (a webhook's), unique per channel."""

    channel: str
    delivery: str
    topic: str
    body: bytes
    source: str = WEBHOOK


@dataclass(frozen=True)
class Entry:
    entry_id: int
    channel: str
    delivery: str
    source: str
    topic: str
    body: bytes
    received_at: datetime
    state: str
    attempts: int
    next_try_at: datetime
    ref: str
    error: str
    outcome: str
    applied_at: datetime | None


@dataclass(frozen=True)
class Settled:
    """How a round left an entry: applied (problem ""), or still pending with the problem that stopped it."""

    ref: str
    outcome: str = ""
    problem: str = ""


@dataclass(frozen=True)
class Backlog:
    pending: int  # not in the record yet
    with_errors: int  # of those, the ones a try failed for
    last_received: datetime | None
    last_webhook: Entry | None


_COLUMNS = (
    "entry_id, channel, delivery, source, topic, body, received_at, state, attempts, "
    "next_try_at, ref, error, outcome, applied_at"
)


def _entry(row: tuple) -> Entry:
    return Entry(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        bytes(row[5]),
        moment(row[6]),
        row[7],
        row[8],
        moment(row[9]),
        row[10],
        row[11],
        row[12],
        moment(row[13]),
    )


class Inbox:
    def __init__(self, store: ChannelStore) -> None:
        self.store = store

    def receive(self, delivery: Delivery, *, now: datetime) -> bool:
        """Keep `delivery`, due at once; False when the same delivery is here already (nothing changes)."""
        return self.receive_all([delivery], now=now) == 1

    def receive_all(self, deliveries: Iterable[Delivery], *, now: datetime) -> int:
        """Keep every delivery not here yet, in one commit (a page the reconcile pulled); how many were new."""
        rows = [
            (item.channel, item.delivery, item.source, item.topic, item.body, stamp(now), stamp(now))
            for item in deliveries
        ]
        with self.store.connect() as connection:
            before = connection.total_changes
            connection.executemany(
                "INSERT OR IGNORE INTO inbox (channel, delivery, source, topic, body, received_at, next_try_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            return connection.total_changes - before

    def due(self, channel: str, now: datetime, limit: int = ROUND_LIMIT) -> list[Entry]:
        """Pending entries whose time has come, in the order they arrived."""
        with self.store.connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM inbox WHERE channel = ? AND state = ? AND next_try_at <= ? "
                "ORDER BY entry_id LIMIT ?",
                (channel, PENDING, stamp(now), limit),
            ).fetchall()
        return [_entry(row) for row in rows]

    def settle(self, settled: Mapping[int, Settled], now: datetime) -> None:
        """Record what a round did with each entry: applied, or pending again with its problem."""
        with self.store.connect() as connection:
            for entry_id, result in settled.items():
                if result.problem:
                    self._fail(connection, entry_id, result.problem, now, ref=result.ref)
                else:
                    connection.execute(
                        "UPDATE inbox SET state = ?, applied_at = ?, ref = ?, outcome = ?, error = '' "
                        "WHERE entry_id = ?",
                        (APPLIED, stamp(now), result.ref, result.outcome, entry_id),
                    )

    def failed(self, entry_ids: Iterable[int], error: str, now: datetime) -> None:
        """A try failed for these entries: they keep `error` and wait their turn again."""
        with self.store.connect() as connection:
            for entry_id in entry_ids:
                self._fail(connection, entry_id, error, now)

    @staticmethod
    def _fail(connection, entry_id: int, error: str, now: datetime, ref: str = "") -> None:
        (attempts,) = connection.execute(
            "SELECT attempts FROM inbox WHERE entry_id = ?", (entry_id,)
        ).fetchone()
        attempts += 1
        connection.execute(
            "UPDATE inbox SET attempts = ?, error = ?, next_try_at = ?, ref = CASE WHEN ? = '' "
            "THEN ref ELSE ? END WHERE entry_id = ?",
            (attempts, error, stamp(now + backoff(attempts)), ref, ref, entry_id),
        )

    def retry_now(self, channel: str, now: datetime) -> int:
        """Make every pending entry due at once (after a person fixed what stopped them); how many."""
        with self.store.connect() as connection:
            return connection.execute(
                "UPDATE inbox SET next_try_at = ? WHERE channel = ? AND state = ?",
                (stamp(now), channel, PENDING),
            ).rowcount

    def backlog(self, channel: str) -> Backlog:
        with self.store.connect() as connection:
            pending, with_errors = connection.execute(
                "SELECT count(*), coalesce(sum(error != ''), 0) FROM inbox WHERE channel = ? AND state = ?",
                (channel, PENDING),
            ).fetchone()
            (last,) = connection.execute(
                "SELECT max(received_at) FROM inbox WHERE channel = ?", (channel,)
            ).fetchone()
            webhook = connection.execute(
                f"SELECT {_COLUMNS} FROM inbox WHERE channel = ? AND source = ? ORDER BY entry_id DESC LIMIT 1",
                (channel, WEBHOOK),
            ).fetchone()
        return Backlog(pending, with_errors, moment(last), _entry(webhook) if webhook else None)

    def troubled(self, channel: str, limit: int = 50) -> list[Entry]:
        """Pending entries a try failed for, oldest first: what the Channels page lists."""
        with self.store.connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM inbox WHERE channel = ? AND state = ? AND error != '' "
                "ORDER BY entry_id LIMIT ?",
                (channel, PENDING, limit),
            ).fetchall()
        return [_entry(row) for row in rows]

    def entries(self, channel: str, ref: str | None = None) -> list[Entry]:
        """Every entry of `channel` (for one order reference, when given), in the order they arrived."""
        query = f"SELECT {_COLUMNS} FROM inbox WHERE channel = ?"
        arguments: tuple = (channel,)
        if ref is not None:
            query, arguments = query + " AND ref = ?", (channel, ref)
        with self.store.connect() as connection:
            rows = connection.execute(query + " ORDER BY entry_id", arguments).fetchall()
        return [_entry(row) for row in rows]

    def prune(self, now: datetime) -> int:
        """Forget applied entries older than KEEP_DAYS; how many."""
        with self.store.connect() as connection:
            return connection.execute(
                "DELETE FROM inbox WHERE state = ? AND applied_at < ?",
                (APPLIED, stamp(now - timedelta(days=KEEP_DAYS))),
            ).rowcount
