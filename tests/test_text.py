import random
from datetime import UTC

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators.formatting import format_metric_value
from tanloi_portal.numbers import format_number, read_number
from tanloi_portal.text import fold, name_sort_key


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("ĐẶNG THỊ ĐÀO", "dang thi dao"),
        ("  Hồ   Ngọc  Ánh ", "ho ngoc anh"),
        ("Điểu Brông", "dieu brong"),
        ("", ""),
    ],
)
def test_fold_removes_diacritics_case_and_extra_spaces(text, folded):
    assert fold(text) == folded


def test_fold_treats_composed_and_decomposed_input_alike():
    import unicodedata

    name = "Nguyễn Thị Ánh Tuyết"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name) == "nguyen thi anh tuyet"


def test_names_sort_by_given_name_then_family_and_middle_names():
    names = ["Trần Văn Bình", "Nguyễn Thị Lan", "Lê Văn An", "Nguyễn Văn An", "Phạm Thị Ánh", "Đỗ Anh"]
    expected = ["Lê Văn An", "Nguyễn Văn An", "Đỗ Anh", "Phạm Thị Ánh", "Trần Văn Bình", "Nguyễn Thị Lan"]
    shuffled = names[:]
    random.Random(1).shuffle(shuffled)
    assert sorted(shuffled, key=name_sort_key) == expected


def test_vietnamese_alphabet_and_tone_order():
    # a < ă < â ; d < đ ; o < ô < ơ ; u < ư ; tones: none, huyền, hỏi, ngã, sắc, nặng.
    words = ["Ư", "U", "Ơ", "Ô", "O", "Đ", "D", "Â", "Ă", "A"]
    assert sorted(words, key=name_sort_key) == ["A", "Ă", "Â", "D", "Đ", "O", "Ô", "Ơ", "U", "Ư"]
    tones = ["Bạ", "Bá", "Bã", "Bả", "Bà", "Ba"]
    assert sorted(tones, key=name_sort_key) == ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]
    # A shorter word comes first; tone placement (hoà / hòa) does not matter.
    assert name_sort_key("X An") < name_sort_key("X Anh")
    assert name_sort_key("X Hoà") == name_sort_key("X Hòa")


def test_sort_key_is_plain_digits_so_any_database_collation_orders_it_the_same():
    key = name_sort_key("Nguyễn Thị Ánh")
    assert key.isdigit()


@pytest.mark.parametrize(
    "value, unit, shown",
    [
        (76.9, "percent", "76,9%"),
        (80, "percent", "80%"),
        (9.5, "per_1000_live_births", "9,5‰"),
        (550, "per_100000_children", "550/100.000"),
        (0.12, "percent", "0,12%"),
        (None, "percent", "—"),  # a missing value or target: an em dash
    ],
)
def test_metric_values_are_shown_with_a_decimal_comma(value, unit, shown):
    assert format_metric_value(value, unit) == shown


def test_large_numbers_group_thousands_with_a_dot():
    assert format_number(3500) == "3.500"
    assert format_number(1234.5) == "1.234,5"


def test_numbers_are_written_the_english_way_in_english():
    with translation.override("en"):
        assert (format_number(3500), format_number(1234.5), format_number(76.9)) == ("3,500", "1,234.5", "76.9")
        assert format_metric_value(550, "per_100000_children") == "550/100,000"


@pytest.mark.parametrize(
    "typed, vi, en",
    [
        ("12,5", "12.5", "12.5"),
        ("12.5", "12.5", "12.5"),
        (" 12,5 ", "12.5", "12.5"),
        ("0,125", "0.125", "0.125"),
        ("0.125", "0.125", "0.125"),  # no whole part: never a thousand
        ("1 234", "1234", "1234"),
        ("1.234,5", "1234.5", "1.234,5"),  # Vietnamese in full; in English the field says it is not a number
        ("1,234.5", "1,234.5", "1234.5"),
        ("1.234.567", "1234567", "1.234.567"),
        ("-3,5", "-3.5", "-3.5"),
        ("", "", ""),
        ("mười", "mười", "mười"),  # not a number: the field's own message
    ],
)
def test_a_typed_number_is_read_in_either_spelling(typed, vi, en):
    for language, expected in (("vi", vi), ("en", en)):
        with translation.override(language):
            assert read_number(typed) == expected


@pytest.mark.parametrize("language, typed", [("vi", "1.234"), ("vi", "12.500"), ("en", "1,234"), ("en", "12,500")])
def test_a_lone_thousands_separator_is_never_guessed(language, typed):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        read_number(typed)
    assert refused.value.code == "ambiguous"


def test_elapsed_time_reads_in_vietnamese():
    from datetime import datetime, timedelta

    from tanloi_portal.numbers import format_elapsed

    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert format_elapsed(now - timedelta(days=2, hours=3, minutes=5), now) == "2 ngày 3 giờ"
    assert format_elapsed(now - timedelta(minutes=45), now) == "45 phút"
    assert format_elapsed(now - timedelta(seconds=20), now) == "vừa xong"
