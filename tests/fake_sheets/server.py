"""FakeSheets: the in-process Sheets API server and the control panel tests drive it with."""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qs

import requests

from .errors import ApiError, invalid, not_implemented
from .faults import ANY, Fault, FaultPlan, Hooks, fault_reply
from .grid import CellValue
from .oauth import TokenIssuer
from .reply import Reply, error_reply, json_reply
from .routing import (
    BATCH_UPDATE,
    BOUNDARY_LOOKUP,
    GET,
    SHEETS_KINDS,
    TOKEN,
    UNSUPPORTED,
    VALUES_APPEND,
    VALUES_BATCH_GET,
    VALUES_BATCH_UPDATE,
    VALUES_GET,
    VALUES_UPDATE,
    WRITE_KINDS,
    ApiCall,
    route,
)
from .spreadsheet import FakeSpreadsheet
from .spreadsheet_api import batch_update, get_spreadsheet
from .values_api import values_append, values_batch_get, values_batch_update, values_get, values_update

if TYPE_CHECKING:
    from .person import Person
    from .transport import FakeTransport

Endpoint = Callable[[FakeSpreadsheet, ApiCall], dict[str, Any]]
SheetsSeed = Sequence[str] | Mapping[str, Sequence[Sequence[CellValue]]]

ENDPOINTS: dict[str, Endpoint] = {
    GET: get_spreadsheet,
    VALUES_GET: values_get,
    VALUES_BATCH_GET: values_batch_get,
    VALUES_UPDATE: values_update,
    VALUES_BATCH_UPDATE: values_batch_update,
    VALUES_APPEND: values_append,
    BATCH_UPDATE: batch_update,
}
KNOWN_KINDS = frozenset({*SHEETS_KINDS, TOKEN, UNSUPPORTED, ANY})
UNAUTHENTICATED = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential."
)
_INVALID_JSON = object()
#: The largest request body Google accepts (10 MiB); a bigger one is answered 400.
MAX_BODY_BYTES = 10 * 1024 * 1024


class LoggedRequest(NamedTuple):
    """One request as the fake saw it: (kind, method, url, decoded body)."""

    kind: str
    method: str
    url: str
    body: Any


class FakeSheets:
    """An in-process Google Sheets API v4 (plus the OAuth token endpoint).

    Plug it into requests/google-auth with `transport()`; seed it with
    `create_spreadsheet()`; script trouble with `fail_next()`, `timeout_next()`,
    `apply_then_fail()`, `before_next()`; inspect traffic with `count()` and `log`.
    """

    def __init__(self, time_zone: str = "Etc/GMT") -> None:
        self.lock = threading.RLock()
        self.time_zone = time_zone
        self.log: list[LoggedRequest] = []
        self.boundary_lookups = 0
        self._spreadsheets: dict[str, FakeSpreadsheet] = {}
        self._tokens = TokenIssuer()
        self._faults = FaultPlan()
        self._hooks = Hooks()
        self._counts: Counter[str] = Counter()

    # ----- wiring --------------------------------------------------------------------

    def transport(self) -> FakeTransport:
        """A requests adapter that answers every https:// request from this fake."""
        from .transport import FakeTransport

        return FakeTransport(self)

    # ----- spreadsheets --------------------------------------------------------------

    def create_spreadsheet(
        self,
        spreadsheet_id: str | None = None,
        title: str = "Flowsheet",
        sheets: SheetsSeed = ("Sheet1",),
        *,
        shared: bool = True,
    ) -> FakeSpreadsheet:
        """Create a spreadsheet; `sheets` is a list of titles or {title: rows of values}."""
        spreadsheet_id = spreadsheet_id or secrets.token_urlsafe(33)
        if not sheets:
            raise ValueError("a spreadsheet always has at least one sheet")
        with self.lock:
            if spreadsheet_id in self._spreadsheets:
                raise ValueError(f"spreadsheet {spreadsheet_id!r} already exists")
            spreadsheet = FakeSpreadsheet(spreadsheet_id, title, self.lock, self.time_zone)
            seeds = sheets.items() if isinstance(sheets, Mapping) else ((name, None) for name in sheets)
            for sheet_title, rows in seeds:
                spreadsheet.add_sheet(sheet_title, rows)
            if not shared:
                spreadsheet.unshare()
            self._spreadsheets[spreadsheet_id] = spreadsheet
            return spreadsheet

    def spreadsheet(self, spreadsheet_id: str | None = None) -> FakeSpreadsheet:
        """A spreadsheet by id (or the only one, when there is just one)."""
        with self.lock:
            if spreadsheet_id is None:
                if len(self._spreadsheets) != 1:
                    raise ValueError("name the spreadsheet: the fake holds more or fewer than one")
                return next(iter(self._spreadsheets.values()))
            return self._spreadsheets[spreadsheet_id]

    def person(self, spreadsheet_id: str | None = None) -> Person:
        """Someone editing a spreadsheet by hand (no HTTP, not counted)."""
        return self.spreadsheet(spreadsheet_id).person

    def share_with(self, email: str, spreadsheet_id: str | None = None) -> None:
        """Give an account access to one spreadsheet, or to all of them."""
        with self.lock:
            for spreadsheet in self._targets(spreadsheet_id):
                if spreadsheet.shared_with is not None:
                    spreadsheet.shared_with.add(email)

    def unshare(self, spreadsheet_id: str | None = None) -> None:
        """Share one spreadsheet (or all) with nobody: requests get 403 PERMISSION_DENIED."""
        with self.lock:
            for spreadsheet in self._targets(spreadsheet_id):
                spreadsheet.unshare()

    def _targets(self, spreadsheet_id: str | None) -> list[FakeSpreadsheet]:
        if spreadsheet_id is None:
            return list(self._spreadsheets.values())
        return [self._spreadsheets[spreadsheet_id]]

    # ----- tokens --------------------------------------------------------------------

    @property
    def granted_scopes(self) -> list[str]:
        """Scopes the token endpoint has granted (from the JWT "scope" claim)."""
        with self.lock:
            return self._tokens.granted_scopes

    @property
    def token_grants(self) -> list[dict[str, Any]]:
        """The decoded JWT claims of every token exchange."""
        with self.lock:
            return list(self._tokens.grants)

    def revoke_tokens(self) -> None:
        """Invalidate issued tokens, as when one expires server-side."""
        with self.lock:
            self._tokens.revoke_all()

    # ----- traffic -------------------------------------------------------------------

    def count(self, kind: str) -> int:
        """How many requests of this kind arrived (faulted ones included)."""
        _check_kind(kind)
        with self.lock:
            return sum(self._counts.values()) if kind == ANY else self._counts[kind]

    def counts(self) -> dict[str, int]:
        """Request counts by kind."""
        with self.lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        """Start a fresh tally: clears the counts and the request log."""
        with self.lock:
            self._counts.clear()
            self.log.clear()

    def logged(self, kind: str = ANY) -> list[LoggedRequest]:
        """Logged requests, optionally only of one kind."""
        _check_kind(kind)
        with self.lock:
            return [entry for entry in self.log if kind in (ANY, entry.kind)]

    # ----- faults and hooks ----------------------------------------------------------

    def fail_next(
        self,
        kind: str = ANY,
        status: int | None = None,
        times: int = 1,
        retry_after: int | float | str | None = None,
        html: bool = False,
        message: str | None = None,
    ) -> None:
        """Answer the next `times` requests of `kind` with an error, applying nothing.

        status defaults to 429, or 502 with html=True (Google's front-end HTML page).
        retry_after adds a Retry-After header.
        """
        _check_kind(kind)
        status = status or (502 if html else 429)
        fault = Fault(kind, times, status=status, retry_after=retry_after, html=html, message=message)
        with self.lock:
            self._faults.add(fault)

    def timeout_next(self, kind: str = ANY, times: int = 1) -> None:
        """Raise requests' ReadTimeout for the next `times` requests of `kind`, applying nothing."""
        _check_kind(kind)
        with self.lock:
            self._faults.add(Fault(kind, times, timeout=True))

    def apply_then_fail(
        self, kind: str = ANY, status: int = 500, timeout: bool = False, times: int = 1
    ) -> None:
        """Apply the next successful request of `kind`, then answer `status` (or time out)."""
        _check_kind(kind)
        with self.lock:
            self._faults.add(Fault(kind, times, status=status, timeout=timeout, after_apply=True))

    def clear_faults(self) -> None:
        """Drop every scheduled fault."""
        with self.lock:
            self._faults.clear()

    @property
    def pending_faults(self) -> list[Fault]:
        """Faults scheduled but not yet triggered."""
        with self.lock:
            return self._faults.pending

    def before_next(self, kind: str, fn: Callable[[], object]) -> None:
        """Run fn() once, right before the next request of `kind` is handled."""
        _check_kind(kind)
        self._hooks.before_next(kind, fn)

    def before_each(self, fn: Callable[[], object] | None) -> Callable[[], object] | None:
        """Run fn() before every request until remove_before_each(fn); returns fn.

        before_each(None) removes every before_each callback.
        """
        if fn is None:
            self._hooks.clear_each()
        else:
            self._hooks.before_each(fn)
        return fn

    def remove_before_each(self, fn: Callable[[], object]) -> None:
        """Stop running a before_each callback."""
        self._hooks.remove(fn)

    # ----- serving -------------------------------------------------------------------

    def handle(self, request: requests.PreparedRequest) -> Reply:
        """Answer one HTTP request (raises ReadTimeout for scripted timeouts)."""
        call = route((request.method or "GET").upper(), request.url or "")
        if call.kind == BOUNDARY_LOOKUP:
            return self._boundary_lookup()
        call.body = _decode_body(request.body, call.kind)
        with self.lock:
            self.log.append(LoggedRequest(call.kind, call.method, call.url, _loggable(call.body)))
            self._counts[call.kind] += 1
        for hook in self._hooks.due(call.kind):
            hook()
        if len(request.body or b"") > MAX_BODY_BYTES:
            # Google's front end refuses the body before the API sees it; nothing is applied.
            return error_reply(invalid(f"Request payload size exceeds the limit: {MAX_BODY_BYTES} bytes."))
        with self.lock:
            fault = self._faults.take(call.kind, after_apply=False)
            if fault is not None:
                return fault_reply(fault, call.kind, request)
            reply = self._answer(call, request.headers)
            fault = self._faults.take(call.kind, after_apply=True) if reply.ok else None
        return reply if fault is None else fault_reply(fault, call.kind, request)

    def _answer(self, call: ApiCall, headers: Mapping[str, str]) -> Reply:
        try:
            if call.kind == TOKEN:
                return self._tokens.exchange(call.body if isinstance(call.body, dict) else {})
            if call.kind == UNSUPPORTED:
                raise not_implemented(f"{call.method} {call.path}")
            if call.body is _INVALID_JSON:
                raise invalid("Invalid JSON payload received.")
            holder = self._tokens.holder(headers.get("Authorization"))
            if holder is None:
                return _unauthenticated()
            return json_reply(200, self._serve(call, holder))
        except ApiError as error:
            return error_reply(error)

    def _serve(self, call: ApiCall, holder: str) -> dict[str, Any]:
        spreadsheet = self._spreadsheets.get(call.spreadsheet_id or "")
        if spreadsheet is None:
            raise ApiError(404, "Requested entity was not found.")
        if not spreadsheet.is_shared_with(holder):
            raise ApiError(403, "The caller does not have permission")
        endpoint = ENDPOINTS[call.kind]
        if call.kind not in WRITE_KINDS:
            return endpoint(spreadsheet, call)
        draft = spreadsheet.clone()
        payload = endpoint(draft, call)
        spreadsheet.adopt(draft)
        return payload

    def _boundary_lookup(self) -> Reply:
        """google-auth's background allowedLocations lookup: answered, but not logged."""
        with self.lock:
            self.boundary_lookups += 1
        return json_reply(200, {"locations": [], "encodedLocations": "0x0"})


def _check_kind(kind: str) -> None:
    if kind not in KNOWN_KINDS:
        raise ValueError(f"unknown request kind {kind!r}; expected one of {sorted(KNOWN_KINDS)}")


def _decode_body(body: bytes | str | None, kind: str) -> Any:
    if not body:
        return None
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    if kind == TOKEN:
        return {key: values[0] for key, values in parse_qs(text).items()}
    try:
        return json.loads(text)
    except ValueError:
        return _INVALID_JSON


def _loggable(body: Any) -> Any:
    return "<invalid JSON>" if body is _INVALID_JSON else body


def _unauthenticated() -> Reply:
    error = ApiError(401, UNAUTHENTICATED)
    return error_reply(error, {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
