from __future__ import annotations

import pyarrow as pa
import pytest

from tally.ingest.safety import escape_formula, formula_like_mask, is_formula_like


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ("=SUM(A1:A9)", True),
        ("=1+1", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ("@SUM(1)", True),
        ("\t=1", True),
        ("\rfoo", True),
        ("-12.50", False),
        ("+50,00", False),
        ("- $12.01", False),
        ("+ £1,100.00", False),
        ("-1.234,56", False),
        ("12-50", False),
        ("hello", False),
        ("", False),
        ("'99-88-74", False),
    ],
)
def test_is_formula_like(value: str, flagged: bool) -> None:
    assert is_formula_like(value) is flagged
    assert formula_like_mask(pa.array([value])).to_pylist() == [flagged]
    assert escape_formula(value) == ("'" + value if flagged else value)
