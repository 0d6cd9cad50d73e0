"""Report periods: the days a period's figures cover under each cut-off rule, and what --period accepts."""

from datetime import date

import pytest

from children.models import BirthRegistration, Death
from indicators.calculators import CALCULATORS, Period, Scope
from reports.periods import CALENDAR, ND09, ReportPeriod, parse_period, period_bounds, report_period
from tanloi_portal.models import Commune
from tests.factories import ChildFactory, HouseholdFactory


@pytest.mark.parametrize(
    ("rule", "half", "start", "end"),
    [
        (ND09, 1, date(2025, 12, 15), date(2026, 6, 14)),
        (ND09, 0, date(2025, 12, 15), date(2026, 12, 14)),
        (CALENDAR, 1, date(2026, 1, 1), date(2026, 6, 30)),
        (CALENDAR, 0, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_the_bounds_of_each_rule(rule, half, start, end):
    assert period_bounds(rule, 2026, half) == (start, end)
    period = report_period(Commune(report_cutoff=rule), 2026, half)
    assert (period.start, period.end, period.rule, period.year, period.half) == (start, end, rule, 2026, half)
    calculator = period.calculator_period()
    assert (calculator.start, calculator.end, calculator.year) == (start, end, 2026)


def test_codes_labels_and_rule_texts():
    nd09 = report_period(Commune(report_cutoff=ND09), 2026, 0)
    assert nd09.code == "2026" and nd09.label == "năm 2026"
    assert nd09.rule_text == (
        "Số liệu từ ngày 15/12/2025 đến ngày 14/12/2026 (thời gian chốt số liệu theo Điều 12 Nghị định 09/2019/NĐ-CP)"
    )
    half = report_period(Commune(report_cutoff=CALENDAR), 2026, 1)
    assert half.code == "2026-H1" and half.label == "6 tháng đầu năm 2026"
    assert half.rule_text == "Số liệu từ ngày 01/01/2026 đến ngày 30/06/2026 (theo năm dương lịch)"


def test_a_commune_follows_nghi_dinh_09_by_default(commune):
    assert commune.report_cutoff == Commune.ReportCutoff.ND09
    assert report_period(commune, 2026, 1).start == date(2025, 12, 15)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("2026", (2026, 0)), ("2026-H1", (2026, 1)), ("2026-h1", (2026, 1)), (" 2026H1 ", (2026, 1)),
     ("H1-2026", (2026, 1)), ("h1/2026", (2026, 1)), ("2000", (2000, 0)), ("2100-H1", (2100, 1))],
)  # fmt: skip
def test_parse_period_accepts_a_year_or_its_first_half(text, parsed):
    assert parse_period(text) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "không hợp lệ"), ("abc", "không hợp lệ"), ("2026-H2", "chỉ có báo cáo 6 tháng đầu năm"),
     ("2026-H3", "chỉ có"), ("1999", "nằm ngoài khoảng"), ("2101-H1", "nằm ngoài khoảng"), ("26", "không hợp lệ"),
     ("2026-07", "không hợp lệ"), ("２０２６", "không hợp lệ"), ("9" * 40, "không hợp lệ"), (None, "không hợp lệ")],
)  # fmt: skip
def test_parse_period_refuses_anything_else_in_vietnamese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_period(text)


def test_a_report_period_is_frozen():
    period = ReportPeriod(2026, 0, date(2025, 12, 15), date(2026, 12, 14), ND09)
    with pytest.raises(AttributeError):
        period.year = 2027  # type: ignore[misc]


def test_the_calculators_default_period_is_unchanged():
    assert (Period(2026).start, Period(2026).end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert (Period(2026, 1).start, Period(2026, 1).end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert (Period(2026, 2).start, Period(2026, 2).end) == (date(2026, 7, 1), date(2026, 12, 31))


@pytest.mark.django_db
def test_a_birth_on_20_december_2025_counts_in_2026_under_nghi_dinh_09_and_not_under_the_calendar(commune, hamlet_a):
    """A real calculator difference: live births (3a's denominator) and deaths are counted by the period's days."""
    home = HouseholdFactory(hamlet=hamlet_a)
    born = ChildFactory(household=home, date_of_birth=date(2025, 12, 20))
    Death.objects.create(child=born, died_on=date(2025, 12, 22), cause=Death.Cause.ILLNESS)
    scope = Scope(commune)
    nd09 = report_period(Commune(report_cutoff=ND09), 2026, 0).calculator_period()
    calendar = report_period(Commune(report_cutoff=CALENDAR), 2026, 0).calculator_period()
    neonatal = CALCULATORS["3a"]
    assert (neonatal(nd09, scope).numerator, neonatal(nd09, scope).denominator) == (1, 1)
    assert (neonatal(calendar, scope).numerator, neonatal(calendar, scope).denominator) == (0, 0)
    # And the other way round for a stock counted at the period's end: a birth registered on 20/12/2025 is in the
    # calendar year 2025's figure (to 31/12), not in Nghị định 09's 2025 (to 14/12/2025).
    older = ChildFactory(household=home, date_of_birth=date(2023, 3, 1))
    BirthRegistration.objects.create(child=older, registered_on=date(2025, 12, 20))
    registration = CALCULATORS["14"]
    nd09_2025 = report_period(Commune(report_cutoff=ND09), 2025, 0).calculator_period()
    calendar_2025 = report_period(Commune(report_cutoff=CALENDAR), 2025, 0).calculator_period()
    assert registration(calendar_2025, scope).numerator == 1
    assert registration(nd09_2025, scope).numerator == 0


@pytest.mark.django_db
def test_last_years_days_follow_the_bounds(commune, hamlet_a):
    """13 compares the period with the same days a year earlier, and 5a counts the children who turned 1 in the
    period: both from the bounds, not from the calendar year."""
    from children.models import ChildMarriage

    home = HouseholdFactory(hamlet=hamlet_a)
    bride = ChildFactory(household=home, date_of_birth=date(2009, 1, 1))
    # 20/12/2024 is in Nghị định 09's 2025 (15/12/2024-14/12/2025): the year before its 2026, not the calendar's.
    ChildMarriage.objects.create(child=bride, married_on=date(2024, 12, 20))
    scope = Scope(commune)
    nd09 = report_period(Commune(report_cutoff=ND09), 2026, 0).calculator_period()
    calendar = report_period(Commune(report_cutoff=CALENDAR), 2026, 0).calculator_period()
    assert (CALCULATORS["13"](nd09, scope).numerator, CALCULATORS["13"](nd09, scope).denominator) == (0, 1)
    assert CALCULATORS["13"](calendar, scope).denominator == 0
    ChildFactory(household=home, date_of_birth=date(2024, 12, 20))  # turned 1 on 20/12/2025
    assert CALCULATORS["5a"](nd09, scope).denominator == 1
    assert CALCULATORS["5a"](calendar, scope).denominator == 0


@pytest.mark.django_db
def test_the_admin_edits_the_communes_cut_off_rule(commune, users, client_for):
    from django.urls import reverse

    client = client_for(users["admin"])
    url = reverse("admin:tanloi_portal_commune_change", args=[commune.pk])
    page = client.get(url).content.decode()
    assert 'name="report_cutoff"' in page and "Theo năm dương lịch" in page
