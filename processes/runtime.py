"""What the running app works on — the workbook and the accounts — set once by the entry point (or a test)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sheets.workbook import Workbook

if TYPE_CHECKING:
    from processes.accounts import Accounts

_workbook: Workbook | None = None
_accounts: Accounts | None = None


def use(workbook: Workbook | None, accounts: Accounts | None = None) -> None:
    global _workbook, _accounts
    _workbook, _accounts = workbook, accounts


def workbook() -> Workbook:
    if _workbook is None:
        raise RuntimeError("no workbook is open: the entry point calls processes.runtime.use() first")
    return _workbook


def accounts() -> Accounts:
    if _accounts is None:
        raise RuntimeError("no accounts are open: the entry point calls processes.runtime.use() first")
    return _accounts
