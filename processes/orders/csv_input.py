"""Reading an orders file: Shopify's orders export, or any CSV with a column mapping.

The file is untrusted: it is decoded as UTF-8 (with or without a BOM) or
refused with a clear message; each line is checked on its own and a bad one
is reported by its line number and why; text is kept exactly as typed
(`=cmd|...` stays text: the record writes RAW).

Both formats become the same thing: orders grouped by their external
reference, each with its lines and the file lines they came from. Order-level
fields are taken from the first line of the order that has them (Shopify
fills them only on the first line).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%d/%m/%Y %H:%M", "%d/%m/%Y")


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, missing columns); nothing is imported."""


@dataclass(frozen=True)
class LineProblem:
    line: int  # line of the file (the header is line 1)
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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FileProblem("The file is empty: there is no header line. Nothing was imported.")
        columns = _columns(header, mapping)
        orders: dict[str, IncomingOrder] = {}
        loose: list[LineProblem] = []
        count = 0
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            _read_line(line, cells, columns, orders, loose)
    except csv.Error as error:
        raise FileProblem(
            f"The file cannot be read as CSV at line {reader.line_num}: {error}. Nothing was imported."
        ) from None
    return list(orders.values()), loose, count


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
    columns: dict[str, int],
    orders: dict[str, IncomingOrder],
    loose: list[LineProblem],
) -> None:
    def cell(name: str) -> str:
        position = columns.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    ref = cell("external_ref")
    if not ref:
        loose.append(LineProblem(line, "", "no order number: the line belongs to no order"))
        return
    order = orders.get(ref)
    if order is None:
        order = orders[ref] = IncomingOrder(ref, line)
    for name in columns:
        if name not in ("external_ref", "sku", "qty", "unit_price", "item_name") and name not in order.fields:
            value = cell(name)
            if value:
                order.fields[name] = value
    reasons = []
    sku = cell("sku")
    if not sku:
        item = cell("item_name")
        reasons.append(f"no SKU{f' for {item!r}' if item else ''}")
    qty = _number(cell("qty"), Kind.INT, "quantity", reasons, required=True)
    if qty is not None and qty < 1:
        reasons.append(f"the quantity must be at least 1, not {qty}")
    price = _number(cell("unit_price"), Kind.NUMBER, "price", reasons, required=False)
    if price is not None and price < 0:
        reasons.append(f"the price cannot be negative ({price:g})")
    if reasons:
        order.problems.append(LineProblem(line, ref, "; ".join(reasons)))
    else:
        order.lines.append(IncomingLine(line, sku, int(qty), price))


def _number(raw: str, kind: Kind, what: str, reasons: list[str], *, required: bool) -> Any:
    if is_blank(raw):
        if required:
            reasons.append(f"no {what}")
        return None
    try:
        return parse_cell(kind, raw)
    except CellError:
        whole = "a whole number" if kind is Kind.INT else "a number"
        reasons.append(f"the {what} {raw!r} is not {whole}")
        return None


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
        header = next(csv.reader(io.StringIO(text, newline="")), None)
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
