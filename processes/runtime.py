"""The workbook the running app works on, set once by the entry point (or a test)."""

from __future__ import annotations

from sheets.workbook import Workbook

_current: Workbook | None = None


def use(workbook: Workbook | None) -> None:
    global _current
    _current = workbook


def workbook() -> Workbook:
    if _current is None:
        raise RuntimeError("no workbook is open: the entry point calls processes.runtime.use() first")
    return _current
