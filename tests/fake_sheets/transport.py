"""The requests adapter that routes HTTP calls into FakeSheets instead of the network.

Mount it on every session google-auth and gspread use ("https://"), and they run
unmodified: the responses are real requests.Response objects with status, headers,
body, url and the originating request.
"""

from __future__ import annotations

import io
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from requests.adapters import BaseAdapter
from requests.models import PreparedRequest, Response
from requests.structures import CaseInsensitiveDict

from .reply import Reply

if TYPE_CHECKING:
    from .server import FakeSheets


class FakeTransport(BaseAdapter):
    """Answers requests in-process from a FakeSheets; never opens a socket."""

    def __init__(self, fake: FakeSheets) -> None:
        super().__init__()
        self.fake = fake

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:
        """Handle the request (may raise requests' ReadTimeout when one is scripted)."""
        return build_response(request, self.fake.handle(request), self)

    def close(self) -> None:
        """Nothing to release: there are no connections."""

    def __deepcopy__(self, memo: dict[int, Any]) -> FakeTransport:
        """google-auth deep-copies its auth transport for a background lookup; the copy
        must still answer from the same fake, not from a frozen clone of it."""
        return self


def build_response(request: PreparedRequest, reply: Reply, adapter: BaseAdapter) -> Response:
    """A requests.Response carrying the reply, as HTTPAdapter.build_response would make."""
    response = Response()
    response.status_code = reply.status
    response.reason = _reason(reply.status)
    headers = {"Content-Type": reply.content_type, "Content-Length": str(len(reply.body))}
    response.headers = CaseInsensitiveDict({**headers, **reply.headers})
    response._content = reply.body
    response._content_consumed = True
    response.raw = io.BytesIO(reply.body)
    response.encoding = "utf-8"
    response.url = request.url or ""
    response.request = request
    response.connection = adapter
    return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
