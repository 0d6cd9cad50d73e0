"""Excel import and export of the registry: all or nothing, every bad row explained, round trips."""

import io
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from children.excel import reader
from children.excel.columns import COLUMNS
from children.excel.exporter import write_children, write_template
from children.excel.importer import import_registry
from children.excel.reader import SpreadsheetError
from children.models import BirthRegistration, Child, CircumstanceMembership, Household, ImportJob
from tests.children.hostile_xlsx import CT, MAIN, REL
from tests.exports import export, sheet_of
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Mã hộ", "Chủ hộ", "Ấp/Sóc", "Họ và tên trẻ", "Ngày sinh", "Giới tính", "Dân tộc", "Mã định danh",
    "Đăng ký khai sinh", "Ngày đăng ký khai sinh", "Nhóm hoàn cảnh đặc biệt", "Ghi chú",
]  # fmt: skip
GOOD = ["01-900", "Lê Văn Tám", "Ấp 1", "Lê Thị Mơ", date(2019, 3, 4), "Nữ", "Kinh", "079319001234", "Có",
        date(2019, 4, 1), "4, 13", "Em khó nghe"]  # fmt: skip


def xlsx(tmp_path, rows, headers=HEADERS, name="tre-em.xlsx", above=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(line)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run(path, commune, users, commit=False):
    return import_registry(path, commune=commune, by=users["officer"], commit=commit)


def test_a_good_file_imports_children_households_registrations_and_groups(tmp_path, commune, users):
    second = ["01-900", "Lê Văn Tám", "ap 1", "Lê Văn Tí", "7/9/2021", "nam", None, None, "không", None, None, None]
    result = run(xlsx(tmp_path, [GOOD, second]), commune, users, commit=True)
    assert (result.rows, result.new, result.updated, result.unchanged, result.ok) == (2, 2, 0, 0, True)
    household = Household.objects.get(code="01-900")
    assert household.head_name == "Lê Văn Tám" and household.hamlet.code == "ap-1"
    mo = Child.objects.get(full_name="Lê Thị Mơ")
    assert (mo.date_of_birth, mo.sex, mo.personal_id, mo.notes) == (
        date(2019, 3, 4),
        "F",
        "079319001234",
        "Em khó nghe",
    )
    assert BirthRegistration.objects.get(child=mo).registered_on == date(2019, 4, 1)
    assert sorted(CircumstanceMembership.objects.filter(child=mo).values_list("group__number", flat=True)) == [4, 13]
    ti = Child.objects.get(full_name="Lê Văn Tí")
    assert (ti.date_of_birth, ti.sex, ti.ethnicity) == (date(2021, 9, 7), "M", "Kinh")
    assert not BirthRegistration.objects.filter(child=ti).exists()
    # Written with its author and reason in the history.
    assert mo.history.get().history_user == users["officer"]


BAD_CELLS = [
    ("Mã hộ", None, "bắt buộc"),
    ("Ấp/Sóc", "Ấp 99", "không có ấp/sóc"),
    ("Họ và tên trẻ", "Mơ", "đủ họ và tên"),
    ("Ngày sinh", "31/02/2020", "ngày không tồn tại"),
    ("Ngày sinh", "2020-03-04x", "dd/mm/yyyy"),
    ("Ngày sinh", date(2003, 1, 1), "18 tuổi"),
    ("Ngày sinh", date(2099, 1, 1), "tương lai"),
    ("Giới tính", "Trai", "Nam hoặc Nữ"),
    ("Dân tộc", "Sao Hỏa", "54 dân tộc"),
    ("Mã định danh", "07931900123", "12 chữ số"),
    ("Mã định danh", "079219001234", "Chữ số thứ 4"),
    ("Đăng ký khai sinh", "Có lẽ", "Có hoặc Không"),
    ("Ngày đăng ký khai sinh", date(2019, 1, 1), "sau ngày sinh"),
    ("Nhóm hoàn cảnh đặc biệt", "4, 15", "từ 1 đến 14"),
]


@pytest.mark.parametrize("column, value, reason", BAD_CELLS)
def test_each_bad_cell_is_reported_with_row_column_and_reason_and_nothing_is_imported(
    tmp_path, commune, users, column, value, reason
):
    bad = list(GOOD)
    bad[HEADERS.index(column)] = value
    good_too = [
        "01-901",
        "Trần Văn Ba",
        "Ấp 2",
        "Trần Thị Bốn",
        date(2020, 1, 1),
        "Nữ",
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    result = run(xlsx(tmp_path, [good_too, bad]), commune, users, commit=True)
    assert not result.committed and result.invalid_rows == 1
    assert any(e.row == 3 and e.column == column and reason in e.message for e in result.errors), result.errors
    assert not Child.objects.exists() and not Household.objects.exists()


def test_header_variants_order_and_a_title_block_are_accepted(tmp_path, commune, users):
    headers = ["  HỌ VÀ TÊN TRẺ ", "ma ho", "chu ho", "ap / soc", "ngay sinh", "GIOI TINH"]
    rows = [["Phan Văn Hậu", "02-001", "Phan Văn Lực", "Ấp 2", "05/06/2018", "Nam"]]
    above = [["UBND XÃ TÂN LỢI"], ["Danh sách trẻ em"], []]
    result = run(xlsx(tmp_path, rows, headers=headers, above=above), commune, users, commit=True)
    assert result.ok and Child.objects.get().full_name == "Phan Văn Hậu"


def test_a_file_without_the_headers_is_refused_clearly(tmp_path, commune, users):
    with pytest.raises(SpreadsheetError, match="Không tìm thấy dòng tiêu đề"):
        run(xlsx(tmp_path, [GOOD], headers=["A", "B"]), commune, users)


def test_excel_dates_and_text_dates(tmp_path, commune, users):
    rows = [
        ["03-001", "Hồ Văn A", "Ấp 3", "Hồ Thị Một", datetime(2017, 12, 1, 0, 0), "Nữ"],
        ["03-001", "Hồ Văn A", "Ấp 3", "Hồ Thị Hai", "1/2/2016", "Nữ"],
        ["03-001", "Hồ Văn A", "Ấp 3", "Hồ Thị Ba", "01/02/2015", "Nữ"],
    ]
    run(xlsx(tmp_path, rows, headers=HEADERS[:6]), commune, users, commit=True)
    born = dict(Child.objects.values_list("full_name", "date_of_birth"))
    assert born == {"Hồ Thị Một": date(2017, 12, 1), "Hồ Thị Hai": date(2016, 2, 1), "Hồ Thị Ba": date(2015, 2, 1)}


def test_blank_rows_are_skipped(tmp_path, commune, users):
    rows = [GOOD, [None] * 12, [], ["01-901", "Trần Văn Ba", "Ấp 2", "Trần Thị Bốn", "01/01/2020", "Nữ"]]
    result = run(xlsx(tmp_path, rows), commune, users)
    assert result.ok and result.rows == 2


def test_two_rows_for_one_child_are_reported_not_imported_twice(tmp_path, commune, users):
    same = list(GOOD)
    same[HEADERS.index("Họ và tên trẻ")] = "LE THI MO"  # same child, typed without accents
    same[HEADERS.index("Mã định danh")] = None
    result = run(xlsx(tmp_path, [GOOD, same]), commune, users, commit=True)
    assert [(e.row, e.message) for e in result.errors] == [(3, "trùng với dòng 2 của tệp")]
    assert not Child.objects.exists()


def test_a_row_matching_a_registered_child_updates_it(tmp_path, commune, users, hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a, code="01-900", head="Lê Văn Tám")
    known = ChildFactory(household=household, full_name="Lê Thị Mơ", date_of_birth=date(2019, 3, 4), sex="F")
    result = run(xlsx(tmp_path, [GOOD]), commune, users, commit=True)
    assert (result.new, result.updated) == (0, 1)
    known.refresh_from_db()
    assert known.personal_id == "079319001234" and Child.objects.count() == 1
    again = run(xlsx(tmp_path, [GOOD], name="lan-2.xlsx"), commune, users, commit=True)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


def test_a_personal_id_matches_a_child_whatever_the_row_says_of_the_name(tmp_path, commune, users, hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a, code="01-900", head="Lê Văn Tám")
    known = ChildFactory(household=household, full_name="Lê Thị Mo", date_of_birth=date(2019, 3, 4), sex="F")
    known.personal_id = "079319001234"
    known.save()
    run(xlsx(tmp_path, [GOOD]), commune, users, commit=True)
    known.refresh_from_db()
    assert known.full_name == "Lê Thị Mơ" and Child.objects.count() == 1


def test_round_trip_export_then_import_changes_nothing(tmp_path, commune, users, hamlet_a, hamlet_b):
    run(xlsx(tmp_path, [GOOD, ["02-100", "Võ Văn Hai", "Ấp 2", "Võ Thị Ba", "03/03/2020", "Nữ"] + [None] * 6]),
        commune, users, commit=True)  # fmt: skip
    before = sorted(Child.objects.values_list("full_name", "date_of_birth", "personal_id", "notes", "household_id"))
    history = Child.history.count()
    exported = tmp_path / "xuat.xlsx"
    with exported.open("wb") as handle:
        assert write_children(handle, Child.objects.all(), commune=commune, user=users["officer"]) == 2
    result = run(exported, commune, users, commit=True)
    assert (result.new, result.updated, result.unchanged, result.ok) == (0, 0, 2, True)
    after = sorted(Child.objects.values_list("full_name", "date_of_birth", "personal_id", "notes", "household_id"))
    assert after == before and Child.history.count() == history


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_template_has_the_headers_and_an_instructions_sheet(tmp_path, language):
    """In Vietnamese from the English interface too: its columns are the ones the import reads."""
    path = tmp_path / "mau.xlsx"
    with path.open("wb") as handle, translation.override(language):
        write_template(handle)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Trẻ em", "Hướng dẫn"]
    assert [c.value for c in workbook["Trẻ em"][1]] == HEADERS
    assert "Có hoặc Không" in " ".join(str(c.value) for row in workbook["Hướng dẫn"].iter_rows() for c in row)


def test_formulas_are_written_as_text(tmp_path, commune, users, hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a, code="=HYPERLINK(1)", head="+Nguyễn Văn A")
    ChildFactory(household=household, full_name="@Lê Thị B")
    path = tmp_path / "x.xlsx"
    with path.open("wb") as handle:
        write_children(handle, Child.objects.all(), commune=commune, user=users["officer"])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    values = [c.value for row in openpyxl.load_workbook(path).active.iter_rows(min_row=5) for c in row]
    assert "=HYPERLINK(1)" in values and "+Nguyễn Văn A" in values and "@Lê Thị B" in values


def test_a_record_holding_control_characters_still_exports(commune, users, hamlet_a, client_for):
    """Older records or other tools may hold characters openpyxl refuses; the export drops them, never fails."""
    household = HouseholdFactory(hamlet=hamlet_a, code="H-\x01-1", head="Nguyễn Văn\x0b A")
    ChildFactory(household=household, full_name="Lê Thị\x02 Bé", notes="dòng 1\x07\ndòng 2")
    sheet = sheet_of(export(client_for(users["officer"]), "children:export-children"))
    values = [c.value for row in sheet.iter_rows(min_row=5) for c in row if c.value]
    assert {"H--1", "Nguyễn Văn A", "Lê Thị Bé", "dòng 1\ndòng 2"} <= set(values)


@pytest.mark.parametrize("hidden", [set(), {"household_code", "birth_registered", "notes"}])
def test_each_exported_row_keeps_its_own_values_dates_as_dd_mm_yyyy_whichever_path_its_chunk_takes(
    tmp_path, commune, users, hamlet_a, monkeypatch, hidden
):
    """Two rows a chunk: the first and last chunks are plain values (one date cell reused from row to row), the
    middle one holds a would-be formula and goes cell by cell. Columns left out shift the others."""
    from children.excel import exporter
    from children.models import SpecialCircumstanceGroup

    monkeypatch.setattr(exporter, "CHUNK", 2)
    monkeypatch.setattr(exporter, "export_column_allowed", lambda user, key: key not in hidden)
    born = [date(2019, 1, 2), date(2020, 3, 4), date(2021, 5, 6), date(2022, 7, 8), date(2023, 9, 10)]
    names = ["Lê Thị Một", "Lê Văn Hai", "=1+1", "Lê Thị Bốn", "Lê Thị Năm"]
    children = [
        ChildFactory(household=HouseholdFactory(hamlet=hamlet_a, code=f"01-8{i}"), full_name=name,
                     date_of_birth=day, sex="F" if i % 3 == 0 else "M", notes="dòng 1\n- dòng 2" if i == 4 else "")
        for i, (name, day) in enumerate(zip(names, born, strict=True))
    ]  # fmt: skip
    BirthRegistration.objects.create(child=children[0], registered_on=date(2019, 2, 3))
    BirthRegistration.objects.create(child=children[1], registered_on=None)
    BirthRegistration.objects.create(child=children[3], registered_on=date(2022, 8, 9))
    for number in (13, 4):
        group = SpecialCircumstanceGroup.objects.get(number=number)
        CircumstanceMembership.objects.create(child=children[0], group=group, started_on=date(2024, 1, 1))
    ended = SpecialCircumstanceGroup.objects.get(number=7)
    CircumstanceMembership.objects.create(
        child=children[3], group=ended, started_on=date(2024, 1, 1), ended_on=date(2024, 6, 1)
    )
    path = tmp_path / "x.xlsx"
    ticks = []
    with path.open("wb") as handle:
        written = write_children(handle, Child.objects.all(), commune=commune, user=users["officer"],
                                 progress=lambda done, total: ticks.append((done, total)))  # fmt: skip
    assert written == 5 and ticks == [(0, 5), (2, 5), (4, 5)]
    sheet = openpyxl.load_workbook(path).active
    headers = [c.value for c in sheet[4]]
    assert headers == [h for h, c in zip(HEADERS, COLUMNS, strict=True) if c.key not in hidden]
    rows = [{h: c for h, c in zip(headers, row, strict=True)} for row in sheet.iter_rows(min_row=5)]
    expected = [
        ("01-80", "Lê Thị Một", born[0], "Nữ", "Có", date(2019, 2, 3), "4, 13", None),
        ("01-81", "Lê Văn Hai", born[1], "Nam", "Có", None, None, None),
        ("01-82", "=1+1", born[2], "Nam", "Không", None, None, None),
        ("01-83", "Lê Thị Bốn", born[3], "Nữ", "Có", date(2022, 8, 9), None, None),
        ("01-84", "Lê Thị Năm", born[4], "Nam", "Không", None, None, "dòng 1\n- dòng 2"),
    ]
    keys = ("Mã hộ", "Họ và tên trẻ", "Ngày sinh", "Giới tính", "Đăng ký khai sinh", "Ngày đăng ký khai sinh",
            "Nhóm hoàn cảnh đặc biệt", "Ghi chú")  # fmt: skip
    for row, values in zip(rows, expected, strict=True):
        for key, value in zip(keys, values, strict=True):
            if key not in headers:
                continue
            cell = row[key]
            if isinstance(value, date):
                assert (cell.value.date(), cell.number_format) == (value, "DD/MM/YYYY"), key
            else:
                assert cell.value == value, key
        assert row["Chủ hộ"].value == "Nguyễn Văn Hùng" and row["Ấp/Sóc"].value == hamlet_a.name
    assert rows[2]["Họ và tên trẻ"].data_type == "s"


def _strip_dimension_and_trailing_cells(path):
    """Rewrite the sheet as some tools write it: no <dimension>, rows that stop at their last value."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r"<dimension[^>]*/>", "", sheet)
    sheet = re.sub(r'<c r="[A-Z]+\d+"[^>]*/>', "", sheet)  # empty cells
    files["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_files_without_a_dimension_record_and_short_rows_import(tmp_path, commune, users):
    short = ["01-901", "Trần Văn Ba", "Ấp 2", "Trần Thị Bốn", "01/01/2020", "Nữ"]
    path = xlsx(tmp_path, [GOOD, short])
    _strip_dimension_and_trailing_cells(path)
    assert "<dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    result = run(path, commune, users, commit=True)
    assert result.ok and Child.objects.count() == 2


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a spreadsheet at all", "Không đọc được tệp"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600, "có mật khẩu"),  # an encrypted (OLE) workbook
    ],
)
def test_corrupt_or_password_protected_files_get_a_clear_message(tmp_path, commune, users, content, message):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match=message):
        run(path, commune, users)


def test_too_many_rows_are_refused(tmp_path, commune, users, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    rows = [[f"01-{i:03d}", "Lê Văn A", "Ấp 1", f"Lê Thị Số {i}", "01/01/2020", "Nữ"] for i in range(4)]
    with pytest.raises(SpreadsheetError, match=r"100\.000"):
        run(xlsx(tmp_path, rows, headers=HEADERS[:6]), commune, users)


# --- the command -------------------------------------------------------------------------------------


def _command(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_registry", *args, stdout=out, stderr=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_command_dry_run_commit_and_exit_codes(tmp_path, commune, users):
    good = xlsx(tmp_path, [GOOD], name="good.xlsx")
    code, out = _command(str(good))
    assert code == 0 and "1 mới" in out and not Child.objects.exists()
    code, out = _command(str(good), "--commit")
    assert code == 0 and "Đã nhập toàn bộ tệp" in out and Child.objects.count() == 1
    bad = list(GOOD)
    bad[HEADERS.index("Giới tính")] = "?"
    code, out = _command(str(xlsx(tmp_path, [bad], name="bad.xlsx")), "--commit")
    assert code == 1 and "dòng 2, cột “Giới tính”" in out
    (tmp_path / "x.csv").write_text("a,b")
    assert _command(str(tmp_path / "x.csv"))[0] == 2


# --- the pages ---------------------------------------------------------------------------------------


def test_upload_preview_confirm_in_the_browser(tmp_path, users, client_for):
    client = client_for(users["officer"])
    upload = SimpleUploadedFile("tre-em.xlsx", xlsx(tmp_path, [GOOD]).read_bytes())
    response = client.post(reverse("children:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("children:import-job", args=[job.pk]) and job.state == "checked"
    preview = client.get(response.url).content.decode()
    assert "Xác nhận nhập toàn bộ tệp" in preview and not Child.objects.exists()
    assert client.get(reverse("children:import-progress", args=[job.pk])).json()["final"] is True
    client.post(response.url)
    job.refresh_from_db()
    assert job.state == "done" and Child.objects.count() == 1


def test_an_invalid_upload_lists_every_bad_row_in_the_browser(tmp_path, users, client_for):
    bad = list(GOOD)
    bad[HEADERS.index("Giới tính")] = "?"
    bad2 = list(GOOD)
    bad2[HEADERS.index("Ấp/Sóc")] = "Ấp 50"
    upload = SimpleUploadedFile("sai.xlsx", xlsx(tmp_path, [bad, bad2]).read_bytes())
    client = client_for(users["officer"])
    page = client.post(reverse("children:import"), {"file": upload}, follow=True).content.decode()
    assert "Có dòng sai" in page and "Giới tính" in page and "Ấp 50" in page
    assert "Xác nhận nhập toàn bộ tệp" not in page


@pytest.mark.parametrize(
    "name, size, message",
    [("tre-em.csv", 10, "Chỉ nhận tệp Excel .xlsx"), ("lon.xlsx", 10 * 1024 * 1024 + 1, "lớn hơn 10 MB")],
)
def test_wrong_type_or_size_is_refused_before_parsing(users, client_for, name, size, message):
    upload = SimpleUploadedFile(name, b"x" * size)
    page = client_for(users["officer"]).post(reverse("children:import"), {"file": upload}, follow=True)
    assert message in page.content.decode() and not ImportJob.objects.exists()


def test_exports_honour_the_users_scope_and_the_list_filters(users, client_for, hamlet_a, hamlet_b):
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), full_name="Trẻ Ấp Một", sex="F")
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_b), full_name="Trẻ Ấp Hai", sex="M")

    def names(client, **params):
        sheet = sheet_of(export(client, "children:export-children", params))
        return {row[3] for row in sheet.iter_rows(min_row=5, values_only=True)}

    assert names(client_for(users["ctv_a"])) == {"Trẻ Ấp Một"}
    assert names(client_for(users["officer"])) == {"Trẻ Ấp Một", "Trẻ Ấp Hai"}
    assert names(client_for(users["officer"]), sex="M") == {"Trẻ Ấp Hai"}
    sheet = sheet_of(export(client_for(users["ctv_a"]), "children:export-households"))
    assert len(list(sheet.iter_rows(min_row=5))) == 1


# --- matching and updating registered children -------------------------------------------------------


def test_a_blank_ethnicity_leaves_a_registered_childs_ethnicity_alone(tmp_path, commune, users, hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a, code="01-900", head="Lê Văn Tám")
    known = ChildFactory(household=home, full_name="Lê Thị Mơ", date_of_birth=date(2019, 3, 4), sex="F")
    known.ethnicity = "Khmer"
    known.save()
    row = ["01-900", "Lê Văn Tám", "Ấp 1", "Lê Thị Mơ", date(2019, 3, 4), "Nữ"]
    result = run(xlsx(tmp_path, [row], headers=HEADERS[:6]), commune, users, commit=True)
    known.refresh_from_db()
    assert known.ethnicity == "Khmer" and result.unchanged == 1


def test_a_personal_id_of_another_child_is_refused_not_overwritten(tmp_path, commune, users, hamlet_b):
    other = ChildFactory(household=HouseholdFactory(hamlet=hamlet_b, code="02-001"), full_name="Nguyễn Thị Hoa",
                         date_of_birth=date(2019, 8, 1), sex="F")  # fmt: skip
    other.personal_id = "079319001234"
    other.save()
    result = run(xlsx(tmp_path, [GOOD]), commune, users, commit=True)  # GOOD: Lê Thị Mơ, 04/03/2019, same ID
    assert "Nguyễn Thị Hoa" in result.errors[0].message and result.errors[0].column == "Mã định danh"
    other.refresh_from_db()
    assert other.full_name == "Nguyễn Thị Hoa" and other.household.code == "02-001"


def test_two_rows_matching_one_registered_child_are_reported(tmp_path, commune, users, hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a, code="01-900", head="Lê Văn Tám")
    known = ChildFactory(household=home, full_name="Lê Thị Mơ", date_of_birth=date(2019, 3, 4), sex="F")
    known.personal_id = "079319001234"
    known.save()
    moved = list(GOOD)
    moved[0] = "01-999"  # the same child by its ID, in another household
    same = list(GOOD)
    same[HEADERS.index("Mã định danh")] = None  # the same child by household, name and birth date
    result = run(xlsx(tmp_path, [moved, same]), commune, users, commit=True)
    assert [(e.row, e.message) for e in result.errors] == [(3, "cùng một trẻ với dòng 2 của tệp")]


def test_notes_keep_their_line_breaks_through_a_round_trip(tmp_path, commune, users, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a, code="01-900"), full_name="Lê Thị Mơ")
    child.notes = "Dòng 1\nDòng 2"
    child.save()
    exported = tmp_path / "x.xlsx"
    with exported.open("wb") as handle:
        write_children(handle, Child.objects.all(), commune=commune, user=users["officer"])
    result = run(exported, commune, users, commit=True)
    child.refresh_from_db()
    assert child.notes == "Dòng 1\nDòng 2" and result.unchanged == 1


def test_a_registration_date_is_completed_and_a_contradiction_refused(tmp_path, commune, users, hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a, code="01-900", head="Lê Văn Tám")
    known = ChildFactory(household=home, full_name="Lê Thị Mơ", date_of_birth=date(2019, 3, 4), sex="F")
    BirthRegistration.objects.create(child=known, registered_on=None)
    result = run(xlsx(tmp_path, [GOOD]), commune, users, commit=True)
    assert result.updated == 1 and BirthRegistration.objects.get(child=known).registered_on == date(2019, 4, 1)
    no = ["01-900", "Lê Văn Tám", "Ấp 1", "Lê Thị Mơ", date(2019, 3, 4), "Nữ", None, None, "Không"]
    refused = run(xlsx(tmp_path, [no], headers=HEADERS[:9], name="khong.xlsx"), commune, users)
    assert refused.errors[0].column == "Đăng ký khai sinh"


def test_a_household_code_typed_as_a_number_is_refused_and_long_values_too(tmp_path, commune, users):
    number = list(GOOD)
    number[0] = 100
    long = list(GOOD)
    long[0], long[3] = "01-901", "Lê " + "Thị " * 40 + "Mơ"
    long[HEADERS.index("Mã định danh")] = None
    result = run(xlsx(tmp_path, [number, long]), commune, users)
    assert {(e.row, e.column) for e in result.errors} == {(2, "Mã hộ"), (3, "Họ và tên trẻ")}


def test_a_damaged_sheet_inside_a_readable_zip_is_unreadable_not_a_crash(tmp_path, commune, users):
    path = xlsx(tmp_path, [GOOD])
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"][:700]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with pytest.raises(SpreadsheetError, match="Không đọc được tệp"):
        run(path, commune, users)
    code, _out = _command(str(path))
    assert code == 2


def test_a_zip_bomb_is_refused_before_parsing(tmp_path, commune, users, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(SpreadsheetError, match="200 MB"):
        run(xlsx(tmp_path, [GOOD]), commune, users)


def test_cancelling_or_failing_removes_the_staged_file(tmp_path, users, client_for):

    client = client_for(users["officer"])
    client.post(reverse("children:import"), {"file": SimpleUploadedFile("a.xlsx", xlsx(tmp_path, [GOOD]).read_bytes())})
    job = ImportJob.objects.get()
    assert Path(job.stored_path).exists()
    client.post(reverse("children:import-job", args=[job.pk]), {"action": "cancel"})
    assert not Path(job.stored_path).exists() and not ImportJob.objects.exists()
    client.post(reverse("children:import"), {"file": SimpleUploadedFile("b.xlsx", b"rubbish")})
    failed = ImportJob.objects.get()
    assert failed.state == "unreadable" and not Path(failed.stored_path).exists()


def test_stale_jobs_expire(tmp_path, users, client_for):
    from datetime import timedelta

    from django.utils import timezone

    client = client_for(users["officer"])
    client.post(reverse("children:import"), {"file": SimpleUploadedFile("a.xlsx", xlsx(tmp_path, [GOOD]).read_bytes())})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=2))
    call_command("expire_imports", stdout=io.StringIO())
    assert not ImportJob.objects.exists() and not Path(job.stored_path).exists()


def test_the_template_keeps_codes_as_text(tmp_path):
    path = tmp_path / "mau.xlsx"
    with path.open("wb") as handle:
        write_template(handle)
    sheet = openpyxl.load_workbook(path)["Trẻ em"]
    assert sheet.column_dimensions["A"].number_format == "@" and sheet.column_dimensions["H"].number_format == "@"


# --- the template and the preview ----------------------------------------------------------------------


def _template(tmp_path):
    path = tmp_path / "mau.xlsx"
    with path.open("wb") as handle:
        write_template(handle)
    return path


def _upload(client, path, name="tre-em.xlsx") -> ImportJob:
    client.post(reverse("children:import"), {"file": SimpleUploadedFile(name, path.read_bytes())})
    return ImportJob.objects.latest("created_at")


def test_the_template_uploaded_unchanged_creates_nothing(tmp_path, users, client_for):
    client = client_for(users["officer"])
    job = _upload(client, _template(tmp_path))
    assert job.state == "checked" and (job.report["rows"], job.report["new"], job.report["households_new"]) == (0, 0, 0)
    page = client.get(reverse("children:import-job", args=[job.pk])).content.decode()
    assert "Tệp không thêm hay thay đổi gì trong sổ." in page
    client.post(reverse("children:import-job", args=[job.pk]))
    assert not Child.objects.exists() and not Household.objects.exists()


def test_the_templates_example_is_on_the_instructions_sheet_only(tmp_path):
    workbook = openpyxl.load_workbook(_template(tmp_path))
    assert workbook["Trẻ em"].max_row == 1
    guide = [[c.value for c in row] for row in workbook["Hướng dẫn"].iter_rows()]
    assert guide[0] == ["Cột", "Cách ghi", "Ví dụ"]
    assert [guide[4][0], guide[4][2]] == ["Họ và tên trẻ", "Nguyễn Thị Lan"]


def test_the_example_row_of_an_older_template_is_recognised_and_skipped(tmp_path, commune, users):
    example = ["01-0001", "Nguyễn Văn Hùng", "Ấp 1", "Nguyễn Thị Lan", date(2020, 5, 17), "Nữ", "Kinh", None, "Có",
               date(2020, 6, 2), None, None]  # fmt: skip
    typed = list(example)
    typed[4] = "17/05/2020"  # the same example retyped as text is still the example
    result = run(xlsx(tmp_path, [example, GOOD, typed]), commune, users, commit=True)
    assert (result.rows, result.new, result.ok) == (1, 1, True)
    assert [(w.row, w.message) for w in result.warnings] == [
        (2, "Dòng ví dụ của tệp mẫu: bỏ qua, không nhập."),
        (4, "Dòng ví dụ của tệp mẫu: bỏ qua, không nhập."),
    ]
    assert list(Child.objects.values_list("full_name", flat=True)) == ["Lê Thị Mơ"]
    changed = list(example)
    changed[3] = "Nguyễn Thị Lan Anh"  # one cell differs: a real child
    assert run(xlsx(tmp_path, [changed], name="that.xlsx"), commune, users).new == 1


def test_the_preview_lists_what_would_be_created_or_changed_50_a_page(tmp_path, users, client_for, hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a, code="01-900", head="Lê Văn Cũ")
    ChildFactory(household=home, full_name="Lê Thị Mơ", date_of_birth=date(2019, 3, 4), sex="F")
    ChildFactory(household=home, full_name="Lê Văn Yên", date_of_birth=date(2018, 1, 1), sex="M")
    rows = [GOOD, ["01-900", "Lê Văn Tám", "Ấp 1", "Lê Văn Yên", "01/01/2018", "Nam"] + [None] * 6]
    rows += [
        [f"05-{i:03d}", f"Đỗ Văn Chủ {i}", "Ấp 5", f"Đỗ Thị Số {i}", "02/02/2020", "Nữ"] + [None] * 6 for i in range(30)
    ]
    client = client_for(users["officer"])
    job = _upload(client, xlsx(tmp_path, rows))
    assert (job.report["new"], job.report["updated"], job.report["unchanged"], job.report["preview"]) == (30, 1, 1, 62)
    url = reverse("children:import-job", args=[job.pk])
    first = client.get(url)
    lines = list(first.context["page"])
    assert len(lines) == 50 and first.context["page"].paginator.num_pages == 2
    assert lines[0] == {"row": 2, "kind": "household_changed", "code": "01-900", "name": "Lê Văn Tám",
                        "born": "", "changes": ["chủ hộ: Lê Văn Cũ → Lê Văn Tám"]}  # fmt: skip
    assert lines[1]["kind"] == "child_changed" and lines[1]["name"] == "Lê Thị Mơ"
    assert "mã định danh cá nhân: — → 079319001234" in lines[1]["changes"]
    assert "đăng ký khai sinh 01/04/2019" in lines[1]["changes"] and "thêm nhóm 4, 13" in lines[1]["changes"]
    assert [line["kind"] for line in lines[2:4]] == ["household_new", "child_new"]  # Lê Văn Yên is unchanged
    content = first.content.decode()
    assert "Đỗ Thị Số 0" in content and "Đỗ Văn Chủ 0" in content and "Trang 1/2" in content
    second = client.get(url, {"page": 2})
    assert [line["name"] for line in second.context["page"]][-2:] == ["Đỗ Văn Chủ 29", "Đỗ Thị Số 29"]
    staged = Path(job.stored_path).with_suffix(".preview.jsonl")
    assert staged.exists()
    client.post(url)
    job.refresh_from_db()
    assert job.state == "done" and Child.objects.count() == 32
    # The preview holds the file's personal data: it goes with the file.
    assert not staged.exists() and "Sẽ thêm hoặc thay đổi" not in client.get(url).content.decode()


def test_a_registered_child_who_has_grown_up_is_exported_and_imported_back(tmp_path, commune, users, hamlet_a):
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a, code="01-950"), full_name="Lê Văn Lớn",
                 date_of_birth=date(2000, 1, 1), sex="M")  # fmt: skip
    exported = tmp_path / "xuat.xlsx"
    with exported.open("wb") as handle:
        write_children(handle, Child.objects.all(), commune=commune, user=users["officer"])
    result = run(exported, commune, users, commit=True)
    assert (result.ok, result.unchanged) == (True, 1)
    # A new record of an adult is still refused.
    adult = ["01-951", "Lê Văn Lớn", "Ấp 1", "Lê Văn Nhất", date(2000, 1, 1), "Nam"]
    refused = run(xlsx(tmp_path, [adult], headers=HEADERS[:6], name="moi.xlsx"), commune, users)
    assert [e.message for e in refused.errors] == ["Sổ theo dõi chỉ ghi người dưới 18 tuổi."]


@pytest.mark.parametrize("url_name", ["children:export-children", "children:export-households"])
def test_exports_make_the_same_number_of_queries_for_more_rows(
    users, client_for, hamlet_a, hamlet_b, url_name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from children.models import SpecialCircumstanceGroup

    group = SpecialCircumstanceGroup.objects.get(number=4)

    def registry(n, start):
        for i in range(start, start + n):
            child = ChildFactory(
                household=HouseholdFactory(hamlet=(hamlet_a, hamlet_b)[i % 2]), full_name=f"Lê Thị Số {i}"
            )
            BirthRegistration.objects.create(child=child, registered_on=date(2020, 6, 1))
            CircumstanceMembership.objects.create(child=child, group=group, started_on=date(2024, 1, 1))

    def rows(response) -> int:
        return len(list(sheet_of(response).iter_rows(min_row=5)))

    client = client_for(users["officer"])
    registry(5, 0)
    with CaptureQueriesContext(connection) as few:
        assert rows(export(client, url_name)) == 5
    registry(60, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert rows(export(client, url_name)) == 65


# --- reading once, writing in bulk -------------------------------------------------------------------------

TRICKY_STYLES = (
    f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'
)
# Shared strings: plain, formatted runs with a phonetic run, Excel's escape that openpyxl drops, an empty one.
TRICKY_STRINGS = (
    f'<sst xmlns="{MAIN}"><si><t>Mã hộ</t></si>'
    '<si><r><t>Lê </t></r><r><rPr><b/></rPr><t>Thị Mơ</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>'
    "<si><t>a_x005F_x000D_b</t></si><si><t/></si></sst>"
)
TRICKY_SHEET = (
    f'<worksheet xmlns="{MAIN}"><dimension ref="A1:B1"/><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="b"><v>1</v></c><c r="F1" t="e"><v>#N/A</v></c>'
    '<c r="G1" s="1"><v>43831</v></c><c r="H1"><v>3.5</v></c><c r="I1"><v>12</v></c>'
    '<c r="J1" t="str"><f>A1</f><v>cached</v></c></row>'
    '<row r="3"><c r="B3" t="inlineStr"><is><r><t xml:space="preserve">Trần </t></r><r><rPr><i/></rPr>'
    '<t>Văn</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c>'
    '<c r="C3" t="inlineStr"><is><t xml:space="preserve">  giữ  </t></is></c>'
    '<c r="D3" t="inlineStr"/><c r="F3" t="d"><v>2020-05-17T00:00:00</v></c></row>'
    '<row><c t="inlineStr"><is><t>không có r</t></is></c><c><v>7</v></c></row>'
    "</sheetData></worksheet>"
)


def _tricky_workbook(path: Path, *, date1904: bool) -> Path:
    from tests.children.hostile_xlsx import _parts

    parts = _parts()
    if date1904:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace("<sheets>", '<workbookPr date1904="1"/><sheets>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>", f'<Relationship Id="rId3" Target="styles.xml" Type="{REL}/styles"/></Relationships>'
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>", f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/styles.xml", TRICKY_STYLES)
        archive.writestr("xl/sharedStrings.xml", TRICKY_STRINGS)
        archive.writestr("xl/worksheets/sheet1.xml", TRICKY_SHEET)
    return path


@pytest.mark.parametrize("date1904", [False, True])
def test_the_reader_reads_every_cell_as_openpyxl_does(tmp_path, date1904):
    """The import parses the first sheet itself (children.excel.reader): each value is the one openpyxl's
    read-only mode gives, strings shared or inline, rich or phonetic, booleans, errors, dates of either calendar,
    formulas' cached values, cells without a reference; and no row is cut where a wrong dimension ends."""
    path = _tricky_workbook(tmp_path / "kho.xlsx", date1904=date1904)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # openpyxl would otherwise stop at the dimension's B1
    expected = {}
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if values:
            expected[number] = list(values)
    workbook.close()
    opened, part = reader._open_workbook(path)
    try:
        found = {number: reader._as_list(cells) for number, cells in reader._sheet_rows(opened, part)}
    finally:
        opened.archive.close()
    assert found == expected
    assert found[1][1] == "Lê Thị Mơ" and found[3][1:3] == ["Trần Văn", "  giữ  "] and found[4] == ["không có r", 7]
    assert found[1][6] == (datetime(2024, 1, 2) if date1904 else datetime(2020, 1, 1))


def test_rows_beyond_a_wrong_dimension_record_are_imported(tmp_path, commune, users):
    second = ["01-901", "Trần Văn Ba", "Ấp 2", "Trần Thị Bốn", "01/01/2020", "Nữ"]
    path = xlsx(tmp_path, [GOOD, second])
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"].decode()
    files["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:D2"/>', sheet).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = run(path, commune, users, commit=True)
    assert result.ok and result.rows == 2
    assert Child.objects.get(full_name="Trần Thị Bốn").date_of_birth == date(2020, 1, 1)
    assert Child.objects.get(full_name="Lê Thị Mơ").notes == "Em khó nghe"  # column L, past the dimension's D


def test_only_the_first_worksheet_is_read(tmp_path, commune, users):
    """Other sheets (notes, a copy of last year's list) are not imported, nor parsed: a damaged one is no matter."""
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(GOOD)
    workbook.create_sheet("Ghi chú").append(["không nhập"])
    path = tmp_path / "hai-trang.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["xl/worksheets/sheet2.xml"] = files["xl/worksheets/sheet2.xml"][:300]  # cut in the middle
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = run(path, commune, users, commit=True)
    assert result.committed and Child.objects.get().full_name == "Lê Thị Mơ"


def _many(n: int, *, start: int = 0) -> list[list]:
    """n children, two to a household, in the 13 hamlets; one in three registered, one in five in group 4."""
    rows = []
    for i in range(start, start + n):
        household = i // 2
        rows.append([f"{household % 13 + 1:02d}-{household:05d}", f"Đỗ Văn Chủ {household}", f"Ấp {household % 13 + 1}",
                     f"Đỗ Thị Số {i}", date(2015, 1, 1) + timedelta(days=i), "Nữ" if i % 2 else "Nam", None, None,
                     "Có" if i % 3 == 0 else None, date(2015, 2, 1) + timedelta(days=i) if i % 6 == 0 else None,
                     "4" if i % 5 == 0 else None, None])  # fmt: skip
    return rows


def test_the_bulk_write_gives_each_child_its_own_household_facts_and_history(tmp_path, commune, users, monkeypatch):
    from children.excel import importer

    monkeypatch.setattr(importer, "CHILD_BATCH", 7)  # several batches of children, each with its history
    result = run(xlsx(tmp_path, _many(40)), commune, users, commit=True)
    assert (result.ok, result.new, result.households_new) == (True, 40, 20)
    for child in Child.objects.select_related("household__hamlet"):
        i = int(child.full_name.rsplit(" ", 1)[1])
        assert child.household.code == f"{i // 2 % 13 + 1:02d}-{i // 2:05d}"
        assert child.household.hamlet.name == f"Ấp {i // 2 % 13 + 1}" and child.household.commune == commune
        assert (child.date_of_birth, child.sex) == (date(2015, 1, 1) + timedelta(days=i), "F" if i % 2 else "M")
        assert (child.status, child.ethnicity, child.personal_id, child.notes) == ("living", "Kinh", None, "")
        assert child.name_search == f"do thi so {i}" and child.created_at and child.updated_at
        registration = BirthRegistration.objects.filter(child=child).first()
        assert (registration is not None) == (i % 3 == 0)
        if registration:
            assert registration.registered_on == (date(2015, 2, 1) + timedelta(days=i) if i % 6 == 0 else None)
            assert (registration.place, registration.recorded_by) == ("UBND xã Tân Lợi", users["officer"])
        groups = list(CircumstanceMembership.objects.filter(child=child).values_list("group__number", "notes"))
        assert groups == ([(4, "Nhập từ tệp Excel")] if i % 5 == 0 else [])
        history = child.history.get()
        assert (history.history_type, history.history_user, history.full_name) == (
            "+",
            users["officer"],
            child.full_name,
        )
    assert Household.history.filter(history_type="+").count() == 20
    assert BirthRegistration.history.count() == 14 and CircumstanceMembership.history.count() == 8


def test_a_large_file_still_refuses_its_duplicates_with_their_row_numbers(tmp_path, commune, users, hamlet_a):
    """Against the file's own rows and against the registry, whatever the size of the file: nothing written."""
    registered = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a, code="99-001"), full_name="Lê Thị Có",
                              date_of_birth=date(2016, 6, 1), sex="F", personal_id="079316001234")  # fmt: skip
    rows = _many(3000)
    rows[2500] = list(rows[17])  # the child of row 19 again, at row 2502
    rows[2600] = [*rows[1200][:3], "DO THI SO 1200", *rows[1200][4:]]  # row 1202's child, without accents
    # Row 2702: another child's personal ID (which fits this child's sex and year of birth).
    rows[2700][3:8] = ["Lê Thị Khác", date(2016, 7, 1), "Nữ", None, "079316001234"]
    rows[2800][:3] = ["99-001", "Lê Văn Cha", "Ấp 5"]  # row 2802: a registered household, in another hamlet
    result = run(xlsx(tmp_path, rows), commune, users, commit=True)
    assert not result.committed
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2502, "Họ và tên trẻ", "trùng với dòng 19 của tệp"),
        (2602, "Họ và tên trẻ", "trùng với dòng 1202 của tệp"),
        (2702, "Mã định danh", f"Mã định danh này đã thuộc về {registered.full_name}."),
        (2802, "Ấp/Sóc", "hộ 99-001 đã có ở ấp/sóc khác"),
    ]
    assert Child.objects.count() == 1 and Household.objects.count() == 1 and not BirthRegistration.objects.exists()


def test_text_with_tabs_backslashes_and_line_breaks_is_stored_as_written(tmp_path, commune, users):
    """COPY's text format gives these characters a meaning of their own: they are escaped, not interpreted."""
    row = list(GOOD)
    row[0], row[1] = "01\\900", "Lê\tVăn Tám"
    row[HEADERS.index("Ghi chú")] = "dòng 1\\n vẫn dòng 1\tcột\r\ndòng 2 \\N"
    result = run(xlsx(tmp_path, [row]), commune, users, commit=True)
    assert result.committed
    child = Child.objects.select_related("household").get()
    assert child.notes == "dòng 1\\n vẫn dòng 1\tcột\ndòng 2 \\N"
    assert (child.household.code, child.household.head_name) == ("01\\900", "Lê Văn Tám")


def test_each_spelling_is_judged_once_but_named_as_written(tmp_path, commune, users):
    """The parser remembers what a cell value means: the same value twice gets the same answer, and values equal
    to Python (1, 1.0, True) but written differently keep their own words."""
    rows = []
    for i, ethnicity in enumerate(["Sao Hỏa", "Sao Hỏa", 1, True, "kinh", "KINH"]):
        row = list(GOOD)
        row[0], row[3], row[6], row[7] = f"01-9{i}", f"Lê Thị Số {i}", ethnicity, None
        rows.append(row)
    result = run(xlsx(tmp_path, rows), commune, users)
    assert [(e.row, e.message) for e in result.errors] == [
        (2, "Không có dân tộc “Sao Hỏa” trong danh mục 54 dân tộc."),
        (3, "Không có dân tộc “Sao Hỏa” trong danh mục 54 dân tộc."),
        (4, "Không có dân tộc “1” trong danh mục 54 dân tộc."),
        (5, "Không có dân tộc “True” trong danh mục 54 dân tộc."),
    ]
