"""Settings read from the environment: a flag, a number or a text, refused with one clear sentence.

The outbox's SMTP settings and the mailbox's IMAP settings read their values
through these, so an on/off value or a number means the same in both.
"""

from __future__ import annotations

from collections.abc import Mapping

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def text(env: Mapping[str, str], name: str, default: str = "") -> str:
    """The value of `name` without surrounding spaces; `default` when it is unset or blank."""
    return env.get(name, "").strip() or default


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """On (1, true, yes, on) or off (0, false, no, off), in any case; `default` when unset or blank."""
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(f"{name} is {value!r}: use on or off.")


def whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number; `default` when unset or blank."""
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} is {value!r}: it must be a whole number.") from None


def positive_number(env: Mapping[str, str], name: str, default: float) -> float:
    """A number above 0 (a fraction allowed); `default` when unset or blank."""
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} is {value!r}: it must be a number.") from None
    if number <= 0:
        raise ValueError(f"{name} is {value!r}: it must be more than 0.")
    return number
