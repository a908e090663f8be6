"""The `changes` cell of an Audit row: written by a transaction, read back by history and metrics.

One Audit row says everything one transaction did to one record:

    status: new → confirmed; location_id: (empty) → LOC-A     an update
    order_id: ORD-…; status: new; total: 24                   an insert (or a deletion: the values it held)

A value that contains one of the separators ("; ", " → ", ": ") or starts with a
double quote is written as a JSON string ("\"Ship to: back door\"") so the cell
can be parsed back; older rows wrote every value bare, and they parse as before
(a bare value runs up to the next separator). A part that is not `name: value`
(a step's checklist remark) is kept as a remark.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

SEPARATOR, ARROW, COLON = "; ", " → ", ": "
EMPTY = "(empty)"
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Change:
    """One field in a `changes` cell: its name, the value before (None when not given) and after."""

    name: str
    old: str | None
    new: str


def quoted(shown: str) -> str:
    """A value as the cell holds it: bare, or a JSON string when it could be misread."""
    if shown.startswith('"') or any(mark in shown for mark in (SEPARATOR, ARROW, COLON)):
        return json.dumps(shown, ensure_ascii=False)
    return shown


def described(parts: Iterable[tuple[str, str | None, str]], remarks: Iterable[str] = ()) -> str:
    """The cell's text from (name, old shown, new shown): old None lists the value alone."""
    texts = [
        f"{name}{COLON}{quoted(new)}" if old is None else f"{name}{COLON}{quoted(old)}{ARROW}{quoted(new)}"
        for name, old, new in parts
    ]
    return SEPARATOR.join([*texts, *remarks])


def parse_changes(text: str | None) -> list[Change]:
    """Every `name: [old → ]new` of a `changes` cell, values unquoted; remarks are left out."""
    changes = []
    position, text = 0, text or ""
    while position < len(text):
        end = _part_end(text, position)
        change = _parse_part(text[position:end])
        if change is not None:
            changes.append(change)
        position = end + len(SEPARATOR)
    return changes


def changed_names(text: str | None) -> list[str]:
    """The field names a `changes` cell mentions, in order."""
    return [change.name for change in parse_changes(text)]


def _part_end(text: str, start: int) -> int:
    """Where the part beginning at `start` ends: the next separator outside a quoted value."""
    position = start
    while position < len(text):
        if text[position] == '"' and _after_mark(text, start, position):
            try:
                _value, position = _DECODER.raw_decode(text, position)
            except ValueError:
                position += 1
            continue
        if text.startswith(SEPARATOR, position):
            return position
        position += 1
    return len(text)


def _after_mark(text: str, start: int, position: int) -> bool:
    """Whether a quote at `position` opens a value: right after ": " or " → " of this part."""
    return text.startswith(COLON, position - len(COLON)) or text.startswith(ARROW, position - len(ARROW))


def _parse_part(part: str) -> Change | None:
    name, colon, rest = part.partition(COLON)
    if not colon or not name or " " in name.strip():
        return None  # a remark ("checklist: [x] …" has a name, and is read as one; see changed_names callers)
    first, after = _value(rest)
    if after.startswith(ARROW):
        second, _tail = _value(after[len(ARROW) :])
        return Change(name.strip(), first, second)
    return Change(name.strip(), None, first if not after else first + after)


def _value(text: str) -> tuple[str, str]:
    """(the value at the start of `text`, what follows it)."""
    if text.startswith('"'):
        try:
            value, end = _DECODER.raw_decode(text)
        except ValueError:
            pass
        else:
            if isinstance(value, str):
                return value, text[end:]
    arrow = text.find(ARROW)
    return (text, "") if arrow < 0 else (text[:arrow], text[arrow:])
