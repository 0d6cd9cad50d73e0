"""The workbook for the level above: the period's figures, aggregates only, zeros written, totals that add up,
the same figures as `indicator_values --period`; the download page, its roles and scope, and the export log."""

import hashlib
import io
import json
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from cases.services import case_open
from children.models import BirthRegistration, Child, CircumstanceMembership, SpecialCircumstanceGroup
from children.selectors import group_hamlet_table
from reports.figures import TotalsMismatch, check_total, period_figures, period_situation
from reports.periods import report_period
from reports.workbook import build_workbook
from tanloi_portal.models import Commune, ExportRecord, Role, WorkbookJob
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

SHEETS = ["Chỉ số", "Trẻ em HCĐB", "Đăng ký khai sinh", "Vụ việc"]
# Names no heading, label or figure of the workbook could hold by chance.
NAMES = ["Quách Thị Xuyênkhung", "Lưu Văn Ngọcbích", "Đoàn Thị Hoàngyếnnhi", "Mạc Văn Thạchsùng"]
BIRTHS = [date(2012, 3, 9), date(2022, 7, 23), date(2024, 11, 5), date(2019, 1, 31)]


@pytest.fixture
def registry(commune, hamlet_a, hamlet_b, users):
    """Four children of distinctive names in two hamlets: two in special circumstances (a boy and a girl), one
    birth registered, one case."""
    children = []
    for i, (name, born) in enumerate(zip(NAMES, BIRTHS, strict=True)):
        home = HouseholdFactory(hamlet=hamlet_a if i < 2 else hamlet_b)
        sex = Child.Sex.MALE if i % 2 else Child.Sex.FEMALE
        children.append(ChildFactory(household=home, full_name=name, date_of_birth=born, sex=sex))
    disabled = SpecialCircumstanceGroup.objects.get(number=4)
    for child in children[:2]:
        CircumstanceMembership.objects.create(child=child, group=disabled, started_on=date(2025, 1, 1))
    CircumstanceMembership.objects.create(
        child=children[0], group=SpecialCircumstanceGroup.objects.get(number=1), started_on=date(2025, 1, 1)
    )
    BirthRegistration.objects.create(child=children[1], registered_on=date(2022, 8, 1))
    case_open(child=children[2], concern="violence", channel="family", description="Mô tả bí mật của vụ việc",
              received_at=timezone.make_aware(datetime(2026, 3, 2, 9)), by=users["officer"])  # fmt: skip
    return children


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data), read_only=True)


def _rows(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _build(commune, user, year=2026, half=0) -> bytes:
    return build_workbook(communes=[commune], period_year=year, half=half, user=user)


def _indicator_values(period: str) -> dict:
    out = StringIO()
    call_command("indicator_values", "--period", period, stdout=out)
    return json.loads(out.getvalue())


def _metric_rows(book) -> dict:
    rows = _rows(book["Chỉ số"])
    header = next(i for i, row in enumerate(rows) if row[:3] == ("Xã", "Chỉ tiêu số", "Mã chỉ số"))
    out = {}
    for row in rows[header + 1 :]:
        if row[0] != "Tân Lợi":
            break
        out[row[2]] = row
    return out


def _as_decimal(cell) -> Decimal | None:
    return None if cell == "—" else Decimal(str(cell))


@pytest.mark.parametrize("period", ["2026", "2026-H1", "2025"])
def test_the_workbooks_figures_equal_indicator_values_for_the_same_period(registry, commune, users, period):
    printed = _indicator_values(period)
    year, half = (int(period[:4]), 1 if period.endswith("H1") else 0)
    assert printed["period"] == period and printed["rule"] == "nd09"
    metrics = _metric_rows(_workbook(_build(commune, users["officer"], year, half)))
    assert [v["code"] for v in printed["values"]] == list(metrics)
    for v in printed["values"]:
        row = metrics[v["code"]]
        for column, key in ((5, "value"), (6, "numerator"), (7, "denominator")):
            expected = None if v[key] is None else Decimal(v[key])
            assert _as_decimal(row[column]) == expected, (v["code"], key)
    births = next(v for v in printed["values"] if v["code"] == "14")
    assert (births["numerator"], births["denominator"]) == ("1", "2")  # the two under 5 at 14/12 or 14/06


def test_period_figures_are_json_with_the_status_rule(registry, commune):
    from indicators.selectors import current_plan

    period = report_period(commune, 2026, 0)
    figures = period_figures(plan=current_plan(commune=commune), period=period)
    assert json.loads(json.dumps(figures)) == figures
    keys = {"code", "indicator", "name", "unit", "value", "numerator", "denominator", "target_2025", "target_2030",
            "verdict_2025", "status", "status_label", "completeness", "complete", "source"}  # fmt: skip
    assert all(keys <= set(f) for f in figures)
    by_code = {f["code"]: f for f in figures}
    assert by_code["14"]["value"] == "50" and by_code["14"]["status"] == "not_achieved"
    assert by_code["14"]["target_2025"] == "99" and by_code["14"]["target_2030"] == "100"
    # No value is "no data", only then; a manual metric without an entered value has none.
    assert by_code["3a"]["value"] is None and by_code["3a"]["status"] == "no_data"
    assert by_code["6"]["source"] is None and by_code["6"]["status"] == "no_data"
    # 2026 judges against 2030, with the 2025 verdict from 2025's stored value (none here).
    assert by_code["14"]["target_year"] == 2030 and by_code["14"]["verdict_2025"] is None


def test_no_name_and_no_date_of_birth_anywhere_in_the_workbook(registry, commune, users):
    book = _workbook(_build(commune, users["officer"]))
    assert book.sheetnames == SHEETS
    words = {w.casefold() for name in NAMES for w in name.split() if len(w) > 4}
    births = {f"{b:%d/%m/%Y}" for b in BIRTHS} | {b.isoformat() for b in BIRTHS}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                assert not isinstance(cell, date | datetime), (sheet.title, cell)
                text = str(cell).casefold() if cell is not None else ""
                assert not any(w in text for w in words), (sheet.title, cell)
                assert not any(b in text for b in births), (sheet.title, cell)
                assert "bí mật" not in text  # the case's narrative


def test_every_sheet_is_headed_by_commune_period_export_date_and_rule(registry, commune, users):
    book = _workbook(_build(commune, users["officer"], 2026, 1))
    today = timezone.localdate().strftime("%d/%m/%Y")
    for sheet in book.worksheets:
        head = _rows(sheet)[:5]
        assert ("Xã", "Tân Lợi") in [r[:2] for r in head], sheet.title
        assert ("Kỳ báo cáo", "6 tháng đầu năm 2026") in [r[:2] for r in head]
        assert ("Ngày xuất", today) in [r[:2] for r in head]
        rule = (
            "Số liệu từ ngày 15/12/2025 đến ngày 14/06/2026 "
            "(thời gian chốt số liệu theo Điều 12 Nghị định 09/2019/NĐ-CP)"
        )
        assert ("Kỳ số liệu", rule) in [r[:2] for r in head]


def test_a_calendar_commune_says_so(commune, users):
    Commune.objects.filter(pk=commune.pk).update(report_cutoff=Commune.ReportCutoff.CALENDAR)
    commune.refresh_from_db()
    head = _rows(_workbook(_build(commune, users["officer"]))["Chỉ số"])[:5]
    assert ("Kỳ số liệu", "Số liệu từ ngày 01/01/2026 đến ngày 31/12/2026 (theo năm dương lịch)") in [
        r[:2] for r in head
    ]


def _tables(sheet) -> list[list[tuple]]:
    """The sheet's tables: each a header row (bold, starting "Xã") and the rows of the commune under it."""
    tables, current = [], None
    for row in _rows(sheet):
        if row and row[0] == "Xã" and len([c for c in row if c is not None]) > 2:
            current = [row]
            tables.append(current)
        elif current is not None and row and row[0] == "Tân Lợi":
            current.append(row)
        else:
            current = None
    return tables


def test_zeros_are_written_never_blanks(registry, commune, users):
    book = _workbook(_build(commune, users["officer"]))
    for title in SHEETS:
        for table in _tables(book[title]):
            width = len([c for c in table[0] if c is not None])
            for row in table[1:]:
                assert None not in row[:width] and "" not in row[:width], (title, row)
                if title != "Chỉ số":  # counts are numbers: a rate over nobody alone is "—"
                    assert all(isinstance(c, int) or c == "—" or isinstance(c, float) for c in row[2:width])
    cases = _tables(book["Vụ việc"])[0]
    assert len(cases) == 1 + 10 + 1  # every concern, zeros included, then the total


def test_totals_equal_their_parts(registry, commune, users):
    book = _workbook(_build(commune, users["officer"]))
    under16, groups = _tables(book["Trẻ em HCĐB"])
    assert under16[1][2:] == (2, 2, 4)
    rows = groups[1:]
    group_rows, sum_row, distinct_row = rows[:-2], rows[-2], rows[-1]
    assert len(group_rows) == 14
    for row in rows:
        cells = row[2:]
        hamlets = [cells[i : i + 3] for i in range(0, len(cells) - 3, 3)]
        for male, female, total in [*hamlets, cells[-3:]]:
            assert male + female == total
        assert sum(h[0] for h in hamlets) == cells[-3] and sum(h[2] for h in hamlets) == cells[-1]
    assert list(sum_row[2:]) == [sum(col) for col in zip(*(r[2:] for r in group_rows), strict=True)]
    assert sum_row[-1] == 3 and distinct_row[-1] == 2  # a girl in two groups counts in both, once in the last
    # Group 4 (disability): a girl and a boy of ấp 1.
    disability = next(r for r in group_rows if r[1].startswith("4."))
    assert disability[2:5] == (1, 1, 2) and disability[-3:] == (1, 1, 2)
    births = _tables(book["Đăng ký khai sinh"])[0][1:]
    assert births[-1][1] == "Toàn xã"
    for column in (2, 3, 4):
        assert sum(r[column] for r in births[:-1]) == births[-1][column]
    assert births[-1][2:5] == (2, 1, 1)
    cases = _tables(book["Vụ việc"])[0][1:]
    for column in range(2, len(cases[0])):
        assert sum(r[column] for r in cases[:-1]) == cases[-1][column]
    for row in cases:
        assert sum(row[5:]) == row[4]  # open at the end = the sum of the steps they were at
    assert cases[-1][2:5] == (1, 0, 1)


def test_the_groups_split_by_sex_adds_up_to_the_dashboards_table(registry, commune):
    period = report_period(commune, 2026, 0)
    situation = period_situation(commune=commune, period=period)
    json.dumps(situation)
    table = group_hamlet_table(commune=commune, on=period.end)
    for (group, counts, total), row in zip(table.rows, situation["groups"]["rows"], strict=True):
        assert row["number"] == group.number and row["total"] == total
        assert [sum(c.values()) for c in row["cells"]] == counts


def test_a_total_that_is_not_the_sum_of_its_parts_is_refused():
    assert check_total([1, 2], 3, "x") == 3
    with pytest.raises(TotalsMismatch):
        check_total([1, 2], 4, "x")


# --- the command ----------------------------------------------------------------------------------------------


def test_the_command_writes_the_file(registry, tmp_path):
    out = tmp_path / "bang.xlsx"
    call_command("export_workbook", "--period", "2026-H1", "--out", str(out), stdout=StringIO())
    assert load_workbook(out, read_only=True).sheetnames == SHEETS


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--period", "2026-H2"], "6 tháng đầu"), (["--period", "abc"], "không hợp lệ"),
     (["--period", "2026", "--commune", "khong-co"], "Không có xã"),
     (["--period", "2026", "--commune", "tan-hung"], "chưa có kế hoạch")],
)  # fmt: skip
def test_the_command_refuses_a_bad_period_commune_or_plan(args, message, tmp_path, other_commune):
    out = tmp_path / "bang.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("export_workbook", *args, "--out", str(out), stdout=StringIO())
    assert not out.exists() and not list(tmp_path.iterdir())


# --- the page -------------------------------------------------------------------------------------------------


def _download(client, data, django_capture_on_commit_callbacks) -> tuple[bytes, WorkbookJob]:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workbook-start"), data)
    assert response.status_code == 302, response.content[:500]
    job = WorkbookJob.objects.latest("created_at")
    assert response.url == reverse("workbook-job", kwargs={"pk": job.pk})
    assert client.get(response.url).status_code == 200
    download = client.get(reverse("workbook-download", kwargs={"pk": job.pk}))
    assert download.status_code == 200, job.message
    return b"".join(download.streaming_content), job


@pytest.mark.parametrize("who", ["officer", "chairman"])
def test_the_commune_downloads_its_workbook_and_the_export_log_has_it(
    who, registry, users, client_for, django_capture_on_commit_callbacks
):
    client = client_for(users[who])
    assert client.get(reverse("workbook")).status_code == 200
    data, job = _download(client, {"nam": "2026", "ky": "H1"}, django_capture_on_commit_callbacks)
    assert (job.year, job.half, job.commune.code, job.state) == (2026, 1, "tan-loi", "done")
    assert _workbook(data).sheetnames == SHEETS
    record = ExportRecord.objects.get()
    assert record.kind == ExportRecord.Kind.WORKBOOK and record.user == users[who]
    assert record.sha256 == hashlib.sha256(data).hexdigest() and record.size == len(data)
    assert (record.period, record.commune.code, record.file_name) == (
        "2026-H1",
        "tan-loi",
        "bang-tong-hop-tan-loi-2026-H1.xlsx",
    )


@pytest.mark.parametrize("who", ["ctv_a", "health", "school", "admin"])
def test_collaborators_unit_staff_and_the_admin_are_refused(who, users, client_for):
    client = client_for(users[who])
    assert client.get(reverse("workbook")).status_code == 403
    assert client.post(reverse("workbook-start"), {"nam": "2026"}).status_code == 403
    assert not WorkbookJob.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"nam": "abc"}, {"nam": "2026", "ky": "H2"}, {"nam": "1999"}, {"nam": "9" * 30}, {"nam": ""}, {"nam": "2099"},
     {"nam": "２０２６"}, {"nam": "2026", "ky": "x" * 500}],
)  # fmt: skip
def test_a_bad_period_gives_the_form_again_with_a_message(data, users, client_for):
    response = client_for(users["officer"]).post(reverse("workbook-start"), data)
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode() or "Năm" in response.content.decode()
    assert "alert-danger" in response.content.decode()
    assert not WorkbookJob.objects.exists()


def test_the_level_above_takes_one_of_its_communes_or_all_together(
    registry, users, client_for, other_commune, django_capture_on_commit_callbacks
):
    client = client_for(users["district"])  # no commune: it oversees every commune of the installation
    page = client.get(reverse("workbook")).content.decode()
    assert 'value="tan-hung"' in page and 'value="tan-loi"' in page
    data, job = _download(client, {"nam": "2026", "ky": ""}, django_capture_on_commit_callbacks)
    assert job.commune is None and job.communes == 2
    heads = [r[1] for r in _rows(_workbook(data)["Chỉ số"]) if r and r[0] == "Xã" and len(r) > 1]
    assert "Tân Hưng" in heads and "Tân Lợi" in heads
    # Tân Hưng has no plan: its block says so, the other sheets are still written for it.
    assert any("chưa có kế hoạch" in str(r[1]) for r in _rows(_workbook(data)["Chỉ số"]) if r and r[0] == "Tân Hưng")
    record = ExportRecord.objects.get()
    assert record.commune is None and record.filters == {"communes": ["tan-hung", "tan-loi"]}
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    _one, job = _download(client, {"nam": "2026", "xa": "tan-loi"}, django_capture_on_commit_callbacks)
    assert job.commune.code == "tan-loi" and ExportRecord.objects.count() == 2


def test_the_level_above_gets_only_its_communes(registry, users, client_for, other_commune):
    overseer = UserFactory(username="province", role=Role.DISTRICT, commune=other_commune)
    client = client_for(overseer)
    assert client.post(reverse("workbook-start"), {"nam": "2026", "xa": "tan-loi"}).status_code == 404
    assert (
        client_for(users["officer"]).post(reverse("workbook-start"), {"nam": "2026", "xa": "tan-hung"}).status_code
        == 404
    )
    assert not WorkbookJob.objects.exists()


def test_a_job_is_for_the_user_who_asked_alone(users, client_for, commune):
    job = WorkbookJob.objects.create(requested_by=users["officer"], commune=commune, year=2026)
    for name in ("workbook-job", "workbook-progress", "workbook-download"):
        url = reverse(name, kwargs={"pk": job.pk})
        assert client_for(users["chairman"]).get(url).status_code == 404
        assert client_for(users["district"]).get(url).status_code == 404
    progress = client_for(users["officer"]).get(reverse("workbook-progress", kwargs={"pk": job.pk})).json()
    assert progress == {"state": "queued", "final": False, "done": 0, "total": 0}
    # Not written yet: the download sends back to the job's page, and nothing is logged.
    download = client_for(users["officer"]).get(reverse("workbook-download", kwargs={"pk": job.pk}))
    assert download.status_code == 302 and not ExportRecord.objects.exists()


def test_a_user_deactivated_before_the_job_ran_gets_nothing(users, commune):
    from reports.workbook_jobs import workbook_file, workbook_run

    job = WorkbookJob.objects.create(requested_by=users["officer"], commune=commune, year=2026)
    type(users["officer"]).objects.filter(pk=users["officer"].pk).update(is_active=False)
    assert workbook_run(job.pk) is True
    job.refresh_from_db()
    assert job.state == "failed" and "quyền" in job.message and workbook_file(job) is None
    assert workbook_run(job.pk) is False  # a second delivery does nothing


def test_the_home_pages_link_to_the_workbook(users, client_for):
    for who, home in (("officer", "home-officer"), ("chairman", "home-chairman"), ("district", "home-district")):
        assert reverse("workbook") in client_for(users[who]).get(reverse(home)).content.decode(), who


def test_a_workbook_is_not_handed_to_a_user_who_no_longer_oversees_its_commune(
    registry, users, client_for, django_capture_on_commit_callbacks, other_commune
):
    officer = users["officer"]
    client = client_for(officer)
    _data, job = _download(client, {"nam": "2026", "ky": "H1"}, django_capture_on_commit_callbacks)
    officer.commune = other_commune  # moved to another commune after asking
    officer.save(update_fields=["commune"])
    assert client.get(reverse("workbook-download", kwargs={"pk": job.pk})).status_code == 404
    assert ExportRecord.objects.count() == 1


def test_the_workbook_is_in_vietnamese_for_an_english_reader(registry, commune, users):
    """A document for the level above: built from an English page (or a worker started in English), its
    headers and the plan's and the 14 groups' names are the Vietnamese ones."""
    metric = commune.plans.get().indicators.get(number=1).metrics.get()
    group = SpecialCircumstanceGroup.objects.get(number=1)
    with translation.override("en"):
        book = _workbook(_build(commune, users["district"]))
    text = " ".join(str(cell) for sheet in book.worksheets for row in _rows(sheet) for cell in row if cell)
    assert metric.title_vi in text and group.name_vi in text
    assert metric.title_en not in text and group.name_en not in text
