"""Logins and failed attempts, kept with the app state in FLOWSHEET_DATA_DIR.

Never in the shared spreadsheet: everybody can read that. One small SQLite
file, opened per call, so the web server, its worker threads and the command
line can all use it at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "app_state.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE,
    address TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_by_user ON login_failures (username, at);
CREATE INDEX IF NOT EXISTS failures_by_address ON login_failures (address, at);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS tokens_by_user ON api_tokens (username);
"""

#: Columns added after the first release, created on an older state file when it is opened.
LATER_COLUMNS = {"language": "TEXT"}


def _add_missing_columns(connection: sqlite3.Connection) -> None:
    present = {row[1] for row in connection.execute("PRAGMA table_info(users)")}
    for column, kind in LATER_COLUMNS.items():
        if column not in present:
            connection.execute(f"ALTER TABLE users ADD COLUMN {column} {kind}")


@dataclass(frozen=True)
class StoredUser:
    name: str
    role: str
    password_hash: str
    active: bool
    created_at: str


class AccountStore:
    def __init__(self, data_dir: Path | str) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.executescript(SCHEMA)
            _add_missing_columns(connection)
        self.path.chmod(0o600)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            with connection:
                yield connection
        finally:
            connection.close()

    # users -----------------------------------------------------------------

    def get(self, name: str) -> StoredUser | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT name, role, password_hash, active, created_at FROM users WHERE name = ?", (name,)
            ).fetchone()
        return StoredUser(row[0], row[1], row[2], bool(row[3]), row[4]) if row else None

    def all(self) -> list[StoredUser]:
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT name, role, password_hash, active, created_at FROM users ORDER BY name"
            ).fetchall()
        return [StoredUser(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def language_of(self, name: str) -> str | None:
        with self._connect() as connection:
            row = connection.execute("SELECT language FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        with self._connect() as connection:
            return connection.execute("SELECT count(*) FROM users").fetchone()[0]

    def insert(self, name: str, role: str, password_hash: str, at: str) -> bool:
        """Add a user; False if the name is taken (in any case)."""
        try:
            with self._connect() as connection:
                connection.execute(
                    "INSERT INTO users (name, role, password_hash, active, created_at, password_changed_at)"
                    " VALUES (?, ?, ?, 1, ?, ?)",
                    (name, role, password_hash, at, at),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def update(self, name: str, **fields: object) -> bool:
        """Change some of role, password_hash, active, password_changed_at; False if no such user."""
        allowed = {"role", "password_hash", "active", "password_changed_at", "language"}
        if not fields or set(fields) - allowed:
            raise ValueError(f"can only update {sorted(allowed)}")
        assignments = ", ".join(f"{column} = ?" for column in fields)
        with self._connect() as connection:
            changed = connection.execute(
                f"UPDATE users SET {assignments} WHERE name = ?", (*fields.values(), name)
            ).rowcount
        return changed == 1

    # API tokens (only their hashes are kept) -----------------------------------

    def add_token(self, token_hash: str, username: str, at: str) -> None:
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO api_tokens (token_hash, username, created_at) VALUES (?, ?, ?)",
                (token_hash, username, at),
            )

    def token_user(self, token_hash: str) -> str | None:
        """The login a token that is not revoked belongs to, or None."""
        with self._connect() as connection:
            row = connection.execute(
                "SELECT username FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,)
            ).fetchone()
        return row[0] if row else None

    def revoke_tokens(self, username: str, at: str) -> int:
        """Revoke every live token of `username`; how many were live."""
        with self._connect() as connection:
            return connection.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
                (at, username),
            ).rowcount

    # failed logins ---------------------------------------------------------

    def add_failure(self, username: str, address: str, at: float) -> None:
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO login_failures (username, address, at) VALUES (?, ?, ?)", (username, address, at)
            )

    def failures_since(
        self, since: float, *, username: str | None = None, address: str | None = None
    ) -> list[float]:
        """Times of failures after `since` for a username, an address, or both together, oldest first."""
        wanted = [
            (column, value)
            for column, value in (("username", username), ("address", address))
            if value is not None
        ]
        where = " AND ".join(f"{column} = ?" for column, _value in wanted)
        with self._connect() as connection:
            rows = connection.execute(
                f"SELECT at FROM login_failures WHERE {where} AND at > ? ORDER BY at",
                (*(value for _column, value in wanted), since),
            ).fetchall()
        return [at for (at,) in rows]

    def last_failure_per_name(self, since: float, address: str) -> list[float]:
        """For each user name that failed from `address` after `since`, the time of its last failure; oldest first."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT MAX(at) AS last FROM login_failures WHERE address = ? AND at > ? "
                "GROUP BY username ORDER BY last",
                (address, since),
            ).fetchall()
        return [at for (at,) in rows]

    def forget_failures(self, *, username: str | None = None, before: float | None = None) -> None:
        with self._connect() as connection:
            if username is not None:
                connection.execute("DELETE FROM login_failures WHERE username = ?", (username,))
            if before is not None:
                connection.execute("DELETE FROM login_failures WHERE at < ?", (before,))
