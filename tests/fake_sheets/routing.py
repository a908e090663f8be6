"""Which endpoint a request is for ("kind"), decided before anything is handled.

Every request gets a kind so it can be counted, logged and faulted; paths the fake
does not model get the kind "unsupported" and are answered with an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN_URL = "https://oauth2.googleapis.com/token"
SHEETS_HOST = "sheets.googleapis.com"
BOUNDARY_HOST = "iamcredentials.googleapis.com"

TOKEN = "token"
GET = "get"
VALUES_BATCH_GET = "values.batchGet"
VALUES_GET = "values.get"
VALUES_UPDATE = "values.update"
VALUES_BATCH_UPDATE = "values.batchUpdate"
VALUES_APPEND = "values.append"
BATCH_UPDATE = "batchUpdate"
UNSUPPORTED = "unsupported"
BOUNDARY_LOOKUP = "allowedLocations"

SHEETS_KINDS = (
    GET,
    VALUES_BATCH_GET,
    VALUES_GET,
    VALUES_UPDATE,
    VALUES_BATCH_UPDATE,
    VALUES_APPEND,
    BATCH_UPDATE,
)
WRITE_KINDS = frozenset({VALUES_UPDATE, VALUES_BATCH_UPDATE, VALUES_APPEND, BATCH_UPDATE})

_ID = r"(?P<id>[^/:]+)"
_ROUTES = (
    ("GET", re.compile(rf"^/v4/spreadsheets/{_ID}$"), GET),
    ("POST", re.compile(rf"^/v4/spreadsheets/{_ID}:batchUpdate$"), BATCH_UPDATE),
    ("GET", re.compile(rf"^/v4/spreadsheets/{_ID}/values:batchGet$"), VALUES_BATCH_GET),
    ("POST", re.compile(rf"^/v4/spreadsheets/{_ID}/values:batchUpdate$"), VALUES_BATCH_UPDATE),
    ("POST", re.compile(rf"^/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+):append$"), VALUES_APPEND),
    ("GET", re.compile(rf"^/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+)$"), VALUES_GET),
    ("PUT", re.compile(rf"^/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+)$"), VALUES_UPDATE),
)


@dataclass
class ApiCall:
    """One decoded request: its kind, the ids in its path, its query and JSON body."""

    kind: str
    method: str
    url: str
    spreadsheet_id: str | None = None
    range_text: str | None = None
    params: dict[str, list[str]] = field(default_factory=dict)
    body: Any = None

    def param(self, name: str, default: str | None = None) -> str | None:
        """First value of a query parameter."""
        values = self.params.get(name)
        return values[0] if values else default

    def param_list(self, name: str) -> list[str]:
        """All values of a repeated query parameter (such as ranges=...&ranges=...)."""
        return list(self.params.get(name, []))

    def flag(self, name: str) -> bool:
        """A boolean query parameter; gspread sends Python's "True"/"False"."""
        return (self.param(name) or "").lower() == "true"

    @property
    def path(self) -> str:
        """The URL path, for messages."""
        return urlsplit(self.url).path


def route(method: str, url: str) -> ApiCall:
    """Work out what a request is for; nothing is looked up or changed here."""
    parts = urlsplit(url)
    params = parse_qs(parts.query, keep_blank_values=True)
    call = ApiCall(UNSUPPORTED, method, url, params=params)
    if f"https://{parts.netloc}{parts.path}" == TOKEN_URL and method == "POST":
        call.kind = TOKEN
    elif parts.netloc == BOUNDARY_HOST and parts.path.endswith("/allowedLocations"):
        call.kind = BOUNDARY_LOOKUP
    elif parts.netloc == SHEETS_HOST:
        _route_sheets(call, method, parts.path)
    return call


def _route_sheets(call: ApiCall, method: str, path: str) -> None:
    for route_method, pattern, kind in _ROUTES:
        match = pattern.match(path)
        if match and method == route_method:
            call.kind = kind
            call.spreadsheet_id = unquote(match.group("id"))
            if "range" in pattern.groupindex:
                call.range_text = unquote(match.group("range"))
            return
