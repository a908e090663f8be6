"""spreadsheets.get and spreadsheets.batchUpdate."""

from __future__ import annotations

from typing import Any

from .errors import invalid
from .grid_data import spreadsheet_json
from .requests_batch import apply_requests
from .routing import ApiCall
from .spreadsheet import FakeSpreadsheet


def get_spreadsheet(spreadsheet: FakeSpreadsheet, call: ApiCall) -> dict[str, Any]:
    """GET /{id}: metadata; `fields` is ignored, `ranges` + includeGridData add grid data."""
    return spreadsheet_json(spreadsheet, call.param_list("ranges"), call.flag("includeGridData"))


def batch_update(spreadsheet: FakeSpreadsheet, call: ApiCall) -> dict[str, Any]:
    """POST /{id}:batchUpdate, applied to a draft by the caller (so it is all or nothing)."""
    body = call.body
    if not isinstance(body, dict):
        raise invalid("Invalid JSON payload received: a BatchUpdateSpreadsheetRequest is required")
    replies = apply_requests(spreadsheet, body.get("requests"))
    response: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        ranges = body.get("responseRanges") or []
        include = bool(body.get("responseIncludeGridData"))
        response["updatedSpreadsheet"] = spreadsheet_json(spreadsheet, ranges, include)
    return response
