"""Errors in the shape Google's APIs return them, so gspread's APIError sees the real thing."""

from __future__ import annotations

from typing import Any

GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """A failed call: the HTTP status plus Google's {"error": {...}} body."""

    def __init__(self, code: int, message: str, status: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or GOOGLE_STATUS.get(code, "UNKNOWN")

    def body(self) -> dict[str, Any]:
        """The JSON body Google sends with this error."""
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}

    def prefixed(self, prefix: str) -> ApiError:
        """The same error with context in front, as in "Invalid requests[2].addSheet: ..."."""
        return ApiError(self.code, f"{prefix}{self.message}", self.status)


def invalid(message: str) -> ApiError:
    """400 INVALID_ARGUMENT, Google's answer to a request it understood but rejects."""
    return ApiError(400, message)


def not_implemented(what: str) -> ApiError:
    """501 for anything the fake does not model, so no test passes by accident."""
    return ApiError(501, f"{what} is not implemented by the fake Sheets API (tests/fake_sheets)")


def unparseable_range(text: str) -> ApiError:
    """Google's wording when a range names no sheet it knows."""
    return invalid(f"Unable to parse range: {text}")


def exceeds_grid(where: str, row_count: int, column_count: int) -> ApiError:
    """Google's wording for a write (or read start) outside the sheet's rows/columns."""
    return invalid(f"Range ({where}) exceeds grid limits. Max rows: {row_count}, max columns: {column_count}")
