"""Choosing the legacy encoding of a file that is not UTF-8, from its bytes.

Files that are not UTF-8 come from Windows code pages: cp1252 (Western Europe, the Americas),
cp1250 (Polish, Czech, Hungarian... payroll and bank files), cp1251 (Russian, Ukrainian,
Bulgarian banks), cp932 (Shift-JIS, Japanese banks), cp949 (Korean banks) and GB18030 (Chinese
exports such as Alipay's). Each decodes most byte strings without an error, so the
choice is made from what the decoded text looks like:

- multi-byte text (CJK) has its bytes >= 0x80 side by side (a character is two bytes, characters
  come in runs), while Latin text has them alone between ASCII letters ('Müller', 'Wpływy');
  Cyrillic is paired too (a word is all high bytes): read as cp1251 it is Cyrillic words with
  capitals only at their start, where Chinese read so mixes cases and symbols at random;
- Korean read as cp949 is nearly all Hangul syllables; Chinese read so (EUC-KR and GB2312 share
  their byte ranges) falls on Hanja for about half its characters;
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
import re
import unicodedata

WESTERN = "cp1252"
CENTRAL_EUROPEAN = "cp1250"
JAPANESE = "cp932"
CHINESE = "gb18030"
CYRILLIC = "cp1251"
KOREAN = "cp949"
# The scores read this much of the head (every byte of it must still decode): a megabyte scored
# in Python took a second; 64k characters decide as well.
SAMPLE_CHARS = 1 << 16
# Share of bytes >= 0x80 that must sit next to another one for the text to be read as CJK.
PAIRED_SHARE = 0.8
# Share of kana among the non-ASCII characters that makes a Shift-JIS reading Japanese.
KANA_SHARE = 0.1
# Share of Cyrillic letters among the non-ASCII characters of a cp1251 reading that is Cyrillic.
CYRILLIC_SHARE = 0.9
BASIC_CYRILLIC_SHARE = 0.7
# Share of Hangul syllables that makes a cp949 reading Korean.
HANGUL_SHARE = 0.9
# Share of common (GB2312) characters that makes a GB18030 reading Chinese.
COMMON_SHARE = 0.8


def _decodes(head: bytes, encoding: str, *, complete: bool) -> str | None:
    """The head decoded (strictly: every byte must be valid), cut to the sample that is scored."""
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except UnicodeDecodeError:
        return None
    return text[:SAMPLE_CHARS]


_WIDE = re.compile(r"[^\x00-\x7f]")


def paired_high_share(head: bytes) -> float:
    """Share of the bytes >= 0x80 that have another such byte beside them (0.0 with none)."""
    high = [index for index, byte in enumerate(head) if byte >= 0x80]
    if not high:
        return 0.0
    marks = set(high)
    paired = sum(1 for index in high if index - 1 in marks or index + 1 in marks)
    return paired / len(high)


def reads_as_cyrillic(text: str) -> bool:
    """Whether a cp1251 reading is Cyrillic words: nearly all its non-ASCII characters Cyrillic
    letters, and none misplaced. Chinese read as cp1251 mixes capitals and small letters at random
    and puts symbols (» ± №, its trail bytes) inside the 'words'."""
    wide = _WIDE.findall(text)
    if not wide:
        return False
    letters = sum(1 for ch in wide if 0x400 <= ord(ch) <= 0x4FF)
    # Most letters of any Cyrillic language are in U+0410-U+044F; bytes that only land on the rarer
    # letters of the block (Ѓ Ќ ђ for 0x81 0x8D 0x90) are not text.
    basic = sum(1 for ch in wide if 0x410 <= ord(ch) <= 0x44F)
    return (
        letters >= CYRILLIC_SHARE * len(wide)
        and basic >= BASIC_CYRILLIC_SHARE * len(wide)
        and misplaced_characters(text) * 100 <= len(wide)
    )


def hangul_share(text: str) -> float:
    """Share of Hangul syllables among the text's non-ASCII characters. Korean is nearly all
    Hangul; Chinese read as cp949 (the same byte ranges) lands on Hanja for half its lead bytes."""
    wide = _WIDE.findall(text)
    if not wide:
        return 0.0
    return sum(1 for ch in wide if 0xAC00 <= ord(ch) <= 0xD7A3) / len(wide)


def kana_share(text: str) -> float:
    """Share of hiragana and full-width katakana among the text's non-ASCII characters."""
    wide = _WIDE.findall(text)
    if not wide:
        return 0.0
    return sum(1 for ch in wide if 0x3041 <= ord(ch) <= 0x30FF) / len(wide)


def misplaced_characters(text: str) -> int:
    """Non-ASCII characters a right reading would not give: a symbol with a letter on both sides,
    or a capital letter between two small letters."""
    count = 0
    for match in _BETWEEN_LETTERS.finditer(text):
        before, ch, after = match.group(1), match.group(2), match.group(3)
        category = unicodedata.category(ch)
        symbol = not category.startswith("L")
        if symbol or (category == "Lu" and before.islower() and after.islower()):
            count += 1
    return count


_BETWEEN_LETTERS = re.compile(r"([^\W\d_])(?=([^\x00-\x7f])([^\W\d_]))")


def legacy_encoding(head: bytes, *, complete: bool) -> str | None:
    """The code page the head (not UTF-8) reads best in; None when none decodes it."""
    # Kana first: Shift-JIS puts ASCII second bytes after many lead bytes (full-width digits,
    # some kanji), so Japanese is not always 'paired'; Latin text read as Shift-JIS has no kana.
    japanese = _decodes(head, JAPANESE, complete=complete)
    if japanese is not None and kana_share(japanese) >= KANA_SHARE:
        return JAPANESE
    readings = {
        encoding: text
        for encoding in (WESTERN, CENTRAL_EUROPEAN)
        if (text := _decodes(head, encoding, complete=complete)) is not None
    }
    if not readings or paired_high_share(head[:SAMPLE_CHARS]) >= PAIRED_SHARE:
        multi_byte = _paired_encoding(head, japanese, complete=complete)
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


def _paired_encoding(head: bytes, japanese: str | None, *, complete: bool) -> str | None:
    """Cyrillic, Korean, Chinese or (kana-less) Japanese for text whose high bytes come in runs."""
    cyrillic = _decodes(head, CYRILLIC, complete=complete)
    if cyrillic is not None and reads_as_cyrillic(cyrillic):
        return CYRILLIC
    korean = _decodes(head, KOREAN, complete=complete)
    if korean is not None and hangul_share(korean) >= HANGUL_SHARE:
        return KOREAN
    chinese = _decodes(head, CHINESE, complete=complete)
    if chinese is not None and (japanese is None or common_hanzi_share(chinese) >= COMMON_SHARE):
        return CHINESE
    return JAPANESE if japanese is not None else None


def common_hanzi_share(text: str) -> float:
    """Share of the non-ASCII characters that GB2312 holds (the common simplified characters
    and punctuation). Chinese text is nearly all of them; Japanese read as GB18030 is not: the
    Shift-JIS lead bytes below 0xA1 land on GBK's rare extension characters."""
    wide = _WIDE.findall(text)
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
