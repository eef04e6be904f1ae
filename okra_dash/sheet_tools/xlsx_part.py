"""Add text cells to one row of one worksheet of an .xlsx file, and change nothing else.

openpyxl cannot save a workbook without losing what it does not model: formulas' computed values,
charts, images, cross-sheet dropdowns (x14 extensions). An .xlsx is a zip of XML parts, so the new
cells are written into the one worksheet part's text, and every other part, every other row and every
byte outside the edited row is copied as it was. What cannot be added safely is refused before writing.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from okra_dash.errors import SourceError

_ROW = re.compile(r"<((?:[\w.-]+:)?)row\b([^>]*?)(/?)>", re.S)
_CELL = re.compile(r"<((?:[\w.-]+:)?)c\b([^>]*?)(?:/>|>(.*?)</\1c>)", re.S)
_ATTR = r'\b{}\s*=\s*"([^"]*)"'
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _attr(attrs: str, name: str) -> str | None:
    found = re.search(_ATTR.format(name), attrs)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Cell:
    column: int  # 1-based
    text: str


def sheet_part(path: Path, title: str) -> str:
    """The zip member holding the worksheet with this title."""
    from okra_dash.source import xlsx

    reader = xlsx.open_reader(path)
    try:
        for sheet, rel in reader.parser.find_sheets():
            if sheet.name == title:
                return rel.target.lstrip("/")
    finally:
        reader.archive.close()
    raise SourceError(f"The workbook {path} has no '{title}' tab.")


def add_cells(path: Path, title: str, row: int, new: list[Cell]) -> None:
    """Write the new text cells into `row` (1-based) of the tab; refuse if any would cover something."""
    part = sheet_part(path, title)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part)
        for name, ref in _tables(archive, part):
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            if any(min_row <= row <= max_row and min_col <= cell.column <= max_col for cell in new):
                raise SourceError(f"The new week headers of the '{title}' tab would fall inside the Excel table "
                                  f"{name} ({ref}); type them into the table's header row by hand (it grows).")
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"The '{title}' tab of {path} is not stored as UTF-8 XML; add the week columns "
                          "by hand.") from None
    edited = _edit(text, title, row, new)
    _replace_member(path, part, edited.encode("utf-8"))


def _tables(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(name, range) of each Excel table (ListObject) on the sheet."""
    folder, _, name = part.rpartition("/")
    try:
        rels = archive.read(f"{folder}/_rels/{name}.rels").decode("utf-8")
    except KeyError:
        return []
    found = []
    for target in re.findall(r'Target="([^"]+)"[^>]*Type="[^"]*/table"|Type="[^"]*/table"[^>]*Target="([^"]+)"', rels):
        target = next(t for t in target if t)
        path = posixpath.normpath(posixpath.join(folder, target)) if not target.startswith("/") else target[1:]
        try:
            xml = archive.read(path).decode("utf-8")
        except KeyError:
            continue
        head = re.search(r"<(?:[\w.-]+:)?table\b[^>]*>", xml)
        ref = _attr(head.group(0), "ref") if head else None
        if ref:
            found.append((_attr(head.group(0), "displayName") or path, ref))
    return found


def _occupied_by_merge(text: str, row: int, new: list[Cell]) -> str | None:
    for ref in re.findall(r"<(?:[\w.-]+:)?mergeCell\b[^>]*\bref\s*=\s*\"([^\"]+)\"", text):
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        for cell in new:
            if min_row <= row <= max_row and min_col <= cell.column <= max_col:
                return ref
    return None


def _edit(text: str, title: str, row: int, new: list[Cell]) -> str:
    where = ", ".join(f"{get_column_letter(c.column)}{row}" for c in new)
    merged = _occupied_by_merge(text, row, new)
    if merged:
        raise SourceError(f"The cells {where} of the '{title}' tab lie in the merged range {merged}; unmerge it "
                          "or add the week headers by hand.")
    data = re.search(r"<((?:[\w.-]+:)?)sheetData\b[^>]*>", text)
    if data is None:
        raise SourceError(f"The '{title}' tab holds no rows; add the week headers by hand.")
    number, found = 0, None
    for match in _ROW.finditer(text, data.end()):
        number = int(_attr(match.group(2), "r") or number + 1)
        if number == row:
            found = match
            break
        if number > row:
            break
    if found is None or found.group(3) == "/":
        raise SourceError(f"Row {row} of the '{title}' tab could not be found in the file; add the week headers "
                          "by hand.")
    prefix = found.group(1)
    end = text.index(f"</{prefix}row>", found.end())
    inner = text[found.end():end]
    cells, column = [], 0
    for match in _CELL.finditer(inner):
        ref = _attr(match.group(2), "r")
        column = column_index_from_string(_REF.match(ref).group(1)) if ref and _REF.match(ref) else column + 1
        cells.append((column, match))
    wanted = {cell.column for cell in new}
    for column, match in cells:
        if column in wanted and match.group(3) and re.search(r"<(?:[\w.-]+:)?[fvi]s?\b", match.group(3)):
            raise SourceError(f"The cell {get_column_letter(column)}{row} of the '{title}' tab is not empty; "
                              "add the week headers by hand.")
    style = next((_attr(m.group(2), "s") for c, m in reversed(cells) if c < min(wanted) and _attr(m.group(2), "s")),
                 None)
    pieces, last = [], 0
    pending = sorted(new, key=lambda cell: cell.column)
    for column, match in cells:
        while pending and pending[0].column < column:
            pieces.append(_cell_xml(prefix, pending.pop(0), row, style))
        if column in wanted:  # an empty formatted cell: the new one takes its place and its format
            pieces.append(inner[last:match.start()])
            own = _attr(match.group(2), "s")
            cell = next(c for c in new if c.column == column)
            pending = [c for c in pending if c.column != column]
            pieces.append(_cell_xml(prefix, cell, row, own or style))
            last = match.end()
            continue
        pieces.append(inner[last:match.end()])
        last = match.end()
    pieces.append(inner[last:])
    pieces.extend(_cell_xml(prefix, cell, row, style) for cell in pending)
    attrs = _widen(found.group(2), "spans", max(wanted))
    head = f"<{prefix}row{attrs}>"
    text = text[:found.start()] + head + "".join(pieces) + text[end:]
    return _widen_dimension(text, max(wanted))


def _cell_xml(prefix: str, cell: Cell, row: int, style: str | None) -> str:
    styled = f' s="{style}"' if style else ""
    return (f'<{prefix}c r="{get_column_letter(cell.column)}{row}"{styled} t="inlineStr"><{prefix}is><{prefix}t>'
            f"{escape(cell.text)}</{prefix}t></{prefix}is></{prefix}c>")


def _widen(attrs: str, name: str, column: int) -> str:
    """A row's spans="1:5" hint covers the new cells."""
    value = _attr(attrs, name)
    if not value or ":" not in value:
        return attrs
    first, last = value.split(":", 1)
    if last.isdigit() and int(last) < column:
        return re.sub(_ATTR.format(name), f'{name}="{first}:{column}"', attrs, count=1)
    return attrs


def _widen_dimension(text: str, column: int) -> str:
    found = re.search(r"(<(?:[\w.-]+:)?dimension\b[^>]*\bref\s*=\s*\")([^\"]+)(\")", text)
    if not found or ":" not in found.group(2):
        return text
    first, last = found.group(2).split(":", 1)
    parts = _REF.match(last)
    if not parts or column_index_from_string(parts.group(1)) >= column:
        return text
    ref = f"{first}:{get_column_letter(column)}{parts.group(2)}"
    return text[:found.start(2)] + ref + text[found.end(2):]


def _replace_member(path: Path, part: str, data: bytes) -> None:
    """Write the zip again with one member's bytes replaced, then swap it in: a crash leaves the old file."""
    target = path.resolve()
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(target) as source, zipfile.ZipFile(temp, "w") as out:
            out.comment = source.comment
            for info in source.infolist():
                with source.open(info) as member, out.open(info, "w") as copy:
                    if info.filename == part:
                        copy.write(data)
                    else:
                        shutil.copyfileobj(member, copy)
        shutil.copymode(target, temp)
        with open(temp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
