"""Scanning: what a scanned code is, and the tally a scan session keeps against what is expected.

A code is a product's barcode (EAN, UPC or anything printed on it) or its SKU,
read whatever the case and the blanks around it; a run of digits also matches
with its leading zeros dropped, so a UPC-A read as an EAN-13 (`0` in front)
finds the same product. A location's ID and a stock row's bin are codes too, so
a counter can scan where they stand before what they count.

The tally is pure: the pages keep one per scan session (and a copy in the
browser, so a dropped connection loses nothing) and save it through the
procedure's own rule when the session is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sheets.ids import new_id
from sheets.tabs import LOCATIONS, PRODUCTS, STOCK
from sheets.workbook import Workbook

#: The prefix of a scan session's key: saving a session twice finds the first save by it.
SESSION_PREFIX = "SCAN"


def normal_code(text: str) -> str:
    """The form two codes are compared in: trimmed, upper case, a number without its leading zeros."""
    code = "".join(str(text or "").split()).upper()
    if code.isdigit():
        return code.lstrip("0") or "0"
    return code


@dataclass(frozen=True)
class CodeBook:
    """Every code a scan may bring: products (by barcode or SKU), locations and bins."""

    products: Mapping[str, str] = field(default_factory=dict)  # normal code -> SKU
    names: Mapping[str, str] = field(default_factory=dict)  # SKU -> product name
    places: Mapping[str, str] = field(default_factory=dict)  # normal code -> location ID or bin as written

    def product(self, code: str) -> str | None:
        """The SKU a scanned code stands for, or None."""
        return self.products.get(normal_code(code))

    def place(self, code: str) -> str | None:
        """The location ID or bin a scanned code names, or None."""
        return self.places.get(normal_code(code))

    def name(self, sku: str) -> str:
        return self.names.get(sku) or sku


def code_book(workbook: Workbook, location_id: str | None = None) -> CodeBook:
    """The codes of every product, every location and the bins (of `location_id`, or of all)."""
    tables = workbook.tables(PRODUCTS, LOCATIONS, STOCK)
    products: dict[str, str] = {}
    names: dict[str, str] = {}
    for product in tables[PRODUCTS.name].records():
        names[product.sku] = product.name or product.sku
        products.setdefault(normal_code(product.sku), product.sku)
    for product in tables[PRODUCTS.name].records():  # a barcode never hides another product's SKU
        if product.barcode:
            products.setdefault(normal_code(product.barcode), product.sku)
    places = {
        normal_code(location.location_id): location.location_id
        for location in tables[LOCATIONS.name].records()
    }
    for stock in tables[STOCK.name].records():
        if stock.bin and (location_id is None or stock.location_id == location_id):
            places.setdefault(normal_code(stock.bin), stock.bin)
    return CodeBook(products, names, places)


def new_session_key() -> str:
    """A key for one scan session, kept with its counts until they are saved (a second save finds it)."""
    return new_id(SESSION_PREFIX)


class Outcome(StrEnum):
    """What one scan did to a tally."""

    COUNTED = "counted"  # one more of an expected product (or of any product, when nothing is expected)
    COMPLETE = "complete"  # that scan made the product's count reach what is expected
    TOO_MANY = "too_many"  # all that is expected of it is already counted: not counted again
    NOT_EXPECTED = "not_expected"  # a product that is not on the list: a wrong item
    UNKNOWN = "unknown"  # no product has this code
    PLACE = "place"  # a location or a bin: the scans that follow count there

    @property
    def good(self) -> bool:
        return self in (Outcome.COUNTED, Outcome.COMPLETE, Outcome.PLACE)


@dataclass
class Tally:
    """Units counted per SKU in one scan session, against what is expected (empty: anything counts).

    `counts` is what the browser keeps and the page saves; `place` is where the
    counter last said they stand (a location or bin scanned first).
    """

    expected: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    place: str = ""
    key: str = field(default_factory=new_session_key)

    def scan(self, book: CodeBook, code: str, qty: int = 1) -> tuple[Outcome, str]:
        """Apply one scan of `code` (`qty` units at once); what it did and the SKU or place it found."""
        sku = book.product(code)
        if sku is None:
            place = book.place(code)
            if place is not None:
                self.place = place
                return Outcome.PLACE, place
            return Outcome.UNKNOWN, ""
        return self.add(sku, qty), sku

    def add(self, sku: str, qty: int = 1) -> Outcome:
        """Count `qty` more of `sku`, unless that goes past what is expected of it."""
        if self.expected and sku not in self.expected:
            return Outcome.NOT_EXPECTED
        counted = self.counts.get(sku, 0)
        wanted = self.expected.get(sku)
        if wanted is not None and counted + qty > wanted:
            return Outcome.TOO_MANY
        self.counts[sku] = counted + qty
        return Outcome.COMPLETE if wanted is not None and counted + qty == wanted else Outcome.COUNTED

    def add_to_first(self, keys: Iterable[str], qty: int = 1) -> tuple[Outcome, str]:
        """Count `qty` on the first of `keys` (the same product on several lines) with room left."""
        keys = list(keys)
        if not keys:
            return Outcome.NOT_EXPECTED, ""
        for key in keys:
            if key not in self.expected or self.counted(key) + qty <= self.expected[key]:
                return self.add(key, qty), key
        return Outcome.TOO_MANY, keys[-1]

    def set(self, sku: str, qty: int) -> None:
        """A typed quantity replaces the count of `sku`."""
        self.counts[sku] = max(0, qty)

    def counted(self, sku: str) -> int:
        return self.counts.get(sku, 0)

    def missing(self) -> dict[str, int]:
        """What is expected and not counted yet, per SKU."""
        return {sku: qty - self.counted(sku) for sku, qty in self.expected.items() if self.counted(sku) < qty}

    @property
    def complete(self) -> bool:
        return bool(self.expected) and not self.missing()

    def kept(self) -> dict:
        """What the browser keeps of the session until it is saved."""
        return {"key": self.key, "counts": dict(self.counts), "place": self.place}

    def take_back(self, kept: Mapping, known: Iterable[str] | None = None) -> None:
        """Go on with a session the browser kept (after a reload or a dropped connection)."""
        allowed = set(known) if known is not None else None
        counts = kept.get("counts") or {}
        self.counts = {
            str(sku): int(qty)
            for sku, qty in counts.items()
            if isinstance(qty, int) and qty >= 0 and (allowed is None or sku in allowed)
        }
        if self.expected:
            self.counts = {sku: min(qty, self.expected.get(sku, 0)) for sku, qty in self.counts.items()}
        self.key = str(kept.get("key") or self.key)
        self.place = str(kept.get("place") or "")
