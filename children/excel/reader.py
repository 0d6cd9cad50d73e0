"""Reading a registry spreadsheet with openpyxl's streaming sheet parser.

The rows are streamed (memory stays flat for 100,000 rows) and files written by other tools are read as they
are: no sheet-dimension record, rows whose trailing empty cells are missing. The header row may be below a title
block (as in the portal's own exports): it is the first row holding every required header.

The workbook is opened as openpyxl's read-only mode opens it (its manifest, workbook, relationships, styles and
shared strings, so numbers styled as dates are dates and the 1904 calendar is honoured), and then only the first
worksheet is parsed, once. load_workbook(read_only=True) would first parse every worksheet of the file to look for
its dimension record, whole when there is none (openpyxl writes none: the portal's own exports have none), and
stop at a dimension that lies; and it builds a rich-text object for each string to keep only its text. Here the
text of a string (shared, or inline as openpyxl writes them) is taken from its elements as openpyxl's
Text.content takes it: the plain text, then the text of each formatted run, phonetic runs left out.
"""

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from children.excel import limits
from children.excel.columns import BY_KEY, COLUMNS, match_headers

MAX_BYTES = 10 * 1024 * 1024
# A 10 MB .xlsx can unpack to far more (a "zip bomb"); the sheets are read into memory only up to this.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# What a damaged sheet inside a readable zip raises while its rows are read.
# (IndexError: a cell naming a shared string the table does not hold; TypeError: an attribute openpyxl refuses.)
BROKEN = (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, IndexError, TypeError)
MAX_ROWS = 100_000
HEADER_SEARCH_ROWS = 20


class SpreadsheetError(Exception):
    """The file cannot be read as a registry spreadsheet; the message says why, in Vietnamese."""


@dataclass
class Sheet:
    positions: dict[str, int]
    header_row: int
    rows: Iterator[tuple[int, dict]]  # (row number in Excel, {column key: cell value})
    close: callable


def check_upload(name: str, size: int) -> None:
    """Refuse before parsing: only .xlsx, at most 10 MB."""
    if not name.lower().endswith(".xlsx"):
        raise SpreadsheetError(
            _("Chỉ nhận tệp Excel .xlsx (tệp .xls, .csv hoặc .ods: mở bằng Excel rồi lưu lại dạng .xlsx).")
        )
    if size > MAX_BYTES:
        raise SpreadsheetError(too_large_message())


def too_large_message() -> str:
    return _("Tệp lớn hơn 10 MB: hãy chia thành nhiều tệp nhỏ hơn.")


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Không đọc được tệp: tệp bị hỏng, có mật khẩu, hoặc không phải tệp Excel .xlsx. "
            "Hãy mở bằng Excel, bỏ mật khẩu và lưu lại."
        )
    )


def _check_unpacked_size(path: Path | str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise _unreadable() from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(_("Tệp giải nén ra quá lớn (hơn 200 MB): hãy chia thành nhiều tệp nhỏ hơn."))


def _check_contents(path: Path | str) -> None:
    """What each part holds, counted in bounded memory before openpyxl reads it (children.excel.limits)."""
    try:
        limits.check_package(path)
    except limits.LimitError as error:
        raise SpreadsheetError(str(error)) from error
    except (limits.Unreadable, OSError, TypeError, *BROKEN) as error:
        raise _unreadable() from error


STRING_ITEM = f"{{{SHEET_MAIN_NS}}}si"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text_of(element) -> str:
    """A string's text as openpyxl's Text.content gives it (it reads its elements by local name, the last <t>
    holding the plain text): the plain text, then each formatted run's; phonetic runs (<rPh>) left out."""
    plain, runs = None, []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            text = None
            for part in child:
                if _local(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(runs) if plain is None else plain + "".join(runs)


def _shared_strings(reader: ExcelReader) -> list[str]:
    """openpyxl's read_string_table, the text of each item taken by _text_of."""
    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    strings = []
    with reader.archive.open(part.PartName[1:]) as source:
        for _event, node in iterparse(source):
            if node.tag == STRING_ITEM:
                strings.append(_text_of(node).replace("x005F_", ""))
                node.clear()
    return strings


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser (values only, as with data_only=True), an inline string's text taken by _text_of
    rather than through a rich-text object built for each cell."""

    def parse_cell(self, element):
        if element.get("t") != "inlineStr":
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        string = element.find(INLINE_STRING)
        value = None if string is None else _text_of(string)
        return {"row": row, "column": column, "value": value, "data_type": "s" if string is not None else "inlineStr"}


def _first_worksheet(reader: ExcelReader) -> str:
    """The part of the workbook's first worksheet, found as openpyxl finds it (chart sheets are no worksheets)."""
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return rel.target
    raise _unreadable()


def _open_workbook(path: Path | str) -> tuple[ExcelReader, str]:
    """The workbook's parts openpyxl's read-only mode reads before a sheet (external links left out), and the
    part of its first worksheet."""
    reader = ExcelReader(str(path), read_only=True, data_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.shared_strings = _shared_strings(reader)
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        return reader, _first_worksheet(reader)
    except BaseException:
        reader.archive.close()
        raise


def _sheet_rows(reader: ExcelReader, part: str) -> Iterator[tuple[int, list]]:
    """(row number in Excel, [cell dicts]) for each row the sheet holds (a row it leaves out is blank)."""
    workbook = reader.wb
    with reader.archive.open(part) as source:
        parser = _SheetParser(
            source, reader.shared_strings, data_only=True, epoch=workbook.epoch,
            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
        )  # fmt: skip
        yield from parser.parse()


def _as_list(cells: list[dict]) -> list:
    """A row's values by position (column A at 0), None where a cell is missing."""
    if not cells:
        return []
    values = [None] * max(c["column"] for c in cells)
    for cell in cells:
        values[cell["column"] - 1] = cell["value"]
    return values


def open_sheet(path: Path | str) -> Sheet:
    _check_unpacked_size(path)
    _check_contents(path)
    try:
        reader, part = _open_workbook(path)
    except (InvalidFileException, OSError, *BROKEN) as error:
        # A password-protected .xlsx is an encrypted OLE container, not a zip: it lands here too.
        raise _unreadable() from error
    rows = _sheet_rows(reader, part)

    def close() -> None:
        rows.close()
        reader.archive.close()

    positions, header_row = None, 0
    try:
        for number, cells in rows:
            positions = match_headers(_as_list(cells))
            if positions or number >= HEADER_SEARCH_ROWS:
                header_row = number
                break
    except BROKEN as error:
        close()
        raise _unreadable() from error
    if not positions:
        close()
        required = ", ".join(c.header for c in COLUMNS if c.required)
        raise SpreadsheetError(_("Không tìm thấy dòng tiêu đề. Các cột bắt buộc: %(cols)s.") % {"cols": required})

    def records() -> Iterator[tuple[int, dict]]:
        try:
            yield from _records()
        except BROKEN as error:
            raise _unreadable() from error

    columns = [(key, position + 1) for key, position in positions.items()]

    def _records() -> Iterator[tuple[int, dict]]:
        count = 0
        for number, cells in rows:
            # Rows written by other tools may stop before their trailing empty cells, or leave any cell out.
            by_column = {cell["column"]: cell["value"] for cell in cells}
            values = {}
            for key, column in columns:
                value = by_column.get(column)
                if isinstance(value, str):
                    value = value.strip()
                values[key] = value if value not in ("", None) else None
            if all(v is None for v in values.values()):
                continue  # blank rows are skipped
            count += 1
            if count > MAX_ROWS:
                raise SpreadsheetError(_("Tệp có hơn 100.000 dòng: hãy chia thành nhiều tệp."))
            yield number, values

    return Sheet(positions=positions, header_row=header_row, rows=records(), close=close)


def column_header(key: str) -> str:
    return BY_KEY[key].header
