"""Reading a registry spreadsheet with openpyxl in read-only mode.

Read-only mode streams rows (memory stays flat for 100,000 rows) and copes with files written by other
tools: no sheet-dimension record, rows whose trailing empty cells are missing. The header row may be
below a title block (as in the portal's own exports): it is the first row holding every required header.
"""

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from children.excel import limits
from children.excel.columns import BY_KEY, COLUMNS, match_headers

MAX_BYTES = 10 * 1024 * 1024
# A 10 MB .xlsx can unpack to far more (a "zip bomb"); the sheets are read into memory only up to this.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# What a damaged sheet inside a readable zip raises while its rows are read.
BROKEN = (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError)
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


def open_sheet(path: Path | str) -> Sheet:
    _check_unpacked_size(path)
    _check_contents(path)
    try:
        # External links hold cached copies of other workbooks; the import has no use for them.
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, OSError, *BROKEN) as error:
        # A password-protected .xlsx is an encrypted OLE container, not a zip: it lands here too.
        raise _unreadable() from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    positions, header_row = None, 0
    try:
        for number, cells in enumerate(rows, start=1):
            positions = match_headers(cells)
            if positions or number >= HEADER_SEARCH_ROWS:
                header_row = number
                break
    except BROKEN as error:
        workbook.close()
        raise _unreadable() from error
    if not positions:
        workbook.close()
        required = ", ".join(c.header for c in COLUMNS if c.required)
        raise SpreadsheetError(_("Không tìm thấy dòng tiêu đề. Các cột bắt buộc: %(cols)s.") % {"cols": required})

    def records() -> Iterator[tuple[int, dict]]:
        try:
            yield from _records()
        except BROKEN as error:
            raise _unreadable() from error

    def _records() -> Iterator[tuple[int, dict]]:
        count = 0
        for number, cells in enumerate(rows, start=header_row + 1):
            values = {}
            for key, position in positions.items():
                # Rows written by other tools may stop before their trailing empty cells.
                value = cells[position] if position < len(cells) else None
                if isinstance(value, str):
                    value = value.strip()
                values[key] = value if value not in ("", None) else None
            if all(v is None for v in values.values()):
                continue  # blank rows are skipped
            count += 1
            if count > MAX_ROWS:
                raise SpreadsheetError(_("Tệp có hơn 100.000 dòng: hãy chia thành nhiều tệp."))
            yield number, values

    return Sheet(positions=positions, header_row=header_row, rows=records(), close=workbook.close)


def column_header(key: str) -> str:
    return BY_KEY[key].header
