"""Google refuses a request body above 10 MB: the fake does too, and the app never sends one."""

from __future__ import annotations

import json

import pytest
from gspread.exceptions import APIError

from bench.import_orders import seed_products, shopify_export
from processes.orders import import_orders
from processes.orders.importing import ImportStopped
from processes.permissions import Actor
from sheets.backends.google.init import SPARE_ROWS
from sheets.copy import CopyStopped, copy_workbook
from sheets.errors import RequestTooLarge
from sheets.tabs import ORDERS
from tests.conftest import SPREADSHEET_ID

STAFF = Actor("sam", "staff")


def big_update(sheet_id: int, megabytes: float) -> dict:
    text = "x" * 40_000
    rows = int(megabytes * 1_000_000 / len(text)) + 1
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": 0},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": text}}]} for _ in range(rows)],
            "fields": "userEnteredValue",
        }
    }


def test_the_fake_refuses_a_body_over_10_mb_as_google_does(google):
    backend = google.workbook.backend
    sheet_id = backend.sheet_id(ORDERS.name)
    before = google.person.values("Orders")
    with pytest.raises(APIError) as refused:
        backend.spreadsheet.batch_update({"requests": [big_update(sheet_id, 10.6)]})
    assert refused.value.response.status_code == 400
    assert "Request payload size exceeds the limit: 10485760 bytes" in str(refused.value)
    assert google.person.values("Orders") == before  # nothing applied


def test_the_app_refuses_to_send_a_body_over_9_mb_and_sends_nothing(google):
    backend = google.workbook.backend
    google.fake.reset_counts()
    with pytest.raises(RequestTooLarge, match="more than Google Sheets accepts"):
        backend.batch_update([big_update(backend.sheet_id(ORDERS.name), 9.2)])
    assert google.fake.count("batchUpdate") == 0


def test_an_import_stopped_midway_says_what_was_saved_and_running_it_again_goes_on(google):
    seed_products(google.workbook)
    export = shopify_export(400)
    writes = []

    def google_down_from_the_third_part() -> None:
        writes.append(None)
        if len(writes) == 3:
            google.fake.fail_next("batchUpdate", status=503, times=1000)

    hook = google.fake.before_each(
        lambda: google_down_from_the_third_part() if google.fake.log[-1].kind == "batchUpdate" else None
    )
    with pytest.raises(ImportStopped) as stopped:
        import_orders(google.workbook, export, by=STAFF, part_bytes=60_000)
    google.fake.remove_before_each(hook)
    google.fake.clear_faults()

    saved = stopped.value.report.created
    assert len(saved) > 0
    message = str(stopped.value)
    assert f"The import stopped after {len(saved):,} of " in message
    assert "run the same import again to go on from there" in message
    google.workbook.invalidate()
    assert sorted(o.external_ref for o in google.workbook.table(ORDERS).records()) == sorted(saved)

    again = import_orders(google.workbook, export, by=STAFF, part_bytes=60_000)
    assert again.clean and again.unchanged == len(saved)
    google.workbook.invalidate()
    refs = [order.external_ref for order in google.workbook.table(ORDERS).records()]
    assert len(refs) == len(set(refs)) == len(saved) + len(again.created)
    bodies = [len(json.dumps(entry.body)) for entry in google.fake.logged("batchUpdate")]
    assert max(bodies) < 9_000_000


def test_a_large_copy_goes_in_parts_google_accepts_and_grows_the_grid_to_fit(local, google):
    note = "Leave the parcel with the neighbour at number 12, " * 50  # about 2.5 kB a row
    rows = [[f"ORD-{n:06d}", "manual", f"#{n}", f"Customer {n}", "", note] for n in range(5_000)]
    with local.workbook.backend.raw_edit() as grid:
        grid.put_rows(ORDERS.name, 1, rows)  # about 13 MB of Orders

    report = copy_workbook(local.workbook.backend, google.workbook.backend, batch_bytes=50_000_000)

    assert report.complete and report.writes > 4
    bodies = [len(json.dumps(entry.body)) for entry in google.fake.logged("values.batchUpdate")]
    assert max(bodies) < 9_000_000
    sheet = google.fake.spreadsheet(SPREADSHEET_ID).sheet(ORDERS.name)
    assert sheet.row_count == 5_001 + SPARE_ROWS  # the rows copied and init's spare ones
    assert google.person.cell("Orders", 5_001, 1) == "ORD-004999"


def test_a_copy_stopped_midway_says_what_was_copied(local, google):
    rows = [[f"ORD-{n:06d}", "manual", f"#{n}", f"Customer {n}"] for n in range(300)]
    with local.workbook.backend.raw_edit() as grid:
        grid.put_rows(ORDERS.name, 1, rows)

    def third_write_fails() -> None:
        if google.fake.count("values.batchUpdate") == 3 and not google.fake.pending_faults:
            google.fake.fail_next("values.batchUpdate", status=503, times=3)

    google.fake.before_each(third_write_fails)
    with pytest.raises(CopyStopped, match="run the same copy again to go on from there") as stopped:
        copy_workbook(local.workbook.backend, google.workbook.backend, batch_rows=100)
    google.fake.remove_before_each(third_write_fails)
    assert "rows in this run" in str(stopped.value)
    assert copy_workbook(local.workbook.backend, google.workbook.backend, batch_rows=100).complete
