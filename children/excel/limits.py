"""What an uploaded .xlsx may hold, checked in bounded memory before openpyxl opens it.

openpyxl keeps the whole shared-string table in memory (and an emptied element per string in its parse tree),
parses the workbook, the styles and the other small parts whole, and streams a sheet row by row while keeping
every element it does not know. A small file can unpack to a table that costs a gigabyte: 490 KB holding
190 MB of shared strings took a web worker from 119 MB to 1,188 MB for 132 s, under the cap on the unpacked
size. So before openpyxl sees the file, every part it will read is fed to expat in chunks, counting elements
and characters as they go by (nothing is kept), and the file is refused at the first limit passed.

Which part is what is found the way openpyxl 3.1 finds it in read-only mode (the content types name the
workbook and the shared strings, the workbook's relationships its sheets), never from the usual file names,
which a file may change. Parts openpyxl does not read in read-only mode (comments, pivot caches, the calc
chain, images) are left alone: only the cap on the unpacked size applies to them.
"""

import sys
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import fromstring
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.packaging.workbook import WorkbookPackage
from openpyxl.reader.excel import _find_workbook_part  # the same lookup as load_workbook's
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_CORE, ARC_CUSTOM, ARC_STYLE, ARC_THEME, SHARED_STRINGS

from tanloi_portal.numbers import format_number

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# expat with namespace_separator="}" names an element "uri}local": openpyxl's "{uri}local" without the "{".
SHARED_STRING, ROW = f"{MAIN}}}si", f"{MAIN}}}row"

# The limits named to the officer. A registry file of 100,000 rows (the import's maximum) by the template's
# 12 columns has 1.2 million cells; Excel keeps one shared string per distinct text (some 500,000 there: codes,
# names, IDs, notes) of some 20 characters. At these limits openpyxl's table costs about 150 MB.
MAX_SHARED_STRINGS = 1_000_000
MAX_SHARED_STRING_CHARS = 20_000_000
MAX_CELLS = 2_000_000  # of the sheet imported (the first): 20 columns of 100,000 rows

# Limits of structure, far above what Excel writes, that bound what openpyxl keeps of a part.
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
MAX_ROW_ELEMENTS = 4 * 16_384  # Excel's 16,384 columns, a few elements each
MAX_ROW_CHARS = 2_000_000  # text and attributes of one row
MAX_STRING_ELEMENTS = 10_000  # one shared string's formatted runs
MAX_OUTSIDE_ELEMENTS = 100_000  # elements of a sheet or table outside its rows or strings, kept to the end
MAX_OUTSIDE_CHARS = 10_000_000
MAX_PART_ELEMENTS = 100_000  # a part openpyxl parses whole (workbook, styles, relationships...)
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_TOKEN_BYTES = 1024 * 1024  # a tag or comment expat must hold whole before it can report it

CHUNK = 64 * 1024


class LimitError(Exception):
    """The file passes a limit; the message names it, in Vietnamese."""


class Unreadable(Exception):
    """The file's structure cannot be read (bad XML, a missing part, a document type declaration)."""


def _n(value: int) -> str:
    return format_number(value, 0)


def _abnormal(part: str, limit: int, what: str) -> LimitError:
    return LimitError(
        _(
            "Tệp có cấu trúc bất thường (phần %(part)s vượt giới hạn %(limit)s %(what)s): hãy mở bằng Excel, "
            "chép dữ liệu sang một tệp mới rồi lưu lại."
        )
        % {"part": part, "limit": _n(limit), "what": what}
    )


@dataclass(frozen=True)
class _Rules:
    """How openpyxl reads a part: whole, or one record (a shared string, a row) at a time, each record emptied
    once read while the rest of the part stays in memory until its end."""

    record: str | None = None
    max_records: int = 0
    max_record_elements: int = 0
    max_record_chars: int = 0  # of one record
    max_all_record_chars: int = 0  # of all the records together (0: no limit)
    max_items: int = 0  # direct children of all the records together: a row's cells (0: no limit)
    max_outside_elements: int = 0  # 0: MAX_PART_ELEMENTS
    max_outside_chars: int = 0  # 0: MAX_PART_BYTES


WHOLE = _Rules()


def _strings_rules() -> _Rules:  # read when used, so that a test may lower a limit
    return _Rules(record=SHARED_STRING, max_records=MAX_SHARED_STRINGS, max_record_elements=MAX_STRING_ELEMENTS,
                  max_record_chars=MAX_SHARED_STRING_CHARS, max_all_record_chars=MAX_SHARED_STRING_CHARS,
                  max_outside_elements=MAX_OUTSIDE_ELEMENTS, max_outside_chars=MAX_OUTSIDE_CHARS)  # fmt: skip


def _sheet_rules() -> _Rules:
    return _Rules(record=ROW, max_records=MAX_SHEET_ROWS, max_record_elements=MAX_ROW_ELEMENTS,
                  max_record_chars=MAX_ROW_CHARS, max_items=MAX_CELLS,
                  max_outside_elements=MAX_OUTSIDE_ELEMENTS, max_outside_chars=MAX_OUTSIDE_CHARS)  # fmt: skip


def _refuse_doctype(*args):
    # No part of an .xlsx declares a document type; one that does could define entities that expand.
    raise Unreadable("document type declaration")


def _too_many_cells(limit: int) -> LimitError:
    return LimitError(
        _("Trang tính được nhập có hơn %(limit)s ô: hãy xóa các cột, dòng thừa hoặc chia thành nhiều tệp nhỏ hơn.")
        % {"limit": _n(limit)}
    )


def _too_many_strings(limit: int) -> LimitError:
    return LimitError(
        _("Tệp có hơn %(limit)s chuỗi chữ dùng chung (shared strings): hãy chia thành nhiều tệp nhỏ hơn.")
        % {"limit": _n(limit)}
    )


def _too_much_text(limit: int) -> LimitError:
    return LimitError(
        _("Chữ trong các ô của tệp dài hơn %(limit)s ký tự cộng lại: hãy chia thành nhiều tệp nhỏ hơn.")
        % {"limit": _n(limit)}
    )


def _scan(archive: zipfile.ZipFile, name: str, rules: _Rules) -> None:
    """Feed one part to expat in chunks, counting; raise LimitError at the first limit passed.

    Called for every element of a 100,000-row sheet: the handlers only add and compare integers."""
    record = rules.record
    none = sys.maxsize
    max_records, max_items = rules.max_records, rules.max_items or none
    max_record_elements, max_record_chars = rules.max_record_elements, rules.max_record_chars
    max_all_record_chars = rules.max_all_record_chars or none
    max_outside_elements = rules.max_outside_elements or MAX_PART_ELEMENTS
    max_outside_chars = rules.max_outside_chars or MAX_PART_BYTES
    depth = 0  # inside the current record: its depth; 0 outside any record
    records = items = 0
    # Inside the records (all of them so far) and outside; where the current record started.
    inside_elements = inside_chars = outside_elements = outside_chars = 0
    record_elements_from = record_chars_from = 0
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True  # text comes in pieces of at most 8 KB, never held whole
    parser.ordered_attributes = True  # [name, value, name, value...]: summed in C

    def start(tag, attrs):
        nonlocal depth, records, items, inside_elements, inside_chars, outside_elements, outside_chars
        nonlocal record_elements_from, record_chars_from
        size = sum(map(len, attrs)) if attrs else 0
        if depth:
            depth += 1
            inside_elements += 1
            inside_chars += size
            if depth == 2:
                items += 1
                if items > max_items:
                    raise _too_many_cells(max_items)
            if inside_elements - record_elements_from > max_record_elements:
                raise _abnormal(name, max_record_elements, _("phần tử XML trong một mục"))
            if inside_chars - record_chars_from > max_record_chars:
                raise _abnormal(name, max_record_chars, _("ký tự trong một mục"))
        elif tag == record:
            depth = 1
            records += 1
            if records > max_records:
                raise (
                    _too_many_strings(max_records)
                    if record == SHARED_STRING
                    else _abnormal(name, max_records, _("dòng"))
                )
            record_elements_from, record_chars_from = inside_elements, inside_chars
            inside_elements += 1
            inside_chars += size
        else:
            outside_elements += 1
            outside_chars += size
            if outside_elements > max_outside_elements:
                raise _abnormal(name, max_outside_elements, _("phần tử XML"))
            if outside_chars > max_outside_chars:
                raise _abnormal(name, max_outside_chars, _("ký tự"))

    def end(tag):
        nonlocal depth
        if depth:
            depth -= 1

    def text(data):
        nonlocal inside_chars, outside_chars
        if depth:
            inside_chars += len(data)
            if inside_chars > max_all_record_chars:
                raise _too_much_text(max_all_record_chars)
            if inside_chars - record_chars_from > max_record_chars:
                raise _abnormal(name, max_record_chars, _("ký tự trong một mục"))
        else:
            outside_chars += len(data)
            if outside_chars > max_outside_chars:
                raise _abnormal(name, max_outside_chars, _("ký tự"))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _refuse_doctype
    # expat holds a tag (or a comment) whole until its end, reporting nothing: no progress for that long means
    # one token is too big to hold.
    progress, still = -1, 0
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                now = inside_elements + inside_chars + outside_elements + outside_chars
                still = still + len(chunk) if now == progress else 0
                if still > MAX_TOKEN_BYTES:
                    raise _abnormal(name, MAX_TOKEN_BYTES, _("byte trong một thẻ"))
                progress = now
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise Unreadable(name) from error


def _whole(archive: zipfile.ZipFile, name: str, sizes: dict[str, int], checked: set[str]) -> None:
    """Check a part openpyxl reads whole (at most once per part)."""
    if name in checked:
        return
    checked.add(name)
    if sizes[name] > MAX_PART_BYTES:
        raise _abnormal(name, MAX_PART_BYTES, "byte")
    if not _is_image(archive, name):  # a chart sheet's picture, read by Pillow, not as XML
        _scan(archive, name, WHOLE)


def _streamed_parts(archive: zipfile.ZipFile, sizes: dict[str, int], checked: set[str]) -> dict[str, _Rules]:
    """Check every part openpyxl reads whole in read-only mode (without external links), those it parses to
    find the others first; return the parts it streams, with their rules: the shared strings and the first
    worksheet."""
    if ARC_CONTENT_TYPES not in sizes:
        raise Unreadable(ARC_CONTENT_TYPES)
    _whole(archive, ARC_CONTENT_TYPES, sizes, checked)
    package = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    try:
        workbook = _find_workbook_part(package).PartName[1:]
    except OSError as error:
        raise Unreadable("workbook") from error
    workbook_rels = get_rels_path(workbook)
    for part in (workbook, workbook_rels):
        if part not in sizes:
            raise Unreadable(part)
        _whole(archive, part, sizes, checked)
    whole = {ARC_CORE, ARC_CUSTOM, ARC_STYLE}
    strings = package.find(SHARED_STRINGS)
    streamed = {strings.PartName[1:]: _strings_rules()} if strings is not None else {}
    rels = get_dependents(archive, workbook_rels).to_dict()
    first_worksheet, chartsheets = None, []
    for sheet in WorkbookPackage.from_tree(fromstring(archive.read(workbook))).sheets:
        rel = rels.get(sheet.id) if sheet.id else None
        if rel is None or rel.target not in sizes:
            continue
        whole.add(get_rels_path(rel.target))  # every sheet's relationships are read whole
        if "chartsheet" in rel.Type:
            chartsheets.append(rel.target)
        elif first_worksheet is None:
            first_worksheet = rel.target  # the one imported; openpyxl streams only the sheets that are read
    if first_worksheet is None:
        raise Unreadable("no worksheet")
    # A part streamed twice (the shared strings as a sheet too) is held to the limits of a part read whole.
    streamed[first_worksheet] = WHOLE if first_worksheet in streamed else _sheet_rules()
    # A chart sheet is read whole with its drawings, their charts and images.
    queue = [(chartsheet, 0) for chartsheet in chartsheets]
    while queue:
        part, level = queue.pop()
        whole.add(part)
        dependents = get_rels_path(part)
        if level > 3 or dependents not in sizes or dependents in checked:
            continue
        _whole(archive, dependents, sizes, checked)
        queue.extend((r.target, level + 1) for r in get_dependents(archive, dependents) if r.target in sizes)
    for part in whole | {p for p, rules in streamed.items() if rules is WHOLE}:
        if part in sizes:
            _whole(archive, part, sizes, checked)
    return {part: rules for part, rules in streamed.items() if part in sizes and part not in checked}


def check_package(path) -> None:
    """Raise LimitError (a limit passed, named) or Unreadable before openpyxl reads the file at `path`."""
    with zipfile.ZipFile(path) as archive:
        sizes = {member.filename: member.file_size for member in archive.infolist()}
        if ARC_THEME in sizes and sizes[ARC_THEME] > MAX_PART_BYTES:  # kept as bytes, never parsed
            raise _abnormal(ARC_THEME, MAX_PART_BYTES, "byte")
        for name, rules in _streamed_parts(archive, sizes, checked=set()).items():
            _scan(archive, name, rules)


# The pictures a drawing may hold. No XML starts with these bytes: a part that does is no XML openpyxl could
# parse either, so leaving it unscanned costs nothing. Anything else is scanned as XML, whatever it starts with.
IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"\x01\x00\x00\x00", b"\xd7\xcd\xc6\x9a")


def _is_image(archive: zipfile.ZipFile, name: str) -> bool:
    with archive.open(name) as stream:
        return stream.read(8).startswith(IMAGES)
