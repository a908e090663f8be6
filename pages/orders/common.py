"""What the order pages share: running a rule off the event loop, and showing a refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from nicegui import run

from pages.frame import show_error
from processes import SheetError, runtime
from processes.errors import ProcessError


async def call(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Run a rule with the workbook, off the event loop; a refusal is shown and answers (False, None)."""
    try:
        return True, await run.io_bound(action, runtime.workbook(), *args, **kwargs)
    except (ProcessError, SheetError) as refusal:
        show_error(str(refusal))
        return False, None


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"
