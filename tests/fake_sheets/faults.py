"""Scripted failures and "person at the keyboard" hooks, consumed request by request.

Faults fire in the order they were scheduled. A fault for ANY matches every Sheets API
kind but never the token exchange (that must be named explicitly), so scheduling a
generic failure cannot be swallowed by google-auth's first token request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import requests

from .errors import ApiError
from .reply import Reply, error_reply, html_reply
from .routing import TOKEN

ANY = "*"

Hook = Callable[[], object]
FAULT_MESSAGES = {
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user' "
    "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


@dataclass
class Fault:
    """One scheduled failure; `times` counts down as requests consume it."""

    kind: str
    times: int
    status: int | None = None
    retry_after: int | float | str | None = None
    html: bool = False
    message: str | None = None
    timeout: bool = False
    after_apply: bool = False

    def matches(self, kind: str) -> bool:
        """Whether a request of this kind triggers the fault."""
        return _matches(self.kind, kind)


class FaultPlan:
    """The queue of scheduled faults."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Schedule a fault (times must be positive)."""
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        self._faults.append(fault)

    def take(self, kind: str, after_apply: bool) -> Fault | None:
        """Consume one use of the first matching fault for this phase, if any."""
        for fault in self._faults:
            if fault.after_apply == after_apply and fault.matches(kind):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Forget every scheduled fault."""
        self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        """Faults not yet used up."""
        return list(self._faults)


class Hooks:
    """Callbacks run just before a request is handled (outside the state lock)."""

    def __init__(self) -> None:
        self._next: list[tuple[str, Hook]] = []
        self._each: list[Hook] = []
        self._lock = threading.Lock()

    def before_next(self, kind: str, hook: Hook) -> None:
        """Run hook() once, right before the next request of this kind."""
        with self._lock:
            self._next.append((kind, hook))

    def before_each(self, hook: Hook) -> None:
        """Run hook() before every request until removed."""
        with self._lock:
            self._each.append(hook)

    def remove(self, hook: Hook) -> None:
        """Stop running a before_each hook."""
        with self._lock:
            self._each.remove(hook)

    def clear_each(self) -> None:
        """Stop running every before_each hook."""
        with self._lock:
            self._each.clear()

    def due(self, kind: str) -> list[Hook]:
        """The hooks to run for a request of this kind (one-shot ones are used up)."""
        with self._lock:
            due = [hook for hook_kind, hook in self._next if _matches(hook_kind, kind)]
            self._next = [(k, hook) for k, hook in self._next if not _matches(k, kind)]
            return due + list(self._each)


def _matches(scheduled: str, kind: str) -> bool:
    return scheduled == kind or (scheduled == ANY and kind != TOKEN)


def fault_reply(fault: Fault, kind: str, request: requests.PreparedRequest) -> Reply:
    """The scripted answer: Google's JSON error, its front end's HTML page, or a timeout."""
    if fault.timeout:
        raise requests.exceptions.ReadTimeout(
            f"fake_sheets: scripted read timeout for {kind} {request.method} {request.url}", request=request
        )
    status = fault.status or 500
    if fault.html:
        reply = html_reply(status)
    else:
        message = fault.message or FAULT_MESSAGES.get(status, f"Scripted failure ({status}).")
        reply = error_reply(ApiError(status, message))
    if fault.retry_after is not None:
        reply.headers["Retry-After"] = str(fault.retry_after)
    return reply
