"""The shop connections' own file in FLOWSHEET_DATA_DIR: what arrived, what the shop last said, what is owed.

Not business state, which stays in the sheet: this is the post room. It holds
the deliveries that came in and whether each is in the record yet (the
inbox), what the shop last reported about each order, the fulfilments owed
to the shop, and when each connection last synced. One small SQLite file
(WAL, synchronous commits), opened per call, so the web server's worker
threads, the jobs and the command line can all use it at once, and a
webhook stored here survives a crash the moment it has been answered.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

FILE_NAME = "channels.sqlite3"
#: How times are kept: the workbook's clock (local time), to the second; sorts as it reads.
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    entry_id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    delivery TEXT NOT NULL,
    source TEXT NOT NULL,
    topic TEXT NOT NULL,
    body BLOB NOT NULL,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT NOT NULL,
    ref TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    applied_at TEXT,
    UNIQUE (channel, delivery)
);
CREATE INDEX IF NOT EXISTS inbox_due ON inbox (channel, state, next_try_at);
CREATE TABLE IF NOT EXISTS shop_reports (
    channel TEXT NOT NULL,
    ref TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    financial TEXT NOT NULL DEFAULT '',
    fulfillment TEXT NOT NULL DEFAULT '',
    shop_updated_at TEXT NOT NULL DEFAULT '',
    seen_at TEXT NOT NULL,
    PRIMARY KEY (channel, ref)
);
CREATE TABLE IF NOT EXISTS fulfilments (
    channel TEXT NOT NULL,
    order_id TEXT NOT NULL,
    ref TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    carrier TEXT NOT NULL,
    tracking_no TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL,
    done_at TEXT,
    shop_fulfilment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (channel, order_id)
);
CREATE INDEX IF NOT EXISTS fulfilments_due ON fulfilments (channel, state, next_try_at);
CREATE TABLE IF NOT EXISTS channel_state (
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (channel, key)
);
"""


def stamp(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)


def moment(text: str | None) -> datetime | None:
    return datetime.strptime(text, TIME_FORMAT) if text else None


class ChannelStore:
    """The file, and the few key/value facts each connection keeps (when it last synced ...)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as connection:
            connection.executescript(SCHEMA)
        self.path.chmod(0o600)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """One connection, one transaction: committed when the block ends, rolled back if it raises."""
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")  # an answered webhook is on disk
            with connection:
                yield connection
        finally:
            connection.close()

    def remember(self, channel: str, **facts: str) -> None:
        with self.connect() as connection:
            connection.executemany(
                "INSERT INTO channel_state (channel, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (channel, key) DO UPDATE SET value = excluded.value",
                [(channel, key, value) for key, value in facts.items()],
            )

    def recall(self, channel: str) -> dict[str, str]:
        with self.connect() as connection:
            rows = connection.execute(
                "SELECT key, value FROM channel_state WHERE channel = ?", (channel,)
            ).fetchall()
        return dict(rows)
