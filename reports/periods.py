"""Reporting periods: which days a periodic report's figures cover, by the commune's cut-off rule (Nghị định
09/2019/NĐ-CP by default, or the calendar). Defined in indicators.report_periods, beside the calculators it bounds,
so that the indicators' own command can use it; the reports read it from here."""

from indicators.report_periods import (
    CALENDAR,
    FIRST_YEAR,
    LAST_YEAR,
    ND09,
    ReportPeriod,
    parse_period,
    period_bounds,
    period_code,
    period_label,
    report_period,
)

__all__ = [
    "CALENDAR",
    "FIRST_YEAR",
    "LAST_YEAR",
    "ND09",
    "ReportPeriod",
    "parse_period",
    "period_bounds",
    "period_code",
    "period_label",
    "report_period",
]
