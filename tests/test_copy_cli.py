"""`python app.py copy --to google|local`: the command line of the workbook copy.

The local direction runs as a real process. The Google direction runs `app.main`
in this process with the Sheets API answered by the fake: the only thing swapped
is the HTTP transport of the spreadsheet the command opens.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import app
import sheets.factory
from processes.demo import seed_demo
from sheets.backends.local import LocalBackend
from sheets.copy import normalized
from sheets.tabs import ALL_TABS, ORDERS, PRODUCTS
from sheets.workbook import Workbook
from tests.conftest import SPREADSHEET_ID

ROOT = Path(__file__).resolve().parents[1]


def grids(backend) -> dict[str, list[list]]:
    rows = backend.read_raw(backend.tab_names())
    return {name: normalized(cells) for name, cells in rows.items() if normalized(cells)}


def seeded(folder: Path) -> LocalBackend:
    backend = LocalBackend(folder)
    workbook = Workbook(backend)
    workbook.init()
    seed_demo(workbook, now=datetime(2026, 3, 2, 9, 30))
    return backend


def run_app(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {"PATH": "/usr/bin:/bin", "FLOWSHEET_DATA_DIR": str(cwd / "data"), **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args], cwd=cwd, env=clean, capture_output=True, text=True
    )


def test_copy_to_another_local_workbook_then_again_copies_nothing(tmp_path):
    source = seeded(tmp_path / "data")
    first = run_app(tmp_path, "copy", "--to", "local", "--data-dir", "other")
    assert first.returncode == 0, first.stderr
    orders = len(source.read_raw(["Orders"])["Orders"])  # with the header
    assert f"Orders: {orders:,} / {orders:,} rows" in first.stdout
    assert "check of the copy: no data issues" in first.stdout
    assert grids(LocalBackend(tmp_path / "other")) == grids(source)

    second = run_app(tmp_path, "copy", "--to", "local", "--data-dir", "other")
    assert second.returncode == 0, second.stderr
    assert f"nothing to copy: all {len(ALL_TABS)} tab(s)" in second.stdout


def test_copy_onto_the_configured_workbook_is_one_sentence_and_exit_2(tmp_path):
    seeded(tmp_path / "data")
    result = run_app(tmp_path, "copy", "--to", "local")
    assert result.returncode == 2
    assert "are the same workbook" in result.stderr and "--data-dir" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_copy_to_google_without_credentials_says_what_to_set(tmp_path):
    seeded(tmp_path / "data")
    result = run_app(tmp_path, "copy", "--to", "google", "--spreadsheet-id", "1abc")
    assert result.returncode == 2
    assert "GOOGLE_APPLICATION_CREDENTIALS is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def via_fake(fake_google, monkeypatch, tmp_path):
    """`app.main` opens the fake's spreadsheet; the environment names the local workbook in tmp_path."""
    real_open = sheets.factory.open_spreadsheet

    def open_through_the_fake(credentials, spreadsheet_id, adapter=None):
        return real_open(credentials, spreadsheet_id, adapter=fake_google.transport())

    monkeypatch.setattr(sheets.factory, "open_spreadsheet", open_through_the_fake)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOWSHEET_BACKEND", "local")
    monkeypatch.setenv("FLOWSHEET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FLOWSHEET_SPREADSHEET_ID", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    return fake_google


def to_google(fake, *extra: str) -> int:
    return app.main(
        [
            "copy",
            "--to",
            "google",
            "--spreadsheet-id",
            SPREADSHEET_ID,
            "--credentials",
            str(fake.key_file),
            *extra,
        ]
    )


def google_backend(fake):
    from tests.conftest import google_workbook

    return google_workbook(fake).backend


def test_local_to_google_and_back_through_the_command_line(via_fake, tmp_path, monkeypatch, capsys):
    source = seeded(tmp_path / "data")
    assert to_google(via_fake) == 0
    out = capsys.readouterr().out
    assert f"to the Google spreadsheet {SPREADSHEET_ID}" in out
    assert "check of the copy: no data issues" in out
    assert grids(google_backend(via_fake)) == grids(source)

    monkeypatch.setenv("FLOWSHEET_BACKEND", "google")
    monkeypatch.setenv("FLOWSHEET_SPREADSHEET_ID", SPREADSHEET_ID)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(via_fake.key_file))
    assert app.main(["copy", "--to", "local", "--data-dir", str(tmp_path / "back")]) == 0
    assert grids(LocalBackend(tmp_path / "back")) == grids(source)


def test_rows_with_data_issues_are_copied_and_the_exit_code_says_so(via_fake, tmp_path, capsys):
    source = seeded(tmp_path / "data")
    with source.raw_edit() as grid:
        grid.insert_rows(PRODUCTS.name, 1, [["KIT-900", "Mug", "", "", "a lot"]])
    assert to_google(via_fake) == 1
    captured = capsys.readouterr()
    assert "Products, row 2, column unit_cost: expected a number, found 'a lot'" in captured.out
    assert "the copy is complete, but 1 row(s) have data issues" in captured.err
    assert grids(google_backend(via_fake)) == grids(source)


def test_a_target_with_other_data_needs_force(via_fake, tmp_path, capsys):
    source = seeded(tmp_path / "data")
    via_fake.person().add_sheet(ORDERS.name, [["order_id", "channel"], ["ORD-THEIRS00001", "phone"]])
    assert to_google(via_fake) == 2
    assert "already holds other data in Orders (row 1)" in capsys.readouterr().err

    assert to_google(via_fake, "--force") == 0
    assert "--force: REPLACING Orders" in capsys.readouterr().out
    assert grids(google_backend(via_fake)) == grids(source)


@pytest.mark.parametrize(
    ("trouble", "says"),
    [
        ("unshared", "not shared with the service account"),
        ("quota", "HTTP 429: quota"),
    ],
)
def test_google_trouble_is_one_sentence_and_exit_2(via_fake, tmp_path, capsys, trouble, says):
    seeded(tmp_path / "data")
    if trouble == "unshared":
        via_fake.unshare()
    else:
        via_fake.fail_next("values.batchUpdate", status=429, times=99)
    assert to_google(via_fake) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
