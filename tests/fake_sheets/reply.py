"""What the fake server hands back to the transport before it becomes a requests.Response."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError

JSON_TYPE = "application/json; charset=UTF-8"
HTML_TYPE = "text/html; charset=UTF-8"


@dataclass
class Reply:
    """Status, body bytes and headers of one HTTP answer."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the call succeeded (and so may have changed state)."""
        return 200 <= self.status < 300


def json_reply(status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
    """A JSON answer encoded the way Google's front end sends it."""
    body = json.dumps(payload, indent=2).encode("utf-8") + b"\n"
    return Reply(status, body, JSON_TYPE, dict(headers or {}))


def error_reply(error: ApiError, headers: dict[str, str] | None = None) -> Reply:
    """An ApiError as Google's JSON error body."""
    return json_reply(error.code, error.body(), headers)


def html_reply(status: int) -> Reply:
    """The bare HTML error page Google's front end serves when the API never got the call."""
    page = (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        f"  <title>Error {status} (Server Error)!!1</title>\n"
        f"  <p><b>{status}.</b> <ins>That\u2019s an error.</ins>\n"
        "  <p>The server encountered a temporary error and could not complete your request."
        "<p>Please try again in 30 seconds.  <ins>That\u2019s all we know.</ins>\n"
    )
    return Reply(status, page.encode("utf-8"), HTML_TYPE)
