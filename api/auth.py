"""Who is calling: a bearer token of an enabled login, and how often it may call."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from processes import runtime
from processes.accounts import tokens
from processes.permissions import Actor

from .errors import ApiError

#: Calls one token may make in a minute; more are answered 429 with the seconds to wait.
CALLS_PER_MINUTE = 120
WINDOW_SECONDS = 60.0


def actor_of(authorization: str | None) -> Actor:
    """The login behind `Authorization: Bearer <token>`; 401 for a missing, unknown, revoked or disabled one."""
    scheme, _, token = (authorization or "").partition(" ")
    actor = runtime.accounts().actor_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if actor is None:
        raise ApiError(
            401,
            "unauthorized",
            "Send a valid token: 'Authorization: Bearer <token>' (python app.py user token NAME).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return actor


class RateLimit:
    """A sliding window of calls per token: memory only, so a restart forgets it."""

    def __init__(self, calls: int = CALLS_PER_MINUTE, clock: Callable[[], float] = time.monotonic) -> None:
        self.calls, self.clock = calls, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def admit(self, authorization: str | None) -> None:
        """429 when this token made `calls` calls in the last minute; else the call is counted."""
        key = tokens.digest((authorization or "").partition(" ")[2].strip())
        now = self.clock()
        with self._lock:
            seen = self._seen[key]
            while seen and seen[0] <= now - WINDOW_SECONDS:
                seen.popleft()
            if len(seen) >= self.calls:
                wait = max(1, round(seen[0] + WINDOW_SECONDS - now))
                raise ApiError(
                    429,
                    "rate_limited",
                    f"At most {self.calls} calls a minute per token: try again in {wait} s.",
                    headers={"Retry-After": str(wait)},
                )
            seen.append(now)


LIMIT = RateLimit()
