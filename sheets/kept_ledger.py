"""The rows of a big ledger as last read, kept between cycles, views and processes.

Stock Moves only ever grows, and the jobs' ledger check and the review's stock figures
need every row of it. Whoever read it last keeps its rows, in memory and in the data
folder; the next reader, in this process or another, asks only for the rows after them
(sheets/backends/google/grown.py), checked by the header and the last row kept, and
reads the tab whole when they no longer stand (a person sorted or deleted rows; the
archive took old ones away).

A cell a person typed over in a row kept is not seen this way: the jobs read the ledger
whole on the cycle the forecast is computed (daily), and a whole read replaces what
is kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets.reading import read_table
from sheets.schema import Tab
from sheets.table import Table
from sheets.workbook import Workbook

log = logging.getLogger(__name__)


@dataclass
class KeptLedger:
    tab: Tab
    path: Path | None = None  # the file in the data folder (None: in memory only)
    rows: list[list[Any]] | None = None
    table: Table | None = None  # `rows`, read
    _loaded: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def read(self, workbook: Workbook, whole: bool = False) -> Table:
        """The tab as it stands: the rows kept and those added since, or (`whole`) every row afresh."""
        with self._lock:
            self._load()
            rows = workbook.grown(self.tab, None if whole else self.rows)
            if rows is self.rows and self.table is not None:
                return self.table
            self.rows, self.table = rows, read_table(self.tab, rows)
            self._write(rows)
            return self.table

    def _load(self) -> None:
        if self._loaded or self.path is None:
            return
        self._loaded = True
        try:
            self.rows = [list(row) for row in json.loads(self.path.read_text(encoding="utf-8"))["rows"]]
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("%s is not readable (%s); %s is read afresh", self.path, error, self.tab.name)
            self.rows = None

    def _write(self, rows: list[list[Any]]) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            written = self.path.with_name(f"{self.path.name}.{threading.get_ident()}.tmp")
            written.write_text(json.dumps({"rows": rows}, default=str), encoding="utf-8")
            written.replace(self.path)
        except OSError as error:  # the next reader reads the tab afresh: nothing is lost
            log.warning(
                "could not keep %s (%s); the next run reads %s afresh", self.path, error, self.tab.name
            )


_kept: dict[str, KeptLedger] = {}
_kept_lock = threading.Lock()


def kept_ledger_of(workbook: Workbook, tab: Tab, folder: Path | None) -> KeptLedger:
    """The one KeptLedger of `tab` of `workbook` in this process, kept in `folder` (None: in memory)."""
    location = workbook.backend.location
    name = hashlib.sha256(location.encode()).hexdigest()[:16]
    slug = tab.name.lower().replace(" ", "-")
    path = Path(folder) / "kept" / f"{name}-{slug}.json" if folder is not None else None
    key = f"{path or ''}|{location}|{tab.name}"
    with _kept_lock:
        if key not in _kept:
            _kept[key] = KeptLedger(tab, path)
        return _kept[key]


def forget() -> None:
    """Drop what this process keeps in memory (tests)."""
    with _kept_lock:
        _kept.clear()
