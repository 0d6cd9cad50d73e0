"""The workbook for the level above (.xlsx): a period's figures of one commune or of several.

Four sheets: "Chỉ số" (every metric of the plan: value, numerator, denominator, targets, 2025 verdict, status,
completeness), "Trẻ em HCĐB" (children under 16 by sex, and children in special circumstances by group x hamlet x
sex at the period's end), "Đăng ký khai sinh" (children under 5 with a registered birth, by hamlet) and "Vụ việc"
(cases by concern and step, commune totals only). The figures are reports.figures' for exactly the period, which
follows each commune's cut-off rule.

Several communes (the level above's): the same four sheets, with one block per commune stacked down each sheet,
each block headed by its commune, the period, the export date and that commune's cut-off rule (communes may follow
different rules, so each block states its own days), and a "Xã" column on every row, so that a sheet filters by
commune. One commune is the same with a single block.

Aggregates only: no name, personal ID, date of birth or narrative. Counts are always written, zeros included; "—"
stands for a value that does not exist (a metric without data, a rate over nobody), explained under each table.
Every total is checked against its parts before it is written (TotalsMismatch): a wrong workbook is never sent.
Written in openpyxl's write-only mode, a commune at a time, so memory does not grow with the number of communes.
"""

import io
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from children.selectors import communes_visible_to
from indicators.selectors import current_plan
from reports.figures import SEXES, check_total, period_figures, period_situation
from reports.periods import report_period
from tanloi_portal.documents import in_vietnamese

NONE = "—"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")


class NoPlan(ValueError):
    """The commune has no plan, so no metric to write."""


def _text(value: str) -> str:
    # Control characters openpyxl refuses are dropped; text is never read as a formula (formula injection).
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + value if value.startswith(("=", "+", "-", "@")) and len(value) > 1 else value


class _Sheet:
    """A write-only sheet: rows appended, counted, with bold header cells."""

    def __init__(self, workbook: Workbook, title: str, widths: list[int]):
        self.sheet = workbook.create_sheet(title)
        for index, width in enumerate(widths):
            self.sheet.column_dimensions[chr(ord("A") + index)].width = width
        self.rows = 0

    def _cell(self, value, font=None, alignment=None):
        if isinstance(value, str):
            value = _text(value)
        cell = WriteOnlyCell(self.sheet, value=value)
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        return cell

    def append(self, values, *, font=None):
        self.sheet.append([self._cell(v, font) for v in values])
        self.rows += 1

    def blank(self):
        self.sheet.append([])

    def header_block(self, *, title: str, commune, period, exported_on: str):
        """The block's head: what it is, the commune, the period, the export date and the cut-off rule."""
        self.append([title], font=TITLE)
        self.append([_("Xã"), commune.name], font=BOLD)
        self.append([_("Kỳ báo cáo"), period.label], font=BOLD)
        self.append([_("Ngày xuất"), exported_on], font=BOLD)
        self.append([_("Kỳ số liệu"), period.rule_text], font=BOLD)


def _number(text: str | None):
    """A metric's number as the cell holds it: a number, or "—" where there is none."""
    if text is None:
        return NONE
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else number


def _verdict(achieved: bool | None) -> str:
    if achieved is None:
        return NONE
    return _("Đạt") if achieved else _("Không đạt")


def _source(source: str | None) -> str:
    return {"computed": _("Tính từ sổ theo dõi"), "entered": _("Nhập tay")}.get(source or "", NONE)


METRIC_HEADERS = lambda: [  # noqa: E731 (translated when the workbook is written)
    _("Xã"),
    _("Chỉ tiêu số"),
    _("Mã chỉ số"),
    _("Nội dung chỉ số"),
    _("Đơn vị tính"),
    _("Giá trị"),
    _("Tử số"),
    _("Mẫu số"),
    _("Chỉ tiêu năm 2025"),
    _("Chỉ tiêu năm 2030"),
    _("Đánh giá chỉ tiêu 2025"),
    _("Tình trạng so với chỉ tiêu"),
    _("Độ đầy đủ của số liệu (%)"),
    _("Số liệu đầy đủ"),
    _("Nguồn số liệu"),
]


def _write_metrics(sheet: _Sheet, commune, figures: list[dict] | None) -> None:
    sheet.append(METRIC_HEADERS(), font=BOLD)
    if figures is None:
        sheet.append([commune.name, _("Xã chưa có kế hoạch: không có chỉ số nào.")])
        return
    for f in figures:
        status = f["status_label"] + (f" ({f['reason']})" if f.get("reason") else "")
        sheet.append(
            [
                commune.name,
                f["indicator"],
                f["code"],
                f["name"],
                f["unit_label"],
                _number(f["value"]),
                _number(f["numerator"]),
                _number(f["denominator"]),
                _number(f["target_2025"]),
                _number(f["target_2030"]),
                _verdict(f["verdict_2025"]),
                status,
                _number(f["completeness"]),
                _("Có") if f["complete"] else _("Chưa đầy đủ"),
                _source(f["source"]),
            ]
        )
    sheet.append([_("“—”: không có số liệu (chưa tính được hoặc chưa nhập), không phải số 0.")])


def _sex_headers(prefix: str) -> list[str]:
    return [f"{prefix} - {_('Nam')}", f"{prefix} - {_('Nữ')}", f"{prefix} - {_('Cộng')}"]


def _write_groups(sheet: _Sheet, commune, situation: dict) -> None:
    on = situation["on"]
    day = f"{on[8:10]}/{on[5:7]}/{on[0:4]}"
    under16 = situation["children_under_16"]
    sheet.append([_("Xã"), _("Trẻ em dưới 16 tuổi sống trên địa bàn ngày %(day)s") % {"day": day},
                  _("Nam"), _("Nữ"), _("Cộng")], font=BOLD)  # fmt: skip
    check_total([under16[s] for s in SEXES], under16["total"], "children under 16")
    sheet.append([commune.name, _("Toàn xã"), under16[SEXES[0]], under16[SEXES[1]], under16["total"]])
    sheet.blank()
    groups = situation["groups"]
    headers = [_("Xã"), _("Nhóm trẻ em có hoàn cảnh đặc biệt (ngày %(day)s)") % {"day": day}]
    for hamlet in groups["hamlets"]:
        headers += _sex_headers(hamlet)
    headers += _sex_headers(_("Toàn xã"))
    sheet.append(headers, font=BOLD)

    def cells_of(row) -> list[int]:
        """A row's cells: male, female and their sum per hamlet, then the commune's, checked against them."""
        out = []
        for pair in row["cells"]:
            out += [pair[SEXES[0]], pair[SEXES[1]], pair[SEXES[0]] + pair[SEXES[1]]]
        by_sex = row["by_sex"]
        for sex in SEXES:
            check_total([pair[sex] for pair in row["cells"]], by_sex[sex], f"group row, {sex}")
        total = check_total([by_sex[s] for s in SEXES], row["total"], "group row")
        check_total(out[2::3], total, "group row, hamlets")
        return [*out, by_sex[SEXES[0]], by_sex[SEXES[1]], total]

    rows = [(row, cells_of(row)) for row in groups["rows"]]
    for row, values in rows:
        sheet.append([commune.name, f"{row['number']}. {row['name']}", *values])
    # The groups' sum (a child in two groups counts in both): each column the sum of its cells, and its last (the
    # commune's) the sum of the hamlets' totals.
    totals = [sum(column) for column in zip(*(values for _row, values in rows), strict=True)] if rows else []
    if totals:
        check_total(totals[2:-3:3], totals[-1], "groups' sum")
    sheet.append([commune.name, _("Cộng các nhóm (trẻ thuộc nhiều nhóm được tính ở mỗi nhóm)"), *totals], font=BOLD)
    sheet.append(
        [commune.name, _("Số trẻ em thuộc ít nhất một nhóm (mỗi em tính một lần)"), *cells_of(groups["children"])],
        font=BOLD,
    )


def _write_births(sheet: _Sheet, commune, situation: dict, period) -> None:
    births = situation["birth_registration"]
    day = period.end.strftime("%d/%m/%Y")
    sheet.append(
        [
            _("Xã"),
            _("Ấp/sóc"),
            _("Trẻ em dưới 5 tuổi (ngày %(day)s)") % {"day": day},
            _("Đã đăng ký khai sinh"),
            _("Chưa đăng ký khai sinh"),
            _("Tỷ lệ đăng ký khai sinh (%)"),
        ],
        font=BOLD,
    )

    def rate(registered: int, total: int):
        return (Decimal(registered) * 100 / Decimal(total)).quantize(Decimal("0.1")) if total else NONE

    for row in births["rows"]:
        registered, total = row["registered"], row["total"]
        sheet.append([commune.name, row["hamlet"], total, registered, total - registered, rate(registered, total)])
    registered = check_total([r["registered"] for r in births["rows"]], births["registered"], "births registered")
    total = check_total([r["total"] for r in births["rows"]], births["total"], "children under 5")
    sheet.append(
        [commune.name, _("Toàn xã"), total, registered, total - registered, rate(registered, total)], font=BOLD
    )
    sheet.append([_("“—”: không có trẻ dưới 5 tuổi nên không có tỷ lệ.")])


def _write_cases(sheet: _Sheet, commune, situation: dict) -> None:
    cases = situation["cases"]
    steps = cases["steps"]
    sheet.append(
        [
            _("Xã"),
            _("Vấn đề được báo"),
            _("Tiếp nhận trong kỳ"),
            _("Kết thúc (đóng hồ sơ) trong kỳ"),
            _("Đang xử lý cuối kỳ"),
            *[_("Cuối kỳ ở bước: %(step)s") % {"step": s["label"]} for s in steps],
        ],
        font=BOLD,
    )
    for row in cases["rows"]:
        by_step = [row["steps"][s["status"]] for s in steps]
        check_total(by_step, row["open_at_end"], f"cases {row['concern']}")
        sheet.append([commune.name, row["label"], row["received"], row["closed"], row["open_at_end"], *by_step])
    totals = cases["totals"]
    for what in ("received", "closed", "open_at_end"):
        check_total([r[what] for r in cases["rows"]], totals[what], f"cases {what}")
    by_step = []
    for s in steps:
        by_step.append(check_total([r["steps"][s["status"]] for r in cases["rows"]], totals["steps"][s["status"]], ""))
    check_total(by_step, totals["open_at_end"], "cases open at the end by step")
    sheet.append(
        [commune.name, _("Cộng"), totals["received"], totals["closed"], totals["open_at_end"], *by_step], font=BOLD
    )
    sheet.append([_("Chỉ có số lượng của toàn xã: không ghi tên trẻ, không ghi nội dung vụ việc.")])


@in_vietnamese  # a document for the level above: its headers and the plan's names as the plan words them
def write_workbook(
    stream,
    *,
    communes: Iterable,
    period_year: int,
    half: int,
    user,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the workbook of the period for the communes into `stream`; the number of rows written. The user must
    oversee every commune (PermissionError; None for the command line, run with the server's rights); each commune's
    figures follow its own cut-off rule. A single commune without a plan is NoPlan; among several, its metrics
    block says it has none."""
    communes = list(communes)
    if not communes:
        raise ValueError(_("Không có xã nào để tổng hợp."))
    if user is not None:  # None: the command line, run with the server's own rights
        asked = [c.pk for c in communes]
        visible = set(communes_visible_to(user=user).filter(pk__in=asked).values_list("pk", flat=True))
        if any(c.pk not in visible for c in communes):
            raise PermissionError("the user does not oversee every commune asked")
    plans = {c.pk: current_plan(commune=c) for c in communes}
    if len(communes) == 1 and plans[communes[0].pk] is None:
        raise NoPlan(_("Xã %(name)s chưa có kế hoạch: nạp kế hoạch bằng lệnh load_plan trước.") % {"name": communes[0]})
    exported_on = timezone.localdate().strftime("%d/%m/%Y")
    workbook = Workbook(write_only=True)
    metrics = _Sheet(workbook, _("Chỉ số"), [14, 10, 10, 60, 16, 10, 10, 10, 12, 12, 14, 26, 14, 12, 18])
    groups = _Sheet(workbook, _("Trẻ em HCĐB"), [14, 60])
    births = _Sheet(workbook, _("Đăng ký khai sinh"), [14, 20, 18, 18, 18, 18])
    cases = _Sheet(workbook, _("Vụ việc"), [14, 30, 14, 14, 14])
    for done, commune in enumerate(communes, start=1):
        period = report_period(commune, period_year, half)
        plan = plans[commune.pk]
        figures = period_figures(plan=plan, period=period) if plan is not None else None
        situation = period_situation(commune=commune, period=period)
        heads = {"commune": commune, "period": period, "exported_on": exported_on}
        metrics.header_block(title=_("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU VỀ TRẺ EM"), **heads)
        _write_metrics(metrics, commune, figures)
        groups.header_block(title=_("TRẺ EM VÀ TRẺ EM CÓ HOÀN CẢNH ĐẶC BIỆT"), **heads)
        _write_groups(groups, commune, situation)
        births.header_block(title=_("ĐĂNG KÝ KHAI SINH CỦA TRẺ EM DƯỚI 5 TUỔI"), **heads)
        _write_births(births, commune, situation, period)
        cases.header_block(title=_("HỒ SƠ TRƯỜNG HỢP THEO VẤN ĐỀ VÀ BƯỚC XỬ LÝ"), **heads)
        _write_cases(cases, commune, situation)
        for sheet in (metrics, groups, births, cases):
            sheet.blank()
            sheet.blank()
        if progress is not None:
            progress(done, len(communes))
    workbook.save(stream)
    return metrics.rows + groups.rows + births.rows + cases.rows


def build_workbook(*, communes, period_year: int, half: int, user) -> bytes:
    """The workbook as bytes (write_workbook)."""
    stream = io.BytesIO()
    write_workbook(stream, communes=communes, period_year=period_year, half=half, user=user)
    return stream.getvalue()
