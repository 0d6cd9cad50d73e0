"""Hostile workbooks: refused before openpyxl reads them, by limits on what the file holds, in bounded memory;
an oversized upload refused by its declared length before its body is read."""

import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.urls import reverse

from children.excel import limits, reader
from children.excel.importer import import_registry
from children.excel.reader import SpreadsheetError
from children.models import Child, Household, ImportJob
from tests.children.hostile_xlsx import MAIN, registry_workbook, unpacked_size

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_openpyxl(monkeypatch):
    """openpyxl must not open a refused file at all."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a file the checks should have refused")

    monkeypatch.setattr(reader, "ExcelReader", refuse)


def run(path, commune, users):
    return import_registry(path, commune=commune, by=users["officer"], commit=True)


def test_a_good_hand_made_workbook_imports(tmp_path, commune, users):
    result = run(registry_workbook(tmp_path / "ok.xlsx"), commune, users)
    assert result.committed and Child.objects.get().full_name == "Lê Thị Mơ"


def test_a_small_file_unpacking_to_huge_shared_strings_is_refused_with_nothing_imported(
    tmp_path, users, client_for, no_openpyxl
):
    # 20,000 strings of 1,000 letters: 20 MB of text in a file of some 60 KB, far under the unpacked-size cap.
    path = registry_workbook(tmp_path / "bom.xlsx", extra_strings=20_000, length=1_000)
    assert path.stat().st_size < 100_000 and unpacked_size(path) < reader.MAX_UNPACKED_BYTES
    with path.open("rb") as handle:
        response = client_for(users["officer"]).post(reverse("children:import"), {"file": handle}, follow=True)
    job = ImportJob.objects.get()
    message = "Chữ trong các ô của tệp dài hơn 20.000.000 ký tự cộng lại: hãy chia thành nhiều tệp nhỏ hơn."
    assert job.state == ImportJob.State.UNREADABLE and job.report["message"] == message
    assert message in response.content.decode()
    assert not Child.objects.exists() and not Household.objects.exists()


def test_the_shared_strings_are_counted_wherever_the_file_puts_them(tmp_path, commune, users, no_openpyxl):
    # The content types may name any part as the shared strings: the check follows them, as openpyxl does.
    path = registry_workbook(tmp_path / "ten-khac.xlsx", extra_strings=20_000, length=1_000,
                             shared_strings_path="xl/x.bin")  # fmt: skip
    with pytest.raises(SpreadsheetError, match=r"20\.000\.000 ký tự"):
        run(path, commune, users)


def test_too_many_shared_strings_are_refused(tmp_path, commune, users, monkeypatch, no_openpyxl):
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 1_000)
    path = registry_workbook(tmp_path / "nhieu.xlsx", extra_strings=1_000, length=1)
    with pytest.raises(SpreadsheetError, match=r"hơn 1\.000 chuỗi chữ dùng chung"):
        run(path, commune, users)


def test_too_many_cells_are_refused(tmp_path, commune, users, monkeypatch, no_openpyxl):
    monkeypatch.setattr(limits, "MAX_CELLS", 10)  # the file has 2 rows of 6 cells
    with pytest.raises(SpreadsheetError, match=r"Trang tính được nhập có hơn 10 ô"):
        run(registry_workbook(tmp_path / "o.xlsx"), commune, users)


def _sheet(inside: str) -> str:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{inside}</sheetData></worksheet>'


@pytest.mark.parametrize(
    "sheet_xml",
    [
        # One cell holding 2 million letters: openpyxl would hold the row whole.
        _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>' + "A" * 2_000_001 + "</t></is></c></row>"),
        # Elements openpyxl does not know are kept until the end of the sheet.
        _sheet("<x/>" * 100_001),
        # A start tag expat must hold whole before it can report it.
        _sheet('<row r="1" x="' + "y" * (limits.MAX_TOKEN_BYTES + limits.CHUNK) + '"/>'),
    ],
    ids=["huge-row", "unknown-elements", "huge-tag"],
)
def test_a_sheet_of_abnormal_structure_is_refused(tmp_path, commune, users, sheet_xml, no_openpyxl):
    with pytest.raises(SpreadsheetError, match="Tệp có cấu trúc bất thường"):
        run(registry_workbook(tmp_path / "la.xlsx", sheet_xml=sheet_xml), commune, users)


def test_parts_read_whole_are_limited_too(tmp_path, commune, users, no_openpyxl):
    path = registry_workbook(tmp_path / "kieu.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        # Leading blanks are still XML to openpyxl (and to the check).
        styles = " " * 100 + f'<styleSheet xmlns="{MAIN}">' + "<x/>" * 100_001 + "</styleSheet>"
        archive.writestr("xl/styles.xml", styles)
    with pytest.raises(SpreadsheetError, match=r"phần xl/styles\.xml vượt giới hạn 100\.000 phần tử XML"):
        run(path, commune, users)


def _rewritten(path, changes: dict[str, str]) -> None:
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files.update({name: text.encode() for name, text in changes.items()})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_a_chart_sheet_is_followed_to_its_drawing_and_chart(tmp_path, commune, users, no_openpyxl):
    # openpyxl reads a chart sheet whole, with its drawing and the drawing's charts, even in read-only mode.
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    path = registry_workbook(tmp_path / "bieu-do.xlsx")
    _rewritten(path, {
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{rel}"><sheets>'
                           '<sheet name="Biểu đồ" sheetId="2" r:id="rId9"/>'
                           '<sheet name="Trẻ em" sheetId="1" r:id="rId1"/>'
                           "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{rels}">'
            f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{rel}/worksheet"/>'
            f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{rel}/sharedStrings"/>'
            f'<Relationship Id="rId9" Target="chartsheets/sheet1.xml" Type="{rel}/chartsheet"/></Relationships>',
        "xl/chartsheets/sheet1.xml": f'<chartsheet xmlns="{MAIN}"/>',
        "xl/chartsheets/_rels/sheet1.xml.rels": f'<Relationships xmlns="{rels}">'
            f'<Relationship Id="rId1" Target="../drawings/drawing1.xml" Type="{rel}/drawing"/></Relationships>',
        "xl/drawings/drawing1.xml": "<wsDr/>",
        "xl/drawings/_rels/drawing1.xml.rels": f'<Relationships xmlns="{rels}">'
            f'<Relationship Id="rId1" Target="../charts/chart1.xml" Type="{rel}/chart"/></Relationships>',
        "xl/charts/chart1.xml": "<chartSpace>" + "<x/>" * 100_001 + "</chartSpace>",
    })  # fmt: skip
    with pytest.raises(SpreadsheetError, match=r"phần xl/charts/chart1\.xml vượt giới hạn 100\.000 phần tử XML"):
        run(path, commune, users)


def test_a_document_type_declaration_is_unreadable(tmp_path, commune, users, no_openpyxl):
    # Entities defined in a DOCTYPE could expand a few bytes into gigabytes ("billion laughs").
    entities = '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = tmp_path / "dtd.xlsx"
    registry_workbook(path)
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["xl/sharedStrings.xml"] = (entities + f'<sst xmlns="{MAIN}"><si><t>&b;</t></si></sst>').encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with pytest.raises(SpreadsheetError, match="Không đọc được tệp"):
        run(path, commune, users)


def test_checking_a_hostile_file_takes_little_memory(tmp_path):
    path = registry_workbook(tmp_path / "bom.xlsx", extra_strings=20_000, length=1_000)
    tracemalloc.start()
    try:
        with pytest.raises(limits.LimitError):
            limits.check_package(path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024  # the text is 20 MB; openpyxl would have held all of it


# --- the upload's declared length ----------------------------------------------------------------------------


@pytest.fixture
def body_never_read(monkeypatch):
    def refuse(self):
        raise AssertionError("the multipart body was read")

    monkeypatch.setattr(MultiPartParser, "parse", refuse)


def test_an_oversized_upload_is_refused_by_its_length_before_its_body_is_read(users, body_never_read):
    # CSRF checks on, as in a browser: the middleware reads a POST's form (for its token) before the view runs.
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["officer"])
    client.get(reverse("children:import"))
    token = client.cookies["csrftoken"].value
    upload = SimpleUploadedFile("lon.xlsx", b"PK" + b"\0" * (reader.MAX_BYTES + 100_000))
    response = client.post(reverse("children:import"), {"file": upload, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response.url == reverse("children:import")
    page = client.get(response.url).content.decode()
    assert "Tệp lớn hơn 10 MB: hãy chia thành nhiều tệp nhỏ hơn." in page
    assert not ImportJob.objects.exists()
