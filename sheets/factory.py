"""Opening the configured workbook: the local file, or a Google spreadsheet."""

from __future__ import annotations

from pathlib import Path

import requests

from sheets.backends.base import Backend
from sheets.backends.google.backend import GoogleBackend
from sheets.backends.google.connect import load_credentials, open_spreadsheet
from sheets.backends.local import LocalBackend
from sheets.workbook import Workbook


def open_backend(
    kind: str,
    *,
    data_dir: Path | str = "data",
    spreadsheet_id: str = "",
    credentials_file: str = "",
    adapter: requests.adapters.BaseAdapter | None = None,
) -> Backend:
    """The backend named by FLOWSHEET_BACKEND; raises SetupError with what to do."""
    if kind == "google":
        credentials = load_credentials(credentials_file)
        return GoogleBackend(open_spreadsheet(credentials, spreadsheet_id, adapter=adapter))
    return LocalBackend(data_dir)


def open_workbook(kind: str, *, cache_seconds: float = 10.0, **options) -> Workbook:
    return Workbook(open_backend(kind, **options), cache_seconds=cache_seconds)
