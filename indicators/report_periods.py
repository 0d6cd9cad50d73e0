"""Reporting periods: which days a periodic report's figures cover, by the commune's setting.

Nghị định 09/2019/NĐ-CP (the statistical reporting rule, the default): a half-year report covers 15/12 of the
year before to 14/06, a year's report 15/12 of the year before to 14/12. The calendar rule: 01/01 to 30/06, and
01/01 to 31/12. Only the year and the first half-year are report periods (DESIGN section 6).

It lives with the indicators, whose calculators it bounds, so that `indicator_values --period` can use it (an app
imports only from the apps below it); the reports import it from reports.periods.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from indicators.calculators import Period
from tanloi_portal.models import Commune

ND09 = Commune.ReportCutoff.ND09
CALENDAR = Commune.ReportCutoff.CALENDAR
FIRST_YEAR, LAST_YEAR = 2000, 2100

# "2026", "2026-H1", "2026 h1", "2026H1", "H1-2026", "H1/2026" (case and spaces ignored).
_YEAR = re.compile(r"^([0-9]{4})$")
_YEAR_HALF = re.compile(r"^([0-9]{4})\s*[-/ ]?\s*H\s*([0-9])$", re.IGNORECASE | re.ASCII)
_HALF_YEAR = re.compile(r"^H\s*([0-9])\s*[-/ ]?\s*([0-9]{4})$", re.IGNORECASE | re.ASCII)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def period_code(year: int, half: int) -> str:
    """ "2026", "2026-H1": what `--period` takes and the export log records."""
    return f"{year}-H1" if half == 1 else str(year)


def period_label(year: int, half: int) -> str:
    if half == 1:
        return _("6 tháng đầu năm %(year)s") % {"year": year}
    return _("năm %(year)s") % {"year": year}


@dataclass(frozen=True)
class ReportPeriod:
    year: int
    half: int  # 0: the year; 1: the first half-year
    start: date
    end: date
    rule: str  # Commune.ReportCutoff

    @property
    def code(self) -> str:
        return period_code(self.year, self.half)

    @property
    def label(self) -> str:
        return period_label(self.year, self.half)

    @property
    def rule_text(self) -> str:
        """The cut-off rule as the workbook's and the report's headers print it."""
        days = {"start": _day(self.start), "end": _day(self.end)}
        if self.rule == ND09:
            return (
                _(
                    "Số liệu từ ngày %(start)s đến ngày %(end)s "
                    "(thời gian chốt số liệu theo Điều 12 Nghị định 09/2019/NĐ-CP)"
                )
                % days
            )
        return _("Số liệu từ ngày %(start)s đến ngày %(end)s (theo năm dương lịch)") % days

    def calculator_period(self) -> Period:
        """The calculators' period with this report period's bounds (year stays the report's year)."""
        return Period(self.year, self.half, first=self.start, last=self.end)


def parse_period(text) -> tuple[int, int]:
    """(year, half) from "2026" or "2026-H1" (also "2026-h1", "2026H1", "H1-2026"); ValueError otherwise, with a
    message for the user."""
    value = str(text or "").strip()
    if len(value) > 20:
        value = value[:20] + "…"
    year = half = None
    if match := _YEAR.match(value):
        year, half = int(match.group(1)), 0
    elif match := _YEAR_HALF.match(value):
        year, half = int(match.group(1)), int(match.group(2))
    elif match := _HALF_YEAR.match(value):
        year, half = int(match.group(2)), int(match.group(1))
    if year is None:
        raise ValueError(
            _("Kỳ báo cáo “%(value)s” không hợp lệ: ghi năm (ví dụ 2026) hoặc 6 tháng đầu năm (ví dụ 2026-H1).")
            % {"value": value}
        )
    if half != 0 and half != 1:
        raise ValueError(
            _("Kỳ báo cáo “%(value)s” không hợp lệ: chỉ có báo cáo 6 tháng đầu năm (H1) và báo cáo năm.")
            % {"value": value}
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("Năm %(year)s nằm ngoài khoảng cho phép (%(first)s-%(last)s).")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return year, half


def period_bounds(rule: str, year: int, half: int) -> tuple[date, date]:
    """The first and last day of the period under the rule."""
    if half not in (0, 1):
        raise ValueError(_("Chỉ có báo cáo 6 tháng đầu năm (H1) và báo cáo năm."))
    if rule == ND09:
        return date(year - 1, 12, 15), date(year, 6, 14) if half == 1 else date(year, 12, 14)
    if rule == CALENDAR:
        return date(year, 1, 1), date(year, 6, 30) if half == 1 else date(year, 12, 31)
    raise ValueError(f"unknown report cut-off rule {rule!r}")


def report_period(commune: Commune, year: int, half: int = 0) -> ReportPeriod:
    """The report period of the commune for the year (half 0) or its first half-year (half 1)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("Năm %(year)s nằm ngoài khoảng cho phép (%(first)s-%(last)s).")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    rule = commune.report_cutoff or ND09
    start, end = period_bounds(rule, year, half)
    return ReportPeriod(year=year, half=half, start=start, end=end, rule=rule)
