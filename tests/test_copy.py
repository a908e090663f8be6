"""Copying a whole workbook between the local file and Google Sheets (sheets/copy.py).

Both directions run for real: a SQLite workbook on disk and gspread against the
in-process fake of the Sheets API. "Identical" means every tab's rows, cell for
cell, as a person sees them.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from processes.demo import seed_demo
from sheets.backends.local import LocalBackend
from sheets.copy import CopyRefused, copy_workbook, normalized, plan_tabs
from sheets.errors import SheetUnavailable
from sheets.tabs import AUDIT, ORDERS, PRODUCTS, SETTINGS, SUPPLIERS
from sheets.workbook import Workbook

NOW = datetime(2026, 3, 2, 9, 30)


def grids(backend) -> dict[str, list[list]]:
    """Every tab that holds anything, as normalized rows."""
    rows = backend.read_raw(backend.tab_names())
    return {name: normalized(cells) for name, cells in rows.items() if normalized(cells)}


def writes(fake) -> int:
    return fake.count("values.batchUpdate") + fake.count("batchUpdate")


@pytest.fixture
def demo(local):
    seed_demo(local.workbook, now=NOW)
    return local


def test_the_demo_goes_to_google_and_back_unchanged(demo, google, tmp_path):
    source = demo.workbook.backend
    to_google = copy_workbook(source, google.workbook.backend)
    assert to_google.complete and to_google.rows_written > 600  # headers and Settings were there from init
    # Each write is one request carrying thousands of rows, not one per tab or per row.
    assert to_google.writes == google.fake.count("values.batchUpdate")
    assert to_google.writes < to_google.rows_written / 2000
    assert grids(google.workbook.backend) == grids(source)  # the empty Sheet1 aside

    back = LocalBackend(tmp_path / "back")
    to_local = copy_workbook(google.workbook.backend, back)
    assert to_local.complete
    assert grids(back) == grids(source)
    assert back.tab_names()[: len(source.tab_names())] == source.tab_names()


def test_a_second_copy_copies_nothing_and_sends_no_write(demo, google):
    copy_workbook(demo.workbook.backend, google.workbook.backend)
    google.fake.reset_counts()
    again = copy_workbook(demo.workbook.backend, google.workbook.backend)
    assert again.complete and again.rows_written == 0 and again.writes == 0
    assert writes(google.fake) == 0
    # reads only: the spreadsheet's metadata and one batchGet of every tab
    assert google.fake.count("values.batchGet") == 1


def test_google_requests_stay_few_whatever_the_size(local, google):
    rows = [[f"ORD-{n:06d}", "manual", f"#{n}", f"Customer {n}"] for n in range(12_000)]
    with local.workbook.backend.raw_edit() as grid:
        grid.put_rows(ORDERS.name, 1, rows)
    lines: list[str] = []
    report = copy_workbook(
        local.workbook.backend, google.workbook.backend, progress=lines.append, batch_rows=5000
    )
    assert report.complete
    assert google.fake.count("values.batchUpdate") == 3  # 12,001 Orders rows and the small tabs
    assert google.fake.count("values.batchGet") <= 4
    orders = [line for line in lines if line.startswith("Orders:")]
    assert len(orders) == 3 and orders[-1] == "Orders: 12,001 / 12,001 rows"  # progress per request


def test_extra_columns_unreadable_rows_and_odd_layouts_survive_both_ways(local, google, tmp_path):
    with local.workbook.backend.raw_edit() as grid:
        header = grid.rows(PRODUCTS.name)[0]
        grid.set_row(PRODUCTS.name, 0, [*header, "Shelf"])
        grid.put_rows(
            PRODUCTS.name,
            1,
            [
                ["KIT-001", "Mug", "kitchen", "pcs", 2.5, 6, True, "", "", "A-3"],
                ["KIT-002", "Jug", "", "", "a lot", "=1+1"],  # unreadable cost, formula-like text
                [],
                ["", "Typed without an ID", "", "", "007"],
            ],
        )
        grid.insert_rows(SUPPLIERS.name, 0, [["Our suppliers, checked yearly"]])
        grid.create_tab("Notes", [["anything", "", 3], [], ["goes"]])
    source = grids(local.workbook.backend)

    report = copy_workbook(local.workbook.backend, google.workbook.backend)
    assert report.complete
    on_google = grids(google.workbook.backend)
    assert {name: on_google[name] for name in source} == source
    person = google.fake.person()
    assert person.headers(PRODUCTS.name)[-1] == "Shelf"
    assert person.cell(PRODUCTS.name, 3, 6) == "=1+1" and not person.is_formula(PRODUCTS.name, 3, 6)
    assert person.cell(PRODUCTS.name, 5, 5) == "007"
    issues = Workbook(google.workbook.backend, cache_seconds=0).check(assign_ids=False)
    assert any("expected a number, found 'a lot'" in str(issue) for issue in issues)

    google.fake.person().add_column(ORDERS.name, "Gift note")
    back = LocalBackend(tmp_path / "back")
    assert copy_workbook(google.workbook.backend, back).complete
    assert grids(back)[ORDERS.name][0][-1] == "Gift note"
    assert grids(back) == grids(google.workbook.backend)
    assert grids(back)[SUPPLIERS.name] == source[SUPPLIERS.name]


def test_an_interrupted_copy_to_google_goes_on_where_it_stopped(demo, google):
    source = grids(demo.workbook.backend)
    target = google.workbook.backend
    to_write = sum(tab.total - tab.start for tab in plan_tabs(source, target.read_raw(target.tab_names())))

    def third_write_fails() -> None:
        if google.fake.count("values.batchUpdate") == 3 and not google.fake.pending_faults:
            google.fake.fail_next("values.batchUpdate", status=503, times=3)

    google.fake.before_each(third_write_fails)
    with pytest.raises(SheetUnavailable, match="Run the same command again"):
        copy_workbook(demo.workbook.backend, google.workbook.backend, batch_rows=100)
    google.fake.remove_before_each(third_write_fails)
    assert grids(google.workbook.backend) != source

    resumed = copy_workbook(demo.workbook.backend, google.workbook.backend, batch_rows=100)
    assert resumed.complete
    assert resumed.rows_written == to_write - 200  # two blocks of 100 had landed
    assert grids(google.workbook.backend) == source


def test_a_write_applied_but_unanswered_is_sent_again_harmlessly(demo, google):
    google.fake.apply_then_fail("values.batchUpdate", status=500)
    report = copy_workbook(demo.workbook.backend, google.workbook.backend)
    assert report.complete and google.fake.count("values.batchUpdate") == report.writes + 1


def test_an_interrupted_copy_to_the_local_workbook_goes_on_where_it_stopped(demo, google, tmp_path):
    # The demo is one transaction bigger than Google takes in one request: it arrives by a copy, in parts.
    assert copy_workbook(demo.workbook.backend, google.workbook.backend).complete
    source = grids(google.workbook.backend)
    target = LocalBackend(tmp_path / "back")
    written: list[str] = []

    class Stopped(Exception):
        """The process killed between two writes."""

    def stop_after_two_writes(line: str) -> None:
        if "already there" not in line and not line.startswith("--force"):
            written.append(line)
        if len(written) == 2:
            raise Stopped

    with pytest.raises(Stopped):
        copy_workbook(google.workbook.backend, target, progress=stop_after_two_writes, batch_rows=150)
    assert 0 < sum(len(rows) for rows in grids(target).values()) < sum(len(r) for r in source.values())

    resumed = copy_workbook(google.workbook.backend, target, batch_rows=150)
    assert resumed.complete
    assert grids(target) == source


def test_a_target_with_other_data_is_refused_and_left_alone(demo, google):
    google.fake.person().append_row(ORDERS.name, ["ORD-THEIRS00001", "phone", "", "Someone else"])
    before = google.fake.person().values(ORDERS.name)
    google.fake.reset_counts()
    with pytest.raises(CopyRefused, match=r"already holds other data in Orders \(row 2\).*--force"):
        copy_workbook(demo.workbook.backend, google.workbook.backend)
    assert writes(google.fake) == 0
    assert google.fake.person().values(ORDERS.name) == before


def test_force_replaces_the_tabs_with_other_data(demo, google):
    google.fake.person().append_row(ORDERS.name, ["ORD-THEIRS00001", "phone", "", "Someone else"])
    for n in range(60):
        google.fake.person().append_row(AUDIT.name, [f"AUD-OLD{n:08d}", "2026-01-01 10:00:00", "lin", "x"])
    lines: list[str] = []
    report = copy_workbook(demo.workbook.backend, google.workbook.backend, force=True, progress=lines.append)
    assert report.complete and ORDERS.name in report.replaced and AUDIT.name in report.replaced
    assert any(line.startswith("--force: REPLACING") for line in lines)
    on_google = grids(google.workbook.backend)
    assert on_google[ORDERS.name] == grids(demo.workbook.backend)[ORDERS.name]
    assert not any("ORD-THEIRS" in str(row) for row in on_google[ORDERS.name])


def test_a_target_fresh_from_init_counts_as_empty(demo, google):
    # The google fixture ran `init`: default Settings and their Audit rows are there already.
    assert len(normalized(google.workbook.backend.raw_rows(SETTINGS.name))) > 1
    report = copy_workbook(demo.workbook.backend, google.workbook.backend)
    assert report.complete and AUDIT.name in report.replaced


def test_a_changed_source_row_after_a_partial_copy_is_not_mistaken_for_ours(demo, google):
    copy_workbook(demo.workbook.backend, google.workbook.backend)
    demo.person.set_cell(PRODUCTS.name, 2, "name", "Renamed since")
    with pytest.raises(CopyRefused, match=r"Products \(row 2\), or the source changed there"):
        copy_workbook(demo.workbook.backend, google.workbook.backend)


def test_copying_a_workbook_onto_itself_is_refused(demo):
    same = LocalBackend(demo.workbook.backend.path.parent)
    with pytest.raises(CopyRefused, match="same workbook"):
        copy_workbook(demo.workbook.backend, same)


def test_drop_downs_and_the_frozen_header_follow_a_header_that_moved(local, google):
    with local.workbook.backend.raw_edit() as grid:
        rows = grid.rows(ORDERS.name)
        header = rows[0]
        moved = [["Orders of 2026"], [header[0], "Gift note", *header[1:]]]
        moved.append(["ORD-0000000001", "wrapped", "manual", "", "Ana"])
        grid.replace_rows(ORDERS.name, moved)
    assert copy_workbook(local.workbook.backend, google.workbook.backend).complete
    person = google.fake.person()
    assert person.frozen_rows(ORDERS.name) == 2
    assert person.is_bold(ORDERS.name, 2, 1)
    assert person.validation(ORDERS.name, 2, 3) is None  # the header row itself
    assert person.validation(ORDERS.name, 3, 2) is None  # Gift note: no drop-down
    assert "manual" in person.validation(ORDERS.name, 3, 3).values  # channel, one column to the right
