"""Numbers in the active language: shown the Vietnamese way in Vietnamese (a decimal comma and a dot between
thousands, 1.234,5), the English way in English (1,234.5); typed either way in both."""

import re
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext, ngettext

_TYPED = re.compile(r"^[+-]?(\d*)(?:([.,])(\d*))?$")


def format_number(value: Decimal | float | int | None, max_decimals: int = 2) -> str:
    """76.900 -> "76,9"; 80 -> "80"; 3500 -> "3.500"; None (or a template's missing value "") -> "-"."""
    if value is None or value == "":
        return "-"
    quantized = Decimal(str(value)).quantize(Decimal(1).scaleb(-max_decimals))
    text = format(quantized.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(quantized, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def read_number(text: str) -> str:
    """A number as typed on a form ("12,5", "12.5", "1.234,5", " 1 234 "), as Django reads it ("12.5", "1234.5",
    "1234"), whichever language the form is in: people type the decimal comma in the English interface too.

    The language's own decimal separator is always the decimal one, and its own thousands separator is read as
    such where the number is written in full ("1.234,5", "1.234.567" in Vietnamese; "1,234.5" in English). A lone
    other separator is decimal too, unless three digits follow it after a whole part: "1.234" in Vietnamese and
    "1,234" in English may mean a thousand and more, so they are refused with a message saying how to write them,
    never read the wrong way. A space between thousands is dropped."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)
    decimal = get_format("DECIMAL_SEPARATOR")
    thousands = "." if decimal == "," else ","
    grouped = re.fullmatch(rf"([+-]?\d{{1,3}}(?:\{thousands}\d{{3}})+)(?:\{decimal}(\d*))?", compact)
    if grouped and (grouped[2] is not None or compact.count(thousands) > 1):
        return grouped[1].replace(thousands, "") + (f".{grouped[2]}" if grouped[2] else "")
    match = _TYPED.match(compact)
    if match is None or not (match[1] or match[3]):
        return compact  # empty, or not a number at all: the field's own message
    whole, separator, fraction = match[1], match[2], match[3]
    if separator == thousands and len(fraction) == 3 and whole.strip("0"):
        raise ValidationError(
            gettext("“%(typed)s” đọc được hai cách: viết %(thousands)s nếu là hàng nghìn, %(decimal)s nếu có số lẻ."),
            code="ambiguous",
            params={"typed": text.strip(), "thousands": whole + fraction, "decimal": f"{whole}{decimal}{fraction}"},
        )
    return compact.replace(",", ".")


def format_elapsed(since: datetime | None, now: datetime | None = None) -> str:
    if since is None:
        return "-"
    seconds = max(int(((now or timezone.now()) - since).total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [
        (days, ngettext("%(n)d ngày", "%(n)d ngày", days)),
        (hours, ngettext("%(n)d giờ", "%(n)d giờ", hours)),
        (minutes, ngettext("%(n)d phút", "%(n)d phút", minutes)),
    ]
    shown = [text % {"n": n} for n, text in parts if n][:2]
    return " ".join(shown) or gettext("vừa xong")
