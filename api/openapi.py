"""The OpenAPI document of /api/v1, written from the tab declarations and the procedure specifications.

Nothing here lists a tab or a step by hand: a step added to a specification
appears in the document (and at /api/v1/docs) with its inputs, its states and
who may take it.
"""

from __future__ import annotations

import functools
from typing import Any

from processes import steps
from processes.procedure import Procedure, Transition
from sheets.schema import Column, Kind, Tab

from .resources import DEFAULT_LIMIT, KEY_SEPARATOR, MOST_ROWS, TABS_BY_SLUG, procedures_on

PREFIX = "/api/v1"
_TYPES = {
    Kind.TEXT: {"type": "string"},
    Kind.INT: {"type": "integer"},
    Kind.NUMBER: {"type": "number"},
    Kind.BOOL: {"type": "boolean"},
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.DATETIME: {"type": "string", "format": "date-time"},
}
#: Inputs that are not a cell of the tab, and what they hold.
_OTHER_INPUTS: dict[str, dict[str, Any]] = {
    "lines": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "sku": {"type": "string"},
                "qty": {"type": "integer"},
                "unit_price": {"type": "number"},
            },
            "required": ["sku", "qty"],
        },
    },
    "picked": {"type": "array", "items": {"type": "string"}, "description": "The line IDs picked"},
}
_ERRORS = {
    "401": "No token, or not a valid one",
    "403": "Not allowed: the role, a workflow column, or segregation of duties",
    "404": "No such tab, row or step",
    "409": "The row changed since the version sent (If-Match) or another row has that key",
    "422": "An input does not fit; `field` names it",
    "429": "Too many calls: wait the seconds in Retry-After",
}


@functools.cache
def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": _error_schema()}
    for slug, tab in TABS_BY_SLUG.items():
        schemas[_schema_name(tab)] = _row_schema(tab)
        paths[f"{PREFIX}/{slug}"] = {"get": _list(tab), "post": _create(tab)}
        paths[f"{PREFIX}/{slug}/{{id}}"] = {"get": _read(tab), "patch": _patch(tab), "delete": _delete(tab)}
        for procedure in procedures_on(tab):
            for found in steps.rules_of(procedure):
                paths[f"{PREFIX}/{slug}/{{id}}/{found.action}"] = {"post": _step(tab, procedure, found)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Flowsheet API",
            "version": "1",
            "description": "Every tab of the record and every step of its procedures. Send "
            "'Authorization: Bearer <token>' (python app.py user token NAME).",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


def _schema_name(tab: Tab) -> str:
    return "".join(word.capitalize() for word in tab.slug.split("-"))


def _column_schema(column: Column) -> dict[str, Any]:
    schema = dict(_TYPES[column.kind])
    if column.choices:
        schema["enum"] = list(column.choices)
    if column.minimum is not None:
        schema["minimum"] = column.minimum
    if column.maximum is not None:
        schema["maximum"] = column.maximum
    if column.description:
        schema["description"] = column.description
    return schema


def _row_schema(tab: Tab) -> dict[str, Any]:
    return {
        "type": "object",
        "description": tab.description,
        "properties": {column.name: _column_schema(column) for column in tab.columns},
    }


def _ref(tab: Tab) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{_schema_name(tab)}"}


def _answers(ok: dict[str, Any], status: str = "200") -> dict[str, Any]:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        status: {"description": "Done", "content": {"application/json": {"schema": ok}}},
        **{code: {"description": text, "content": error} for code, text in _ERRORS.items()},
    }


def _id_parameter(tab: Tab) -> dict[str, Any]:
    named = KEY_SEPARATOR.join(tab.key)
    return {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}, "description": named}


def _if_match() -> dict[str, Any]:
    return {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "The row's updated_at as last read: refused with 409 when it changed since",
    }


def _list(tab: Tab) -> dict[str, Any]:
    filters = [
        {"name": c.name, "in": "query", "required": False, "schema": _column_schema(c)} for c in tab.columns
    ]
    paging = [
        {
            "name": "limit",
            "in": "query",
            "schema": {"type": "integer", "default": DEFAULT_LIMIT, "maximum": MOST_ROWS},
        },
        {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0}},
    ]
    listed = {
        "type": "object",
        "properties": {
            "records": {"type": "array", "items": _ref(tab)},
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
    }
    return {
        "summary": f"List {tab.name}",
        "tags": [tab.name],
        "parameters": paging + filters,
        "responses": _answers(listed),
    }


def _inputs_schema(tab: Tab, inputs: tuple[steps.Input, ...]) -> dict[str, Any]:
    properties = {}
    for item in inputs:
        if item.name in _OTHER_INPUTS:
            properties[item.name] = _OTHER_INPUTS[item.name]
        elif tab.has_column(item.name):
            properties[item.name] = _column_schema(tab.column(item.name))
        else:
            properties[item.name] = {"type": ["string", "number"]}
    return {
        "type": "object",
        "properties": properties,
        "required": [item.name for item in inputs if item.required],
        "additionalProperties": False,
    }


def _create(tab: Tab) -> dict[str, Any]:
    entry = next((steps.entry_for(p) for p in procedures_on(tab) if steps.entry_for(p)), None)
    if entry is not None:
        body = _inputs_schema(tab, entry.inputs)
        summary = f"Make a {entry.procedure.name.lower()} through its entry rule"
    else:
        body = {"type": "object", "description": "Cells of the new row (the grid's rules apply)"}
        summary = f"Add a row to {tab.name}"
    return {
        "summary": summary,
        "tags": [tab.name],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": _answers(_ref(tab), "201"),
    }


def _read(tab: Tab) -> dict[str, Any]:
    return {
        "summary": f"One row of {tab.name}",
        "tags": [tab.name],
        "parameters": [_id_parameter(tab)],
        "responses": _answers(_ref(tab)),
    }


def _patch(tab: Tab) -> dict[str, Any]:
    return {
        "summary": f"Change cells of a row of {tab.name} (the grid's rules: workflow columns only by a step)",
        "tags": [tab.name],
        "parameters": [_id_parameter(tab), _if_match()],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": _answers(_ref(tab)),
    }


def _delete(tab: Tab) -> dict[str, Any]:
    return {
        "summary": f"Delete a row of {tab.name} (refused while it holds stock)",
        "tags": [tab.name],
        "parameters": [_id_parameter(tab), _if_match()],
        "responses": _answers(_ref(tab)),
    }


def _step(tab: Tab, procedure: Procedure, found: steps.Rule) -> dict[str, Any]:
    transition = found.transition
    assert transition is not None
    body = _inputs_schema(tab, found.inputs)
    if transition.checklist:
        body["properties"][steps.CHECKLIST] = {
            "type": "array",
            "items": {"type": "string", "enum": list(transition.checklist)},
            "description": "The checklist items ticked; the Audit row of the step keeps them, and those not ticked",
        }
    return {
        "summary": f"{procedure.name}: {transition.label}",
        "description": _describe(procedure, transition),
        "tags": [tab.name],
        "parameters": [_id_parameter(tab), _if_match()],
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": body}},
        },
        "responses": _answers(_ref(tab)),
    }


def _describe(procedure: Procedure, transition: Transition) -> str:
    lines = [f"From {', '.join(transition.sources)} to {transition.target}, by {transition.role}."]
    if transition.permission is not None:
        lines.append(f"Needs the permission to {transition.permission.value}.")
    if transition.deadline:
        lines.append(f"Deadline: setting {transition.deadline}.")
    if transition.checklist:
        lines.append("Checklist: " + "; ".join(transition.checklist) + ".")
    return " ".join(lines)


def _error_schema() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {"code": text, "message": text, "field": {"type": ["string", "null"]}},
                "required": ["code", "message", "field"],
            }
        },
    }
