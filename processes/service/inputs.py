"""Text typed into the service forms (by staff, or by a customer on the public survey page), checked."""

from __future__ import annotations

import re
from typing import Any

from i18n import N_, _
from processes.errors import ProcessError

#: Control characters other than tab and newline are dropped from typed text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def text(raw: Any, what: str, *, limit: int, required: bool = False) -> str:
    """Typed text, trimmed and without control characters; refused when required and blank, or too long."""
    value = _CONTROL.sub("", "" if raw is None else str(raw)).replace("\r\n", "\n").strip()
    if required and not value:
        raise ProcessError(_("{what} must be filled in.", what=_(what)))
    if len(value) > limit:
        raise ProcessError(
            _(
                "{what} can be at most {limit} characters long, not {len}.",
                what=_(what),
                limit=limit,
                len=len(value),
            )
        )
    return value


def email(raw: Any) -> str:
    """An email address, or '' for none; refused when it cannot be one."""
    value = text(raw, N_("The customer's email"), limit=254)
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ProcessError(_("{value!r} is not an email address.", value=value))
    return value
