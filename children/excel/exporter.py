"""Writing the registry to .xlsx: the template, the child list (with its filters) and households.

openpyxl's write-only mode streams rows to disk from a chunked queryset, so 50,000 children never sit in
memory at once. The child export has the template's columns, so it can be edited and imported back.
A cell that begins with = + - @ is written as text: a name cannot become a formula (formula injection).
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from children.excel.columns import COLUMNS, SAMPLE
from children.models import BirthRegistration, Child, CircumstanceMembership, Household
from children.permissions import export_column_allowed

CHUNK = 2000
# The file's values are Vietnamese whatever the interface language, so that any export imports back.
SEX = {"M": "Nam", "F": "Nữ"}
TEXT_COLUMNS = {"household_code", "personal_id"}
FORMULA_STARTS = ("=", "+", "-", "@")


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


def _children_rows(children: QuerySet[Child], keys: list[str]):
    """Rows as plain lists of the columns `keys`, a chunk at a time by primary key (no model objects, constant
    memory). A column left out is never read from the database."""
    registered_on = BirthRegistration.objects.filter(child=OuterRef("pk")).values("registered_on")[:1]
    columns = (
        "pk", "household__code", "household__head_name", "household__hamlet__name", "full_name", "date_of_birth",
        "sex", "ethnicity", "personal_id",
    )  # fmt: skip
    qs = children.order_by("pk")
    if "birth_registered" in keys or "registered_on" in keys:
        qs = qs.annotate(
            registered=Exists(BirthRegistration.objects.filter(child=OuterRef("pk"))), registration_date=registered_on
        )
        columns += ("registered", "registration_date")
    if "notes" in keys:
        columns += ("notes",)
    today = timezone.localdate()
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last).values(*columns)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        groups: dict[int, set[int]] = {}
        if "groups" in keys:
            memberships = CircumstanceMembership.objects.filter(
                child_id__in=[r["pk"] for r in chunk], started_on__lte=today, ended_on__isnull=True
            ).values_list("child_id", "group__number")
            for child_id, number in memberships:
                groups.setdefault(child_id, set()).add(number)
        for r in chunk:
            row = {
                "household_code": r["household__code"],
                "head_name": r["household__head_name"],
                "hamlet": r["household__hamlet__name"],
                "full_name": r["full_name"],
                "date_of_birth": r["date_of_birth"],
                "sex": SEX[r["sex"]],
                "ethnicity": r["ethnicity"],
                "personal_id": r["personal_id"],
                "birth_registered": "Có" if r.get("registered") else "Không",
                "registered_on": r.get("registration_date"),
                "groups": ", ".join(str(n) for n in sorted(groups.get(r["pk"], ()))) or None,
                "notes": r.get("notes") or None,
            }
            yield [row[key] for key in keys]


def _counted(progress, total_of):
    """(tick, total): `tick(count)` reports the rows written so far every CHUNK rows, when asked to."""
    if progress is None:
        return (lambda count: None), None
    total = total_of()
    progress(0, total)
    return (lambda count: progress(count, total) if count % CHUNK == 0 else None), total


def write_children(stream, children: QuerySet[Child], *, commune, user, progress=None) -> int:
    """The children as the template's columns, less those reading a section of the child page this user may not
    read (children.permissions). Returns the number of rows written; `progress(done, total)` as it goes."""
    columns = [c for c in COLUMNS if export_column_allowed(user, c.key)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Trẻ em"))
    _title(sheet, commune, _("Danh sách trẻ em"), (c.width for c in columns))
    sheet.append([_cell(sheet, c.header, bold=True) for c in columns])
    tick, _total = _counted(progress, children.count)
    count = 0
    for values in _children_rows(children, [c.key for c in columns]):
        sheet.append(_row(sheet, values))
        count += 1
        tick(count)
    workbook.save(stream)
    return count


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
