"""The archive: closed records moved out of the live sheet into a workbook per year, still findable.

rules.py says what is closed and since when; move.py moves it (copy, verify,
delete, batch by batch); ledger.py keeps Stock Moves adding up with an opening
balance; store.py opens the archive workbooks; lookup.py finds archived
records; fullness.py says how full the live spreadsheet is. See docs/archive.md.
"""

from .lookup import ArchivedRecord, archived, archived_where, read_only_message
from .move import ArchiveReport, run_archive
from .store import Archives, google_archives, in_use, local_archives, use

__all__ = [
    "ArchiveReport",
    "ArchivedRecord",
    "Archives",
    "archived",
    "archived_where",
    "google_archives",
    "in_use",
    "local_archives",
    "read_only_message",
    "run_archive",
    "use",
]
