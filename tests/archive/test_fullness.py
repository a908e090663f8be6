"""How full the live spreadsheet is, asked cheaply on both backends."""

from __future__ import annotations

from processes.archive.fullness import fullness
from processes.permissions import Actor
from processes.settings import update_setting
from sheets.size import cells_used
from sheets.tabs import ORDERS


def test_cells_used_are_grid_sizes_on_google_in_one_request_and_rows_times_width_locally(record):
    if record.kind == "google":
        record.fake.reset_counts()
    before = cells_used(record.workbook.backend)
    if record.kind == "google":
        assert record.requests() == 1 and record.requests("get") == 1  # the metadata: no values read
        grid = record.fake.spreadsheet().sheet(ORDERS.name)
        assert before[ORDERS.name] == grid.row_count * grid.column_count
    else:
        rows = record.workbook.backend.raw_rows(ORDERS.name)
        assert before[ORDERS.name] == len(rows) * max(len(row) for row in rows)
    with record.workbook.transaction(ORDERS, user="lin") as tx:
        for index in range(1200):
            tx.insert(ORDERS, {"customer_name": f"Customer {index}"})
    after = cells_used(record.workbook.backend)
    assert after[ORDERS.name] > before[ORDERS.name]


def test_fullness_warns_past_the_share_of_the_budget(record):
    seen = fullness(record.workbook, reuse_seconds=0)
    assert seen.budget == 10_000_000 and seen.warn_percent == 80 and not seen.warning
    assert seen.cells == sum(cells_used(record.workbook.backend).values())
    update_setting(record.workbook, "cell_budget", str(max(1000, seen.cells)), by=Actor("mia", "manager"))
    again = fullness(record.workbook, reuse_seconds=0)
    assert again.warning and "past 80% of its budget" in again.sentence()
