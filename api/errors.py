"""Errors as the API answers them: a status code and {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import JSONResponse

from processes.accounts import LoginEnded, RoleChanged
from processes.errors import PermissionDenied, ProcessError
from processes.sheet_edit import LockedCell, NoSuchRow
from processes.steps import InvalidChecklist, MissingInput, UnknownInput
from sheets.errors import (
    ConflictError,
    DuplicateKey,
    InvalidValue,
    RecordNotFound,
    SheetError,
    SheetUnavailable,
)


@dataclass
class ApiError(Exception):
    """An answer other than 200, raised anywhere below a route."""

    status: int
    code: str
    message: str
    field: str | None = None
    headers: dict[str, str] | None = None

    def response(self) -> JSONResponse:
        body = {"error": {"code": self.code, "message": self.message, "field": self.field}}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def from_refusal(error: Exception) -> ApiError:
    """The answer for what a rule or the record layer refused."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, NoSuchRow | RecordNotFound):
        return not_found(str(error))
    if isinstance(error, LockedCell):
        return ApiError(403, "workflow_column", str(error), error.column)
    if isinstance(error, LoginEnded | RoleChanged):
        return ApiError(401, "login_ended", str(error))
    if isinstance(error, PermissionDenied):
        return ApiError(403, "forbidden", str(error))
    if isinstance(error, ConflictError):
        return ApiError(
            409, "conflict", str(error), ", ".join(name for name, _old, _new in error.changes) or None
        )
    if isinstance(error, DuplicateKey):
        return ApiError(409, "duplicate", str(error))
    if isinstance(error, InvalidValue):
        return ApiError(422, "invalid", str(error), error.column)
    if isinstance(error, UnknownInput | MissingInput | InvalidChecklist):
        return ApiError(422, "invalid", str(error), error.field)
    if isinstance(error, SheetUnavailable):
        return ApiError(503, "unavailable", str(error))
    if isinstance(error, ProcessError | SheetError):
        return ApiError(422, "refused", str(error))
    raise error
