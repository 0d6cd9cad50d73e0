"""The 54 ethnic groups of Viet Nam, in the order of the official list (Tổng cục Thống kê), plus "other", and the
names people write for them.

People write an ethnicity the way they know it: the General Statistics Office's own spelling ("Khơ-me", "Ê-đê"),
another spelling ("Stiêng", "H'Mông"), or one of the other names the Office lists for each group (Danh mục các
dân tộc Việt Nam: "Việt" for Kinh, "Chàm" for Chăm, "Mọi" for Mường). `lookup` finds the official name:

1. an official name or a spelling of it, with its accents, then without them;
2. only then another name of a group, with its accents, then without them.

An official name always wins: "Thổ" is the Thổ group, though Tày and Khmer are also called so in some places.
Some other names belong to several groups ("Trại": Dao and Sán Dìu); those are not guessed, `lookup` returns
every candidate and the caller asks which one is meant. Case, spaces, hyphens, apostrophes and other punctuation
never matter, nor X for S ("Xtiêng", "Stiêng", "X'Tiêng"). What is stored is always the official name.
"""

import unicodedata

from tanloi_portal.text import fold

ETHNICITIES = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na",
    "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Xtiêng", "Khơ Mú",
    "Bru - Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ - Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì",
    "Chu Ru", "Lào", "La Chí", "Kháng", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô",
    "Mảng", "Cơ Lao", "Bố Y", "Cống", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
)  # fmt: skip
OTHER = "Khác"
DEFAULT = "Kinh"

ETHNICITY_CHOICES = [(name, name) for name in (*ETHNICITIES, OTHER)]

# Other ways of writing the official name itself (the Office's hyphenated spelling, common transcriptions).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Khmer": ("Khơ-me", "Khơ Me"),
    "Mông": ("H'Mông", "Hmong"),
    "Gia Rai": ("Jrai", "Jarai"),
    "Ê Đê": ("Rhađê",),
    "Ba Na": ("Bahnar",),
    "Cơ Ho": ("K'Ho", "Koho"),
    "Xơ Đăng": ("Sedang",),
    "Hrê": ("H're",),
    "Ra Glai": ("Raglai",),
    "Mnông": ("M'Nông",),
    "Xtiêng": ("Stiêng", "X'Tiêng", "S'Tiêng"),
    "Khơ Mú": ("Khmu", "Kmhmu"),
    "Cơ Tu": ("Katu",),
    "Cơ Lao": ("Cờ Lao",),
}

# The other names of each group in the Office's list (tên gọi khác), as it spells them.
ALTERNATIVE_NAMES: dict[str, tuple[str, ...]] = {
    "Kinh": ("Việt",),
    "Tày": ("Thổ", "Ngạn", "Phén", "Thù Lao", "Pa Dí"),
    "Thái": (
        "Tày", "Tày Khao", "Tày Đăm", "Tày Mười", "Tày Thanh", "Mán Thanh", "Hàng Tổng", "Tày Mường", "Pu Thay",
        "Thổ Đà Bắc", "Thái Trắng", "Thái Đen",
    ),
    "Mường": ("Mol", "Mual", "Mọi", "Mọi Bi", "Ao Tá", "Ậu Tá"),
    "Khmer": ("Cur", "Cul", "Cu", "Thổ", "Việt gốc Miên", "Khơ-me Krôm", "Khmer Krôm", "Krôm"),
    "Hoa": ("Hán", "Triều Châu", "Phúc Kiến", "Quảng Đông", "Hải Nam", "Hạ", "Xạ Phạng"),
    "Nùng": ("Xuồng", "Giang", "Nùng An", "Phàn Sinh", "Nùng Cháo", "Nùng Lòi", "Quý Rim", "Khèn Lài"),
    "Mông": ("Mèo", "Mẹo", "Hoa", "Mèo Xanh", "Mèo Đỏ", "Mèo Đen", "Ná Mẻo", "Mán Trắng"),
    "Dao": (
        "Mán", "Động", "Trại", "Xá", "Dìu Miền", "Kiềm Miền", "Quần Trắng", "Dao Đỏ", "Quần Chẹt", "Lô Giang",
        "Dao Tiền", "Thanh Y", "Lan Tẻn", "Đại Bản", "Tiểu Bản", "Cóc Ngáng", "Cóc Mùn", "Sơn Đầu",
    ),
    "Gia Rai": ("Giơ-rai", "Tơ-buăn", "Chơ-rai", "Hơ-bau", "Hđrung", "Chor"),
    "Ê Đê": ("Ra-đê", "Đê", "Kpạ", "A-đham", "Krung", "Ktul", "Đliê Ruê", "Blô", "Epan", "Mđhur", "Bih"),
    "Ba Na": (
        "Gơ-lar", "Tơ-lô", "Giơ-lâng", "Y-lăng", "Rơ-ngao", "Krem", "Roh", "Con Kđe", "A-la Công", "Kpăng Công",
        "Bơ-nâm",
    ),
    "Sán Chay": ("Cao Lan", "Sán Chỉ", "Cao Lan - Sán Chỉ", "Mán Cao Lan", "Hờn Bạn", "Sơn Tử"),
    "Chăm": ("Chàm", "Chiêm Thành", "Hroi"),
    "Cơ Ho": ("Xrê", "Nốp", "Tu-lốp", "Cơ-don", "Chil", "Lát", "Lạch", "Trinh"),
    "Xơ Đăng": ("Xơ-teng", "Hđang", "Tơ-đra", "Mơ-nâm", "Ha-lăng", "Ca-dong", "Kmrăng", "Con Lan", "Bri-la", "Tang"),
    "Sán Dìu": ("Sán Dẻo", "Trại", "Trại Đất", "Mán Quần Cộc"),
    "Hrê": ("Chăm Rê", "Chom", "Krẹ Lũy"),
    "Ra Glai": ("Ra-clây", "Rai", "Noang", "La-oang"),
    "Mnông": ("Pnông", "Nông", "Pré", "Bu-đâng", "Đi-pri", "Biat", "Gar", "Rơ-lam", "Chil"),
    "Thổ": ("Kẹo", "Mọn", "Cuối", "Họ", "Đan Lai", "Ly Hà", "Tày Pọng", "Con Kha", "Xá Lá Vàng"),
    "Xtiêng": ("Xa Điêng",),
    "Khơ Mú": ("Xá Cẩu", "Mứn Xen", "Pu Thênh", "Tềnh", "Tày Hay"),
    "Bru - Vân Kiều": ("Bru", "Vân Kiều", "Măng Coong", "Tri", "Khùa"),
    "Cơ Tu": ("Ca-tu", "Cao", "Hạ", "Phương", "Ca-tang"),
    "Giáy": ("Nhắng", "Dẩng", "Pầu Thìn Nu Nà", "Cùi Chu", "Xa"),
    "Tà Ôi": ("Tôi-ôi", "Pa-co", "Pa-hi", "Ba-hi"),
    "Mạ": ("Châu Mạ", "Mạ Ngăn", "Mạ Xóp", "Mạ Tô", "Mạ Krung"),
    "Giẻ - Triêng": (
        "Đgiéh", "Tareb", "Giang Rẫy Pin", "Triêng", "Treng", "Ta-riêng", "Ve", "Veh", "La-ve", "Ca-tang",
    ),
    "Co": ("Cor", "Col", "Cùa", "Trầu"),
    "Chơ Ro": ("Dơ-ro", "Châu-ro"),
    "Xinh Mun": ("Puộc", "Pụa"),
    "Hà Nhì": ("U Ni", "Xá U Ni"),
    "Chu Ru": ("Chơ-ru", "Chu"),
    "Lào": ("Lào Bốc", "Lào Nọi"),
    "La Chí": ("Cù Tê", "La Quả"),
    "Kháng": ("Xá Khao", "Xá Súa", "Xá Dón", "Xá Dẩng", "Xá Hốc", "Xá Ái", "Xá Bung", "Quảng Lâm"),
    "Phù Lá": ("Bồ Khô Pạ", "Mu Di", "Pạ Xá", "Phó", "Phổ", "Va Xơ"),
    "La Hủ": ("Lao", "Pu Đang", "Khù Xung", "Cò Xung", "Khả Quy"),
    "La Ha": ("Xá Khao", "Khlá Phlạo"),
    "Pà Thẻn": ("Pà Hưng", "Tống"),
    "Lự": ("Lừ", "Nhuồn", "Duôn"),
    "Ngái": ("Xín", "Lê", "Đản", "Khách Gia"),
    "Chứt": (
        "Sách", "May", "Rục", "Mã-liêng", "A-rem", "Tu Vang", "Pa-leng", "Xơ-lang", "Tơ-hung", "Chà-củi",
        "Tắc-củi", "U-mo", "Xá Lá Vàng",
    ),
    "Lô Lô": ("Mun Di",),
    "Mảng": ("Mảng Ư", "Xá Lá Vàng"),
    "Bố Y": ("Chủng Chá", "Trọng Gia", "Tu Di", "Tu Din"),
    "Cống": ("Xắm Khống", "Mấng Nhé", "Xá Xeng"),
    "Si La": ("Cù Dề Xừ", "Khả Pẻ"),
    "Pu Péo": ("Ka Pèo", "Pen Ti Lô Lô"),
    "Brâu": ("Brao",),
    "Ơ Đu": ("Tày Hạt",),
}  # fmt: skip

# Words written before the name ("dân tộc Kinh", "người Chăm") that are not part of it.
_PREFIXES = ("dan toc ", "nguoi ")


def exact_key(text: str) -> str:
    """Letters and digits only, lower case, accents kept: "Khơ-me" -> "khơme", "X'Tiêng" -> "xtiêng"."""
    return "".join(c for c in unicodedata.normalize("NFC", text.lower()) if c.isalnum())


def loose_key(text: str) -> str:
    """As exact_key, without accents (đ as d) and with X read as S: "Xtiêng", "Stiêng", "STIENG" -> "stieng"."""
    return "".join(c for c in fold(text) if c.isalnum()).replace("x", "s")


def _index(names: dict[str, tuple[str, ...]], key) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for official, written in names.items():
        for name in written:
            groups = found.setdefault(key(name), [])
            if official not in groups:
                groups.append(official)
    return {k: tuple(v) for k, v in found.items()}


_OFFICIAL = {official: (official, *SPELLINGS.get(official, ())) for official in (*ETHNICITIES, OTHER)}
_ORDER = {name: i for i, name in enumerate((*ETHNICITIES, OTHER))}
# Tried in this order; the first level that knows the name answers.
_LEVELS = (
    _index(_OFFICIAL, exact_key),
    _index(_OFFICIAL, loose_key),
    _index(ALTERNATIVE_NAMES, exact_key),
    _index(ALTERNATIVE_NAMES, loose_key),
)


def lookup(text: str | None) -> tuple[str, ...]:
    """The official names `text` may mean: one when it is known, several when it is another name of several
    groups (in the official list's order), none when it is blank or unknown."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    for prefix in _PREFIXES:
        if fold(text).startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
            break
    exact, loose = exact_key(text), loose_key(text)
    if not exact:
        return ()
    # Written without accents, "xa" may be Giáy's "Xa" or Dao's "Xá": only the comparison without accents counts.
    accented = fold(text) != text.lower()
    for index, key in zip(_LEVELS, (exact, loose, exact, loose), strict=True):
        found = index.get(key) if accented or key is loose else None
        if found:
            return tuple(sorted(found, key=_ORDER.__getitem__))
    return ()
