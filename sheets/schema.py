"""How a tab is declared: its name, its key and its typed columns.

Everything that knows about a header, a type or a choice list reads it from
these declarations (sheets/tabs.py holds the data model itself), so a form,
a drop-down, a type check and the header in the sheet cannot disagree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import i18n


class Kind(StrEnum):
    """The type of a column's values."""

    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    """One column of a tab.

    `name` is the app's name for it and the header written by `init`; a header
    a person typed matches when it is the same apart from case, spaces,
    underscores and hyphens, or when it is one of `aliases`.

    An `optional` column is one a later version added that nothing depends on
    (a product's barcode, a stock row's bin): a sheet without it keeps working.
    Its cells read as blank, a new row leaves it out while its value is blank,
    and its absence is no data issue; `init` adds it, and only writing a value
    into it asks for that.
    """

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    description: str = ""
    aliases: tuple[str, ...] = ()
    # Sanity limits of a number, checked on every write (the sheet's own cells are read as they are).
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False

    def limit_problem(self, value: Any) -> str | None:
        """Why a typed number is outside the column's limits ("must be 0 or more, not -5"), or None."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        if self.minimum is not None and value < self.minimum:
            return f"must be {_number(self.minimum)} or more, not {_number(value)}"
        if self.maximum is not None and value > self.maximum:
            return f"must be at most {_number(self.maximum)}, not {_number(value)}"
        return None

    @property
    def header(self) -> str:
        return self.name

    def header_in(self, language: str) -> str:
        """The header `init` writes in `language` (the name itself in English)."""
        return i18n.header(self.name, language)

    @functools.cached_property
    def spellings(self) -> tuple[str, ...]:
        """Every header text this column is known by, normalized: its name, aliases, translations."""
        texts = (self.name, *self.aliases, *i18n.headers_of(self.name))
        return tuple(dict.fromkeys(normalize_header(text) for text in texts))

    def matches(self, header_text: str) -> bool:
        return normalize_header(header_text) in self.spellings


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


@dataclass(frozen=True)
class RowRule:
    """A rule over several cells of one row ("min_qty is at most max_qty"), checked on every write."""

    columns: tuple[str, ...]
    holds: Callable[[Mapping[str, Any]], bool]  # given the row's typed values
    message: str  # what is wrong, naming the cells

    def problem(self, values: Mapping[str, Any], changed: set[str]) -> str | None:
        """The message when a write changing `changed` leaves the rule broken (old breaks stay readable)."""
        if changed & set(self.columns) and not self.holds(values):
            return self.message
        return None


_HEADER_NOISE = re.compile(r"[\s_\-]+")


def normalize_header(text: Any) -> str:
    """The form two headers are compared in: lower case, no spaces, _ or -."""
    return _HEADER_NOISE.sub("", str(text or "")).casefold()


#: Columns every record tab carries for the optimistic check (rule 4).
STAMP_COLUMNS = ("updated_at", "updated_by")


@dataclass(frozen=True)
class Tab:
    """One tab of the workbook.

    `key` names the column(s) that identify a row. When `id_prefix` is set the
    app assigns the key itself (`ORD-…`); otherwise people type it (a SKU).
    A tab without a key (Summary) is free-form text rewritten by the jobs.
    """

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    id_prefix: str | None = None
    description: str = ""
    append_only: bool = False
    #: Rows keep coming with the business (orders, their lines): on Google a step reads the rows
    #: it works on, found by key, never the whole tab (sheets/backends/google/targeted.py).
    grows: bool = False
    #: Columns other than the key that steps look rows up by (an order's lines by order_id).
    lookups: tuple[str, ...] = ()
    row_rules: tuple[RowRule, ...] = ()
    section: str = ""  # the part of the company whose records it holds: the navigation groups tabs by it
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {column.name: column for column in self.columns}
        if len(by_name) != len(self.columns):
            raise ValueError(f"tab {self.name!r} declares a column twice")
        missing = [name for name in self.key if name not in by_name]
        if missing:
            raise ValueError(f"tab {self.name!r}: key column(s) {missing} not declared")
        if set(self.lookups) - set(by_name):
            raise ValueError(f"tab {self.name!r}: a lookup names a column it does not declare")
        for rule in self.row_rules:
            if set(rule.columns) - set(by_name):
                raise ValueError(f"tab {self.name!r}: a row rule names columns it does not declare")
        object.__setattr__(self, "_by_name", by_name)

    def __hash__(self) -> int:
        return hash(self.name)

    @property
    def slug(self) -> str:
        """The tab's name in an address: lower case, spaces as dashes ("purchase-orders")."""
        return "-".join(self.name.lower().split())

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def headers(self, language: str = i18n.ENGLISH, names: Sequence[str] | None = None) -> list[str]:
        """The header cells `init` writes for `names` (default: every column), in `language`."""
        return [
            self.column(name).header_in(language) for name in (self.column_names if names is None else names)
        ]

    @property
    def keyed(self) -> bool:
        return bool(self.key)

    @property
    def has_stamps(self) -> bool:
        return "updated_at" in self._by_name

    def column(self, name: str) -> Column:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"tab {self.name!r} has no column {name!r}") from None

    def has_column(self, name: str) -> bool:
        return name in self._by_name

    def key_of(self, values: dict[str, Any]) -> tuple[str, ...]:
        """The key of a record as a tuple of strings (composite keys keep order)."""
        return tuple("" if values.get(name) is None else str(values[name]) for name in self.key)

    def choice_columns(self) -> list[Column]:
        return [column for column in self.columns if column.choices]
