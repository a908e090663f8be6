"""Webhooks refused since the app started, per channel: how many, the last one and why (memory only).

Counted here rather than stored, so a flood of forged requests writes nothing
to disk; the Channels page shows the count.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Refusals:
    count: int = 0
    last_at: datetime | None = None
    last_reason: str = ""


_refused: dict[str, Refusals] = {}
_lock = threading.Lock()


def refused(channel: str, reason: str, at: datetime) -> None:
    with _lock:
        _refused[channel] = Refusals(_refused.get(channel, Refusals()).count + 1, at, reason)


def refusals(channel: str) -> Refusals:
    with _lock:
        return _refused.get(channel, Refusals())


def forget() -> None:
    with _lock:
        _refused.clear()
