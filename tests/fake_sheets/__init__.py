"""An in-process fake of the Google Sheets API v4 for Flowsheet's tests.

gspread and google-auth run unmodified; only their HTTP transport is swapped for
FakeTransport, so no test can reach Google::

    fake = FakeSheets()
    book = fake.create_spreadsheet("book-id", sheets={"Orders": [["id", "qty"], ["A", 1]]})
    make_service_account_file(key_path)
    adapter = fake.transport()  # mount on both the auth session and the AuthorizedSession

    fake.fail_next("batchUpdate", status=429, retry_after=3)   # script trouble
    fake.before_next("values.update", lambda: book.person.insert_rows("Orders", 2))
    assert fake.count("batchUpdate") == 1                      # inspect traffic

Anything the fake does not model answers 501, so no test passes by accident.
"""

from .credentials import DEFAULT_EMAIL, make_service_account_file
from .errors import ApiError
from .faults import ANY
from .grid import Cell, Formula, Sheet, Validation
from .person import Person
from .routing import SHEETS_KINDS, TOKEN_URL
from .server import FakeSheets, LoggedRequest
from .spreadsheet import FakeSpreadsheet
from .transport import FakeTransport

__all__ = [
    "ANY",
    "DEFAULT_EMAIL",
    "SHEETS_KINDS",
    "TOKEN_URL",
    "ApiError",
    "Cell",
    "FakeSheets",
    "FakeSpreadsheet",
    "FakeTransport",
    "Formula",
    "LoggedRequest",
    "Person",
    "Sheet",
    "Validation",
    "make_service_account_file",
]
