"""Small helpers the checks share: waiting times on DataFrame columns, names, how times read."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from i18n import formatting, ngettext
from sheets.table import Table


def waited(moments: pd.Series, now: datetime, hours: float) -> pd.Series:
    """Rows whose moment is at least `hours` before `now` (False where there is none)."""
    return moments.notna() & (moments <= pd.Timestamp(now) - pd.Timedelta(hours=hours))


def names(table: Table, key: str, column: str = "name") -> dict[str, str]:
    """Key -> name of a master-data table (the key itself where the name is blank)."""
    return {k: (v or k) for k, v in zip(table.columns[key], table.columns[column], strict=True)}


def shown(moment: object) -> str:
    """A moment as people read it in a message, in the language alerts are written in: 2026-03-02 09:00."""
    return formatting.when(pd.Timestamp(moment).to_pydatetime())


def hours(value: float) -> str:
    return ngettext("{count:g} hour", "{count:g} hours", value)
