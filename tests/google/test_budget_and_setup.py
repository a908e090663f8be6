"""Rule 7's request budget, init's formatting, and clear set-up errors on Google."""

from __future__ import annotations

import pytest

from sheets.backends.google.connect import SCOPES, load_credentials, open_spreadsheet
from sheets.errors import SetupError
from sheets.tabs import ALL_TABS, AUDIT, ORDERS, PRODUCTS, STOCK
from tests.conftest import SPREADSHEET_ID, google_workbook


def seed_orders(google, count):
    with google.workbook.transaction(ORDERS, user="seed") as tx:
        return [tx.insert(ORDERS, {"customer_name": f"C{n}"}) for n in range(count)]


def test_one_request_reads_every_tab(google):
    google.fake.reset_counts()
    tables = google.workbook.tables(*ALL_TABS)
    assert len(tables) == len(ALL_TABS)
    assert google.fake.counts() == {"values.batchGet": 1}


@pytest.mark.parametrize("rows", [3, 400])
def test_a_user_action_costs_one_read_and_one_write_whatever_the_row_count(google, rows):
    orders = seed_orders(google, rows)
    google.fake.reset_counts()

    with google.workbook.transaction(ORDERS, STOCK, user="bo", action="confirm") as tx:
        tx.update(orders[-1], {"status": "confirmed"})
        tx.insert(STOCK, {"sku": "KIT-001", "location_id": "LOC-A", "on_hand": 3})

    assert google.fake.counts() == {"values.batchGet": 1, "batchUpdate": 1}


@pytest.mark.parametrize("rows", [3, 400])
def test_a_deletion_costs_one_read_and_one_write_whatever_the_row_count(google, rows):
    orders = seed_orders(google, rows)
    google.fake.reset_counts()

    with google.workbook.transaction(ORDERS, user="bo", action="delete row") as tx:
        tx.delete(orders[rows // 2], base=orders[rows // 2])

    assert google.fake.counts() == {"values.batchGet": 1, "batchUpdate": 1}
    assert len(google.workbook.table(ORDERS)) == rows - 1


def test_a_change_and_a_deletion_in_one_step_cost_one_read_and_one_write(google):
    orders = seed_orders(google, 5)
    google.fake.reset_counts()

    with google.workbook.transaction(ORDERS, user="bo", action="tidy up") as tx:
        tx.update(orders[4], {"carrier": "DHL"}, base=orders[4])  # below the deleted row: it moves up
        tx.delete(orders[1], base=orders[1])

    assert google.fake.counts() == {"values.batchGet": 1, "batchUpdate": 1}
    assert google.workbook.table(ORDERS).get(orders[4].id).carrier == "DHL"


def test_cached_reads_cost_nothing_until_the_app_writes(google):
    seed_orders(google, 2)
    google.workbook.invalidate()
    google.fake.reset_counts()
    google.workbook.table(ORDERS)
    google.workbook.table(ORDERS)
    google.workbook.tables(ORDERS, PRODUCTS)  # only Products is stale
    assert google.fake.count("values.batchGet") == 2

    seed_orders(google, 1)
    google.fake.reset_counts()
    assert len(google.workbook.table(ORDERS)) == 3
    assert google.fake.count("values.batchGet") == 1


def test_the_cache_expires_so_people_s_edits_show_up(fake_google, tmp_path):
    workbook = google_workbook(fake_google, cache_seconds=0)
    workbook.init()
    workbook.table(ORDERS)
    fake_google.person(SPREADSHEET_ID).append_row("Orders", ["ORD-BYHAND00001", "phone", "", "Typed"])
    assert len(workbook.table(ORDERS)) == 1


def test_init_freezes_and_bolds_headers_and_adds_drop_downs_in_one_request(fake_google):
    workbook = google_workbook(fake_google)
    fake_google.reset_counts()
    report = workbook.init()
    person = fake_google.person(SPREADSHEET_ID)

    assert fake_google.count("batchUpdate") == 2  # the tabs and formats, then the Settings rows
    assert "Orders" in report.created_tabs
    assert person.frozen_rows("Orders") == 1
    assert person.is_bold("Orders", 1, 1)
    status = person.values("Orders")[0].index("status") + 1
    assert "confirmed" in person.validation("Orders", 2, status).values


def test_init_again_adds_missing_columns_and_keeps_a_person_s_columns(google):
    person = google.person
    person.add_column("Orders", "Gift wrap", at_col=2)
    person.rename_header("Orders", "tracking_no", "Tracking")  # no longer recognised: init adds it
    report = google.workbook.init()
    header = person.values("Orders")[0]
    assert report.added_columns == {"Orders": ["tracking_no"]}
    assert header[1] == "Gift wrap" and "Tracking" in header and header[-1] == "tracking_no"
    assert google.workbook.init().added_columns == {}


def test_the_service_account_asks_for_the_spreadsheets_scope_only(google):
    assert SCOPES == ("https://www.googleapis.com/auth/spreadsheets",)
    assert google.fake.granted_scopes == ["https://www.googleapis.com/auth/spreadsheets"]


def test_a_missing_key_file_says_what_to_set(tmp_path):
    with pytest.raises(SetupError, match="does not exist: check GOOGLE_APPLICATION_CREDENTIALS"):
        load_credentials(tmp_path / "nope.json")
    with pytest.raises(SetupError, match="GOOGLE_APPLICATION_CREDENTIALS is not set"):
        load_credentials("")


def test_a_file_that_is_not_a_key_says_so(tmp_path):
    bad = tmp_path / "key.json"
    bad.write_text('{"type": "authorized_user"}')
    with pytest.raises(SetupError, match="not a service account JSON key"):
        load_credentials(bad)


def test_a_wrong_spreadsheet_id_says_which_setting_to_check(fake_google):
    credentials = load_credentials(fake_google.key_file)
    with pytest.raises(SetupError, match="check FLOWSHEET_SPREADSHEET_ID"):
        open_spreadsheet(credentials, "1NoSuchSpreadsheet", adapter=fake_google.transport())


def test_a_sheet_not_shared_with_the_service_account_says_whom_to_share_with(fake_google):
    fake_google.spreadsheet(SPREADSHEET_ID).shared = False
    credentials = load_credentials(fake_google.key_file)
    with pytest.raises(SetupError, match=f"share it with {credentials.service_account_email}"):
        open_spreadsheet(credentials, SPREADSHEET_ID, adapter=fake_google.transport())


def test_audit_rows_go_in_the_same_request_as_the_change(google):
    (order,) = seed_orders(google, 1)
    google.fake.reset_counts()
    with google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.update(order, {"status": "confirmed"})
    assert google.fake.count("batchUpdate") == 1
    google.workbook.invalidate()
    assert [r.record_id for r in google.workbook.table(AUDIT).records()][-1] == order.order_id


def test_the_app_never_writes_through_the_values_api(google):
    """Rule 5: writes go through batchUpdate CellData (stringValue is never parsed), never USER_ENTERED."""
    (order,) = seed_orders(google, 1)
    with google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.update(order, {"ship_address": '=IMPORTXML("http://x","//a")'})
    google.workbook.init()
    kinds = {entry.kind for entry in google.fake.log}
    assert kinds <= {"values.batchGet", "batchUpdate", "get"}
    assert all("USER_ENTERED" not in str(entry.body) for entry in google.fake.log)
    assert all("formulaValue" not in str(entry.body) for entry in google.fake.log)
