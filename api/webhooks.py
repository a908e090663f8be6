"""POST /api/v1/channels/<channel>/webhooks: a shop's webhook, proved, kept in the inbox, answered at once.

The body is read raw and the signature checked on those bytes before anything
else (a bad or missing one: 401, nothing kept). A proved delivery is written
to the inbox — a local SQLite file, in a worker thread, milliseconds — and
answered 200; the record is changed later, in the background, by the
connection's jobs (woken now). So a slow or failing Google never makes the
shop wait, and never loses what it sent. A delivery already kept (the shop
sends again when unsure) is answered 200 as well and changes nothing. One
that arrives while the app shuts down is answered 503, so the shop sends it
again: a 200 means it is on disk.

Refusals are logged and counted in memory (processes/channels/refusals.py);
they write nothing, so a flood of forgeries cannot fill the disk.
"""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run

from processes import channels, runtime
from processes.channels import refusals
from processes.channels.errors import Refused
from processes.channels.inbox import Delivery, Inbox

from .errors import ApiError

log = logging.getLogger(__name__)


def register(prefix: str) -> None:
    """Add the route; before the API's generic /<tab>/<id>/<step>, which would take its path."""
    app.add_api_route(
        f"{prefix}/channels/{{channel}}/webhooks", receive, methods=["POST"], include_in_schema=False
    )


async def receive(request: Request, channel: str) -> JSONResponse:
    connection = channels.connection(channel)
    store = channels.store()
    if connection is None or store is None or not connection.accepts_webhooks:
        return ApiError(404, "not_found", f"No {channel} connection takes webhooks here.").response()
    body = await request.body()
    try:
        delivery = connection.delivery(request.headers, body)
    except Refused as refusal:
        refusals.refused(channel, str(refusal), _now())
        log.warning("webhook from %s refused: %s", request.client.host if request.client else "?", refusal)
        return ApiError(401, "unauthorized", f"Refused: {refusal}.").response()
    if delivery is None:
        return JSONResponse({"received": False, "reason": "Flowsheet does not take this topic."})
    kept = await run.io_bound(_keep, store, delivery)
    if kept is None:  # the app is shutting down and did not keep it: the shop must send it again
        return ApiError(
            503, "unavailable", "Shutting down: not kept, send it again.", headers={"Retry-After": "10"}
        ).response()
    if kept:
        channels.delivered()
    return JSONResponse({"received": True, "duplicate": not kept})


def _keep(store, delivery: Delivery) -> bool:
    return Inbox(store).receive(delivery, now=_now())


def _now() -> datetime:
    """The workbook's clock when one is open (so the inbox and the record agree), else the machine's."""
    try:
        return runtime.workbook().clock()
    except RuntimeError:
        return datetime.now()
