"""`python app.py export`: a tab or the whole workbook to a file, and a clear refusal."""

from __future__ import annotations

import pytest

import app
from processes import export
from processes.export_files import tidy
from sheets.backends.local import LocalBackend
from sheets.tabs import ALL_TABS, ORDERS
from sheets.workbook import Workbook


@pytest.fixture
def workbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("FLOWSHEET_BACKEND", "local")
    monkeypatch.setenv("FLOWSHEET_DATA_DIR", str(tmp_path / "data"))
    app.main(["init"])
    opened = Workbook(LocalBackend(tmp_path / "data"))
    with opened.transaction(ORDERS, user="lin") as tx:
        tx.insert(ORDERS, {"customer_name": "=1+1", "total": 5})
    yield opened
    opened.backend.close()


def test_one_tab_as_csv_the_format_taken_from_the_file_name(workbook, tmp_path, capsys):
    out = tmp_path / "orders.csv"
    assert app.main(["export", "--tab", "orders", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}: Orders, 2 rows"
    assert export.read_export(out.read_bytes(), "csv", tab="Orders") == {
        "Orders": tidy(workbook.backend.raw_rows("Orders"))
    }


def test_the_whole_workbook_as_xlsx(workbook, tmp_path, capsys):
    out = tmp_path / "everything.xlsx"
    assert app.main(["export", "--format", "xlsx", "--out", str(out)]) == 0
    assert f"{len(ALL_TABS)} tabs" in capsys.readouterr().out
    back = export.read_export(out.read_bytes(), "xlsx")
    assert back["Audit"] == tidy(workbook.backend.raw_rows("Audit"))


def test_a_csv_of_the_whole_workbook_is_refused_and_nothing_is_written(workbook, tmp_path, capsys):
    out = tmp_path / "everything.csv"
    assert app.main(["export", "--out", str(out)]) == 2
    assert "A CSV file holds one tab" in capsys.readouterr().err
    assert not out.exists()
