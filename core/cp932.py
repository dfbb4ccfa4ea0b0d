"""CP932 (Windows-31J, "Shift_JIS" of Excel on Japanese Windows) that never changes a character silently.

Python's cp932 codec maps six characters to others without a word (〜 WAVE DASH is written as the
bytes of ～ FULLWIDTH TILDE and reads back as ～), and refuses the many characters CP932 has no bytes
for (𠮷, emoji). Here every character is written as itself when CP932 can, otherwise by this rule,
and each one that is not is counted:

1. ``STANDARD_FORMS``: the six characters Python maps silently (JIS and Microsoft give JIS X 0208's
   character different code points: 〜 → ～, ‖ → ∥, − → －, ¢ → ￠, £ → ￡, ¬ → ￢), the same
   kind of mapping for characters CP932 lacks (— → ―, ¥ → ￥, ‾ → ￣, ¦ → ￤, · → ・, – → ‐, the
   combining sound marks → ゛ ゜), and common 異体字 outside CP932 → their standard form
   (𠮷 → 吉, 𡈽 → 土, 𣘺 → 橋, 𥔎 → 碕, 𦚰 → 脇). 﨑, 髙, ①, ㈱ are in CP932: written as they are.
2. a combining mark or an invisible format character (variation selectors of 異体字, zero-width
   joiners, the byte-order mark) is left out: the character it modifies is written;
3. its compatibility form (NFKC: ⑴ → (1), ㊙ → 秘, NBSP → space), else that form without accents
   (é → e), when CP932 has it — never one that writes a separator or quote of the CSV or starts a
   formula (﹐ → , or ⁼ → = would change the file's cells);
4. otherwise 〓 (geta, U+3013, the printers' mark for a missing character).

``Cp932Encoder.replaced`` counts the characters not written as themselves, ``missing`` those written
as 〓; the API sends both as response headers (api/csv.py). Text is encoded after the CSV is written:
a replacement never adds a comma, quote, line break or formula trigger, so the cells stay as they were.
"""

from __future__ import annotations

import codecs
import contextvars
import functools
import re
import tempfile
import unicodedata
from collections.abc import Iterable

GETA = "〓"

STANDARD_FORMS = {
    # JIS X 0208 characters Python's cp932 writes as another code point (counted, never silent)
    "\u301c": "～",  # WAVE DASH → FULLWIDTH TILDE
    "\u2016": "∥",  # DOUBLE VERTICAL LINE → PARALLEL TO
    "\u2212": "－",  # MINUS SIGN → FULLWIDTH HYPHEN-MINUS
    "\u00a2": "￠",  # CENT SIGN
    "\u00a3": "￡",  # POUND SIGN
    "\u00ac": "￢",  # NOT SIGN
    # the same characters of JIS X 0208 by their other Unicode mapping, which CP932 lacks
    "\u2014": "―",  # EM DASH → HORIZONTAL BAR
    "\u2013": "‐",  # EN DASH → HYPHEN (never "-": a cell must not come to start a formula)
    "\u00a5": "￥",  # YEN SIGN
    "\u203e": "￣",  # OVERLINE
    "\u00a6": "￤",  # BROKEN BAR
    "\u00b7": "・",  # MIDDLE DOT
    "\u3099": "゛",  # COMBINING VOICED SOUND MARK (か + ゙ → か゛)
    "\u309a": "゜",  # COMBINING SEMI-VOICED SOUND MARK
    # 異体字 outside CP932 (JIS X 0213 and beyond) → the standard form
    "\U00020bb7": "吉",  # 𠮷 (つちよし)
    "\U0002123d": "土",  # 𡈽 (土に点)
    "\U0002363a": "橋",  # 𣘺
    "\U0002550e": "碕",  # 𥔎 (たつさき)
    "\U000266b0": "脇",  # 𦚰
}

# What a replacement may never contain: the CSV's separators and quote, line ends, formula triggers.
_UNSAFE = frozenset(',"\r\n\t=+-@')
# Python's cp932 writes these as another character without an error: found before encoding.
_SILENT = re.compile("[\u301c\u2016\u2212\u00a2\u00a3\u00ac]")
_ERRORS = "kyoso-cp932"
_counts: contextvars.ContextVar[Cp932Encoder] = contextvars.ContextVar("cp932_encoder")


def _encodable(text: str) -> bool:
    try:
        return text.encode("cp932").decode("cp932") == text
    except UnicodeEncodeError:
        return False


@functools.cache
def substitute(character: str) -> str:
    """What ``character`` (one CP932 lacks) is written as, by the rule of this module."""
    if character in STANDARD_FORMS:
        return STANDARD_FORMS[character]
    if unicodedata.category(character) in ("Mn", "Me", "Cf"):
        return ""
    compatible = unicodedata.normalize("NFKC", character)
    plain = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
    for form in (compatible, plain):
        if form and form != character and not (_UNSAFE & set(form)) and form.isprintable() and _encodable(form):
            return form
    return GETA


def _handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    encoder = _counts.get()
    text = error.object[error.start : error.end]
    written = "".join(substitute(c) for c in text)
    encoder.replaced += len(text)
    encoder.missing += sum(1 for c in text if substitute(c) == GETA)
    return written, error.end


codecs.register_error(_ERRORS, _handler)


class Cp932Encoder:
    """Encodes text in CP932 by the module's rule, counting what it could not write as it is."""

    def __init__(self):
        self.replaced = 0  # characters not written as themselves
        self.missing = 0  # of which written as 〓

    def encode(self, text: str) -> bytes:
        text, silent = _SILENT.subn(lambda match: STANDARD_FORMS[match.group()], text)
        self.replaced += silent
        token = _counts.set(self)
        try:
            return text.encode("cp932", _ERRORS)
        finally:
            _counts.reset(token)


def spool_cp932(
    chunks: Iterable[bytes], *, max_size: int = 1 << 20
) -> tuple[tempfile.SpooledTemporaryFile, Cp932Encoder]:
    """UTF-8 ``chunks`` (as core.tables.write_csv writes them) re-encoded in CP932 into a temporary file,
    rewound, and the encoder with its counts. Memory stays under ``max_size`` plus a chunk whatever the
    size: past it, the file spills to disk. The whole file is written before it is sent because its
    count of replaced characters goes in a response header."""
    encoder = Cp932Encoder()
    decoder = codecs.getincrementaldecoder("utf-8")()
    output = tempfile.SpooledTemporaryFile(max_size=max_size)  # noqa: SIM115 - the caller sends and closes it
    try:
        for chunk in chunks:
            output.write(encoder.encode(decoder.decode(chunk)))
        output.write(encoder.encode(decoder.decode(b"", final=True)))
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output, encoder
