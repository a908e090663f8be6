"""Where a record is worked on: the page for an ID, so a reference anywhere can be a link.

Each procedure's specification says where its records are worked on (`page`); an ID
is recognised by its tab's prefix.
"""

from __future__ import annotations

from processes.declarations import PROCEDURES

#: ID prefix -> the procedure whose records carry it (the first one of a tab: a return, not its refund).
_BY_PREFIX = {}
for _procedure in PROCEDURES:
    if _procedure.tab.id_prefix and _procedure.page:
        _BY_PREFIX.setdefault(f"{_procedure.tab.id_prefix}-", _procedure)


def record_path(record_id: str | None) -> str | None:
    """The page of the record `record_id` names (or the list it is worked in); None when there is none."""
    for prefix, procedure in _BY_PREFIX.items():
        if record_id and record_id.startswith(prefix):
            return procedure.page_of(record_id)
    return None
