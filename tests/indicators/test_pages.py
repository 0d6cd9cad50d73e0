"""The indicator board, a metric's page, the drill-down to children and entering values by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from children.models import BirthRegistration
from indicators.calculators import Period, Scope
from indicators.models import Measurement, StaleFigure
from indicators.selectors import current_plan
from indicators.services import recompute
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def _registry(hamlets, n):
    for i in range(n):
        home = HouseholdFactory(hamlet=hamlets[i % len(hamlets)])
        child = ChildFactory(household=home, date_of_birth=date(2022, 1 + i % 12, 1 + i % 28))
        if i % 4:
            BirthRegistration.objects.create(child=child, registered_on=date(2022, 6, 1))


@pytest.fixture
def computed(commune):
    plan = current_plan(commune=commune)
    hamlets = list(commune.hamlets.order_by("position")[:2])
    _registry(hamlets, 8)  # 6 of 8 registered: 75%
    for year in (2021, 2025):
        recompute(plan=plan, period=Period(year), scope=Scope(commune))
        for h in hamlets:
            recompute(plan=plan, period=Period(year), scope=Scope(commune, h))
    return plan


def test_the_board_shows_values_targets_and_statuses(users, client_for, computed):
    page = client_for(users["chairman"]).get(reverse("indicators:board"), {"nam": 2025})
    content = page.content.decode()
    codes = [r["v"].metric.code for _o, rows in page.context["objectives"] for r in rows]
    assert codes[:6] == ["1", "2", "3a", "3b", "3c", "4a"] and len(codes) == 34
    assert "75%" in content and "≥ 99%" in content  # indicator 14 against its 2025 target
    row = next(r for _o, rows in page.context["objectives"] for r in rows if r["v"].metric.code == "14")
    # No child was born by 2021: no base, so 75% against 2030's target is "not achieved, no trend yet", and
    # 2025's own verdict is "không đạt".
    progress = row["v"].progress
    assert row["v"].value == Decimal("75") and (progress.status, progress.reason) == ("not_achieved", "no_base")
    assert progress.target_year == 2030 and progress.verdict.achieved is False
    assert "Chưa đạt chỉ tiêu" in content and "chưa có xu hướng" in content and "không đạt" in content
    for header in (
        "Giá trị năm 2025",
        "Chỉ tiêu 2025",
        "Chỉ tiêu 2030",
        "Kết quả 2025",
        "so với chỉ tiêu 2030",
    ):
        assert header in content
    # Every badge is explained on the page.
    assert "Cách đọc bảng" in content and "số liệu chưa đầy đủ:" in content and "nhập tay:" in content


def test_the_metric_page_has_its_years_hamlets_and_chart(users, client_for, computed, hamlet_a):
    page = client_for(users["officer"]).get(reverse("indicators:metric", args=["14"]), {"nam": 2025})
    assert [h.year for h in page.context["history"]] == [2021, 2025]
    by_hamlet = dict((h.code, v) for h, v in page.context["hamlets"])
    # Ấp 1 holds children 0, 2, 4 and 6 of the 8; 2 and 6 are registered: 2 of 4.
    assert by_hamlet["ap-1"].value == Decimal("50") and by_hamlet["ap-13"] is None
    assert 'id="metric-chart-data"' in page.content.decode()
    # A time axis: points at their years (2021 has no child yet, so no point), the targets as lines.
    chart = page.context["chart"]
    assert chart["points"] == [{"x": 2025, "y": 75.0}] and (chart["from"], chart["to"]) == (2021, 2030)
    assert chart["targets"] == [{"year": 2025, "value": 99.0}, {"year": 2030, "value": 100.0}]
    assert chart["incomplete"] == []


def test_the_drill_down_lists_the_children_counted(users, client_for, computed):
    page = client_for(users["officer"]).get(reverse("indicators:drill-down", args=["14"]), {"nam": 2025})
    assert page.context["result"].numerator == 6 and len(page.context["page"]) == 6


def test_entered_values_override_and_a_computed_metric_needs_a_reason(users, client_for, computed, commune):
    client = client_for(users["officer"])
    url = reverse("indicators:enter", args=["14"])
    refused = client.post(url, {"year": 2025, "half": 0, "hamlet": "", "value": "90", "note": ""})
    assert "ghi lý do nhập thay" in refused.content.decode()
    kept = client.post(
        url, {"year": 2025, "half": 0, "hamlet": "", "value": "90,5", "note": "Số liệu rà soát của Tư pháp"}
    )
    assert kept.status_code == 302
    board = client.get(reverse("indicators:board"), {"nam": 2025})
    row = next(r for _o, rows in board.context["objectives"] for r in rows if r["v"].metric.code == "14")
    assert (row["v"].value, row["v"].source) == (Decimal("90.5"), "entered")
    assert Measurement.objects.filter(metric__code="14", year=2025, hamlet=None).count() == 2  # both kept


def test_only_the_lead_unit_enters_a_metric(users, client_for, commune):
    health = client_for(users["health"])
    ok = health.post(reverse("indicators:enter", args=["6"]), {"year": 2025, "half": 0, "value": "1,5"})
    assert ok.status_code == 302  # the health station leads indicator 6
    assert health.get(reverse("indicators:enter", args=["7"])).status_code == 403  # the schools lead 7
    school = client_for(users["school"])
    assert school.get(reverse("indicators:enter", args=["7"])).status_code == 200  # a school acts for the group
    entered = Measurement.objects.get(metric__code="6")
    assert entered.value == Decimal("1.5") and entered.by == users["health"]


def test_values_can_be_entered_as_numerator_and_denominator(users, client_for):
    client_for(users["officer"]).post(
        reverse("indicators:enter", args=["22"]), {"year": 2025, "half": 0, "numerator": "30", "denominator": "120"}
    )
    assert Measurement.objects.get(metric__code="22").value == Decimal("25.000")


@pytest.mark.parametrize("name, kwargs", [("indicators:board", {}), ("indicators:metric", {"code": "14"})])
def test_board_and_metric_pages_make_the_same_number_of_queries_for_more_children(
    users, client_for, commune, name, kwargs, django_assert_max_num_queries
):
    plan = current_plan(commune=commune)
    hamlets = list(commune.hamlets.order_by("position"))
    client = client_for(users["chairman"])
    _registry(hamlets, 20)
    recompute(plan=plan, period=Period(2025), scope=Scope(commune))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name, kwargs=kwargs), {"nam": 2025})
    _registry(hamlets, 200)
    recompute(plan=plan, period=Period(2025), scope=Scope(commune))
    for h in hamlets:
        recompute(plan=plan, period=Period(2025), scope=Scope(commune, h))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(name, kwargs=kwargs), {"nam": 2025})


def test_the_drill_down_follows_what_the_child_page_shows(users, client_for, computed):
    school, health = client_for(users["school"]), client_for(users["health"])
    assert school.get(reverse("indicators:drill-down", args=["13"]), {"nam": 2025}).status_code == 403  # events
    assert health.get(reverse("indicators:drill-down", args=["8a"]), {"nam": 2025}).status_code == 403  # protection
    assert health.get(reverse("indicators:drill-down", args=["4a"]), {"nam": 2025}).status_code == 200  # health
    assert school.get(reverse("indicators:drill-down", args=["17b"]), {"nam": 2025}).status_code == 200  # school
    page = health.get(reverse("indicators:metric", args=["8a"]), {"nam": 2025})
    assert page.context["can_drill"] is False


def test_a_reduction_entered_as_counts_is_a_reduction(users, client_for):
    client = client_for(users["officer"])
    # 13 has a calculator: replacing it needs a reason. 49 marriages against 50: a 2% reduction.
    data = {"year": 2025, "half": 0, "numerator": "49", "denominator": "50", "note": "Số liệu Tư pháp"}
    client.post(reverse("indicators:enter", args=["13"]), data)
    assert Measurement.objects.get(metric__code="13").value == Decimal("2.000")
    refused = client.post(reverse("indicators:enter", args=["22"]),
                          {"year": 2025, "half": 0, "numerator": "150", "denominator": "100"})  # fmt: skip
    assert "Tỷ lệ phần trăm từ 0 đến 100." in refused.content.decode()


@pytest.mark.parametrize("year", ["abc", "10000", "0", "-3", "99999999999999999999"])
def test_odd_years_fall_back_to_this_year(users, client_for, year):
    client = client_for(users["officer"])
    this_year = timezone.localdate().year
    board = client.get(reverse("indicators:board"), {"nam": year})
    assert board.status_code == 200 and board.context["year"] == this_year
    drill = client.get(reverse("indicators:drill-down", args=["14"]), {"nam": year})
    assert drill.status_code == 200 and drill.context["year"] == this_year


def test_an_unknown_hamlet_is_not_found(users, client_for):
    assert client_for(users["officer"]).get(reverse("indicators:board"), {"ap": "ap-99"}).status_code == 404


def test_the_drill_down_shows_the_boards_figure_beside_the_live_one(users, client_for, computed, hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a)
    ChildFactory(household=home, date_of_birth=date(2023, 3, 3))  # added since the last recompute
    page = client_for(users["officer"]).get(reverse("indicators:drill-down", args=["14"]), {"nam": 2025})
    assert page.context["stored"].value == Decimal("75") and page.context["value"] != Decimal("75")
    # The new child marked the figures stale: the board's figure is said to be being recomputed.
    assert "số trên bảng đang được tính lại" in page.content.decode()
    StaleFigure.objects.all().delete()  # a change the marks missed: the officer can have it recomputed
    page = client_for(users["officer"]).get(reverse("indicators:drill-down", args=["14"]), {"nam": 2025})
    assert "khác số tính lúc này: dữ liệu đã thay đổi." in page.content.decode()
    assert f'action="{reverse("indicators:recompute")}"' in page.content.decode()


def test_the_level_above_picks_a_commune_on_the_board_and_keeps_it(users, client_for, other_commune, computed):
    client = client_for(users["district"])
    board = client.get(reverse("indicators:board"), {"nam": 2025, "xa": "tan-loi"})
    assert board.status_code == 200 and 'name="xa"' in board.content.decode()
    assert "xa=tan-loi" in board.content.decode()
    assert client.get(reverse("indicators:metric", args=["14"]), {"nam": 2025, "xa": "tan-loi"}).status_code == 200
    assert client.get(reverse("indicators:board")).status_code == 200  # none chosen: the first commune


def test_the_drill_down_makes_the_same_number_of_queries_for_more_children(
    users, client_for, commune, django_assert_max_num_queries
):
    code = "14"  # lists the under-5s counted as registered: three in four of the registry below
    hamlets = list(commune.hamlets.order_by("position"))
    client = client_for(users["officer"])
    _registry(hamlets, 20)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("indicators:drill-down", args=[code]), {"nam": 2025}).status_code == 200
    _registry(hamlets, 200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("indicators:drill-down", args=[code]), {"nam": 2025})
    assert response.context["page"].paginator.count == 165  # 15 of the first 20, 150 of the next 200


def test_the_plan_page_works_for_the_admin_of_a_one_commune_installation(users, client_for):
    admin_page = client_for(users["admin"]).get(reverse("indicators:plan"))
    assert admin_page.context["plan"].commune.code == "tan-loi"


def test_the_level_above_picks_a_commune_for_the_plan_when_there_are_several(users, client_for, other_commune):
    district = client_for(users["district"])
    assert district.get(reverse("indicators:plan")).context["plan"] is None  # two communes: pick one
    picked = district.get(reverse("indicators:plan"), {"xa": "tan-loi"})
    assert picked.context["plan"].commune.code == "tan-loi" and "76,9%" in picked.content.decode()


def test_the_officer_chooses_a_base_year_with_a_reason_and_the_board_shows_it(users, client_for, computed, commune):
    client = client_for(users["officer"])
    url = reverse("indicators:baseline", args=["14"])
    refused = client.post(url, {"year": "2021", "reason": " "})
    assert refused.status_code == 200 and "Ghi lý do chọn năm gốc này." in refused.content.decode()
    assert client.post(url, {"year": "2021", "reason": "Số liệu năm 2021 đã được Tư pháp rà soát"}).status_code == 302
    row = next(
        r
        for _o, rows in client.get(reverse("indicators:board"), {"nam": 2025}).context["objectives"]
        for r in rows
        if r["v"].metric.code == "14"
    )
    # 2021 has no value (no child was born yet): the chosen base gives no trend, and the board says whose choice.
    assert row["v"].base_chosen and row["v"].progress.base_year is None
    board = client.get(reverse("indicators:board"), {"nam": 2025}).content.decode()
    assert "năm gốc cán bộ chọn chưa có số liệu đầy đủ" in board
    page = client.get(reverse("indicators:metric", args=["14"])).content.decode()
    assert "2021 (cán bộ chọn: Số liệu năm 2021 đã được Tư pháp rà soát)" in page
    assert client.post(url, {"reason": "x"}).status_code == 200  # no year: nothing changes
    assert client.post(url, {"automatic": "1"}).status_code == 302  # back to the first complete year
    assert (
        "năm đầu tiên của kế hoạch có số liệu đầy đủ"
        in client.get(reverse("indicators:metric", args=["14"])).content.decode()
    )


@pytest.mark.parametrize(
    "language, numerator, denominator",
    [
        ("vi", "12,5", "1.234,5"),
        ("vi", "12.5", "1 234.5"),
        ("en", "12.5", "1,234.5"),
        ("en", "12,5", "1234,5"),  # the decimal comma people type in English too
    ],
)
def test_a_value_is_typed_either_way_in_either_language(users, client_for, language, numerator, denominator):
    officer = client_for(users["officer"])
    officer.post(reverse("set_language"), {"language": language, "next": "/"})
    data = {"year": 2025, "half": 0, "numerator": numerator, "denominator": denominator}
    assert officer.post(reverse("indicators:enter", args=["22"]), data).status_code == 302
    entered = Measurement.objects.get(metric__code="22")
    assert (entered.numerator, entered.denominator) == (Decimal("12.5"), Decimal("1234.5"))


@pytest.mark.parametrize(
    "language, typed, says",
    [
        ("vi", "1.234", "“1.234” đọc được hai cách: viết 1234 nếu là hàng nghìn, 1,234 nếu có số lẻ."),
        ("en", "1,234", "“1,234” can be read two ways: write 1234 for a number in thousands, 1.234 for a decimal."),
    ],
)
def test_a_number_that_reads_two_ways_is_refused_saying_how_to_write_it(users, client_for, language, typed, says):
    """1.234 is a thousand and more in Vietnamese, 1,234 in English: never guessed, and nothing is saved."""
    health = client_for(users["health"])
    health.post(reverse("set_language"), {"language": language, "next": "/"})
    response = health.post(reverse("indicators:enter", args=["6"]), {"year": 2025, "half": 0, "value": typed})
    content = response.content.decode()
    assert response.status_code == 200 and escape(says) in content
    assert f'value="{typed}"' in content  # what was typed stays in the box
    assert not Measurement.objects.filter(metric__code="6").exists()
