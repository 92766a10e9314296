"""Formula injection (CSV injection): cells a spreadsheet would execute when the data goes back out.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Google Sheets (OWASP "CSV Injection"). Tally keeps such cells as text, flags
them at preflight, and escapes them on export with a leading apostrophe. Numbers like ``-12.50`` or
``+ $73.01`` start with a sign but are plainly numbers, so they are not flagged.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A signed number, optionally with a currency and grouping: what a sign-prefixed cell may be.
_NUMBER = r"[-+][ ]?(?:[A-Z]{3} ?|[$€£¥])?[0-9][0-9.,' ]*(?: ?(?:[A-Z]{3}|[$€£¥]))?"
_NUMBER_RE = re.compile(_NUMBER)
_PREFIX_RE = r"^[=+\-@\t\r]"


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet would treat the cell as a formula (and it is not just a number)."""
    if not value or not value.startswith(FORMULA_PREFIXES):
        return False
    return _NUMBER_RE.fullmatch(value.rstrip()) is None


def formula_like_mask(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Vectorised ``is_formula_like`` over a string column (nulls are not formulas)."""
    prefixed = pc.match_substring_regex(values, _PREFIX_RE)
    numeric = pc.match_substring_regex(pc.utf8_rtrim_whitespace(values), f"^{_NUMBER}$")
    return pc.fill_null(pc.and_not(prefixed, numeric), False)


def escape_formula(value: str) -> str:
    """Make a cell safe for a spreadsheet: formula-like cells get a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value
