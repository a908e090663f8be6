"""What the running app works on — the workbook and the accounts — set once by the entry point (or a test)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sheets.workbook import Workbook

if TYPE_CHECKING:
    from processes.accounts import Accounts

_workbook: Workbook | None = None
_accounts: Accounts | None = None
_public_url = ""
_smtp_configured = False
_data_dir: Path | None = None


def use(
    workbook: Workbook | None,
    accounts: Accounts | None = None,
    public_url: str = "",
    smtp_configured: bool = False,
    data_dir: Path | None = None,
) -> None:
    global _workbook, _accounts, _public_url, _smtp_configured, _data_dir
    _workbook, _accounts, _public_url = workbook, accounts, public_url.rstrip("/")
    _smtp_configured, _data_dir = smtp_configured, data_dir


def data_dir() -> Path:
    """The data folder (FLOWSHEET_DATA_DIR): the local workbook's folder unless the entry point named one."""
    if _data_dir is not None:
        return _data_dir
    path = getattr(workbook().backend, "path", None)
    if path is None:
        raise RuntimeError(
            "no data folder is known: the entry point passes data_dir to processes.runtime.use()"
        )
    return Path(path).parent


def known_data_dir() -> Path | None:
    """The data folder, or None where none is known (a test that opened a workbook alone)."""
    try:
        return data_dir()
    except RuntimeError:
        return None


_attachments: Path | None = None


def use_attachments(folder: Path | None) -> None:
    """Where the files of customers' emails are kept (FLOWSHEET_DATA_DIR/attachments)."""
    global _attachments
    _attachments = folder


def attachments_folder() -> Path:
    """The folder of kept attachments: the one set, else `attachments` beside the logins' file."""
    if _attachments is not None:
        return _attachments
    return accounts().store.path.parent / "attachments"


def smtp_configured() -> bool:
    """Whether the outbox can send: without SMTP, queued messages wait (and the dashboard says so)."""
    return _smtp_configured


def site_url(request_base_url: str) -> str:
    """Where customers reach the app: FLOWSHEET_PUBLIC_URL when set (behind a proxy), else the request's address."""
    return _public_url or request_base_url.rstrip("/")


def workbook() -> Workbook:
    if _workbook is None:
        raise RuntimeError("no workbook is open: the entry point calls processes.runtime.use() first")
    return _workbook


def accounts() -> Accounts:
    if _accounts is None:
        raise RuntimeError("no accounts are open: the entry point calls processes.runtime.use() first")
    return _accounts
