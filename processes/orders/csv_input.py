"""Reading an orders file: Shopify's orders export, or any CSV with a column mapping.

The file is untrusted: it is decoded as UTF-8 (with or without a BOM) or
refused with a clear message; each line is checked on its own and a bad one
is reported by its line number and why; text is kept exactly as typed
(`=cmd|...` stays text: the record writes RAW).

A line's number is its row when the file is opened in a spreadsheet (the
header is line 1): a quoted note that spans several text lines is one row, so
it does not shift the numbers of the rows after it. The delimiter is the one
of `,` `;` or tab the header line uses (a comma when none stands out); in a
semicolon file, the layout European spreadsheets save, amounts are read with
a decimal comma (`1.234,56` is 1234.56; `12.50`, without a comma, is still 12.5).

Both formats become the same thing: orders grouped by their external
reference, each with its lines and the file lines they came from. Order-level
fields are taken from the first line of the order that has them (Shopify
fills them only on the first line).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from i18n import N_, _
from sheets.cells import CellError, is_blank, parse_cell
from sheets.schema import Kind

from .procedure import compose_address

#: The fields an orders file can fill; the generic format maps its own column names onto these.
FIELDS: dict[str, str] = {
    "external_ref": "Order number (groups the lines of one order)",
    "customer_name": "Customer name",
    "customer_email": "Customer email",
    "ship_address": "Shipping address (one column)",
    "street": "Street",
    "postcode": "Postcode",
    "city": "City",
    "country": "Country",
    "sku": "SKU",
    "qty": "Quantity",
    "unit_price": "Unit price",
    "payment_status": "Payment status",
    "created_at": "Order date",
}
REQUIRED_FIELDS = ("external_ref", "customer_name", "sku", "qty")

#: Shopify's orders export, in the same terms.
SHOPIFY_MAPPING: dict[str, str] = {
    "external_ref": "Name",
    "customer_email": "Email",
    "payment_status": "Financial Status",
    "created_at": "Created at",
    "paid_at": "Paid at",
    "qty": "Lineitem quantity",
    "item_name": "Lineitem name",
    "unit_price": "Lineitem price",
    "sku": "Lineitem sku",
    "customer_name": "Shipping Name",
    "billing_name": "Billing Name",
    "street": "Shipping Address1",
    "street2": "Shipping Address2",
    "city": "Shipping City",
    "postcode": "Shipping Zip",
    "country": "Shipping Country",
    "currency": "Currency",
    "subtotal": "Subtotal",
    "shipping": "Shipping",
    "tax": "Taxes",
    "total": "Total",  # what the customer paid: shipping and taxes included
    "cancelled_at": "Cancelled at",  # the shop cancelled the order
}
SHOPIFY_REQUIRED = ("Name", "Lineitem quantity", "Lineitem sku")

#: A channel's payment words -> the Orders tab's payment statuses.
PAYMENT_WORDS: dict[str, str] = {
    "paid": "paid",
    "pending": "pending",
    "authorized": "pending",
    "partially_paid": "pending",
    "unpaid": "pending",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "voided",
    "expired": "voided",
}

#: Order-level amounts, read as numbers (the name is how a problem with one is told).
AMOUNT_FIELDS: dict[str, str] = {
    "total": N_("total"),
    "subtotal": N_("subtotal"),
    "shipping": N_("shipping"),
    "tax": N_("tax"),
}
#: Fields of a line item; every other field belongs to the order.
LINE_FIELDS = ("external_ref", "sku", "qty", "unit_price", "item_name")
#: Where the apostrophe Shopify puts before a postcode ('02134, so spreadsheets keep its zero) is dropped.
POSTCODE_FIELDS = ("postcode",)
#: The delimiters a header line is sniffed among, the default first.
DELIMITERS = (",", ";", "\t")
_QUOTED = re.compile(r'"[^"]*"')
#: 12,34 · 1.234,56 · 1 234,56: an amount written with a decimal comma.
_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d{1,3}(?:[.\s]\d{3})+|\d+),\d+")

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%d/%m/%Y %H:%M", "%d/%m/%Y")


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, missing columns); nothing is imported."""


@dataclass(frozen=True)
class LineProblem:
    line: int  # row of the file as a spreadsheet shows it (the header is row 1)
    ref: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}{f' ({self.ref})' if self.ref else ''}: {self.reason}"


@dataclass
class IncomingLine:
    line: int
    sku: str
    qty: int
    unit_price: float | None


@dataclass
class IncomingOrder:
    ref: str
    first_line: int
    fields: dict[str, str] = field(default_factory=dict)  # order-level text fields, first value seen
    amounts: dict[str, float] = field(default_factory=dict)  # AMOUNT_FIELDS the file gave, first value seen
    lines: list[IncomingLine] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)

    def text(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def customer_name(self) -> str:
        return self.text("customer_name") or self.text("billing_name")

    @property
    def ship_address(self) -> str:
        if self.text("ship_address"):
            return self.text("ship_address")
        return compose_address(
            self.text("street"),
            self.text("postcode"),
            self.text("city"),
            self.text("country"),
            self.text("street2"),
        )

    def payment_status(self) -> str:
        word = self.text("payment_status").casefold().replace(" ", "_")
        return PAYMENT_WORDS.get(word or "pending", "")

    def when(self, name: str) -> datetime | None:
        return read_datetime(self.text(name)) if self.text(name) else None

    @property
    def cancelled(self) -> bool:
        """Whether the shop reports the order cancelled (a `Cancelled at` is given)."""
        return bool(self.text("cancelled_at"))


def decode(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte-order mark; FileProblem otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex().upper()
        raise FileProblem(
            f"The file is not UTF-8 text: line {line} holds the byte 0x{byte}, which UTF-8 does not allow "
            "(the file was probably saved as Latin-1 or Windows-1252). Save it as 'CSV UTF-8' and import "
            "it again. Nothing was imported."
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise FileProblem(
            f"The file is not a CSV text file: line {line} holds a NUL byte (is it an Excel workbook, or "
            "UTF-16 text?). Save it as 'CSV UTF-8' and import it again. Nothing was imported."
        )
    return text


def read_orders(
    text: str, mapping: dict[str, str] | None
) -> tuple[list[IncomingOrder], list[LineProblem], int]:
    """(orders in file order, problems of lines that belong to no order, data lines read).

    `mapping` is field -> column name of the file; None reads Shopify's export.
    """
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FileProblem("The file is empty: there is no header line. Nothing was imported.")
        layout = _Layout(_columns(header, mapping), decimal_comma=delimiter == ";")
        return _read_lines(layout, reader)
    except csv.Error as error:
        raise FileProblem(
            f"The file cannot be read as CSV at line {reader.line_num}: {error}. Nothing was imported."
        ) from None


def read_export_rows(
    rows: Sequence[Mapping[str, str]],
) -> tuple[list[IncomingOrder], list[LineProblem], int]:
    """Rows laid out as Shopify's orders export ({column: text}), read exactly as a file of them is.

    A channel's connection writes what its shop sends in these terms, so an order
    that arrives by itself meets the same rules, line by line, as one in a file.
    """
    header = list(dict.fromkeys(column for row in rows for column in row))
    layout = _Layout(_columns(header, None), decimal_comma=False)
    return _read_lines(layout, ([str(row.get(column) or "") for column in header] for row in rows))


def _read_lines(
    layout: _Layout, lines: Iterable[list[str]]
) -> tuple[list[IncomingOrder], list[LineProblem], int]:
    orders: dict[str, IncomingOrder] = {}
    loose: list[LineProblem] = []
    count = 0
    # Numbered by record, not by text line: the row a person finds in a spreadsheet.
    for row, cells in enumerate(lines, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        _read_line(row, cells, layout, orders, loose)
    return list(orders.values()), loose, count


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of DELIMITERS it holds most often outside quotes, else a comma."""
    header = _QUOTED.sub("", text.partition("\n")[0])
    return max(DELIMITERS, key=header.count)  # a tie (none at all) keeps the first: the comma


@dataclass(frozen=True)
class _Layout:
    """How a file's lines are read: field -> column index, and whether amounts have a decimal comma."""

    columns: dict[str, int]
    decimal_comma: bool


def _columns(header: list[str], mapping: dict[str, str] | None) -> dict[str, int]:
    """Field -> column index; FileProblem naming what is missing."""
    index = {_norm(name): position for position, name in enumerate(header) if name.strip()}
    if mapping is None:
        missing = [name for name in SHOPIFY_REQUIRED if _norm(name) not in index]
        if missing:
            raise FileProblem(
                f"The file is not a Shopify orders export: it has no column {', '.join(missing)}. "
                f"Its columns are: {_listed(header)}. For another layout, map its columns. Nothing was imported."
            )
        return {
            name: index[_norm(column)] for name, column in SHOPIFY_MAPPING.items() if _norm(column) in index
        }
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise FileProblem(
            f"The mapping names unknown fields: {', '.join(unknown)}. Known: {', '.join(FIELDS)}."
        )
    chosen = {name: column for name, column in mapping.items() if column and column.strip()}
    unmapped = [FIELDS[name] for name in REQUIRED_FIELDS if name not in chosen]
    if unmapped:
        raise FileProblem(f"Map a column to each of: {', '.join(unmapped)}. Nothing was imported.")
    absent = [column for column in chosen.values() if _norm(column) not in index]
    if absent:
        raise FileProblem(
            f"The file has no column {', '.join(repr(c) for c in absent)}; its columns are: {_listed(header)}. "
            "Nothing was imported."
        )
    return {name: index[_norm(column)] for name, column in chosen.items()}


def _read_line(
    line: int,
    cells: list[str],
    layout: _Layout,
    orders: dict[str, IncomingOrder],
    loose: list[LineProblem],
) -> None:
    def cell(name: str) -> str:
        position = layout.columns.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    ref = cell("external_ref")
    if not ref:
        loose.append(LineProblem(line, "", _("no order number: the line belongs to no order")))
        return
    order = orders.get(ref)
    if order is None:
        order = orders[ref] = IncomingOrder(ref, line)
    reasons: list[str] = []
    _take_order_fields(order, cell, layout, reasons)
    sku = cell("sku")
    if not sku:
        item = cell("item_name")
        reasons.append(_("no SKU for {item!r}", item=item) if item else _("no SKU"))
    qty = _number(cell("qty"), Kind.INT, N_("quantity"), reasons, required=True)
    if qty is not None and qty < 1:
        reasons.append(_("the quantity must be at least 1, not {qty}", qty=qty))
    price = _number(
        cell("unit_price"),
        Kind.NUMBER,
        N_("price"),
        reasons,
        required=False,
        decimal_comma=layout.decimal_comma,
    )
    _not_negative(price, N_("price"), reasons)
    if reasons:
        order.problems.append(LineProblem(line, ref, "; ".join(reasons)))
    else:
        order.lines.append(IncomingLine(line, sku, int(qty), price))


def _take_order_fields(
    order: IncomingOrder, cell: Callable[[str], str], layout: _Layout, reasons: list[str]
) -> None:
    """The order-level fields this line has that no earlier line gave (Shopify fills the first line only)."""
    for name in layout.columns:
        if name in LINE_FIELDS or name in order.fields or name in order.amounts:
            continue
        value = cell(name)
        if not value:
            continue
        if name in AMOUNT_FIELDS:
            what = AMOUNT_FIELDS[name]
            amount = _number(
                value, Kind.NUMBER, what, reasons, required=False, decimal_comma=layout.decimal_comma
            )
            if amount is not None and _not_negative(amount, what, reasons):
                order.amounts[name] = amount
        else:
            order.fields[name] = _unprotected(value) if name in POSTCODE_FIELDS else value


def _unprotected(postcode: str) -> str:
    """A postcode without the one apostrophe Shopify puts before it ('02134) so a spreadsheet keeps it text."""
    return postcode[1:] if postcode.startswith("'") else postcode


def _number(
    raw: str, kind: Kind, what: str, reasons: list[str], *, required: bool, decimal_comma: bool = False
) -> Any:
    """`raw` read as `kind`, or None with the reason in `reasons`; `what` names it (marked with N_)."""
    if is_blank(raw):
        if required:
            reasons.append(_("no {what}", what=_(what)))
        return None
    try:
        return parse_cell(kind, _decimal_point(raw) if decimal_comma else raw)
    except CellError:
        if kind is Kind.INT:
            reasons.append(_("the {what} {raw!r} is not a whole number", what=_(what), raw=raw))
        else:
            reasons.append(_("the {what} {raw!r} is not a number", what=_(what), raw=raw))
        return None


def _decimal_point(raw: str) -> str:
    """An amount written with a decimal comma (12,34 · 1.234,56) in the form parse_cell reads; else `raw`."""
    text = raw.strip()
    if not _DECIMAL_COMMA.fullmatch(text):
        return raw
    return re.sub(r"[.\s]", "", text).replace(",", ".")


def _not_negative(value: float | None, what: str, reasons: list[str]) -> bool:
    """False (and why, in `reasons`) for a negative amount: no price or charge of an order is below zero."""
    if value is not None and value < 0:
        reasons.append(_("the {what} cannot be negative ({value:g})", what=_(what), value=value))
        return False
    return True


def read_datetime(text: str) -> datetime:
    """A date and time as exports write them (Shopify: 2026-03-02 10:15:00 -0500); CellError if not one."""
    for form in _DATE_FORMATS:
        try:
            value = datetime.strptime(text.strip(), form)
        except ValueError:
            continue
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        return value.replace(microsecond=0)
    return parse_cell(Kind.DATETIME, text)


def header_of(data: bytes) -> list[str]:
    """The column names of a file (for the page that maps them); FileProblem when it cannot be read."""
    text = decode(data)
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)), None)
    except csv.Error as error:
        raise FileProblem(f"The file cannot be read as CSV: {error}.") from None
    if not header or not any(cell.strip() for cell in header):
        raise FileProblem("The file is empty: there is no header line.")
    return [name.strip() for name in header if name.strip()]


def is_shopify(columns: list[str]) -> bool:
    present = {_norm(name) for name in columns}
    return all(_norm(name) in present for name in SHOPIFY_REQUIRED)


def _norm(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


def _listed(header: list[str]) -> str:
    names = [name.strip() for name in header if name.strip()]
    return ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
