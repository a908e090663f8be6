"""The files an export makes, and reading them back: CSV (one tab) and .xlsx (one sheet per tab).

Rows are raw cells as the spreadsheet holds them (text, numbers, yes/no,
blank), header rows included. Text is kept as text, so no spreadsheet
program that opens the file runs it as a formula (DESIGN rule 5):

- In .xlsx every text cell is written as a string cell, even "=IMPORTXML(...)"
  (openpyxl would otherwise store it as a formula); text that begins with
  = + - @ also gets the "quote prefix" style, so editing it in Excel keeps it text.
- CSV has no types, so text that begins with = + - @ (or a tab or carriage
  return, which some programs skip before looking) gets a leading apostrophe:
  "=SUM(A1)" is written '=SUM(A1). Numbers are never prefixed: -5 stays -5.
  Text that itself begins with an apostrophe gets one more, so reading back
  is exact: `read_csv` removes one apostrophe from any field that begins with
  an apostrophe followed by one of those characters or another apostrophe.

Reading a CSV back gives text for text and numbers for numbers: a field is a
number when it is written exactly as Python writes that number (so "007" and
"1.50" stay text), except in columns a tab declares as text, which stay text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook as ExcelWorkbook
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sheets.cells import DATETIME_FORMAT
from sheets.reading import find_header
from sheets.schema import Kind, Tab

Rows = list[list[Any]]

#: What makes a spreadsheet program read text as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
APOSTROPHE = "'"
CSV_ENCODING = "utf-8-sig"  # the byte-order mark lets Excel recognise UTF-8
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel's limit on a sheet name; our tab names are far shorter.
SHEET_NAME_LIMIT = 31


def tidy(rows: Sequence[Sequence[Any]]) -> Rows:
    """Rows without trailing blank cells and trailing blank rows (blank rows in between are kept)."""
    out = []
    for row in rows:
        cells = ["" if cell is None else cell for cell in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


# CSV -----------------------------------------------------------------------


def protect(text: str) -> str:
    """Text as written to CSV: an apostrophe in front where a program could take it for a formula."""
    return APOSTROPHE + text if text.startswith((*FORMULA_STARTS, APOSTROPHE)) else text


def unprotect(field: str) -> str:
    """Undo `protect`: one leading apostrophe goes when protect could have put it there."""
    if field.startswith(APOSTROPHE) and field[1:2] and field[1:].startswith((*FORMULA_STARTS, APOSTROPHE)):
        return field[1:]
    return field


def csv_field(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)  # the shortest text that reads back as the same number
    return protect(str(value))


def write_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    """One tab as CSV bytes (UTF-8 with a byte-order mark, comma-separated, quoted where needed)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in tidy(rows):
        writer.writerow([csv_field(value) for value in row])
    return buffer.getvalue().encode(CSV_ENCODING)


def read_csv(data: bytes, tab: Tab | None = None) -> Rows:
    """Rows of a CSV this module wrote: protection undone, numbers and yes/no typed (see the module text).

    With `tab`, the columns it declares as text (found by header) stay text.
    """
    text = data.decode(CSV_ENCODING)
    fields = list(csv.reader(io.StringIO(text, newline="")))
    text_columns, body_start = _text_columns(tab, fields)
    rows = []
    for number, row in enumerate(fields):
        keep_text = text_columns if number >= body_start else set()
        rows.append([_csv_value(field, index in keep_text) for index, field in enumerate(row)])
    return tidy(rows)


def _text_columns(tab: Tab | None, fields: Rows) -> tuple[set[int], int]:
    """Positions of the columns `tab` declares as text, and the first row below its header."""
    header = find_header(tab, fields) if tab else None
    if header is None:
        return set(), 0
    positions = {
        position
        for name, position in header.index.items()
        if tab.column(name).kind is Kind.TEXT and not tab.column(name).choices
    }
    return positions, header.row_index + 1


_NUMBER = re.compile(r"^-?\d+(\.\d+)?(e[+-]\d+)?$")


def _csv_value(field: str, keep_text: bool) -> Any:
    if field.startswith(APOSTROPHE):
        return unprotect(field)
    if keep_text or not field:
        return field
    if field in ("TRUE", "FALSE"):
        return field == "TRUE"
    if _NUMBER.match(field):
        number = float(field) if any(mark in field for mark in ".e") else int(field)
        if repr(number) == field:  # "007" or "1.50" were typed as text, not written as numbers
            return number
    return field


# xlsx ----------------------------------------------------------------------


def write_xlsx(tabs: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    """Tabs as one .xlsx workbook, a sheet per tab; text is written as text, never as a formula."""
    book = ExcelWorkbook(write_only=True)
    for name, rows in tabs.items():
        sheet = book.create_sheet(title=name[:SHEET_NAME_LIMIT])
        for row in tidy(rows):
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: Any) -> Any:
    if value == "":
        return None
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        # Characters XML cannot hold (control characters other than tab and newlines) are dropped.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not looks_like_formula(value):
        return value  # openpyxl stores other text as text by itself
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # assigning "=..." made it a formula; a string cell it is
    cell.quotePrefix = True  # and editing it in Excel keeps it text
    return cell


def read_xlsx(data: bytes) -> dict[str, Rows]:
    """Every sheet of an .xlsx file as raw rows; a formula cell's text is read as text and not run."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        return {
            sheet.title: tidy(
                [[_xlsx_value(value) for value in row] for row in sheet.iter_rows(values_only=True)]
            )
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
