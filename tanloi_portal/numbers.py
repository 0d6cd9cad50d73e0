"""Numbers shown the Vietnamese way: a decimal comma and a dot between thousands (1.234,5)."""

from decimal import Decimal

from django.utils.formats import number_format


def format_number(value: Decimal | float | int | None, max_decimals: int = 2) -> str:
    """76.900 -> "76,9"; 80 -> "80"; 3500 -> "3.500"; None -> "-"."""
    if value is None:
        return "-"
    quantized = Decimal(str(value)).quantize(Decimal(1).scaleb(-max_decimals))
    text = format(quantized.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(quantized, decimal_pos=decimals, use_l10n=True, force_grouping=True)
