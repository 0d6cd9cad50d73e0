"""Ethnicity as people write it (children.ethnicities.lookup): the official names of the 54 groups, their other
spellings and the other names the General Statistics Office lists, whatever the case, accents and punctuation."""

import pytest

from children.ethnicities import ALTERNATIVE_NAMES, ETHNICITIES, OTHER, SPELLINGS, exact_key, lookup, loose_key

# (written, the official name stored)
KNOWN = [
    # official names, any case, accents or not
    ("Kinh", "Kinh"),
    ("kinh", "Kinh"),
    ("KHMER", "Khmer"),
    ("Tay", "Tày"),
    ("Ê Đê", "Ê Đê"),
    ("e de", "Ê Đê"),
    ("Bru - Vân Kiều", "Bru - Vân Kiều"),
    ("Giẻ Triêng", "Giẻ - Triêng"),
    ("Khác", OTHER),
    # hyphens, apostrophes and spaces do not matter
    ("Ê-đê", "Ê Đê"),
    ("Êđê", "Ê Đê"),
    ("Gia-rai", "Gia Rai"),
    ("Bru-Vân Kiều", "Bru - Vân Kiều"),
    ("Xơ-đăng", "Xơ Đăng"),
    ("Khơ-mú", "Khơ Mú"),
    ("H'Mông", "Mông"),
    ("Hmông", "Mông"),
    ("M'Nông", "Mnông"),
    ("Rơ-măm", "Rơ Măm"),
    ("  khơ   me  ", "Khmer"),
    # X and S
    ("Xtiêng", "Xtiêng"),
    ("Stiêng", "Xtiêng"),
    ("X'Tiêng", "Xtiêng"),
    ("S'tiêng", "Xtiêng"),
    ("stieng", "Xtiêng"),
    ("Xa Điêng", "Xtiêng"),
    ("Sa Dieng", "Xtiêng"),
    ("Sinh Mun", "Xinh Mun"),
    # Khơ-me and Khmer, and the Khmer's other names
    ("Khơ-me", "Khmer"),
    ("Khơme", "Khmer"),
    ("khome", "Khmer"),
    ("Cur", "Khmer"),
    ("Cul", "Khmer"),
    ("Việt gốc Miên", "Khmer"),
    ("viet goc mien", "Khmer"),
    ("Krôm", "Khmer"),
    ("Khmer Krôm", "Khmer"),
    # other names of one group
    ("Việt", "Kinh"),
    ("người Việt", "Kinh"),
    ("dân tộc Kinh", "Kinh"),
    ("Ngạn", "Tày"),
    ("Phén", "Tày"),
    ("Thù Lao", "Tày"),
    ("Pa Dí", "Tày"),
    ("Mol", "Mường"),
    ("Mual", "Mường"),
    ("Mọi", "Mường"),
    ("Mọi Bi", "Mường"),
    ("Ao Tá", "Mường"),
    ("Hán", "Hoa"),
    ("Triều Châu", "Hoa"),
    ("Phúc Kiến", "Hoa"),
    ("Quảng Đông", "Hoa"),
    ("Hải Nam", "Hoa"),
    ("Xạ Phạng", "Hoa"),
    ("Chàm", "Chăm"),
    ("Chiêm Thành", "Chăm"),
    ("Hroi", "Chăm"),
    ("Ra-đê", "Ê Đê"),
    ("Đê", "Ê Đê"),
    ("Kpạ", "Ê Đê"),
    ("Bơ-nâm", "Ba Na"),
    ("Rơ Ngao", "Ba Na"),
    ("Giơ Lâng", "Ba Na"),
    ("Giơ-rai", "Gia Rai"),
    ("Chơ-rai", "Gia Rai"),
    ("Mèo", "Mông"),
    ("Mán", "Dao"),
    ("Xá", "Dao"),  # with its accent: Dao's "Xá", not Giáy's "Xa"
    # an official name wins over another group's other name
    ("Thổ", "Thổ"),  # also an other name of Tày and of Khmer
    ("tho", "Thổ"),
    ("Tày", "Tày"),  # also an other name of Thái
    ("Hoa", "Hoa"),  # also an other name of Mông
    ("Lào", "Lào"),
    ("Lao", "Lào"),  # La Hủ's "Lao" without the accent of Lào
]

# (written, the groups it may mean): another name of several groups is not guessed
AMBIGUOUS = [
    ("Trại", ("Dao", "Sán Dìu")),
    ("Hạ", ("Hoa", "Cơ Tu")),
    ("Chil", ("Cơ Ho", "Mnông")),
    ("Ca-tang", ("Cơ Tu", "Giẻ - Triêng")),
    ("Xá Khao", ("Kháng", "La Ha")),
    ("Xá Lá Vàng", ("Thổ", "Chứt", "Mảng")),
    ("xa", ("Dao", "Giáy")),  # without accents: Dao's "Xá" or Giáy's "Xa"
]

UNKNOWN = ["", "   ", "-", "Sao Hỏa", "Kinh Kinh", "Khmer Đỏ", "Việt Nam", "12", None]


@pytest.mark.parametrize("written, official", KNOWN)
def test_a_known_name_gives_the_official_name(written, official):
    assert lookup(written) == (official,)


@pytest.mark.parametrize("written, candidates", AMBIGUOUS)
def test_an_other_name_of_several_groups_gives_every_candidate(written, candidates):
    assert lookup(written) == candidates


@pytest.mark.parametrize("written", UNKNOWN)
def test_an_unknown_name_gives_nothing(written):
    assert lookup(written) == ()


@pytest.mark.parametrize("official", [*ETHNICITIES, OTHER])
def test_every_official_name_finds_itself_however_it_is_typed(official):
    for written in (
        official,
        official.upper(),
        official.lower(),
        official.replace(" ", ""),
        official.replace(" ", "-"),
    ):
        assert lookup(written) == (official,), written


def test_the_lists_hold_the_54_groups_and_no_two_official_names_look_alike():
    assert len(ETHNICITIES) == len(set(ETHNICITIES)) == 54
    assert set(SPELLINGS) <= {*ETHNICITIES, OTHER} and set(ALTERNATIVE_NAMES) <= set(ETHNICITIES)
    official = [(name, *SPELLINGS.get(name, ())) for name in (*ETHNICITIES, OTHER)]
    for key in (exact_key, loose_key):
        owners: dict[str, str] = {}
        for names in official:
            for name in names:
                assert owners.setdefault(key(name), names[0]) == names[0], (name, owners[key(name)])
