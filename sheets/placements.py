"""Where the open records of big tabs stood, kept between views, cycles and processes.

Whoever selected them last (a jobs cycle, the dashboard) keeps where each record's row
stood (`Placed`), in memory and in the data folder; the next reader, in this process or
another, reads those rows and the rows added since in one request
(sheets/backends/google/placed.py), each checked by its key before it is used. Every
`RESELECT_EVERY` they are selected afresh from the key and status columns, so a record
a person put back into an open state by hand in an old row is seen within it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sheets.backends.base import Placed, Selection

log = logging.getLogger(__name__)

RESELECT_EVERY = timedelta(hours=1)


@dataclass
class Placements:
    """Where the open records of each big tab stood, and when they were last selected afresh."""

    path: Path | None = None  # the file in the data folder (None: in memory only)
    placed: dict[str, Placed] = field(default_factory=dict)
    at: datetime | None = None
    _loaded: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def usable(self, now: datetime) -> dict[str, Placed]:
        """Where the rows stood, if selected afresh less than `RESELECT_EVERY` ago; else nothing."""
        self._load()
        with self._lock:
            if self.at is None or not (timedelta(0) <= now - self.at < RESELECT_EVERY):
                return {}
            return dict(self.placed)

    def keep(self, found: Mapping[str, tuple[Selection, Placed | None]], afresh: bool, now: datetime) -> None:
        """Keep where the rows of a read (`Workbook.reselect`) stand now, in memory and in the file."""
        with self._lock:
            placed = {name: where for name, (_, where) in found.items() if where is not None}
            if placed == {name: self.placed.get(name) for name in placed} and not afresh:
                return
            self.placed.update(placed)
            if afresh:
                self.at = now
            kept = {
                "placed": {name: where.as_json() for name, where in self.placed.items()},
                "at": self.at.isoformat() if self.at else None,
            }
        self._write(kept)

    def _load(self) -> None:
        with self._lock:
            if self._loaded or self.path is None:
                return
            self._loaded = True
            try:
                kept = json.loads(self.path.read_text(encoding="utf-8"))
                self.placed = {str(name): Placed.from_json(data) for name, data in kept["placed"].items()}
                self.at = datetime.fromisoformat(kept["at"]) if kept.get("at") else None
            except FileNotFoundError:
                return
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
                log.warning("%s is not readable (%s); the open records are selected afresh", self.path, error)
                self.placed, self.at = {}, None

    def _write(self, kept: dict[str, Any]) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            written = self.path.with_name(f"{self.path.name}.{threading.get_ident()}.tmp")
            written.write_text(json.dumps(kept), encoding="utf-8")
            written.replace(self.path)
        except OSError as error:  # the next reader selects afresh: nothing is lost
            log.warning("could not keep %s (%s)", self.path, error)


_kept: dict[str, Placements] = {}
_kept_lock = threading.Lock()


def placements_of(location: str, folder: Path | None) -> Placements:
    """The one Placements of a workbook (by its `location`) in this process, kept in `folder`."""
    name = hashlib.sha256(location.encode()).hexdigest()[:16]
    path = Path(folder) / "placed" / f"{name}.json" if folder is not None else None
    with _kept_lock:
        key = f"{path or ''}|{location}"
        if key not in _kept:
            _kept[key] = Placements(path)
        return _kept[key]


def forget() -> None:
    """Drop what this process keeps in memory (tests)."""
    with _kept_lock:
        _kept.clear()
