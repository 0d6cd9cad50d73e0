"""Vietnamese text helpers: diacritic-free search keys and the Vietnamese sort order of names.

Both keys are stored in indexed columns and compared as plain ASCII, so search and sorting behave the same
on SQLite and PostgreSQL whatever the database collation.
"""

import unicodedata

# Vietnamese alphabetical order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), with the Latin
# letters Vietnamese does not use (f j w z) placed where the Latin alphabet puts them, for foreign names.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tones in dictionary order: none, huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot below).
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a letter of its own in Vietnamese (ă â ê ô ơ ư), not a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Two decimal digits per letter keeps the key sortable in any collation; "00" ends a word.
_CODES = {letter: f"{i + 11:02d}" for i, letter in enumerate(_ALPHABET)}
_CODES.update({str(d): f"{d + 1:02d}" for d in range(10)})
_WORD_END = "00"


def unaccented(text: str) -> str:
    """Without diacritics, đ as d, the case kept: "Tân Lợi, Đồng" -> "Tan Loi, Dong" (text messages)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case, without diacritics, đ as d, spaces collapsed: "Nguyễn  Văn Ân" -> "nguyen van an"."""
    if not text:
        return ""
    return " ".join(unaccented(text).lower().split())


def _word_key(word: str) -> str:
    letters: list[str] = []
    tone = 0
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONE_MARKS:
            tone = _TONE_MARKS[char]
            continue
        if char in _LETTER_MARKS and letters:
            # Recompose the base letter with its letter mark (a + breve -> ă).
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
            continue
        if unicodedata.combining(char):
            continue
        letters.append(char)
    codes = "".join(_CODES[c] for c in letters if c in _CODES)
    return f"{codes}{_WORD_END}{tone:02d}"


def name_sort_key(full_name: str) -> str:
    """Sort key for a Vietnamese full name: given name first, then family and middle names.

    "Nguyễn Thị Lan" sorts as "Lan Nguyễn Thị"; within a word letters follow the Vietnamese alphabet and the
    tone breaks ties (Ba < Bà < Bá).
    """
    words = full_name.split()
    if not words:
        return ""
    ordered = [words[-1], *words[:-1]]
    return "".join(_word_key(w) for w in ordered)
