"""gspread's HTTP client with the retry policy Google's quotas call for.

gspread's default client never retries, and its BackOffHTTPClient retries
forever, without jitter, ignoring Retry-After and HTML 502 pages. This one:

- retries 429, 5xx (JSON or HTML), timeouts and dropped connections with
  capped exponential backoff and full jitter, a bounded number of times,
  waiting at least what Retry-After asks;
- retries a write only when Google certainly did not apply it (429, or a
  connection that never opened); any other failure of a write is raised as
  AmbiguousWrite, so the record layer can check what landed before trying again;
- gives every request a timeout.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
SAFE_METHODS = {"get", "head"}


@dataclass
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 32.0
    max_retry_after: float = 60.0
    timeout: tuple[float, float] = (10.0, 60.0)

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Full jitter (AWS architecture blog), never less than Retry-After."""
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        jittered = rng.uniform(0, ceiling)
        if retry_after is not None:
            jittered = max(jittered, min(retry_after, self.max_retry_after))
        return jittered


class GoogleFailure(Exception):
    """A request failed for good after its retries; `status` is the last HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int, attempts: int) -> None:
        super().__init__(message)
        self.status, self.attempts = status, attempts


class AmbiguousWrite(GoogleFailure):
    """A write failed in a way that does not say whether Google applied it."""


class RetryingHTTPClient(HTTPClient):
    """Drop-in for gspread's HTTPClient (pass as `http_client=` to gspread.Client)."""

    policy = RetryPolicy()
    sleep: Callable[[float], None] = staticmethod(time.sleep)
    rng = random.Random()

    def __init__(self, auth: Any, session: requests.Session | None = None) -> None:
        super().__init__(auth, session)
        self.timeout = self.policy.timeout

    def request(self, method: str, endpoint: str, **kwargs: Any) -> requests.Response:
        safe = method.lower() in SAFE_METHODS
        for attempt in range(self.policy.attempts):
            last_try = attempt == self.policy.attempts - 1
            try:
                return super().request(method, endpoint, **kwargs)
            except APIError as error:
                status = error.response.status_code
                if status not in RETRYABLE_STATUS:
                    raise
                if not safe and status != 429:
                    raise AmbiguousWrite(_describe(status), status, attempt + 1) from error
                if last_try:
                    raise GoogleFailure(_describe(status), status, attempt + 1) from error
                self._wait(attempt, _retry_after(error.response), f"HTTP {status}")
            except requests.exceptions.ConnectTimeout as error:
                # The connection never opened: nothing reached Google, safe to repeat.
                if last_try:
                    raise GoogleFailure("Google Sheets could not be reached", 0, attempt + 1) from error
                self._wait(attempt, None, "connect timeout")
            except (
                requests.exceptions.Timeout,
                requests.exceptions.ConnectionError,
            ) as error:
                if not safe:
                    raise AmbiguousWrite("Google Sheets did not answer in time", 0, attempt + 1) from error
                if last_try:
                    raise GoogleFailure("Google Sheets did not answer in time", 0, attempt + 1) from error
                self._wait(attempt, None, type(error).__name__)
        raise AssertionError("unreachable")

    def _wait(self, attempt: int, retry_after: float | None, why: str) -> None:
        delay = self.policy.delay(attempt, retry_after, self.rng)
        log.warning(
            "Google Sheets: %s; retrying in %.1f s (attempt %d)",
            why,
            delay,
            attempt + 2,
        )
        self.sleep(delay)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _describe(status: int) -> str:
    if status == 429:
        return "Google Sheets is limiting requests (HTTP 429: quota)"
    return f"Google Sheets had an error (HTTP {status})"
