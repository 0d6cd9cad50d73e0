"""Numbers shown the Vietnamese way: a decimal comma and a dot between thousands (1.234,5)."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext


def format_number(value: Decimal | float | int | None, max_decimals: int = 2) -> str:
    """76.900 -> "76,9"; 80 -> "80"; 3500 -> "3.500"; None (or a template's missing value "") -> "-"."""
    if value is None or value == "":
        return "-"
    quantized = Decimal(str(value)).quantize(Decimal(1).scaleb(-max_decimals))
    text = format(quantized.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(quantized, decimal_pos=decimals, use_l10n=True, force_grouping=True)


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
