"""Real exports from shared/bank-samples (read in place, never copied: see its MANIFEST.md)."""

from datetime import date
from pathlib import Path

import pytest

from tally.ingest.formats import parse_camt053, parse_ofx, parse_statement

from .helpers import SAMPLES, balance_checks, issues, rows, statements

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="shared/bank-samples is not beside the repository"
)


def parse_sample(parser, name: str):  # type: ignore[no-untyped-def]
    path: Path = SAMPLES / name
    with path.open("rb") as stream:
        return list(parser(stream))


def test_camt053_raiffeisen_davider80() -> None:
    batches = parse_sample(parse_camt053, "kedder__ofxstatement-iso20022__davider80.xml")
    [statement] = statements(batches)
    assert statement.statement_id == "STM-C053-170412091216-01"
    assert statement.account_id == "CHxxxxxxxxxxxxxxxxxxx"
    assert statement.currency == "CHF"
    assert (statement.opening_balance, statement.closing_balance) == (94_333_100, 57_534_600)
    assert (statement.from_date, statement.to_date) == (date(2017, 4, 1), date(2017, 4, 11))
    assert statement.entry_count == 16
    records = rows(batches)
    first = records[0]
    assert first["amount"] == -9_053_000  # 905.3 DBIT
    assert first["booking_date"] == date(2017, 4, 1)  # "2017-04-01+02:00"
    assert first["value_date"] == date(2017, 4, 3)
    assert first["transaction_id"] == "210564431020000000024556150000"
    assert first["description"] == "Sistema di addebitamento diretto xxxxxxxxxxxxxxxxxxxxxx AG"
    assert records[1]["description"] == (
        "Acquisto MIGROS M ARBEDO-CAST 31.03.2017/13:30 / N. carta Maestro xxxxxxxx"
    )
    [check] = balance_checks(batches)
    assert (check.status, check.entries_sum) == ("balanced", -36_798_500)
    assert issues(batches) == []


def test_ofx_sgml_latin1_interac() -> None:
    batches = parse_sample(parse_ofx, "egh__ledger-autosync__accented_characters_latin1.ofx")
    [record] = rows(batches)
    assert record["counterparty"] == "Virement Interac à: Jean"  # byte 0xE0 under CHARSET:1252
    assert (record["amount"], record["transaction_id"]) == (-587_300, "201409206")
    assert record["booking_date"] == date(2014, 9, 20)
    [statement] = statements(batches)
    assert (statement.account_id, statement.closing_balance) == ("1452687~7", 1_009_900)


def test_ofx_sgml_bank_medium() -> None:
    batches = parse_sample(parse_ofx, "jseutter__ofxparse__bank_medium.ofx")
    [statement] = statements(batches)
    assert (statement.account_id, statement.bank_id) == ("12300 000012345678", "160000100")
    assert (statement.currency, statement.closing_balance) == ("CAD", 3_823_400)
    assert statement.available_balance == 6_823_400
    records = rows(batches)
    assert [r["amount"] for r in records] == [-66_000, -3_166_700, -220_000]
    assert records[1]["counterparty"] == "Joe's Bald Hairstyles"
    assert records[1]["reference"] is None  # CHECKNUM 0
    assert records[0]["booking_date"] == date(2009, 4, 1)  # "20090401122017.000[-5:EST]"
    assert records[0]["transaction_id"] == "0000123456782009040100001"


def test_ofx_xml_suncorp() -> None:
    batches = parse_sample(parse_statement, "jseutter__ofxparse__suncorp.ofx")
    [record] = rows(batches)
    assert record["counterparty"] == "EFTPOS WDL HANDYWAY ALDI STORE"
    assert record["description"] == "EFTPOS WDL HANDYWAY ALDI STORE   GEELONG WEST VICAU"
    assert (record["amount"], record["currency"]) == (-168_500, "AUD")
    [statement] = statements(batches)
    assert statement.closing_balance == 12_341_200
