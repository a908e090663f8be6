"""The API's routes: each one authenticates, then does its work off the event loop, then answers JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run

from processes import runtime, sheet_edit, steps
from processes.permissions import Actor
from processes.procedure import Procedure
from sheets.table import Record
from sheets.tabs import tab_named

from . import docs, openapi, webhooks
from .auth import LIMIT, actor_of
from .errors import ApiError, from_refusal, not_found
from .resources import (
    ETAG_SEPARATOR,
    as_json,
    etag,
    filters,
    key_of,
    key_text,
    matching,
    paging,
    procedures_on,
    tab_of,
    version_in,
)

PREFIX = "/api/v1"
#: Where a route's work leaves the answered row's ETag for the answer's header.
ETAG_KEY = "__etag__"


def register() -> None:
    """Add the routes to the app (once, from the entry point and the tests' main file)."""
    app.add_api_route(f"{PREFIX}/openapi.json", openapi_document, methods=["GET"], include_in_schema=False)
    docs.register(PREFIX)
    webhooks.register(PREFIX)  # before /<tab>/<id>/<step>, which would take its path
    app.add_api_route(f"{PREFIX}/{{tab}}", list_rows, methods=["GET"], include_in_schema=False)
    app.add_api_route(f"{PREFIX}/{{tab}}", create, methods=["POST"], include_in_schema=False)
    one = f"{PREFIX}/{{tab}}/{{record_id:path}}"  # a composite key: /api/v1/stock/KIT-001/LOC-1
    app.add_api_route(one, one_row, methods=["GET"], include_in_schema=False)
    app.add_api_route(one, edit, methods=["PATCH"], include_in_schema=False)
    app.add_api_route(one, delete, methods=["DELETE"], include_in_schema=False)
    app.add_api_route(
        f"{PREFIX}/{{tab}}/{{record_id}}/{{step}}", take_step, methods=["POST"], include_in_schema=False
    )


# the routes ------------------------------------------------------------------------


async def openapi_document(request: Request) -> JSONResponse:
    if docs.logged_in():  # the docs page, read by a logged-in browser
        return JSONResponse(await run.io_bound(openapi.document))
    return await _answer(request, lambda actor, body: openapi.document())


async def list_rows(request: Request, tab: str) -> JSONResponse:
    def work(actor: Actor, body: Any) -> dict[str, Any]:
        found = tab_of(tab)
        query = dict(request.query_params)
        wanted, (limit, offset) = filters(found, query), paging(query)
        rows = matching(sheet_edit.read_rows(runtime.workbook(), found.name, by=actor), wanted)
        return {
            "records": [as_json(row) for row in rows[offset : offset + limit]],
            "total": len(rows),
            "limit": limit,
            "offset": offset,
        }

    return await _answer(request, work)


async def one_row(request: Request, tab: str, record_id: str) -> JSONResponse:
    def work(actor: Actor, body: Any) -> dict[str, Any]:
        found = tab_of(tab)
        return _row(_current(found.name, key_of(found, record_id), actor))

    return await _answer(request, work)


async def create(request: Request, tab: str) -> JSONResponse:
    def work(actor: Actor, body: Any) -> dict[str, Any]:
        found = tab_of(tab)
        values = _object(body)
        entry = next((steps.entry_for(p) for p in procedures_on(found) if steps.entry_for(p)), None)
        if entry is None:  # no procedure makes these records: the grid's add, with its rules
            return _row(sheet_edit.add_row(runtime.workbook(), found.name, values, by=actor))
        made = steps.make(runtime.workbook(), entry.procedure, values, by=actor)
        return _made(found.name, made)

    return await _answer(request, work, read_body=True, status=201)


async def edit(request: Request, tab: str, record_id: str) -> JSONResponse:
    def work(actor: Actor, body: Any) -> dict[str, Any]:
        found = tab_of(tab)
        key = key_of(found, record_id)
        base = _base(found.name, key, actor, request.headers.get("if-match"))
        saved = sheet_edit.edit_cells(runtime.workbook(), found.name, key, _object(body), base, by=actor)
        return _row(saved)

    return await _answer(request, work, read_body=True)


async def delete(request: Request, tab: str, record_id: str) -> JSONResponse:
    def work(actor: Actor, body: Any) -> dict[str, Any]:
        found = tab_of(tab)
        key = key_of(found, record_id)
        base = _base(found.name, key, actor, request.headers.get("if-match"))
        return as_json(sheet_edit.delete_row(runtime.workbook(), found.name, key, base, by=actor))

    return await _answer(request, work)


async def take_step(request: Request, tab: str, record_id: str, step: str) -> JSONResponse:
    def work(actor: Actor, body: Any) -> dict[str, Any]:
        found = tab_of(tab)
        key = key_of(found, record_id)
        procedure = _procedure_with(found.name, step)
        base = _base(found.name, key, actor, request.headers.get("if-match"))
        site = runtime.site_url(str(request.base_url))
        done = steps.take(
            runtime.workbook(), procedure, key, step, _object(body), by=actor, base=base, site_url=site
        )
        return _made(found.name, done if isinstance(done, Record) else key)

    return await _answer(request, work, read_body=True)


# how every route answers -----------------------------------------------------------------


async def _answer(
    request: Request,
    work: Callable[[Actor, Any], Any],
    *,
    read_body: bool = False,
    status: int = 200,
) -> JSONResponse:
    """Authenticate, count the call, read the JSON body, do `work` in a worker thread, answer JSON."""
    authorization = request.headers.get("authorization")
    try:
        body = await _json_body(request) if read_body else None
        result = await run.io_bound(_authorized, authorization, work, body)
    except ApiError as error:
        return error.response()
    tag = result.pop(ETAG_KEY, None) if isinstance(result, dict) else None
    return JSONResponse(result, status_code=status, headers={"ETag": tag} if tag else None)


def _authorized(authorization: str | None, work: Callable[[Actor, Any], Any], body: Any) -> Any:
    try:
        actor = actor_of(authorization)
        LIMIT.admit(authorization)
        return work(actor, body)
    except Exception as error:  # a refusal becomes its answer; anything else is a bug and is raised
        raise from_refusal(error) from error


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(422, "invalid", f"The body is not JSON: {error}.") from None


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ApiError(422, "invalid", "The body must be a JSON object of field names and values.")
    return body


def _current(tab_name: str, key: Any, actor: Actor) -> Record:
    return sheet_edit.row_for_edit(runtime.workbook(), tab_name, key, by=actor)


def _base(tab_name: str, key: Any, actor: Actor, if_match: str | None) -> Record | None:
    """The row as the caller last saw it, when it sent If-Match; 409 naming what changed since.

    If-Match is the ETag of our last answer about the row (exact), or its updated_at
    (whole seconds: a change in the same second as the one seen goes unnoticed).
    """
    if not if_match:
        return None
    current = _current(tab_name, key, actor)
    seen, digest = version_in(if_match)
    now = current["updated_at"].isoformat() if current["updated_at"] else ""
    if (seen == now and digest is None) or etag(current) == f'"{seen}{ETAG_SEPARATOR}{digest}"':
        return current
    try:
        since = datetime.fromisoformat(seen)
    except ValueError:
        raise ApiError(
            422, "invalid", f"If-Match is the row's ETag or its updated_at (ISO 8601), not {if_match!r}."
        ) from None
    # With a digest the version seen may be one of several in that second: count the whole second.
    since -= timedelta(seconds=1) if digest else timedelta(0)
    changed = sheet_edit.changes_since(runtime.workbook(), tab_name, key, since)
    raise ApiError(
        409,
        "conflict",
        f"{key_text(key)} was changed at {now or 'an unknown time'} by {current['updated_by'] or 'someone'} "
        f"since the version you sent: {', '.join(changed) or 'changes not in the Audit'}. Nothing was saved.",
        ", ".join(changed) or None,
    )


def _procedure_with(tab_name: str, action: str) -> Procedure:
    tab = tab_named(tab_name)
    for procedure in procedures_on(tab):
        if any(t.action == action for t in procedure.transitions):
            return procedure
    known = sorted({t.action for p in procedures_on(tab) for t in p.transitions if not t.automatic})
    raise not_found(f"{tab.name} has no step {action!r}; its steps are: {', '.join(known) or 'none'}.")


def _row(record: Record) -> dict[str, Any]:
    return {**as_json(record), ETAG_KEY: etag(record)}


def _made(tab_name: str, made: Any) -> dict[str, Any]:
    """What a rule returned, as the record it changed (a stocktake answers with its session's ID)."""
    if isinstance(made, Record) and made.schema.name == tab_name:
        return _row(made)
    if isinstance(made, Record):  # a step that answers with another record (a quote, a receipt)
        return {"record": as_json(made), "tab": made.schema.name}
    return {"result": made}
