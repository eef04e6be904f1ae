"""A Google Sheet as a Workbook, read with gspread in two requests whatever the number of tabs.

Request 1 reads the spreadsheet's tab list (titles and ids); request 2 reads every
contract tab at once as grid data: each cell's value with its number-format type,
because a bare value cannot tell a typed 45% (stored as 0.45 with a percent format)
or a date (a serial day number) from a plain number.
Credentials come from GOOGLE_APPLICATION_CREDENTIALS (a service-account JSON
file) or a [gcp_service_account] table in .streamlit/secrets.toml, always with
the read-only scope.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import google.auth.exceptions
import gspread
import requests
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_URL
from gspread.utils import absolute_range_name

from okra_dash import settings
from okra_dash.errors import SettingsError, SourceError
from okra_dash.source.grid import decode, grid_rows
from okra_dash.source.workbook import TABS, Workbook, canonical

READONLY_SCOPES = gspread.auth.READONLY_SCOPES
# How long one request, and the retries of throttled or failing ones in all, may take is a setting
# (settings.sheets_timeout_s, sheets_retry_budget_s): a sync started from the dashboard must end while
# someone is waiting for it.
RETRY_CODES = frozenset({408, 429, 500, 502, 503, 504})
# Where the Sheets API lives; OKRA_SHEETS_API_ROOT points it elsewhere (tests, emulators).
GOOGLE_ROOTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


def sheet_url(key: str) -> str:
    return f"https://docs.google.com/spreadsheets/d/{key}/edit"


def _key_file(path: str, named_by: str) -> dict:
    """A service-account key read from a JSON file that named_by points at."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise SourceError(f"{named_by} names {path}, which cannot be read ({error.strerror or error}).") from None
    except ValueError:
        raise SourceError(f"{named_by} names {path}, which is not a JSON file.") from None
    if not isinstance(data, dict):
        raise SourceError(f"{named_by} names {path}, which holds JSON but not a service-account key "
                          "(a JSON object with client_email and private_key).") from None
    return data


def credentials_info() -> dict:
    """The service-account key, from the environment or the secrets file (settings.google_key)."""
    try:
        given = settings.google_key()
    except SettingsError as error:
        raise SourceError(str(error)) from None
    if given is None:
        raise SourceError("No Google credentials: set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
                          "JSON file, or add a [gcp_service_account] table to .streamlit/secrets.toml.")
    named_by, key = given
    if isinstance(key, str) and key.strip():
        # A path (in the environment, or in the secrets file where a table was expected): read the key file.
        return _key_file(key.strip(), named_by)
    if not isinstance(key, dict):
        raise SourceError(f"{named_by} must be a [gcp_service_account] table of the key's fields, or the path of "
                          "the key's JSON file.")
    return dict(key)


class SheetsHTTPClient(gspread.http_client.HTTPClient):
    """gspread's HTTP client with a timeout, bounded retries and an API root that can be moved.

    gspread's own BackOffHTTPClient may sleep minutes; here 408/429/5xx and timeouts are retried
    with exponential backoff (honouring Retry-After) only while the retry budget lasts.
    """

    def __init__(self, auth, session=None):
        super().__init__(auth, session)
        self.set_timeout(settings.sheets_timeout_s())
        self.root = settings.sheets_api_root()
        self.budget_s = settings.sheets_retry_budget_s()
        self.retries = 0

    def request(self, method, endpoint, *args, **kwargs):
        if self.root:
            for google in GOOGLE_ROOTS:
                endpoint = endpoint.replace(google, self.root)
        deadline = time.monotonic() + self.budget_s
        for attempt in range(1, 100):
            try:
                return super().request(method, endpoint, *args, **kwargs)
            except APIError as error:
                if error.code not in RETRY_CODES:
                    raise
                wait = _retry_after(error.response) or 2 ** (attempt - 1)
                failure = error
            except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as error:
                wait, failure = 2 ** (attempt - 1), error
            if time.monotonic() + wait > deadline:
                raise failure
            self.retries += 1
            time.sleep(wait)
        raise RuntimeError("unreachable")


def _retry_after(response: requests.Response) -> float | None:
    """Seconds the server asked us to wait (Retry-After in seconds), if it said."""
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def client(info: dict) -> gspread.Client:
    try:
        credentials = Credentials.from_service_account_info(info, scopes=READONLY_SCOPES)
    except (ValueError, KeyError, TypeError):
        # Say which fields, never what they hold: the message may be shown or logged.
        missing = [field for field in ("client_email", "private_key", "token_uri") if not info.get(field)]
        detail = f"missing {', '.join(missing)}" if missing else "the private key cannot be read"
        raise SourceError(f"The Google service-account credentials cannot be used ({detail}).") from None
    return gspread.Client(auth=credentials, http_client=SheetsHTTPClient)


def _contract_tabs(meta: dict) -> dict[str, int]:
    """The spreadsheet's tabs that the contract reads: {title: tab id}, in sheet order."""
    wanted = {canonical(tab) for tab in TABS}
    return {sheet["properties"]["title"]: sheet["properties"]["sheetId"] for sheet in meta.get("sheets", [])
            if canonical(sheet["properties"]["title"]) in wanted}


# Only what the parser reads: each cell's computed value and its number-format type.
GRID_FIELDS = ("sheets(properties(title),data(startRow,startColumn,"
               "rowData(values(effectiveValue,effectiveFormat/numberFormat/type))))")


def fetch(gc: gspread.Client, key: str) -> tuple[dict, dict]:
    """The spreadsheet's metadata and the typed cells of every contract tab: two requests.

    The grid answer is read as gspread's fetch_sheet_metadata would, but decoded compactly (grid.decode).
    """
    meta = gc.http_client.fetch_sheet_metadata(
        key, params={"includeGridData": "false", "fields": "sheets.properties(sheetId,title)"})
    titles = list(_contract_tabs(meta))
    if not titles:
        return meta, {"sheets": []}
    answer = gc.http_client.request(
        "get", SPREADSHEET_URL % key,
        params={"includeGridData": "true", "ranges": [absolute_range_name(title) for title in titles],
                "fields": GRID_FIELDS})
    return meta, decode(answer.content)


def workbook(key: str, meta: dict, grid: dict) -> Workbook:
    """The Workbook held by a metadata answer and a grid-data answer (decoded by grid.decode)."""
    tabs = _contract_tabs(meta)
    named = {title: [] for title in tabs}
    for sheet in grid.get("sheets", []):
        title = sheet["properties"]["title"]
        if title in named:
            named[title] = grid_rows(sheet.get("data", []))
    return Workbook.from_tabs(named, f"Google Sheet {key}", "google-sheet", tabs, sheet_url(key))


def read(key: str, gc: gspread.Client | None = None) -> Workbook:
    """The Google Sheet with this key; raises SourceError with one sentence when it cannot be read."""
    email = None
    if gc is None:
        info = credentials_info()
        email = info.get("client_email", "the service account")
        gc = client(info)
    try:
        return workbook(key, *fetch(gc, key))
    except APIError as error:
        raise SourceError(_api_problem(error, key, email)) from None
    except google.auth.exceptions.TransportError as error:
        # The sign-in request never got an answer: the network, not the key, is at fault.
        raise SourceError(f"Google's sign-in service could not be reached ({_first_line(error)}); check the "
                          "network and try again.") from None
    except google.auth.exceptions.RefreshError as error:
        raise SourceError(_refresh_problem(error)) from None
    except google.auth.exceptions.GoogleAuthError as error:
        raise SourceError(f"Google did not accept the service-account credentials ({_first_line(error)}).") from None
    except (ValueError, KeyError, TypeError, AttributeError):  # JSONDecodeError included
        raise SourceError("Google Sheets sent an answer that is not valid spreadsheet data; try again later.") from None
    except requests.exceptions.Timeout:
        raise SourceError(f"Google Sheets did not answer within {settings.sheets_timeout_s():g} seconds; "
                          "try again later.") from None
    except requests.exceptions.RequestException as error:
        raise SourceError(f"Google Sheets could not be reached ({_first_line(error)}).") from None


def _refresh_problem(error: Exception) -> str:
    """A sign-in the token service answered: a rejected key, or the service itself failing."""
    text = _first_line(error)
    if any(code in text for code in ("500", "502", "503", "504", "Internal", "Unavailable")):
        return f"Google's sign-in service is failing right now ({text}); try again later."
    return f"Google did not accept the service-account credentials ({text})."


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _api_problem(error: APIError, key: str, email: str | None) -> str:
    code = error.code
    if code == 403:
        who = email or "the service account"
        return f"The sheet {key} is not shared with {who}: share it with {who} as a Viewer."
    if code == 404:
        return f"There is no Google Sheet with the key {key}: check the URL."
    if code == 429:
        return "Google's Sheets API is over its request quota right now; try again in a minute."
    if code >= 500:
        return f"Google's Sheets API is failing right now (error {code}); try again later."
    return f"Google's Sheets API answered with error {code}: {_first_line(error)}."
