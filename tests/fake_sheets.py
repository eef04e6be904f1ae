"""A small fake of the Google Sheets API on 127.0.0.1, for driving real gspread in tests.

It serves the OAuth token endpoint, spreadsheet metadata, grid data (each cell's
effectiveValue and number-format type, as spreadsheets.get with includeGridData sends
them) and values:batchGet for workbooks given as {title: rows}, counts every request,
and can be told to fail. Cells are what the sheet stores: numbers, text, booleans, and
typed cells (Percent, SheetError, dates) that carry a number format.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"  # the fake spreadsheet's key
# What Google sends for each formula error, by the code the cell shows.
ERROR_TYPES = {"#DIV/0!": "DIVIDE_BY_ZERO", "#N/A": "N_A", "#REF!": "REF", "#VALUE!": "VALUE", "#NAME?": "NAME",
               "#NUM!": "NUM", "#NULL!": "NULL_VALUE", "#ERROR!": "ERROR"}


def grid_cell(value: object, with_format: bool = True) -> dict:
    """One cell as Google's grid data holds it: the computed value and, for typed cells, the format."""
    from okra_dash.source.typed import Percent, SheetError

    def number(n, kind):
        out = {"effectiveValue": {"numberValue": n}}
        if with_format:
            out["effectiveFormat"] = {"numberFormat": {"type": kind}}
        return out

    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"effectiveValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"effectiveValue": {"numberValue": value}}
    if isinstance(value, Percent):
        return number(value.stored, "PERCENT")
    if isinstance(value, SheetError):
        return {"effectiveValue": {"errorValue": {"type": ERROR_TYPES[value.code], "message": "error"}}}
    if isinstance(value, dt.datetime):
        return number((value - dt.datetime(1899, 12, 30)).total_seconds() / 86400, "DATE_TIME")
    if isinstance(value, dt.date):
        return number((value - dt.date(1899, 12, 30)).days, "DATE")
    return {"effectiveValue": {"stringValue": str(value)}}


def as_api_values(tabs: dict[str, list[list[str]]]) -> dict[str, list[list[object]]]:
    """CSV text as UNFORMATTED_VALUE sends it: numbers as numbers, one header date as a serial day."""
    out = {}
    for title, rows in tabs.items():
        out[title] = [[float(c) if c.replace(".", "", 1).isdigit() else c for c in row] for row in rows]
    out["Check-ins"][0][2] = 46027.0  # a date cell: 2026-01-05
    return out


@dataclass
class Fault:
    status: int = 500
    body: str = '{"error": {"code": 500, "message": "Internal error", "status": "INTERNAL"}}'
    delay_s: float = 0.0
    headers: dict = field(default_factory=dict)
    times: int = 1_000_000  # how many requests fail before the fake answers normally again


def trimmed(rows: list[list]) -> list[list]:
    """Rows as the API sends them: trailing empty cells and rows left out."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] in ("", None):
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


class FakeSheets:
    def __init__(self, books: dict[str, dict[str, list[list]]]):
        self.books = books  # key -> {tab title: rows}
        self.ids: dict[str, dict[str, int]] = {}  # key -> {tab title: sheetId}, for created sheets
        self.requests: list[tuple[str, str]] = []  # (method, path) of Sheets and Drive API calls
        self.kinds: list[str] = []  # what each GET asked for: "metadata", "grid" or "values"
        self.bodies: list[tuple[str, dict]] = []  # (path, JSON body) of every write
        self.token_requests: list[dict] = []
        self.faults: dict[str, Fault] = {}  # "metadata" / "values" / "token" -> Fault
        self.auth_headers: list[str] = []
        self.scopes: list[list[str]] = []  # the scopes each request's bearer token was granted
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeSheets:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def service_account(self, email: str = "okra-reader@demo-project.iam.gserviceaccount.com") -> dict:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        return {"type": "service_account", "project_id": "demo-project", "private_key_id": "k1",
                "private_key": pem, "client_email": email, "client_id": "1",
                "token_uri": f"{self.root}/token",
                # Outside Google's own universe, google-auth skips its background lookup at
                # iamcredentials.googleapis.com: the tests never leave 127.0.0.1.
                "universe_domain": "okra.test"}

    def sheet_ids(self, key: str) -> dict[str, int]:
        return self.ids.get(key) or {title: 100 + i for i, title in enumerate(self.books.get(key, {}))}

    def _write(self, path: str, body: dict) -> dict:
        """Apply a write to the in-memory book, as far as the tests look."""
        parts = path.split("/")
        if path == "/v4/spreadsheets":
            key = f"created-{len(self.books)}"
            sheets = [sheet["properties"] for sheet in body["sheets"]]
            self.books[key] = {sheet["title"]: [] for sheet in sheets}
            self.ids[key] = {sheet["title"]: sheet["sheetId"] for sheet in sheets}
            return {"spreadsheetId": key, "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{key}/edit",
                    "sheets": [{"properties": sheet} for sheet in sheets]}
        if parts[1] == "drive":
            return {"id": "permission-1"}
        key = parts[3].split(":")[0]
        book = self.books[key]
        by_id = {sheet_id: title for title, sheet_id in self.sheet_ids(key).items()}
        if path.endswith("values:batchUpdate"):
            for item in body["data"]:
                title = unquote(item["range"].split("!")[0]).strip("'")
                book[title] = [list(row) for row in item["values"]]
            return {}
        for request in body.get("requests", []):
            if "addSheet" in request:
                properties = request["addSheet"]["properties"]
                book[properties["title"]] = []
                self.ids[key] = {**self.sheet_ids(key), properties["title"]: properties["sheetId"]}
                by_id[properties["sheetId"]] = properties["title"]
            elif "updateCells" in request and "rows" not in request["updateCells"]:
                book[by_id[request["updateCells"]["range"]["sheetId"]]] = []
            elif "updateCells" in request:
                start = request["updateCells"]["start"]
                rows = book[by_id[start["sheetId"]]]
                for r, row in enumerate(request["updateCells"]["rows"]):
                    while len(rows) <= start.get("rowIndex", 0) + r:
                        rows.append([])
                    target = rows[start.get("rowIndex", 0) + r]
                    for c, value in enumerate(row["values"]):
                        index = start.get("columnIndex", 0) + c
                        target.extend([""] * (index + 1 - len(target)))
                        target[index] = next(iter(value["userEnteredValue"].values()))
        return {"replies": []}

    def _record_auth(self, header: str) -> None:
        """Keep the Authorization header and, from its self-signed JWT, the scopes it asks for."""
        self.auth_headers.append(header)
        token = header.removeprefix("Bearer ")
        if token.count(".") == 2:
            claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
            self.scopes.append(claims.get("scope", "").split())

    def _fault(self, kind: str) -> Fault | None:
        fault = self.faults.get(kind)
        if fault and fault.times > 0:
            fault.times -= 1
            return fault
        return None

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _send(self, status: int, body: str, headers: dict | None = None) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _maybe_fail(self, kind: str) -> bool:
                fault = fake._fault(kind)
                if fault is None:
                    return False
                time.sleep(fault.delay_s)
                self._send(fault.status, fault.body, fault.headers)
                return True

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                path = urlparse(self.path).path
                if path != "/token":
                    fake.requests.append(("POST", path))
                    fake._record_auth(self.headers.get("Authorization", ""))
                    body = json.loads(raw or "{}")
                    fake.bodies.append((path, body))
                    if not self._maybe_fail("write"):
                        self._send(200, json.dumps(fake._write(path, body)))
                    return
                form = parse_qs(raw)
                assertion = form.get("assertion", [""])[0]
                claims = json.loads(base64.urlsafe_b64decode(assertion.split(".")[1] + "==")) if assertion else {}
                fake.token_requests.append(claims)
                if self._maybe_fail("token"):
                    return
                self._send(200, json.dumps({"access_token": "fake-token", "expires_in": 3600,
                                            "token_type": "Bearer"}))

            def do_GET(self):
                url = urlparse(self.path)
                fake.requests.append(("GET", url.path))
                fake._record_auth(self.headers.get("Authorization", ""))
                parts = url.path.split("/")  # /v4/spreadsheets/{key}[/values:batchGet]
                key = parts[3] if len(parts) > 3 else ""
                book = fake.books.get(key)
                query = parse_qs(url.query)
                grid = query.get("includeGridData") == ["true"]
                kind = "values" if url.path.endswith("values:batchGet") or grid else "metadata"
                fake.kinds.append("grid" if grid else "values" if kind == "values" else "metadata")
                if self._maybe_fail(kind):
                    return
                if book is None:
                    self._send(404, json.dumps({"error": {"code": 404, "message": "Requested entity was not found.",
                                                          "status": "NOT_FOUND"}}))
                    return
                if "/values/" in url.path:  # one range: a whole tab ('Tab') or its first row ('Tab'!1:1)
                    name = unquote(url.path.split("/values/")[1])
                    title = name.split("!")[0].strip("'")
                    rows = book.get(title, [])
                    self._send(200, json.dumps({"values": trimmed(rows[:1] if name.endswith("!1:1") else rows)}))
                    return
                if grid:
                    fields = query.get("fields", [""])[0]
                    sheets = []
                    for name in query.get("ranges", []):
                        title = unquote(name)
                        if title.startswith("'") and title.endswith("'"):
                            title = title[1:-1].replace("''", "'")
                        rows = [[grid_cell(v, "numberFormat" in fields) for v in row]
                                for row in trimmed(book.get(title, []))]
                        sheets.append({"properties": {"title": title},
                                       "data": [{"rowData": [{"values": row} if row else {} for row in rows]}]})
                    self._send(200, json.dumps({"sheets": sheets}))
                    return
                if kind == "metadata":
                    ids = fake.sheet_ids(key)
                    sheets = [{"properties": {"sheetId": ids[title], "title": title, "gridProperties": {
                        "columnCount": max(26, max((len(row) for row in rows), default=0))}}}
                        for title, rows in book.items()]
                    self._send(200, json.dumps({"sheets": sheets}))
                    return
                ranges = parse_qs(url.query).get("ranges", [])
                value_ranges = []
                for name in ranges:
                    title = unquote(name)
                    if title.startswith("'") and title.endswith("'"):
                        title = title[1:-1].replace("''", "'")
                    value_ranges.append({"range": name, "majorDimension": "ROWS",
                                         "values": trimmed(book.get(title, []))})
                self._send(200, json.dumps({"spreadsheetId": key, "valueRanges": value_ranges}))

        return Handler
