"""Balance and total lines written in a table's own columns: statement furniture, not entries.

Banks print the opening and closing balance as rows of the entries' table (Volksbank's
'Anfangssaldo' / 'Endsaldo' with a date, an amount and an S/H indicator), and reports put a
subtotal after each group ('Subtotal March 2024', SAP's '*' and '**' lines) with amounts and no
date. Such a row reads like an entry in every mapped column; what gives it away is its only text:
a balance or total label, with nothing else written beside it (an entry names a counterparty,
a purpose or a reference). The labels are matched whole, so 'Saldo Ausgleich Konto 4711' or
'TOTAL OIL STATION 12' stay entries.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tally.ingest.arrays import filled_mask

# What may follow a label: a colon, or 'as of <date>' / 'per <date>' in a few languages.
_TAIL = r"(?:\s*[:.]?\s*|\s+(?:as of|as at|per|au|am|zum|vom|al|del|du|на)\s.*)$"
BALANCE_LABEL = (
    r"^(?:anfangssaldo|endsaldo|alter saldo|neuer saldo|opening balance|closing balance|"
    r"beginning balance|ending balance|balance brought forward|balance carried forward|"
    r"brought forward|carried forward|saldo anterior|saldo inicial|saldo final|saldo iniziale|"
    r"saldo finale|saldo precedente|solde initial|solde final|solde précédent|solde precedent|"
    r"solde d'ouverture|solde de clôture|beginsaldo|eindsaldo|startsaldo|slutsaldo|"
    r"ingående saldo|utgående saldo|начальный остаток|конечный остаток|входящий остаток|"
    r"исходящий остаток|期初余额|期末余额|前日残高|繰越残高)" + _TAIL
)
# A total's label may name what it totals ('Total for Checking', 'Subtotal March 2024').
TOTAL_LABEL = (
    r"^(?:\*+|(?:sub ?total|subtotals?|totals?|grand total|totale|totales|summe|zwischensumme|"
    r"gesamtsumme|gesamt|suma|somme|totaal|subtotaal|итого|всего|合计|合計|小計|小计)"
    r"(?:[\s:].*)?)$"
)


def labelled_rows(texts: Iterable[pa.Array], label: str, count: int) -> np.ndarray:
    """Rows where one of ``texts`` (the columns mapped to no date, amount, currency or
    indicator) holds a label matching ``label`` and no other of them holds a word (numbers,
    such as a balance beside a total, are no words)."""
    labels = np.zeros(count, dtype=bool)
    worded = np.zeros(count, dtype=bool)
    for values in texts:
        lower = pc.utf8_lower(values)
        matched = np.asarray(pc.fill_null(pc.match_substring_regex(lower, label), False))
        letters = np.asarray(pc.fill_null(pc.match_substring_regex(lower, r"\pL"), False))
        matched &= filled_mask(values)
        labels |= matched
        worded |= letters & ~matched
    return labels & ~worded
