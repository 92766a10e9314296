"""Choosing the legacy encoding of a file that is not UTF-8, from its bytes.

Files that are not UTF-8 come from Windows code pages: cp1252 (Western Europe, the Americas),
cp1250 (Polish, Czech, Hungarian... payroll and bank files), cp932 (Shift-JIS, Japanese banks) and
GB18030 (Chinese exports such as Alipay's). Each decodes most byte strings without an error, so the
choice is made from what the decoded text looks like:

- multi-byte text (CJK) has its bytes >= 0x80 side by side (a character is two bytes, characters
  come in runs), while Latin text has them alone between ASCII letters ('Müller', 'Wpływy');
- Japanese decoded as Shift-JIS holds kana (hiragana, full-width katakana); Chinese decoded as
  Shift-JIS holds almost none (its byte pairs fall on kanji and half-width katakana); Chinese
  decoded as GB18030 is nearly all common (GB2312) characters, Japanese without kana is not;
- a Latin text read with the wrong code page puts symbols inside words ('Wp³ywy', 'Op³ata',
  '¿abka'), or a capital between small letters ('Ÿród³o'); the right one reads letters.

charset-normalizer and chardet were not used: on a few hundred short rows of amounts and names
both guess between these code pages by language models trained on prose, and picked cp1252 or
another Latin page for the Polish files of the corpus (``bench/firsttry``); the rules above need
no model and say why they chose.
"""

from __future__ import annotations

import codecs
import unicodedata

WESTERN = "cp1252"
CENTRAL_EUROPEAN = "cp1250"
JAPANESE = "cp932"
CHINESE = "gb18030"
# Share of bytes >= 0x80 that must sit next to another one for the text to be read as CJK.
PAIRED_SHARE = 0.8
# Share of kana among the non-ASCII characters that makes a Shift-JIS reading Japanese.
KANA_SHARE = 0.1
# Share of common (GB2312) characters that makes a GB18030 reading Chinese.
COMMON_SHARE = 0.8


def _decodes(head: bytes, encoding: str, *, complete: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except UnicodeDecodeError:
        return None


def paired_high_share(head: bytes) -> float:
    """Share of the bytes >= 0x80 that have another such byte beside them (0.0 with none)."""
    high = [index for index, byte in enumerate(head) if byte >= 0x80]
    if not high:
        return 0.0
    marks = set(high)
    paired = sum(1 for index in high if index - 1 in marks or index + 1 in marks)
    return paired / len(high)


def kana_share(text: str) -> float:
    """Share of hiragana and full-width katakana among the text's non-ASCII characters."""
    wide = [ch for ch in text if ord(ch) >= 0x80]
    if not wide:
        return 0.0
    return sum(1 for ch in wide if 0x3041 <= ord(ch) <= 0x30FF) / len(wide)


def misplaced_characters(text: str) -> int:
    """Non-ASCII characters a right reading would not give: a symbol with a letter on both sides,
    or a capital letter between two small letters."""
    count = 0
    for index in range(1, len(text) - 1):
        ch = text[index]
        if ord(ch) < 0x80:
            continue
        before, after = text[index - 1], text[index + 1]
        if not (before.isalpha() and after.isalpha()):
            continue
        category = unicodedata.category(ch)
        symbol = not category.startswith("L")
        if symbol or (category == "Lu" and before.islower() and after.islower()):
            count += 1
    return count


def legacy_encoding(head: bytes, *, complete: bool) -> str | None:
    """The code page the head (not UTF-8) reads best in; None when none decodes it."""
    readings = {
        encoding: text
        for encoding in (WESTERN, CENTRAL_EUROPEAN)
        if (text := _decodes(head, encoding, complete=complete)) is not None
    }
    if not readings or paired_high_share(head) >= PAIRED_SHARE:
        # Full-width digits and punctuation in Shift-JIS have an ASCII second byte, so Japanese
        # made of them is not 'paired': no Latin page decoding it says multi-byte as well.
        multi_byte = _multi_byte_encoding(head, complete=complete)
        if multi_byte is not None:
            return multi_byte
    if not readings:
        return None
    if len(readings) == 1:
        return next(iter(readings))
    # cp1252 unless cp1250 reads strictly fewer symbols inside words (French 'è' is 'č' in
    # cp1250: both letters, so a tie, and a tie stays Western).
    if misplaced_characters(readings[CENTRAL_EUROPEAN]) < misplaced_characters(readings[WESTERN]):
        return CENTRAL_EUROPEAN
    return WESTERN


def _multi_byte_encoding(head: bytes, *, complete: bool) -> str | None:
    japanese = _decodes(head, JAPANESE, complete=complete)
    if japanese is not None and kana_share(japanese) >= KANA_SHARE:
        return JAPANESE
    chinese = _decodes(head, CHINESE, complete=complete)
    if chinese is not None and (japanese is None or common_hanzi_share(chinese) >= COMMON_SHARE):
        return CHINESE
    return JAPANESE if japanese is not None else None


def common_hanzi_share(text: str) -> float:
    """Share of the non-ASCII characters that GB2312 holds (the common simplified characters
    and punctuation). Chinese text is nearly all of them; Japanese read as GB18030 is not: the
    Shift-JIS lead bytes below 0xA1 land on GBK's rare extension characters."""
    wide = [ch for ch in text if ord(ch) >= 0x80]
    if not wide:
        return 0.0
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common / len(wide)
