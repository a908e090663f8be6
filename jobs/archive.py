"""The archive as a job: `python app.py archive [--before DATE]`, and the runner's scheduled run.

One archive run at a time per machine: both the command and the job hold
`archive.lock` in the data folder while they run (never waited for: a second
one says so and does nothing). Several machines on one Google spreadsheet
archive only from the runner holding the jobs lease, which the runner checks
before calling it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from processes.archive import ArchiveReport, Archives, run_archive
from processes.archive.fullness import forget
from sheets.errors import SheetError
from sheets.workbook import Workbook

log = logging.getLogger(__name__)

ARCHIVE_LOCK = "archive.lock"


def _lock(data_dir: Path):
    from jobs.runner import RunnerLock

    lock = RunnerLock(data_dir)
    lock.path = Path(data_dir) / ARCHIVE_LOCK
    return lock


def archive_once(
    workbook: Workbook, archives: Archives, *, data_dir: Path, before: datetime | None = None
) -> ArchiveReport | None:
    """One archive run under the archive lock; None when another run holds it."""
    lock = _lock(data_dir)
    if not lock.acquire():
        return None
    try:
        return run_archive(workbook, archives, before=before)
    finally:
        lock.release()
        forget()  # the dashboard's figure of cells used is out of date now


def archive_job(archives: Archives, data_dir: Path) -> Callable[[Workbook], ArchiveReport | None]:
    """The scheduled run the job runner calls with its workbook."""

    def job(workbook: Workbook) -> ArchiveReport | None:
        return archive_once(workbook, archives, data_dir=data_dir)

    return job


def run_archive_command(
    workbook: Workbook,
    archives: Archives,
    *,
    data_dir: Path,
    before: datetime | None = None,
    out: Callable[[str], object] = print,
) -> int:
    """`python app.py archive`: exit 0 when done, 1 when it stopped or left records for the next run."""
    try:
        report = archive_once(workbook, archives, data_dir=data_dir, before=before)
    except SheetError as error:
        log.exception("archive: stopped")
        out(
            f"archive: stopped: {error}. Nothing is lost: every record is in the live sheet or the archive; "
            "run it again to go on."
        )
        return 1
    if report is None:
        out(f"archive: another archive run holds {Path(data_dir) / ARCHIVE_LOCK}; this one did nothing")
        return 0
    out(str(report))
    return 1 if report.refused or report.skipped else 0


def parse_before(text: str) -> datetime:
    """`--before 2026-01-01` (or `2026-01-01 14:00`) as a moment; ValueError with what is wrong."""
    for shape in ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text.strip(), shape)
        except ValueError:
            continue
    raise ValueError(f"--before {text!r}: write a date as 2026-01-01 (or 2026-01-01 14:00)")
