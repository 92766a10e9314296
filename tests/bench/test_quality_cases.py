"""The quality benchmark's generated cases are what they claim: files read through upload detection
with nothing given, whose truth names real rows, in every variant (bench/quality)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import polars as pl
import pytest
from bench.quality.generators import GENERATORS, generate
from bench.quality.knowledge import KNOWLEDGE
from bench.quality.load import load_case
from bench.quality.scoring import score
from bench.quality.tokens import SHAPES

# A statement's running balance moves on past a row exported twice: the one value its copy does
# not repeat (insurance_br's Saldo).
RUNNING_BALANCE = {"Saldo"}


def _without_balance(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop("id").with_columns(
        pl.col("extra").map_elements(
            lambda text: json.dumps(
                {k: v for k, v in json.loads(text).items() if k not in RUNNING_BALANCE}
            ),
            return_dtype=pl.String,
        )
    )


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_a_generated_case_loads_with_nothing_given_and_its_truth_names_real_rows(
    name: str, tmp_path: Path
) -> None:
    case = generate(name, 300, seed=5, directory=tmp_path / name)
    loaded = load_case(case)
    for side in (loaded.left, loaded.right):
        # The amount in one column, or credits and debits in two (a Swiss bank's export).
        assert "amount" in side.mapping or {"credit", "debit"} <= set(side.mapping)
        assert "booking_date" in side.mapping
        assert side.frame["amount"].null_count() == 0
        assert side.frame["booking_date"].null_count() == 0
    truth = loaded.truth
    assert truth.height >= 250
    assert truth.join(loaded.left.frame, left_on="left_id", right_on="id", how="anti").is_empty()
    assert truth.join(loaded.right.frame, left_on="right_id", right_on="id", how="anti").is_empty()
    # A copy exported twice carries exactly its original's values.
    for side, frame in (("left", loaded.left.frame), ("right", loaded.right.frame)):
        twins = loaded.twins.filter(pl.col("side") == side)
        for copy_id, original_id in twins.select("id", "copy_of_id").iter_rows():
            copy = _without_balance(frame.filter(pl.col("id") == copy_id))
            original = _without_balance(frame.filter(pl.col("id") == original_id))
            assert copy.equals(original)


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first = generate("bank_ledger_de", 200, seed=3, directory=tmp_path / "a")
    again = generate("bank_ledger_de", 200, seed=3, directory=tmp_path / "b")
    for a, b in ((first.left, again.left), (first.right, again.right)):
        assert a.read_bytes() == b.read_bytes()
    assert first.truth_path.read_bytes() == again.truth_path.read_bytes()


def test_the_german_bank_file_is_written_as_german_banks_write_it(tmp_path: Path) -> None:
    case = generate("bank_ledger_de", 300, seed=5, directory=tmp_path)
    raw = case.right.read_bytes()
    header = raw.split(b"\n", 1)[0].decode("cp1252")
    assert header.startswith("Buchungstag;Valuta;") and "Währung" in header
    assert b"\xfc" in raw or b"\xe4" in raw or b"\xf6" in raw  # cp1252 umlauts, not UTF-8
    assert any(line.count(b",") and line.count(b".") for line in raw.splitlines()[1:50])


def test_scoring_counts_a_copy_as_the_row_it_copies(tmp_path: Path) -> None:
    loaded = load_case(generate("bank_ledger_nl", 300, seed=5, directory=tmp_path))
    twins = loaded.twins.filter(pl.col("side") == "right")
    truth = loaded.truth
    copied = truth.join(twins, left_on="right_id", right_on="copy_of_id")
    assert copied.height
    # Predict exactly the truth, but through the copies where there are copies.
    through_copies = truth.join(
        twins.select(pl.col("copy_of_id").alias("right_id"), pl.col("id").alias("copy")),
        on="right_id",
        how="left",
    ).select("left_id", pl.coalesce("copy", "right_id").alias("right_id"))
    result = score(loaded, through_copies)
    assert (result.precision, result.recall) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("bank_ledger_de", "prefix"),
        ("bank_ledger_fr", "slash"),
        ("bank_ledger_nl", "digits"),
        ("bank_ledger_gb", "suffix"),
    ],
)
@pytest.mark.parametrize("seq", [5, 123_456, 950_000, 2_500_000])
def test_the_hand_rules_read_a_number_past_six_digits_whole(
    name: str, shape: str, seq: int
) -> None:
    # A 1M case counts past 999,999: a pattern fixed at six digits read INV-1000005 as
    # INV-100000 and blocked its batch with a hundred other invoices.
    knowledge = KNOWLEDGE[name]
    token = SHAPES[shape].make(seq, random.Random(0))
    texts = pl.Series([f"Rechnung {token} vom 01.02.2024", f"{token}"])
    compact = pl.col("t").str.replace_all(r"[-/ ]", "").str.to_uppercase()
    found = (
        texts.to_frame("t")
        .select(
            pl.col("t").str.extract(knowledge.token, 1).alias("t"),
        )
        .select(compact)["t"]
        .to_list()
    )
    plain = re.sub(r"[-/ ]", "", token).upper()
    assert found == [plain, plain]
    prefixes = texts.to_frame("t").select(pl.col("t").str.extract(knowledge.prefix, 1).alias("t"))
    digits = [i for i, c in enumerate(plain) if c.isdigit()]
    expected = plain[: digits[-1]]  # all but the last digit (and the letter after it)
    assert prefixes.select(compact)["t"].to_list() == [expected, expected]
