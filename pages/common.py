"""Small things every procedure page needs: running a rule off the event loop, showing times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from nicegui import run

from pages.frame import show_error
from processes import SheetError, runtime
from processes.errors import ProcessError


async def attempt(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a rule off the event loop; a refusal is shown and gives None."""
    try:
        return await run.io_bound(action, *args, **kwargs)
    except (ProcessError, SheetError) as refusal:
        show_error(str(refusal))
        return None


async def call(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Run a rule with the workbook, off the event loop; a refusal is shown and answers (False, None)."""
    try:
        return True, await run.io_bound(action, runtime.workbook(), *args, **kwargs)
    except (ProcessError, SheetError) as refusal:
        show_error(str(refusal))
        return False, None


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
