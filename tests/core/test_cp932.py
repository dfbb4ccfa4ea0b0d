"""CP932 that never changes a character silently (core.cp932): every character is written as itself
or replaced by the documented rule and counted — including the six Python's cp932 codec maps without
an error (〜 → ～) — and a replacement never changes the CSV's cells."""

import pytest

from core.cp932 import GETA, STANDARD_FORMS, Cp932Encoder, spool_cp932, substitute

CSV_CHARACTERS = set(',"\r\n\t=+-@')


def encode(text: str) -> tuple[str, int, int]:
    """(what a reader of the CP932 bytes sees, characters replaced, characters written as 〓)."""
    encoder = Cp932Encoder()
    return encoder.encode(text).decode("cp932"), encoder.replaced, encoder.missing


@pytest.mark.parametrize(
    ("text", "read", "replaced", "missing"),
    [
        ("𠮷野家", "吉野家", 1, 0),  # a 異体字 outside CP932 → its standard form
        ("株式会社髙島屋", "株式会社髙島屋", 0, 0),  # 髙 (IBM extension) is in CP932
        ("山﨑", "山﨑", 0, 0),  # so is 﨑 (U+FA11)
        ("①㈱№㍻", "①㈱№㍻", 0, 0),  # NEC special characters
        ("4月〜5月", "4月～5月", 1, 0),  # WAVE DASH: Python writes ～'s bytes silently; counted here
        ("4月～5月", "4月～5月", 0, 0),  # FULLWIDTH TILDE is CP932's own
        ("−5℃ ‖ ¢£¬", "－5℃ ∥ ￠￡￢", 5, 0),
        ("2024—2025 – ¥100", "2024―2025 ‐ ￥100", 3, 0),
        ("葛\U000e0100城市", "葛城市", 1, 0),  # an ideographic variation selector is left out
        ("か\u3099", "か゛", 1, 0),  # a combining sound mark
        ("⑴ ㊙ Café\u00a0", "(1) 秘 Cafe ", 4, 0),  # compatibility forms, accents
        ("ほっけ𩸽と😀", f"ほっけ{GETA}と{GETA}", 2, 2),  # no CP932 form: 〓
        ("👨\u200d👩", f"{GETA}{GETA}", 3, 2),  # the joiner is left out, each person is 〓
        ("﹐﹢⁼", GETA * 3, 3, 3),  # their compatibility forms would be a comma and formula triggers
        ('協定, "引用"\r\n=1', '協定, "引用"\r\n=1', 0, 0),  # the CSV's own characters are untouched
    ],
)
def test_real_strings(text, read, replaced, missing):
    assert encode(text) == (read, replaced, missing)


def test_no_character_changes_silently():
    """For every character of the BMP and the supplementary ideographic planes: written as itself, or
    counted as replaced; and no replacement is a separator, quote, line end or formula trigger."""
    encoder = Cp932Encoder()
    for code in [*range(0xD800), *range(0xE000, 0x10000), *range(0x20000, 0x2FA20)]:
        character = chr(code)
        before = encoder.replaced
        read = encoder.encode(character).decode("cp932")
        if read != character:
            assert encoder.replaced == before + 1, hex(code)
            assert not (CSV_CHARACTERS & set(read)), (hex(code), read)
        else:
            assert encoder.replaced == before, hex(code)


def test_the_table_writes_cp932_characters_that_are_no_formula_or_separator():
    for variant, standard in STANDARD_FORMS.items():
        assert standard.encode("cp932").decode("cp932") == standard, variant
        assert not (CSV_CHARACTERS & set(standard)), variant
        assert substitute(variant) == standard


def test_spooling_reads_utf8_split_anywhere_and_keeps_memory_bounded():
    """Chunks may end inside a character; a large body spills to disk past the spool's size."""
    text = "𠮷野家,髙島屋,〜\r\n" * 60_000  # 1.3 MB of UTF-8
    data = text.encode()
    chunks = [data[i : i + 7] for i in range(0, len(data), 7)]
    body, encoder = spool_cp932(chunks, max_size=1 << 20)
    assert body.read().decode("cp932") == text.replace("𠮷", "吉").replace("〜", "～")
    assert (encoder.replaced, encoder.missing) == (120_000, 0)
    assert body._rolled  # on disk, not in memory
    body.close()
