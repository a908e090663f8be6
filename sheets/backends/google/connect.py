"""Opening the spreadsheet with a service account, and saying clearly what is wrong when it fails."""

from __future__ import annotations

import json
from pathlib import Path

import gspread
import requests
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2.service_account import Credentials

from sheets.backends.google.http import GoogleFailure, RetryingHTTPClient
from sheets.errors import SetupError, SheetUnavailable

#: Flowsheet asks for the spreadsheets scope only: no Drive, no Gmail.
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)


def load_credentials(key_file: str | Path | None) -> Credentials:
    if not key_file:
        raise SetupError(
            "GOOGLE_APPLICATION_CREDENTIALS is not set: point it at the service account's JSON key file "
            "(see README, 'Connecting a Google Sheet')."
        )
    path = Path(key_file).expanduser()
    if not path.is_file():
        raise SetupError(f"The key file {path} does not exist: check GOOGLE_APPLICATION_CREDENTIALS.")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return Credentials.from_service_account_info(info, scopes=SCOPES)
    except (ValueError, KeyError, UnicodeDecodeError) as error:
        raise SetupError(
            f"The key file {path} is not a service account JSON key ({error}); "
            "download a new key from the Google Cloud console."
        ) from None


def open_spreadsheet(
    credentials: Credentials,
    spreadsheet_id: str,
    adapter: requests.adapters.BaseAdapter | None = None,
) -> gspread.Spreadsheet:
    """The gspread Spreadsheet, with retries and timeouts; `adapter` swaps the HTTP transport (tests)."""
    if not spreadsheet_id:
        raise SetupError(
            "FLOWSHEET_SPREADSHEET_ID is not set: copy the long ID from the spreadsheet's address "
            "(between /d/ and /edit)."
        )
    auth_session = requests.Session()
    session = AuthorizedSession(credentials, auth_request=Request(auth_session))
    if adapter is not None:
        auth_session.mount("https://", adapter)
        session.mount("https://", adapter)
    client = gspread.Client(auth=credentials, session=session, http_client=RetryingHTTPClient)
    try:
        return client.open_by_key(spreadsheet_id)
    except gspread.exceptions.SpreadsheetNotFound:
        raise SetupError(
            f"No spreadsheet with ID {spreadsheet_id} is visible to {credentials.service_account_email}: "
            "check FLOWSHEET_SPREADSHEET_ID."
        ) from None
    except PermissionError:  # gspread's translation of a 403 on opening
        raise SetupError(
            f"The spreadsheet is not shared with the service account: share it with "
            f"{credentials.service_account_email} as Editor."
        ) from None
    except gspread.exceptions.APIError as error:
        raise explain(error, credentials.service_account_email, spreadsheet_id) from None
    except GoogleFailure as error:
        raise SheetUnavailable(f"{error} while opening the spreadsheet; try again in a minute.") from None
    except GoogleAuthError as error:
        raise SetupError(
            f"Google refused the service account key ({_first_line(error)}): "
            "check that the key is current and the Sheets API is enabled."
        ) from None


def explain(error: gspread.exceptions.APIError, email: str, spreadsheet_id: str) -> Exception:
    status = error.response.status_code
    if status == 403:
        return SetupError(
            f"The spreadsheet is not shared with the service account: share it with {email} as Editor."
        )
    if status == 404:
        return SetupError(f"No spreadsheet with ID {spreadsheet_id}: check FLOWSHEET_SPREADSHEET_ID.")
    if status == 401:
        return SetupError("Google did not accept the service account's token: create a new key.")
    return SetupError(f"Google Sheets refused the request: {error.error.get('message', error)}")


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
