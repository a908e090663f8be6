"""spreadsheets.batchUpdate: requests applied in order, all or nothing.

Atomicity comes from the caller: the whole batch runs against a cloned spreadsheet
that is only adopted when every request succeeded. Here each request kind is looked up,
applied, and its errors are prefixed the way Google does ("Invalid requests[1].x: ...").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import cell_requests, sheet_requests
from .errors import ApiError, invalid, not_implemented
from .spreadsheet import FakeSpreadsheet

RequestHandler = Callable[[FakeSpreadsheet, dict[str, Any]], dict[str, Any]]

HANDLERS: dict[str, RequestHandler] = {
    "addSheet": sheet_requests.add_sheet,
    "deleteSheet": sheet_requests.delete_sheet,
    "updateSheetProperties": sheet_requests.update_sheet_properties,
    "insertDimension": sheet_requests.insert_dimension,
    "deleteDimension": sheet_requests.delete_dimension,
    "appendDimension": sheet_requests.append_dimension,
    "updateCells": cell_requests.update_cells,
    "appendCells": cell_requests.append_cells,
    "repeatCell": cell_requests.repeat_cell,
    "setDataValidation": cell_requests.set_data_validation,
    "sortRange": cell_requests.sort_range,
}


def apply_requests(spreadsheet: FakeSpreadsheet, requests: Any) -> list[dict[str, Any]]:
    """Apply every request in order and return one reply per request."""
    if not isinstance(requests, list) or not requests:
        raise invalid("Must specify at least one request.")
    replies = []
    for index, request in enumerate(requests):
        kind, payload = _unpack(request, index)
        handler = HANDLERS.get(kind)
        if handler is None:
            raise not_implemented(f"batchUpdate request kind {kind!r} (requests[{index}])")
        try:
            replies.append(handler(spreadsheet, payload))
        except ApiError as error:
            if error.code != 400:
                raise
            raise error.prefixed(f"Invalid requests[{index}].{kind}: ") from None
    return replies


def _unpack(request: Any, index: int) -> tuple[str, dict[str, Any]]:
    """A Request object holds exactly one kind, e.g. {"addSheet": {...}}."""
    if not isinstance(request, dict) or len(request) != 1:
        raise invalid(f"Invalid requests[{index}]: a request must set exactly one kind")
    ((kind, payload),) = request.items()
    if not isinstance(payload, dict):
        raise invalid(f"Invalid requests[{index}].{kind}: expected an object")
    return kind, payload
