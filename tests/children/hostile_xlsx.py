"""Hostile .xlsx files built directly with zipfile (fast, tiny on disk, huge once unpacked), for the tests of
children.excel and for `make bench`."""

import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADERS = ("Mã hộ", "Chủ hộ", "Ấp/Sóc", "Họ và tên trẻ", "Ngày sinh", "Giới tính")
ROW = ("01-900", "Lê Văn Tám", "Ấp 1", "Lê Thị Mơ", "04/03/2019", "Nữ")


def _parts(shared_strings_path: str = "xl/sharedStrings.xml") -> dict[str, str]:
    types = (
        f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/{shared_strings_path}" ContentType="{CT}.sharedStrings+xml"/>'
        f"</Types>"
    )
    root_rels = (
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Target="xl/workbook.xml" '
        f'Type="{REL}/officeDocument"/></Relationships>'
    )
    workbook = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Trẻ em" sheetId="1" r:id="rId1"/>'
        f"</sheets></workbook>"
    )
    target = shared_strings_path.removeprefix("xl/")
    workbook_rels = (
        f'<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{REL}/worksheet"/>'
        f'<Relationship Id="rId2" Target="{target}" Type="{REL}/sharedStrings"/></Relationships>'
    )
    return {
        "[Content_Types].xml": types,
        "_rels/.rels": root_rels,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_rels,
    }


def _sheet(rows: list[list[str]]) -> str:
    """Cells referring to the shared strings 0, 1, 2, ... in order."""
    lines, index = [], 0
    for number, row in enumerate(rows, start=1):
        cells = "".join(f'<c r="{chr(65 + i)}{number}" t="s"><v>{index + i}</v></c>' for i in range(len(row)))
        index += len(row)
        lines.append(f'<row r="{number}">{cells}</row>')
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(lines)}</sheetData></worksheet>'


def _strings(values) -> str:
    return "".join(f"<si><t>{v}</t></si>" for v in values)


def registry_workbook(path: Path, *, sheet_xml: str | None = None, extra_strings: int = 0, length: int = 0,
                      shared_strings_path: str = "xl/sharedStrings.xml") -> Path:  # fmt: skip
    """A valid one-row registry file; with `extra_strings`, its shared-string table also holds that many
    unused strings of `length` repeated letters, written in blocks so that building it stays fast and small."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _parts(shared_strings_path).items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml or _sheet([list(HEADERS), list(ROW)]))
        with archive.open(shared_strings_path, "w") as part:
            part.write(f'<sst xmlns="{MAIN}">{_strings([*HEADERS, *ROW])}'.encode())
            block = ("<si><t>" + "A" * length + "</t></si>").encode() * 1000
            for _ in range(extra_strings // 1000):
                part.write(block)
            part.write(_strings(["A" * length] * (extra_strings % 1000)).encode())
            part.write(b"</sst>")
    return path


def unpacked_size(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(member.file_size for member in archive.infolist())
