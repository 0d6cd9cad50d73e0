"""Writing the registry to .xlsx: the template, the child list (with its filters) and households.

openpyxl's write-only mode streams rows to disk from a chunked queryset, so 50,000 children never sit in
memory at once. The child export has the template's columns, so it can be edited and imported back.
A cell that begins with = + - @ is written as text: a name cannot become a formula (formula injection).
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from children.excel.columns import COLUMNS, SAMPLE
from children.models import Child, CircumstanceMembership, Household
from children.permissions import export_column_allowed
from tanloi_portal.documents import in_vietnamese

CHUNK = 2000
# The file's values are Vietnamese whatever the interface language, so that any export imports back.
SEX = {"M": "Nam", "F": "Nữ"}
TEXT_COLUMNS = {"household_code", "personal_id"}
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_COLUMNS = {"date_of_birth", "registered_on"}


def _clean(value):
    """Control characters (which openpyxl refuses to write, failing the whole export) dropped from a string.
    The portal's forms no longer let them in, but older records or other tools may hold them."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _cell(sheet, value, *, bold: bool = False, date_format: bool = False) -> WriteOnlyCell:
    value = _clean(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # openpyxl would store "=..." as a formula; force a plain string.
        cell.value, cell.data_type = value, "s"
    if bold:
        cell.font = Font(bold=True)
    if date_format:
        cell.number_format = "DD/MM/YYYY"
    return cell


def _plain(sheet, value):
    """A raw value where openpyxl writes it faithfully; a cell object only for dates and would-be formulas."""
    if isinstance(value, date):
        return _cell(sheet, value, date_format=True)
    value = _clean(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return _cell(sheet, value)
    return value


def _title(sheet, commune, title: str, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.append([_cell(sheet, commune.authority_name, bold=True)])
    sheet.append([_cell(sheet, f"{title} - {_('xuất ngày')} {timezone.localdate():%d/%m/%Y}")])
    sheet.append([])


def _row(sheet, values: list) -> list:
    return [_plain(sheet, v) for v in values]


@in_vietnamese  # the commune's working file: its columns are the ones the import reads
def write_template(stream) -> None:
    """The import template: the headers alone on the first sheet (nothing there to import until rows are typed
    under them), the instructions with an example row on the second."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Trẻ em"))
    for index, column in enumerate(COLUMNS, start=1):
        letter = chr(64 + index)
        sheet.column_dimensions[letter].width = column.width
        if column.key in TEXT_COLUMNS:
            # Text, so that Excel keeps the leading zeros of 0100 or 079319001234.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.append([_cell(sheet, c.header, bold=True) for c in COLUMNS])
    guide = workbook.create_sheet(_("Hướng dẫn"))
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 28, 90
    guide.column_dimensions["C"].width = 20
    # The example runs down a column, one value per column of the sheet: it can never be read as a row to import.
    guide.append([_cell(guide, h, bold=True) for h in (_("Cột"), _("Cách ghi"), _("Ví dụ"))])
    for column in COLUMNS:
        required = _("bắt buộc") if column.required else _("không bắt buộc")
        example = SAMPLE.get(column.key)
        example = f"{example:%d/%m/%Y}" if isinstance(example, date) else example
        guide.append([column.header, f"{column.help} ({required})", _plain(guide, example)])
    guide.append([])
    for line in (
        _(
            "Mỗi dòng là một trẻ cùng hộ gia đình của trẻ. Thứ tự cột không quan trọng; "
            "tên cột không phân biệt hoa thường, có dấu hay không."
        ),
        _("Trẻ đã có trong sổ (cùng mã định danh, hoặc cùng hộ, họ tên và ngày sinh) được cập nhật, không tạo thêm."),
        _("Nếu có dòng sai, không dòng nào được nhập: sửa các dòng được liệt kê rồi tải lên lại."),
        _("Tối đa 100.000 dòng và 10 MB mỗi tệp."),
        _("Cột nhóm hoàn cảnh đặc biệt chỉ thêm nhóm; kết thúc một nhóm trên trang của trẻ."),
        _("Cột Mã hộ và Mã định danh phải ở dạng Văn bản để giữ số 0 ở đầu."),
        _("Cột Ví dụ chỉ để tham khảo: ghi các trẻ vào trang “Trẻ em”, từ dòng ngay dưới dòng tiêu đề."),
    ):
        guide.append([None, line])
    workbook.save(stream)


# Where each column of the child export is read from; a column left out is never read. The child's own key comes
# first (keyset pagination and the groups); "groups" has no column of its own.
FIELDS = {
    "household_code": "household__code",
    "head_name": "household__head_name",
    "hamlet": "household__hamlet__name",
    "full_name": "full_name",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "personal_id": "personal_id",
    # One registration at most per child (a one-to-one): a LEFT JOIN, not a subquery per row.
    "birth_registered": "birth_registration__pk",
    "registered_on": "birth_registration__registered_on",
    "notes": "notes",
}


def _children_chunks(children: QuerySet[Child], keys: list[str]):
    """Rows as plain lists of the columns `keys`, CHUNK rows at a time by primary key (no model objects,
    constant memory)."""
    fields = ["pk"] + [FIELDS[key] for key in keys if key in FIELDS]
    # "groups" reads the child's key, replaced below.
    positions = [fields.index(FIELDS.get(key, "pk")) for key in keys]
    sex = keys.index("sex") if "sex" in keys else None
    registered = keys.index("birth_registered") if "birth_registered" in keys else None
    notes = keys.index("notes") if "notes" in keys else None
    grouped = keys.index("groups") if "groups" in keys else None
    qs = children.order_by("pk").values_list(*fields)
    today = timezone.localdate()
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        first, last = last, chunk[-1][0]
        groups: dict[int, set[int]] = {}
        if grouped is not None:
            # The chunk's children are those of the queryset between the two keys: a subquery, cheaper than
            # 2,000 keys sent one by one.
            memberships = CircumstanceMembership.objects.filter(
                child__in=children.filter(pk__gt=first, pk__lte=last).values("pk"),
                started_on__lte=today,
                ended_on__isnull=True,
            ).values_list("child_id", "group__number")
            for child_id, number in memberships:
                groups.setdefault(child_id, set()).add(number)
        rows = []
        for r in chunk:
            row = [r[p] for p in positions]
            if sex is not None:
                row[sex] = SEX[row[sex]]
            if registered is not None:
                row[registered] = "Không" if row[registered] is None else "Có"
            if notes is not None:
                row[notes] = row[notes] or None
            if grouped is not None:
                numbers = groups.get(r[0])
                row[grouped] = ", ".join(str(n) for n in sorted(numbers)) if numbers else None
            rows.append(row)
        yield rows


def _counted(progress, total_of):
    """(tick, total): `tick(count)` reports the rows written so far every CHUNK rows, when asked to."""
    if progress is None:
        return (lambda count: None), None
    total = total_of()
    progress(0, total)
    return (lambda count: progress(count, total) if count % CHUNK == 0 else None), total


def _plain_enough(rows: list[list]) -> bool:
    """Whether no string of the chunk needs _plain's care, so that its rows can go to openpyxl as raw values: one
    search over the chunk's strings joined by line breaks. A note with a line beginning with "-" looks like a
    would-be formula here too, and only sends its chunk down the careful path."""
    text = "\n" + "\n".join([v for row in rows for v in row if isinstance(v, str)])
    return not (ILLEGAL_CHARACTERS_RE.search(text) or any(f"\n{start}" in text for start in FORMULA_STARTS))


@in_vietnamese  # the commune's working file: its columns are the ones the import reads
def write_children(stream, children: QuerySet[Child], *, commune, user, progress=None) -> int:
    """The children as the template's columns, less those reading a section of the child page this user may not
    read (children.permissions). Returns the number of rows written; `progress(done, total)` as it goes."""
    columns = [c for c in COLUMNS if export_column_allowed(user, c.key)]
    keys = [c.key for c in columns]
    dates = [index for index, key in enumerate(keys) if key in DATE_COLUMNS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Trẻ em"))
    _title(sheet, commune, _("Danh sách trẻ em"), (c.width for c in columns))
    sheet.append([_cell(sheet, c.header, bold=True) for c in columns])
    tick, _total = _counted(progress, children.count)
    count = 0
    # One date cell per date column, reused from row to row (a write-only sheet writes a row out before the next
    # is appended): no cell and no style made per date.
    templates = {index: _cell(sheet, None, date_format=True) for index in dates}
    for rows in _children_chunks(children, keys):
        if not _plain_enough(rows):
            for values in rows:
                sheet.append(_row(sheet, values))
        else:
            for row in rows:
                for index in dates:
                    if row[index] is not None:
                        cell = templates[index]
                        cell.value, row[index] = row[index], cell
                sheet.append(row)
        # Chunks hold CHUNK rows but the last: the same ticks as counting row by row.
        count += len(rows)
        tick(count)
    workbook.save(stream)
    return count


@in_vietnamese  # the commune's working file: its columns are the ones the import reads
def write_households(stream, households: QuerySet[Household], *, commune, progress=None) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hộ gia đình"))
    headers = ["Mã hộ", "Chủ hộ", "Ấp/Sóc", "Địa chỉ", "Số điện thoại", "Số trẻ"]
    _title(sheet, commune, _("Danh sách hộ gia đình"), (12, 24, 12, 30, 14, 8))
    sheet.append([_cell(sheet, h, bold=True) for h in headers])
    tick, _total = _counted(progress, households.count)
    count = 0
    for h in households.select_related("hamlet").order_by("pk").iterator(chunk_size=CHUNK):
        sheet.append(_row(sheet, [h.code, h.head_name, h.hamlet.name, h.address, h.phone, h.child_count]))
        count += 1
        tick(count)
    workbook.save(stream)
    return count
