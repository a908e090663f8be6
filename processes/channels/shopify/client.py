"""Talking to Shopify's Admin GraphQL API: one POST per query, paced by the shop's cost budget, retried.

Shopify prices every query and keeps a bucket of points per app and shop
(`extensions.cost.throttleStatus`: maximumAvailable, currentlyAvailable,
restoreRate per second). The client reads the bucket from every answer and,
before asking for more than is left, waits until enough has been restored;
a query answered THROTTLED anyway waits for exactly the points it lacks, then
goes again. HTTP 429 waits its Retry-After; 5xx, timeouts and dropped
connections are tried again with capped, jittered backoff, a bounded number
of times. Then one ShopUnavailable sentence says what happened; a refused
token or a query Shopify rejects is ShopRefused at once (retrying will not help).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from ..errors import ShopRefused, ShopUnavailable
from .settings import ShopifySettings

log = logging.getLogger(__name__)

#: Tries of one query before giving up on it (throttled answers do not count: they say when to come back).
ATTEMPTS = 5
BASE_DELAY = 1.0
MAX_DELAY = 30.0
#: At most this many throttled answers in a row for one query, then it is given up.
MAX_THROTTLED = 20


#: Points asked for beyond a query's cost before sending it (see Bucket.wait_for).
SPARE_POINTS = 1.0


@dataclass
class Bucket:
    """The shop's cost budget as its last answer reported it."""

    maximum: float = 1000.0
    available: float = 1000.0
    restore_rate: float = 50.0
    at: float = 0.0  # the monotonic time of that answer

    def now_available(self, now: float) -> float:
        return min(self.maximum, self.available + (now - self.at) * self.restore_rate)

    def wait_for(self, cost: float, now: float) -> float:
        """Seconds until `cost` points are there (0 when they are now), a point to spare.

        The shop reports what is available rounded: waiting for the exact figure could
        come back a fraction of a point short, and be throttled.
        """
        lacking = min(cost, self.maximum) + SPARE_POINTS - self.now_available(now)
        return max(lacking / self.restore_rate, 0.0) if self.restore_rate > 0 else 0.0


class ShopifyClient:
    def __init__(
        self,
        settings: ShopifySettings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.sleep, self.clock = sleep, clock
        self.rng = rng or random.Random()
        self.bucket: Bucket | None = None  # unknown until the first answer
        self.requests = 0  # POSTs made, for the reports
        self._last = ""  # the last failure, for the sentence that gives up

    def query(self, document: str, variables: Mapping[str, Any] | None = None, *, cost: float = 0) -> dict:
        """The `data` of the answer to `document`; `cost` is what the query is expected to cost at most."""
        throttled = 0
        attempt = 0
        while True:
            self._pace(cost)
            answer = self._post(document, variables, attempt)
            if answer is None:  # a failure worth another try
                attempt += 1
                continue
            self._note_cost(answer)
            errors = answer.get("errors") or []
            if _throttled(errors):
                throttled += 1
                if throttled > MAX_THROTTLED:
                    raise ShopUnavailable(
                        f"Shopify kept answering 'Throttled' ({throttled} times): try later."
                    )
                requested = _cost(answer).get("requestedQueryCost") or cost
                wait = self.bucket.wait_for(float(requested), self.clock()) if self.bucket else BASE_DELAY
                log.info("shopify: throttled; waiting %.1f s for %s points", wait, requested)
                self.sleep(max(wait, 0.1))
                continue
            if errors:
                raise ShopRefused("Shopify refused the query: " + "; ".join(_message(e) for e in errors))
            return answer.get("data") or {}

    def _pace(self, cost: float) -> None:
        if self.bucket is not None and cost:
            wait = self.bucket.wait_for(cost, self.clock())
            if wait > 0:
                log.info("shopify: waiting %.1f s for the shop's budget to refill", wait)
                self.sleep(wait)

    def _post(self, document: str, variables: Mapping[str, Any] | None, attempt: int) -> dict | None:
        """The answer as JSON; None after a failure that is worth another try (it has slept); raises otherwise."""
        if attempt >= ATTEMPTS:
            raise ShopUnavailable(f"Shopify did not answer after {ATTEMPTS} tries ({self._last}); try later.")
        self.requests += 1
        try:
            response = self.session.post(
                self.settings.graphql_url,
                json={"query": document, "variables": dict(variables or {})},
                headers={"X-Shopify-Access-Token": self.settings.token, "Accept": "application/json"},
                timeout=self.settings.timeout,
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            self._last = f"{type(error).__name__}: {error}"
            self._back_off(attempt, None)
            return None
        status = response.status_code
        if status == 429 or status >= 500:
            self._last = f"HTTP {status}"
            self._back_off(attempt, response.headers.get("Retry-After"))
            return None
        if status in (401, 403):
            raise ShopRefused(
                f"Shopify refused the access token (HTTP {status}): check FLOWSHEET_SHOPIFY_TOKEN and "
                "that the app may read orders and write fulfillments (docs/channels.md)."
            )
        if status >= 400:
            raise ShopRefused(f"Shopify answered HTTP {status}: {response.text[:200]}")
        try:
            return response.json()
        except ValueError:
            self._last = f"HTTP {status} that is not JSON"
            self._back_off(attempt, None)
            return None

    def _back_off(self, attempt: int, retry_after: str | None) -> None:
        if attempt + 1 >= ATTEMPTS:
            return  # the next call gives up; no point waiting first
        delay = self.rng.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt))
        delay = max(delay, _seconds(retry_after))
        log.info("shopify: %s; trying again in %.1f s", self._last, delay)
        self.sleep(delay)

    def _note_cost(self, answer: Mapping[str, Any]) -> None:
        status = _cost(answer).get("throttleStatus")
        if isinstance(status, Mapping):
            self.bucket = Bucket(
                float(status.get("maximumAvailable") or 1000),
                float(status.get("currentlyAvailable") or 0),
                float(status.get("restoreRate") or 50),
                self.clock(),
            )


def _seconds(retry_after: str | None) -> float:
    """Retry-After in seconds (0 when absent or an HTTP date, which Shopify does not send)."""
    try:
        return float(retry_after) if retry_after else 0.0
    except ValueError:
        return 0.0


def _cost(answer: Mapping[str, Any]) -> Mapping[str, Any]:
    extensions = answer.get("extensions")
    cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
    return cost if isinstance(cost, Mapping) else {}


def _throttled(errors: list) -> bool:
    return any(
        isinstance(error, Mapping)
        and (
            _mapping(error.get("extensions")).get("code") == "THROTTLED"
            or str(error.get("message", "")).lower() == "throttled"
        )
        for error in errors
    )


def _message(error: Any) -> str:
    return str(error.get("message")) if isinstance(error, Mapping) else str(error)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
