"""FakeShopify: the fake shop served on a local port, with the test's control panel.

    fake = FakeShopify().start()               # http://127.0.0.1:<port>, stopped by fake.stop()
    order, hooks = fake.shop.place_order([("KIT-001", 2, "30.00")])
    headers, body = fake.signed(hooks[0])      # a webhook with a real HMAC, ready to POST
    fake.fail_next(503, times=2)               # script trouble for the next API calls
    fake.graphql.bucket.available = 5          # an empty budget: the next query is throttled

Its clock (for the cost bucket) is the machine's plus whatever the test
advances it by (`advance`), so a client told to sleep with `fake.advance`
sees the bucket refill without waiting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .graphql import GraphQL
from .shop import FakeShop, Webhook

TOKEN = "shpat_fake_0123456789abcdef"
SECRET = "fake-webhook-secret"
API_PATH = "/admin/api/"


class FakeShopify:
    def __init__(self, *, token: str = TOKEN, secret: str = SECRET) -> None:
        self.token, self.secret = token, secret
        self.shop = FakeShop()
        self._offset = 0.0
        self.graphql = GraphQL(self.shop, self.clock)
        self._faults: deque[int] = deque()
        self._faults_lock = threading.Lock()
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None

    # the control panel --------------------------------------------------------------

    def clock(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass for the bucket (what a client's sleep does in the tests)."""
        self._offset += max(seconds, 0.0)

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` API calls with HTTP `status` (429, 500, 503 ...)."""
        with self._faults_lock:
            self._faults.extend([status] * times)

    def clear_faults(self) -> None:
        with self._faults_lock:
            self._faults.clear()

    def signed(self, webhook: Webhook, *, secret: str | None = None) -> tuple[dict[str, str], bytes]:
        """The headers and body Shopify would POST for `webhook`, signed with the app's secret."""
        body = json.dumps(webhook.payload).encode("utf-8")
        digest = hmac.new((secret or self.secret).encode(), body, hashlib.sha256).digest()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": webhook.topic,
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": self.shop.domain,
            "X-Shopify-Webhook-Id": webhook.webhook_id,
            "X-Shopify-API-Version": "2026-04",
            "X-Shopify-Triggered-At": "2026-03-02T14:00:00.000000000Z",
        }
        return headers, body

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # serving ------------------------------------------------------------------------

    def start(self) -> FakeShopify:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                length = int(self.headers.get("Content-Length") or 0)
                status, body = fake.handle(self.path, dict(self.headers), self.rfile.read(length))
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "2.0")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-shopify",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        self.requests += 1
        with self._faults_lock:
            fault = self._faults.popleft() if self._faults else None
        if fault is not None:
            return fault, {
                "errors": "Exceeded 2 calls per second for api client." if fault == 429 else "Internal"
            }
        if not (path.startswith(API_PATH) and path.endswith("/graphql.json")):
            return 404, {"errors": "Not Found"}
        if {key.lower(): value for key, value in headers.items()}.get("x-shopify-access-token") != self.token:
            return 401, {
                "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
            }
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, {"errors": "the body is not JSON"}
        return 200, self.graphql.answer(body)
