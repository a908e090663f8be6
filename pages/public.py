"""What every public page (no login, reached with a token or an order reference) shares.

A plain layout without the staff navigation, and a rate limit per client
address on loads and submissions, so nobody can walk through order numbers
or tokens by brute force. Each public page counts on its own (`SURVEY`,
`RETURNS`): a customer who answered a survey still finds the returns page open.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from nicegui import ui

from i18n import N_, _
from pages.auth import PUBLIC_PREFIX
from pages.frame import APP_NAME


class RateLimiter:
    """At most `limit` events per page and client address within `window` seconds (sliding window)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._events: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def allow(self, address: str, now: float | None = None, *, page: str = "") -> bool:
        """Whether one more event of `page` from `address` is allowed now; if so it is counted."""
        now = time.monotonic() if now is None else now
        events = self._events[(page, address)]
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    def reset(self) -> None:
        self._events.clear()


#: Page loads and form submissions on public pages, per page and address.
PUBLIC_LIMIT = RateLimiter(limit=30, window=600)
#: The public pages, each counted on its own.
SURVEY, RETURNS = "survey", "returns"
TOO_MANY = N_("Too many requests from your address; please try again in a few minutes.")


def public_path(path: str) -> str:
    """A public page's route: under the prefix the login gate lets through."""
    return PUBLIC_PREFIX + path.lstrip("/")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@contextmanager
def public_frame(title: str) -> Iterator[None]:
    """The customer-facing layout: no staff navigation, nothing about other records."""
    ui.page_title(f"{_(title)} · {APP_NAME}")
    with ui.header().classes("items-center bg-slate-800 text-white px-4 py-2"):
        ui.label(_(title)).classes("text-lg")
    with ui.column().classes("w-full max-w-xl mx-auto p-4 gap-4"):
        yield
