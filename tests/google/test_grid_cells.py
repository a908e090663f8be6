"""Grid cells on Google: init lays out only what a tab needs, tabs grow as they fill, old grids are trimmed."""

from __future__ import annotations

from sheets.backends.google.init import SPARE_COLUMNS, SPARE_ROWS
from sheets.tabs import ALL_TABS, AUDIT, ORDERS, TABS_BY_NAME
from tests.conftest import SPREADSHEET_ID, google_workbook
from tests.fake_sheets import Formula


def grid(fake, name: str) -> tuple[int, int]:
    sheet = fake.spreadsheet(SPREADSHEET_ID).sheet(name)
    return sheet.row_count, sheet.column_count


def test_init_lays_out_each_tab_as_wide_as_its_header_and_a_few_rows_tall(fake_google):
    google_workbook(fake_google).init()
    for tab in ALL_TABS:
        rows, columns = grid(fake_google, tab.name)
        assert columns == len(tab.columns) + SPARE_COLUMNS, tab.name
        assert rows == 1 + SPARE_ROWS, tab.name


def test_rows_appended_past_the_grid_grow_it_and_keep_their_drop_downs(google):
    with google.workbook.transaction(ORDERS, user="seed") as tx:
        orders = [tx.insert(ORDERS, {"customer_name": f"C{n}"}) for n in range(SPARE_ROWS + 30)]
    google.workbook.invalidate()

    rows, _columns = grid(google.fake, ORDERS.name)
    assert rows >= SPARE_ROWS + 31
    assert len(google.workbook.table(ORDERS)) == len(orders)
    status = google.person.headers("Orders").index("status") + 1
    last = SPARE_ROWS + 31  # the last order's row, past the grid init laid out
    assert google.person.cell("Orders", last, status) == "new"
    assert "confirmed" in google.person.validation("Orders", last, status).values
    # A row a person adds below, in a spare row, has the drop-down init set on the whole column.
    assert google.person.validation("Orders", 2, status).strict


def test_a_step_after_the_grid_grew_writes_as_before(google):
    with google.workbook.transaction(ORDERS, user="seed") as tx:
        orders = [tx.insert(ORDERS, {"customer_name": f"C{n}"}) for n in range(SPARE_ROWS + 5)]
    with google.workbook.transaction(ORDERS, user="bo", action="confirm") as tx:
        tx.update(orders[-1], {"status": "confirmed"})
    google.workbook.invalidate()
    assert google.workbook.table(ORDERS).get(orders[-1].order_id).status == "confirmed"
    assert grid(google.fake, AUDIT.name)[0] >= SPARE_ROWS + 6


def test_init_trims_an_old_oversized_grid_only_where_it_is_empty(fake_google):
    header = TABS_BY_NAME["Order Lines"].column_names  # 7 columns
    person = fake_google.person(SPREADSHEET_ID)
    person.add_sheet("Order Lines", [header, ["OL-OLD000000001", "ORD-OLD000000001", "KIT-001", 1]])
    assert grid(fake_google, "Order Lines") == (1000, 26)
    person.set_cell("Order Lines", 300, 9, "a person's note")  # their own column, far down
    person.set_cell("Order Lines", 120, 2, Formula('=IF(1,"","")', result=""))  # a formula that shows nothing

    report = google_workbook(fake_google).init()

    assert grid(fake_google, "Order Lines") == (300 + SPARE_ROWS, 9 + SPARE_COLUMNS)
    assert person.cell("Order Lines", 300, 9) == "a person's note"
    assert person.is_formula("Order Lines", 120, 2)
    assert person.cell("Order Lines", 2, 1) == "OL-OLD000000001"
    assert report.trimmed["Order Lines"] == (1000, 300 + SPARE_ROWS, 26, 9 + SPARE_COLUMNS)
    assert "Order Lines: empty grid trimmed from 1,000 x 26 to 350 rows x 12 columns" in "\n".join(
        report.lines()
    )
    # A second init has nothing more to trim.
    assert "Order Lines" not in google_workbook(fake_google).init().trimmed


def test_init_grows_a_grid_too_narrow_for_the_header(fake_google):
    person = fake_google.person(SPREADSHEET_ID)
    person.add_sheet("Orders", [["order_id", "customer_name"]])
    sheet = fake_google.spreadsheet(SPREADSHEET_ID).sheet("Orders")
    sheet.resize(5, 2)
    google_workbook(fake_google).init()
    assert grid(fake_google, "Orders")[1] == len(ORDERS.columns) + SPARE_COLUMNS
