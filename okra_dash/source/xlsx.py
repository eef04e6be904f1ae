"""An .xlsx workbook read as the spreadsheet stores it: typed cells, formats, bounded to what holds values.

openpyxl's own row iterator pads every row to the sheet's claimed dimension (one formatted
cell at XFD1048576 claims a million rows of 16,384 columns) and cannot tell a formula that
was never computed from an empty cell. So each wanted sheet is streamed with openpyxl's
parser, keeping only cells that hold something, and each cell becomes what cells.py reads:
a Percent for a percent-formatted number, a SheetError for #DIV/0!, an Uncomputed formula.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

from okra_dash.errors import SourceError
from okra_dash.source.typed import Percent, SheetError, Uncomputed


def is_percent_format(pattern: str | None) -> bool:
    """True for number formats that show a number as a percentage ('0%', '#,##0.0%;[Red]-0.0%')."""
    if not pattern or "%" not in pattern:
        return False
    # A % inside quotes or escaped with a backslash is literal text, not the percent format.
    bare = re.sub(r'"[^"]*"|\\.', "", pattern)
    return "%" in bare


def _percent_styles(book) -> set[int]:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    found = set()
    for style_id, style in enumerate(book._cell_styles):
        fmt_id = style.numFmtId
        if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
            pattern = BUILTIN_FORMATS.get(fmt_id)
        else:
            index = fmt_id - BUILTIN_FORMATS_MAX_SIZE  # as openpyxl's ReadOnlyCell.number_format
            pattern = book._number_formats[index] if 0 <= index < len(book._number_formats) else None
        if is_percent_format(pattern):
            found.add(style_id)
    return found


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class TypedCellParser(WorkSheetParser):
        """openpyxl's parser, keeping what data_only mode would lose: uncomputed formulas, errors, percent."""

        percent_styles: set[int] = set()

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            value = cell["value"]
            if value is None:
                if element.find(FORMULA_TAG) is not None:
                    cell["value"] = Uncomputed("=" + (element.findtext(FORMULA_TAG) or "…"))
            elif cell["data_type"] == "e":
                cell["value"] = SheetError(str(value))
            elif cell["style_id"] in self.percent_styles and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                cell["value"] = Percent(float(value))
            return cell

    return TypedCellParser


def _rows(reader, target: str, parser_class) -> list[list[object]]:
    """The sheet's rows up to the last one holding a value; row i is the sheet's row i + 1."""
    book = reader.wb
    rows: list[list[object]] = []
    with reader.archive.open(target) as source:
        parser = parser_class(source, reader.shared_strings, data_only=True, epoch=book.epoch,
                              date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            held = [(cell["column"], cell["value"]) for cell in cells
                    if cell["value"] is not None and cell["value"] != ""]
            if not held:
                continue
            row = [None] * max(column for column, _ in held)
            for column, value in held:
                row[column - 1] = value
            rows.extend([] for _ in range(number - 1 - len(rows)))
            rows.append(row)
    return rows


# Strict Open XML names the same parts with other namespaces; openpyxl knows only the transitional ones.
_STRICT = {b"http://purl.oclc.org/ooxml/spreadsheetml/main": b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
           b"http://purl.oclc.org/ooxml/officeDocument/relationships":
               b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           b"http://purl.oclc.org/ooxml/drawingml/main": b"http://schemas.openxmlformats.org/drawingml/2006/main"}
# A part that inflates far past what XML compresses to is a zip bomb, not a workbook: refused before reading.
MAX_RATIO = 100
MAX_INFLATED = 64 * 2**20


def _transitional(path: Path) -> str | io.BytesIO:
    """The file to read: the path itself, or a Strict Open XML workbook with its namespaces made transitional."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.file_size > MAX_INFLATED and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise SourceError(f"The file {path} holds a part ({info.filename}) that unpacks to "
                                  f"{info.file_size / 2**20:,.0f} MB from {info.compress_size / 2**20:,.1f} MB, far "
                                  "more than a workbook's values need; okra-dash does not read it. Save the workbook "
                                  "again from the spreadsheet program.")
        try:
            relations = archive.read("_rels/.rels")
        except KeyError:
            return str(path)
        if b"purl.oclc.org/ooxml" not in relations:
            return str(path)
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                data = archive.read(info)
                if info.filename.endswith((".xml", ".rels")):
                    for strict, transitional in _STRICT.items():
                        data = data.replace(strict, transitional)
                out.writestr(info, data)
    copy.seek(0)
    return copy


def open_reader(path: Path):
    """openpyxl's reader with the workbook, shared strings and styles read, but no sheet touched yet
    (its read-only worksheets would parse each sheet on opening, so one damaged sheet would fail all)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(_transitional(path), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    return reader


def read_tabs(path: Path, wanted) -> tuple[dict[str, list[list[object]]], dict[str, str]]:
    """({sheet title: rows} of the sheets wanted(title) accepts, {sheet title: why it could not be read})."""
    # openpyxl warns about what it would drop on saving ("Data Validation extension is not supported"):
    # this reader saves nothing, and a warning on stderr would bury the sync's own one sentence.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _read_tabs(path, wanted)


def _read_tabs(path: Path, wanted) -> tuple[dict[str, list[list[object]]], dict[str, str]]:
    try:
        reader = open_reader(path)
        sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                  if "chartsheet" not in rel.Type]
    except SourceError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SourceError(f"The file {path} cannot be opened as an .xlsx workbook ({_short(error)}).") from None
    parser_class = _parser_class()
    parser_class.percent_styles = _percent_styles(reader.wb)
    named, broken = {}, {}
    try:
        for title, target in sheets:
            if not wanted(title):
                continue
            try:
                named[title] = _rows(reader, target, parser_class)
            except Exception as error:  # malformed XML inside the zip, a bad row number...
                broken[title] = _short(error)
    finally:
        reader.archive.close()
    return named, broken


def _short(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
