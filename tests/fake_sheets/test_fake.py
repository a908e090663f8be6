"""The fake Sheets API, driven through real gspread + google-auth with only the transport swapped."""

from __future__ import annotations

import threading
from pathlib import Path

import gspread
import pytest
import requests
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError, SpreadsheetNotFound

from . import DEFAULT_EMAIL, TOKEN_URL, FakeSheets, FakeSpreadsheet, Formula, make_service_account_file
from .oauth import JWT_BEARER

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
BOOK_ID = "1FlowsheetTestBook_abcdefghijklmnopqrstuvwx"
ORDERS = [
    ["order_id", "item", "qty", "status"],
    ["O-1", "bolts", 10, "open"],
    ["O-2", "nuts", 2.5, "done"],
    ["O-3", "washers", 7, ""],
]


# ----- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "service-account.json"
    make_service_account_file(path)
    return path


@pytest.fixture
def fake() -> FakeSheets:
    return FakeSheets()


@pytest.fixture
def spreadsheet(fake: FakeSheets) -> FakeSpreadsheet:
    return fake.create_spreadsheet(BOOK_ID, title="Flowsheet", sheets={"Orders": ORDERS, "Stock Moves": []})


def build_client(fake: FakeSheets, key_file: Path) -> gspread.Client:
    """Exactly how production builds its client, with the fake adapter mounted."""
    adapter = fake.transport()
    creds = Credentials.from_service_account_file(str(key_file), scopes=SCOPES)
    auth_session = requests.Session()
    auth_session.mount("https://", adapter)
    session = AuthorizedSession(creds, auth_request=Request(auth_session))
    session.mount("https://", adapter)
    return gspread.Client(auth=creds, session=session)


@pytest.fixture
def client(fake: FakeSheets, key_file: Path) -> gspread.Client:
    return build_client(fake, key_file)


@pytest.fixture
def book(client: gspread.Client, spreadsheet: FakeSpreadsheet) -> gspread.Spreadsheet:
    return client.open_by_key(BOOK_ID)


def sheet_id(spreadsheet: FakeSpreadsheet, title: str) -> int:
    """The (arbitrary, non-zero) sheetId the fake gave a tab."""
    return spreadsheet.sheet(title).sheet_id


def batch(book: gspread.Spreadsheet, *requests_: dict, **options: object) -> dict:
    """One spreadsheets.batchUpdate call with these requests."""
    return book.batch_update({"requests": list(requests_), **options})


def unformatted(book: gspread.Spreadsheet, *ranges: str) -> list[dict]:
    """values:batchGet with UNFORMATTED_VALUE, so numbers and booleans keep their types."""
    params = {"valueRenderOption": "UNFORMATTED_VALUE"}
    return book.values_batch_get(list(ranges), params=params)["valueRanges"]


# ----- auth, metadata, errors at the door ---------------------------------------------------


def test_token_exchange_records_scope_and_account(fake: FakeSheets, book: gspread.Spreadsheet) -> None:
    assert fake.count("token") == 1
    assert fake.granted_scopes == SCOPES
    assert fake.token_grants[0]["iss"] == DEFAULT_EMAIL
    first = fake.log[0]
    assert (first.kind, first.method) == ("token", "POST")
    assert first.body["grant_type"] == JWT_BEARER
    assert [entry.kind for entry in fake.logged("token")] == ["token"]
    opened = fake.logged("get")[0]
    assert opened.method == "GET" and opened.url.endswith(f"{BOOK_ID}?includeGridData=false")


def test_open_reads_metadata(
    fake: FakeSheets, spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    assert book.title == "Flowsheet"
    worksheets = book.worksheets()
    assert [ws.title for ws in worksheets] == ["Orders", "Stock Moves"]
    assert worksheets[0].id == sheet_id(spreadsheet, "Orders") != 0
    assert (worksheets[0].row_count, worksheets[0].col_count) == (1000, 26)
    metadata = book.fetch_sheet_metadata()
    assert metadata["properties"]["locale"] == "en_US"
    assert "frozenRowCount" not in metadata["sheets"][0]["properties"]["gridProperties"]
    assert "data" not in metadata["sheets"][0]
    assert fake.count("get") >= 1


def test_metadata_with_ranges_and_grid_data(book: gspread.Spreadsheet) -> None:
    params = {"ranges": ["'Orders'!B2:C3"], "includeGridData": "true"}
    metadata = book.fetch_sheet_metadata(params=params)
    assert [s["properties"]["title"] for s in metadata["sheets"]] == ["Orders"]
    (grid,) = metadata["sheets"][0]["data"]
    assert (grid["startRow"], grid["startColumn"]) == (1, 1)
    first_row = grid["rowData"][0]["values"]
    assert first_row[0]["userEnteredValue"] == {"stringValue": "bolts"}
    assert first_row[1]["effectiveValue"] == {"numberValue": 10}


def test_requests_without_token_get_401(fake: FakeSheets, spreadsheet: FakeSpreadsheet) -> None:
    session = requests.Session()
    session.mount("https://", fake.transport())
    response = session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{BOOK_ID}")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == "UNAUTHENTICATED"
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.url.endswith(BOOK_ID)


def test_token_endpoint_refuses_other_grants(fake: FakeSheets) -> None:
    session = requests.Session()
    session.mount("https://", fake.transport())
    response = session.post(TOKEN_URL, data={"grant_type": "password", "username": "x"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    garbled = session.post(TOKEN_URL, data={"grant_type": JWT_BEARER, "assertion": "not-a-jwt"})
    assert garbled.json()["error"] == "invalid_grant"
    assert fake.granted_scopes == []


def test_revoked_token_is_refreshed_by_google_auth(fake: FakeSheets, book: gspread.Spreadsheet) -> None:
    fake.revoke_tokens()
    assert book.sheet1.acell("A1").value == "order_id"
    assert fake.count("token") == 2


def test_not_shared_answers_403_until_shared(fake: FakeSheets, client: gspread.Client) -> None:
    fake.create_spreadsheet("private-book", shared=False)
    assert fake.spreadsheet("private-book").shared is False
    with pytest.raises(PermissionError) as caught:
        client.open_by_key("private-book")
    error = caught.value.__cause__
    assert isinstance(error, APIError)
    assert error.code == 403
    assert error.error["status"] == "PERMISSION_DENIED"
    assert error.error["message"] == "The caller does not have permission"
    fake.share_with(DEFAULT_EMAIL, "private-book")
    assert client.open_by_key("private-book").title == "Flowsheet"
    fake.spreadsheet("private-book").shared = False
    with pytest.raises(PermissionError):
        client.open_by_key("private-book")


def test_unknown_spreadsheet_is_404(fake: FakeSheets, client: gspread.Client) -> None:
    with pytest.raises(SpreadsheetNotFound):
        client.open_by_key("no-such-book")
    assert fake.log[-1].kind == "get"


def test_unimplemented_endpoint_is_an_error(fake: FakeSheets, book: gspread.Spreadsheet) -> None:
    with pytest.raises(APIError) as caught:
        book.worksheet("Orders").clear()
    assert caught.value.code == 501
    assert "not implemented by the fake" in caught.value.error["message"]
    assert ":clear" in caught.value.error["message"]
    assert fake.count("unsupported") == 1
    assert book.worksheet("Orders").acell("A2").value == "O-1"


# ----- reading values -----------------------------------------------------------------------


def test_batch_get_trims_like_google(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    spreadsheet.person.set_cell("Orders", 7, 2, "stray")
    orders, empty = unformatted(book, "Orders", "'Stock Moves'!A1:C5")
    assert orders["range"] == "Orders!A1:Z1000"
    assert orders["values"] == [
        ["order_id", "item", "qty", "status"],
        ["O-1", "bolts", 10, "open"],
        ["O-2", "nuts", 2.5, "done"],
        ["O-3", "washers", 7],
        [],
        [],
        ["", "stray"],
    ]
    assert empty == {"range": "'Stock Moves'!A1:C5", "majorDimension": "ROWS"}


def test_render_options(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    person = spreadsheet.person
    person.set_cell("Orders", 2, "status", True)
    person.set_cell("Orders", 3, "status", Formula("=C3*2", result=5))
    person.set_cell("Orders", 4, "qty", 7.0)

    def read(option: str) -> list:
        return book.values_get("Orders!C2:D4", params={"valueRenderOption": option})["values"]

    assert read("UNFORMATTED_VALUE") == [[10, True], [2.5, 5], [7]]
    assert read("FORMATTED_VALUE") == [["10", "TRUE"], ["2.5", "5"], ["7"]]
    assert read("FORMULA") == [[10, True], [2.5, "=C3*2"], [7]]
    assert book.values_get("Orders!A1")["values"] == [["order_id"]]


def test_a1_range_forms(fake: FakeSheets, book: gspread.Spreadsheet) -> None:
    fake.spreadsheet(BOOK_ID).person.add_sheet("Bob's", [["x", "y"], [1, 2]])
    cases = {
        "'Orders'!A:B": "Orders!A1:B1000",
        "'Orders'!2:3": "Orders!A2:Z3",
        "'Orders'!B2": "Orders!B2",
        "'Orders'!A3:C": "Orders!A3:C1000",
        "'Bob''s'!A1:B2": "'Bob''s'!A1:B2",
        "C2:A1": "Orders!A1:C2",
    }
    for asked, answered in cases.items():
        assert unformatted(book, asked)[0]["range"] == answered
    assert unformatted(book, "'Orders'!A3:C")[0]["values"] == [["O-2", "nuts", 2.5], ["O-3", "washers", 7]]
    assert unformatted(book, "'Bob''s'")[0]["values"] == [["x", "y"], [1, 2]]
    with pytest.raises(APIError) as caught:
        unformatted(book, "'Nope'!A1:B2")
    assert caught.value.code == 400
    assert caught.value.error["message"] == "Unable to parse range: 'Nope'!A1:B2"


def test_columns_major_dimension(book: gspread.Spreadsheet) -> None:
    params = {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "COLUMNS"}
    columns = book.values_get("Orders!C1:D4", params=params)["values"]
    assert columns == [["qty", 10, 2.5, 7], ["status", "open", "done"]]


# ----- writing values -----------------------------------------------------------------------


def test_raw_stores_strings_literally(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    ws = book.worksheet("Orders")
    ws.update([["=SUM(C2:C4)", "42", "TRUE"]], "A6", value_input_option="RAW")
    person = spreadsheet.person
    assert [person.cell("Orders", 6, col) for col in (1, 2, 3)] == ["=SUM(C2:C4)", "42", "TRUE"]
    assert not person.is_formula("Orders", 6, 1)


def test_user_entered_converts_like_typing(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    ws = book.worksheet("Orders")
    result = ws.update(
        [["=SUM(C2:C4)", "42", "TRUE", "'007", "3.5"]], "A6", value_input_option="USER_ENTERED"
    )
    assert result["updatedRange"] == "Orders!A6:E6"
    person = spreadsheet.person
    assert person.is_formula("Orders", 6, 1)
    assert [person.cell("Orders", 6, col) for col in (2, 3, 4, 5)] == [42, True, "007", 3.5]
    shown = ws.get("A6", value_render_option="UNFORMATTED_VALUE")
    assert shown == [["#FORMULA"]]
    assert ws.get("A6", value_render_option="FORMULA") == [["=SUM(C2:C4)"]]


def test_nulls_skip_and_empty_strings_clear(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    book.values_update("Orders!A2:C2", params={"valueInputOption": "RAW"}, body={"values": [[None, "", "x"]]})
    person = spreadsheet.person
    assert (person.cell("Orders", 2, 1), person.cell("Orders", 2, 2), person.cell("Orders", 2, 3)) == (
        "O-1",
        None,
        "x",
    )


def test_writes_outside_grid_or_range_are_rejected(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    with pytest.raises(APIError) as caught:
        book.values_update(
            "Orders!A1000", params={"valueInputOption": "RAW"}, body={"values": [["a"], ["b"]]}
        )
    assert "exceeds grid limits" in caught.value.error["message"]
    with pytest.raises(APIError) as caught:
        book.values_update(
            "Orders!A1:B1", params={"valueInputOption": "RAW"}, body={"values": [["a", "b", "c"]]}
        )
    assert "tried writing to column [C]" in caught.value.error["message"]
    with pytest.raises(APIError):
        book.values_update("Orders!A1", params={}, body={"values": [["a"]]})
    assert spreadsheet.person.values("Orders") == unformatted(book, "Orders")[0]["values"]
    assert spreadsheet.person.cell("Orders", 1, 1) == "order_id"


def test_values_batch_update_is_all_or_nothing(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "Orders!D2", "values": [["shipped"]]},
            {"range": "Orders!A1001", "values": [["boom"]]},
        ],
    }
    with pytest.raises(APIError):
        book.values_batch_update(body)
    assert spreadsheet.person.cell("Orders", 2, "status") == "open"
    body["data"].pop()
    assert book.values_batch_update(body)["totalUpdatedCells"] == 1
    assert spreadsheet.person.cell("Orders", 2, "status") == "shipped"


# ----- values:append -----------------------------------------------------------------------


@pytest.mark.parametrize("table_range", ["Orders", "'Orders'!A1"])
def test_append_lands_in_the_blank_row_gap(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet, table_range: str
) -> None:
    spreadsheet.person.insert_blank_rows("Orders", 3, 1)  # data rows 2, (gap 3), 4, 5
    result = book.values_append(
        table_range, {"valueInputOption": "RAW"}, {"values": [["O-9", "pins", 1, "open"]]}
    )
    assert result["tableRange"] == "Orders!A1:D2"
    assert result["updates"]["updatedRange"] == "Orders!A3:D3"
    assert [row[0] for row in spreadsheet.person.values("Orders")] == ["order_id", "O-1", "O-9", "O-2", "O-3"]


def test_append_table_stops_at_a_blank_column(fake: FakeSheets, client: gspread.Client) -> None:
    fake.create_spreadsheet("gaps", sheets={"Sheet1": [["x", "", "y"]]})
    result = client.open_by_key("gaps").sheet1.append_row(["a", "b", "c"], table_range="A1")
    assert result["tableRange"] == "Sheet1!A1"
    assert result["updates"]["updatedRange"] == "Sheet1!A2:C2"


def test_append_to_empty_sheet_and_insert_rows(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    moves = book.worksheet("Stock Moves")
    first = moves.append_row(["sku", "delta"])
    assert "tableRange" not in first
    assert first["updates"]["updatedRange"] == "'Stock Moves'!A1:B1"
    spreadsheet.person.set_cell("Stock Moves", 3, 1, "below")
    book.values_append(
        "'Stock Moves'!A:B",
        {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        {"values": [["s1", 5]]},
    )
    assert spreadsheet.person.values("Stock Moves") == [["sku", "delta"], ["s1", 5], [], ["below"]]
    assert spreadsheet.sheet("Stock Moves").row_count == 1001


def test_append_grows_a_full_grid(fake: FakeSheets, client: gspread.Client) -> None:
    small = fake.create_spreadsheet("small", sheets=["Log"])
    small.sheet("Log").resize(2, 2)
    ws = client.open_by_key("small").sheet1
    ws.append_rows([["a", 1], ["b", 2], ["c", 3]], value_input_option="RAW")
    assert small.sheet("Log").row_count == 3
    assert small.person.values("Log") == [["a", 1], ["b", 2], ["c", 3]]


# ----- spreadsheets.batchUpdate --------------------------------------------------------------


def test_batch_update_is_atomic(
    fake: FakeSheets, spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    orders = sheet_id(spreadsheet, "Orders")
    before = spreadsheet.person.values("Orders")
    write = {
        "updateCells": {
            "start": {"sheetId": orders, "rowIndex": 1, "columnIndex": 3},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "shipped"}}]}],
            "fields": "userEnteredValue",
        }
    }
    insert = {
        "insertDimension": {"range": {"sheetId": orders, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}}
    }
    bad = {
        "deleteDimension": {
            "range": {"sheetId": orders, "dimension": "ROWS", "startIndex": 5, "endIndex": 5000}
        }
    }
    with pytest.raises(APIError) as caught:
        batch(book, write, insert, bad)
    assert caught.value.code == 400
    assert caught.value.error["message"].startswith("Invalid requests[2].deleteDimension:")
    assert spreadsheet.person.values("Orders") == before
    assert spreadsheet.sheet("Orders").row_count == 1000
    assert fake.count("batchUpdate") == 1


def test_unknown_request_kind_is_refused_whole(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    orders = sheet_id(spreadsheet, "Orders")
    freeze = {
        "updateSheetProperties": {
            "properties": {"sheetId": orders, "gridProperties": {"frozenRowCount": 1}},
            "fields": "gridProperties.frozenRowCount",
        }
    }
    with pytest.raises(APIError) as caught:
        batch(book, freeze, {"mergeCells": {"range": {"sheetId": orders}, "mergeType": "MERGE_ALL"}})
    assert caught.value.code == 501
    assert "mergeCells" in caught.value.error["message"]
    assert spreadsheet.person.frozen_rows("Orders") == 0


def test_update_cells_values(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    orders = sheet_id(spreadsheet, "Orders")
    cells = [
        {"userEnteredValue": {"stringValue": "=SUM(A1)"}},
        {"userEnteredValue": {"formulaValue": "=C2+1"}},
        {"userEnteredValue": {"numberValue": 12}},
        {},
    ]
    grid_range = {
        "sheetId": orders,
        "startRowIndex": 1,
        "endRowIndex": 3,
        "startColumnIndex": 0,
        "endColumnIndex": 4,
    }
    batch(
        book,
        {"updateCells": {"range": grid_range, "rows": [{"values": cells}], "fields": "userEnteredValue"}},
    )
    person = spreadsheet.person
    assert person.cell("Orders", 2, 1) == "=SUM(A1)" and not person.is_formula("Orders", 2, 1)
    assert person.is_formula("Orders", 2, 2)
    assert person.cell("Orders", 2, 3) == 12
    assert person.cell("Orders", 2, 4) is None  # empty CellData clears
    assert person.values("Orders")[2] == []  # row 3 was in the range but not in rows: cleared


def test_append_cells_goes_after_last_non_empty_row(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    person = spreadsheet.person
    person.insert_blank_rows("Orders", 2, 2)
    rows = [
        {"values": [{"userEnteredValue": {"stringValue": "O-4"}}, {"userEnteredValue": {"boolValue": True}}]}
    ]
    request = {
        "appendCells": {
            "sheetId": sheet_id(spreadsheet, "Orders"),
            "rows": rows,
            "fields": "userEnteredValue",
        }
    }
    batch(book, request)
    assert person.values("Orders")[-1] == ["O-4", True]
    assert len(person.values("Orders")) == 7


def test_append_cells_grows_rows(fake: FakeSheets, client: gspread.Client) -> None:
    tiny = fake.create_spreadsheet("tiny", sheets={"T": [["a"], ["b"]]})
    tiny.sheet("T").resize(2, 3)
    rows = [{"values": [{"userEnteredValue": {"stringValue": "c"}}]}]
    client.open_by_key("tiny").batch_update(
        {"requests": [{"appendCells": {"sheetId": tiny.sheet("T").sheet_id, "rows": rows, "fields": "*"}}]}
    )
    assert tiny.sheet("T").row_count == 3
    assert tiny.person.values("T") == [["a"], ["b"], ["c"]]


def test_insert_and_delete_dimension(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    orders = sheet_id(spreadsheet, "Orders")
    person = spreadsheet.person

    def rows(start: int, end: int) -> dict:
        return {"sheetId": orders, "dimension": "ROWS", "startIndex": start, "endIndex": end}

    batch(book, {"insertDimension": {"range": rows(1, 3), "inheritFromBefore": False}})
    assert [row[0] if row else None for row in person.values("Orders")] == [
        "order_id",
        None,
        None,
        "O-1",
        "O-2",
        "O-3",
    ]
    assert spreadsheet.sheet("Orders").row_count == 1002
    batch(book, {"deleteDimension": {"range": rows(1, 4)}})
    assert [row[0] for row in person.values("Orders")] == ["order_id", "O-2", "O-3"]
    columns = {"sheetId": orders, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
    batch(book, {"insertDimension": {"range": columns}})
    assert person.headers("Orders") == ["", "order_id", "item", "qty", "status"]
    with pytest.raises(APIError) as caught:
        batch(book, {"insertDimension": {"range": rows(0, 1), "inheritFromBefore": True}})
    assert caught.value.code == 400


def test_inserted_rows_inherit_formatting(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    orders = sheet_id(spreadsheet, "Orders")
    book.worksheet("Orders").format("A1:D1", {"textFormat": {"bold": True}})
    new_row = {"sheetId": orders, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    batch(book, {"insertDimension": {"range": new_row, "inheritFromBefore": True}})
    assert spreadsheet.person.is_bold("Orders", 2, 1)
    batch(book, {"insertDimension": {"range": new_row, "inheritFromBefore": False}})
    assert spreadsheet.person.is_bold("Orders", 2, 1)  # row after is the bold one now
    batch(book, {"appendDimension": {"sheetId": orders, "dimension": "ROWS", "length": 5}})
    assert spreadsheet.sheet("Orders").row_count == 1007


def test_updated_spreadsheet_grid_data(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    orders = sheet_id(spreadsheet, "Orders")
    add = {
        "appendCells": {
            "sheetId": orders,
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "O-4"}}]}],
            "fields": "*",
        }
    }
    response = batch(
        book,
        add,
        includeSpreadsheetInResponse=True,
        responseRanges=["'Orders'!1:1", "'Orders'!A4:D6"],
        responseIncludeGridData=True,
    )
    assert response["replies"] == [{}]
    sheets = response["updatedSpreadsheet"]["sheets"]
    assert [s["properties"]["title"] for s in sheets] == ["Orders"]
    header, tail = sheets[0]["data"]
    assert "startRow" not in header
    assert [cell["formattedValue"] for cell in header["rowData"][0]["values"]] == [
        "order_id",
        "item",
        "qty",
        "status",
    ]
    assert tail["startRow"] == 3
    o3, o4 = tail["rowData"]
    assert o3["values"][2] == {
        "userEnteredValue": {"numberValue": 7},
        "effectiveValue": {"numberValue": 7},
        "formattedValue": "7",
    }
    assert len(o3["values"]) == 3  # trailing empty status cell trimmed
    assert o4 == {
        "values": [
            {
                "userEnteredValue": {"stringValue": "O-4"},
                "effectiveValue": {"stringValue": "O-4"},
                "formattedValue": "O-4",
            }
        ]
    }


def test_gspread_formatting_freeze_and_validation(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    ws = book.worksheet("Orders")
    ws.freeze(rows=1)
    ws.format("A1:D1", {"textFormat": {"bold": True}})
    ws.add_validation(
        "D2:D4", gspread.utils.ValidationConditionType.one_of_list, ["open", "done"], strict=True
    )
    person = spreadsheet.person
    assert person.frozen_rows("Orders") == 1
    assert person.is_bold("Orders", 1, "status") and not person.is_bold("Orders", 2, "status")
    rule = person.validation("Orders", 3, "status")
    assert rule is not None and rule.values == ("open", "done") and rule.strict
    assert person.validation("Orders", 5, "status") is None
    with pytest.raises(APIError) as caught:
        ws.format("A1", {"backgroundColor": {"red": 1}})
    assert caught.value.code == 501


def test_sheet_management(spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet) -> None:
    added = book.add_worksheet("Audit", rows=10, cols=3)
    assert added.id == sheet_id(spreadsheet, "Audit")
    assert (added.row_count, added.col_count) == (10, 3)
    with pytest.raises(APIError) as caught:
        book.add_worksheet("audit", rows=5, cols=5)
    assert "already exists" in caught.value.error["message"]
    added.update_title("Audit Log")
    assert spreadsheet.find_sheet("Audit Log") is not None
    book.del_worksheet(added)
    assert [s.title for s in spreadsheet.sheets] == ["Orders", "Stock Moves"]


def test_reorder_uses_before_the_move_indexes(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    book.add_worksheet("Audit", rows=5, cols=5)
    orders, moves, audit = book.worksheets()
    book.reorder_worksheets([audit, orders, moves])
    assert [sheet.title for sheet in spreadsheet.sheets] == ["Audit", "Orders", "Stock Moves"]
    book.reorder_worksheets([orders, moves, audit])
    assert [sheet.title for sheet in spreadsheet.sheets] == ["Orders", "Stock Moves", "Audit"]


def test_sort_range_numbers_before_text_blanks_last(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    person = spreadsheet.person
    person.set_cell("Orders", 3, "qty", "many")
    person.append_row("Orders", ["O-4", "pins", None, "open"])
    sort = {
        "sortRange": {
            "range": {"sheetId": sheet_id(spreadsheet, "Orders"), "startRowIndex": 1, "endRowIndex": 5},
            "sortSpecs": [{"dimensionIndex": 2, "sortOrder": "DESCENDING"}],
        }
    }
    batch(book, sort)
    assert [row[0] for row in person.values("Orders")[1:]] == [
        "O-2",
        "O-1",
        "O-3",
        "O-4",
    ]  # text, 10, 7, blank


# ----- faults ---------------------------------------------------------------------------


def test_429_with_retry_after(fake: FakeSheets, book: gspread.Spreadsheet) -> None:
    ws = book.worksheet("Orders")
    fake.reset_counts()
    fake.fail_next("values.get", status=429, retry_after=7)
    with pytest.raises(APIError) as caught:
        ws.acell("A1")
    assert caught.value.code == 429
    assert caught.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert caught.value.response.headers["Retry-After"] == "7"
    assert ws.acell("A1").value == "order_id"
    assert fake.count("values.get") == 2


def test_html_502_from_the_front_end(fake: FakeSheets, book: gspread.Spreadsheet) -> None:
    fake.fail_next("batchUpdate", html=True)
    with pytest.raises(APIError) as caught:
        book.worksheet("Orders").freeze(rows=1)
    response = caught.value.response
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "502" in response.text
    assert caught.value.code == -1  # gspread could not parse a JSON error body
    assert fake.spreadsheet(BOOK_ID).person.frozen_rows("Orders") == 0


def test_timeout_applies_nothing(
    fake: FakeSheets, spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    ws = book.worksheet("Orders")
    fake.timeout_next("values.update")
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.update([["lost"]], "A2")
    assert spreadsheet.person.cell("Orders", 2, 1) == "O-1"
    ws.update([["kept"]], "A2")
    assert spreadsheet.person.cell("Orders", 2, 1) == "kept"


def test_apply_then_fail_really_applies(
    fake: FakeSheets, spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    ws = book.worksheet("Orders")
    fake.apply_then_fail("values.append", status=500)
    with pytest.raises(APIError) as caught:
        ws.append_row(["O-4", "pins", 1, "open"])
    assert caught.value.code == 500
    assert spreadsheet.person.values("Orders")[-1] == ["O-4", "pins", 1, "open"]
    fake.apply_then_fail("batchUpdate", timeout=True)
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.freeze(rows=1)
    assert spreadsheet.person.frozen_rows("Orders") == 1


def test_any_kind_faults_and_times(fake: FakeSheets, book: gspread.Spreadsheet) -> None:
    ws = book.worksheet("Orders")
    fake.fail_next(status=503, times=2)
    for _ in range(2):
        with pytest.raises(APIError) as caught:
            ws.acell("A1")
        assert caught.value.error["status"] == "UNAVAILABLE"
    assert ws.acell("A1").value == "order_id"
    assert fake.pending_faults == []
    with pytest.raises(ValueError):
        fake.fail_next("batch_update")


# ----- the person at the keyboard ----------------------------------------------------------


def test_before_next_runs_between_read_and_write(
    fake: FakeSheets, spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    ws = book.worksheet("Orders")
    row = [r[0] for r in ws.get_all_values()].index("O-2") + 1
    fake.before_next(
        "values.update", lambda: spreadsheet.person.insert_rows("Orders", 2, [["O-0", "rivets", 1, "open"]])
    )
    ws.update([["shipped"]], f"D{row}")
    person = spreadsheet.person
    assert person.cell("Orders", 3, "order_id") == "O-1"
    assert person.cell("Orders", 3, "status") == "shipped"  # the stale row number hit the wrong order
    assert person.cell("Orders", 4, "status") == "done"


def test_before_each_until_removed(fake: FakeSheets, book: gspread.Spreadsheet) -> None:
    seen: list[int] = []
    hook = fake.before_each(lambda: seen.append(len(fake.log)))
    ws = book.worksheet("Orders")
    ws.acell("A1")
    fake.remove_before_each(hook)
    ws.acell("A1")
    assert len(seen) == 2
    assert seen == sorted(seen)
    fake.before_each(lambda: seen.append(-1))
    fake.before_each(None)  # drops every before_each callback
    ws.acell("A1")
    assert len(seen) == 2


def test_person_row_and_sheet_edits(spreadsheet: FakeSpreadsheet) -> None:
    person = spreadsheet.person
    person.insert_rows("Orders", 2, [["O-0", "rivets", 3, "open"]])
    person.delete_rows("Orders", 4)
    person.append_row("Orders", ["O-5", "pins", "n/a", "open"])
    assert [row[0] for row in person.values("Orders")] == ["order_id", "O-0", "O-1", "O-3", "O-5"]
    person.sort("Orders", "qty")
    assert [row[2] for row in person.values("Orders")[1:]] == [3, 7, 10, "n/a"]
    person.sort("Orders", 3, descending=True)
    assert [row[2] for row in person.values("Orders")[1:]] == ["n/a", 10, 7, 3]
    person.rename_sheet("Stock Moves", "Moves")
    person.delete_sheet("Moves")
    assert [sheet.title for sheet in spreadsheet.sheets] == ["Orders"]


def test_person_column_edits(spreadsheet: FakeSpreadsheet) -> None:
    person = spreadsheet.person
    person.add_column("Orders", "owner", values=["ann", "bob"])
    assert person.headers("Orders") == ["order_id", "item", "qty", "status", "owner"]
    person.add_column("Orders", "priority", at_col=2, values=["high"])
    assert person.headers("Orders") == ["order_id", "priority", "item", "qty", "status", "owner"]
    assert spreadsheet.sheet("Orders").column_count == 27
    person.move_column("Orders", "owner", 1)
    assert person.values("Orders")[1] == ["ann", "O-1", "high", "bolts", 10, "open"]
    person.rename_header("Orders", "qty", "quantity")
    person.set_cell("Orders", 4, "quantity", Formula("=D2+D3"))
    assert person.is_formula("Orders", 4, "quantity")
    assert person.display("Orders", 4, "quantity") == "#FORMULA"
    with pytest.raises(KeyError):
        person.cell("Orders", 2, "qty")


def test_client_in_a_thread_while_a_person_edits(
    spreadsheet: FakeSpreadsheet, book: gspread.Spreadsheet
) -> None:
    ws = book.worksheet("Stock Moves")
    errors: list[BaseException] = []

    def app() -> None:
        try:
            for n in range(15):
                ws.append_row([f"m{n}", n], table_range="A:B")
        except BaseException as error:  # surfaced to the test below
            errors.append(error)

    worker = threading.Thread(target=app)
    worker.start()
    for n in range(15):
        spreadsheet.person.set_cell("Orders", 2, "qty", n)
    worker.join(timeout=10)
    assert not errors
    assert sorted(row[1] for row in spreadsheet.person.values("Stock Moves")) == list(range(15))
    assert spreadsheet.person.cell("Orders", 2, "qty") == 14
