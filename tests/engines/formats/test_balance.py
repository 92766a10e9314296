import pytest

from tally.ingest.formats import Statement, check_balance


def statement(**fields: object) -> Statement:
    return Statement(format="mt940", index=0, statement_id="S", **fields)  # type: ignore[arg-type]


def test_balanced_statement() -> None:
    check = check_balance(statement(opening_balance=10_000, closing_balance=7_500), -2_500)
    assert check.balanced
    assert (check.basis, check.expected_movement, check.difference) == ("balances", -2_500, 0)


@pytest.mark.parametrize(
    ("entries_sum", "difference"),
    [(-2_499, -1), (-2_501, 1), (0, -2_500)],
)
def test_unbalanced_statement_reports_the_exact_difference(
    entries_sum: int, difference: int
) -> None:
    check = check_balance(statement(opening_balance=10_000, closing_balance=7_500), entries_sum)
    assert (check.status, check.difference, check.entries_sum) == (
        "unbalanced",
        difference,
        entries_sum,
    )
    assert not check.balanced


def test_exact_with_amounts_beyond_float_precision() -> None:
    opening = 9_007_199_254_740_993  # 2**53 + 1: a float would lose the last unit
    check = check_balance(statement(opening_balance=opening, closing_balance=opening + 1), 1)
    assert check.balanced


def test_declared_net_is_the_fallback_basis() -> None:
    check = check_balance(statement(declared_net=500), 400)
    assert (check.basis, check.status, check.difference) == ("declared_net", "unbalanced", 100)


def test_without_balances_the_check_is_unverifiable() -> None:
    check = check_balance(statement(closing_balance=100), 100)  # OFX: no opening balance
    assert (check.basis, check.status, check.difference) == ("none", "unverifiable", None)
