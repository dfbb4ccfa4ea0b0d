"""Personal data in a case file: a header that names it, or a cell that holds an e-mail address, a phone
number or a 個人番号 (My Number). One is enough to refuse the whole file (docs/outcomes.md).

The checks err on the side of refusing: a file is refused, never stored in part, and the officer can
remove the column and import again. What is reported is the row and the column, never the value.
"""

import re
import unicodedata

# Header words that name personal data (compared after NFKC, lower-cased, spaces removed).
PERSONAL_HEADER_WORDS = (
    "氏名", "名前", "姓名", "なまえ", "フリガナ", "ふりがな", "カナ氏名", "申請者名", "住所", "所在地", "生年月日",
    "誕生日", "年齢", "性別", "電話", "携帯", "tel", "fax", "メール", "mail", "個人番号", "マイナンバー",
    "mynumber", "被保険者番号", "宛名番号", "住民票コード", "世帯番号", "口座", "name", "address", "birth", "phone",
)  # fmt: skip

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Japanese phone numbers (not right after a letter, digit, ".", "/" or "-", so dates and codes such as
# 2025-04-01 or L02 never start one): 0 + area code with hyphens or brackets (03-1234-5678, 06(1234)5678,
# 090-1234-5678, 0120-123-456), a bare 10- or 11-digit number starting 0[1-9] (0312345678, 09012345678),
# or +81 forms. A date (2025-04-01) never starts with 0.
PHONE = re.compile(
    r"(?<![0-9A-Za-z./-])(?:"
    r"0[1-9][0-9]{0,3}[-(（ ][0-9]{1,4}[-)） ][0-9]{3,4}"
    r"|0[1-9][0-9]{8,9}"
    r"|\+81[- ]?[1-9][0-9]{0,3}[- ]?[0-9]{1,4}[- ]?[0-9]{3,4}"
    r")(?![0-9])"
)
TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")
_NEEDS_LOOK = re.compile(r"[0-9@＠０-９]")


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def header_is_personal(header: str) -> bool:
    """Whether a column's header names personal data (氏名, 住所, 生年月日, 電話, メール, 個人番号, …)."""
    key = re.sub(r"\s+", "", _normal(header)).lower()
    return any(word in key for word in PERSONAL_HEADER_WORDS)


def my_number_check_digit(first_eleven: str) -> int:
    """The check digit of a 個人番号 from its first 11 digits, by the formula of 行政手続における特定の
    個人を識別するための番号の利用等に関する法律施行令 第8条:

        check = 11 − (Σ Pn × Qn mod 11), or 0 when Σ Pn × Qn mod 11 ≤ 1,

    where Pn is the n-th of the 11 digits counted from the right (n = 1 … 11) and Qn = n + 1 for
    1 ≤ n ≤ 6, Qn = n − 5 for 7 ≤ n ≤ 11."""
    digits = [int(c) for c in reversed(first_eleven)]
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(digits, start=1))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_my_number(twelve: str) -> bool:
    """Whether 12 digits carry a valid 個人番号 check digit (about one random number in ten does)."""
    return len(twelve) == 12 and twelve.isdigit() and my_number_check_digit(twelve[:11]) == int(twelve[11])


def personal_kind(cell: str) -> str | None:
    """ "email", "phone" or "my_number" when the cell holds one, else None. Cheap for the usual cell: one
    character-class search before any pattern runs."""
    if not cell or not _NEEDS_LOOK.search(cell):
        return None
    text = _normal(cell)
    if "@" in text and EMAIL.search(text):
        return "email"
    for match in TWELVE_DIGITS.finditer(text):
        if is_my_number(re.sub(r"[- ]", "", match.group())):
            return "my_number"
    if PHONE.search(text):
        return "phone"
    return None


# Anything that could start one of the patterns above, searched in a whole row at once (cells joined by
# a separator no pattern crosses): "@"; a 0 not after a letter, digit, ".", "/" or "-" (phones); "+81";
# 12 digits with or without separators. Most rows of a case file (dates, codes, short ids) do not match.
_ROW_HINT = re.compile(r"@|(?<![0-9A-Za-z./-])0[1-9]|\+81|[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{4}")
ROW_HINT = _ROW_HINT
# What joins a row's cells for ``ROW_HINT``: no pattern above crosses it, and str.strip() removes it (a row
# joined with it is blank exactly when every cell is).
SEPARATOR = "\x1f"


def row_may_be_personal(cells) -> bool:
    """Whether any cell of the row needs ``personal_kind`` (never False when one would find something)."""
    return joined_may_be_personal(SEPARATOR.join(cells))


def joined_may_be_personal(text: str) -> bool:
    """``row_may_be_personal`` of a row's cells already joined with SEPARATOR (the streaming import joins
    each row once: for this search and for its blank and plain-ASCII tests)."""
    if not text.isascii():
        text = _normal(text)
    return _ROW_HINT.search(text) is not None
