"""An insurer's premium ledger against its bank statement: composite keys quoted in parts.

Written, like :mod:`bench.quality.marketplace`, to check that rule inference generalises; no rule
or parameter of inference names it. Its shape differs from every other generator: the ledger's
key is a composite policy number (``PL-2025-004512``: a prefix, the year, a zero-padded
sequence), and the bank quotes it two ways: without punctuation in the free text
(``2025004512``), or only its sequence part, without the year or the leading zeros, in a column
of its own (``Documento``: ``4512``).

The left file is a Brazilian insurer's premium ledger (UTF-8, ``,``, ISO dates, ``1234.56``):
one row per policy with the premium due. The right file is its bank statement (latin-1, ``;``,
``DD/MM/YYYY``, ``1.234,56``, a running balance column): one row per credit or debit.

- ``exact``: a PIX transfer of the premium naming the payer and the policy number.
- ``doc_fee``: a boleto paid, the policy's sequence alone in ``Documento``, a fixed 1.90 fee
  deducted, the payer's name cut to 18 characters.
- ``instalment``: the premium in 2-3 PIX transfers 30 days apart quoting the policy number.
- ``name_only``: a TED transfer naming only the payer.
- ``ref_only``: a deposit quoting only the policy number; a fifth of them exported twice.

Rows that must stay unmatched: unpaid policies, the bank's service fees, supplier payments
(with a document number of their own) and PIX credits from the insured for something else.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from pathlib import Path

from bench.quality.case import Case, CaseWriter, SideWriter

FIRST = [
    "João", "Maria", "José", "Ana", "Luís", "Fernanda", "Carlos", "Beatriz", "Paulo", "Lúcia",
    "Rafael", "Camila", "Thiago", "Juliana", "Bruno", "Patrícia",
]  # fmt: skip
LAST = [
    "Silva", "Souza", "Oliveira", "Santos", "Pereira", "Lima", "Carvalho", "Ferreira",
    "Rodrigues", "Almeida", "Costa", "Gomes", "Martins", "Araújo", "Barbosa", "Ribeiro",
]  # fmt: skip


def brl(cents: int) -> str:
    """Cents as Brazilian banks write them: ``-1.234,56``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    units, rest = divmod(cents, 100)
    text = f"{units:,}".replace(",", ".")
    return f"{sign}{text},{rest:02d}"


def plain(name: str) -> str:
    """A name as the bank writes it: capitals, no diacritics."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()


class InsurancePremiums:
    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        left = SideWriter(
            "apolices.csv", ["Apolice", "Vencimento", "Segurado", "Premio", "Moeda"], "utf-8", ","
        )
        right = SideWriter(
            "extrato.csv", ["Data", "Historico", "Documento", "Valor", "Saldo"], "latin-1", ";"
        )
        case = CaseWriter(name, left, right)
        start = dt.date(2025, 1, 2)
        span = max(60, n // 30)
        balance = [rng.randint(5_000_000, 9_000_000)]
        people = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}" for _ in range(n)]
        seq = rng.sample(range(1, 999_999), n)

        def bank(day: dt.date, text: str, doc: str, cents: int) -> int:
            balance[0] += cents
            return right.add(day, [day.strftime("%d/%m/%Y"), text, doc, brl(cents), ""])

        for i in range(n):
            year = rng.choice([2024, 2025])
            policy = f"PL-{year}-{seq[i]:06d}"
            due = start + dt.timedelta(days=rng.randrange(span))
            premium = rng.randint(8_000, 450_000)
            person = people[i]
            li = left.add(due, [policy, due.isoformat(), person, f"{premium / 100:.2f}", "BRL"])
            paid = due + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 5, 8]))
            r = rng.random()
            if r < 0.40:
                text = f"PIX RECEBIDO {plain(person)} APOLICE {year}{seq[i]:06d}"
                ri = bank(paid, text, "", premium)
                case.pair(li, ri, "exact")
            elif r < 0.55:
                text = f"BOLETO LIQUIDADO {plain(person)[:18]}"
                ri = bank(paid, text, str(seq[i]), premium - 190)
                case.pair(li, ri, "doc_fee")
            elif r < 0.68:
                parts = rng.choice([2, 3])
                cut = sorted(rng.sample(range(1, premium), parts - 1))
                amounts = [b - a for a, b in zip([0, *cut], [*cut, premium], strict=True)]
                for k, amount in enumerate(amounts):
                    d = paid + dt.timedelta(days=30 * k)
                    text = (
                        f"PIX RECEBIDO {plain(person)} PARC {k + 1}/{parts} APOL {year}{seq[i]:06d}"
                    )
                    ri = bank(d, text, "", amount)
                    case.pair(li, ri, "instalment")
            elif r < 0.78:
                ri = bank(paid, f"TED RECEBIDA {plain(person)}", "", premium)
                case.pair(li, ri, "name_only")
            elif r < 0.88:
                ri = bank(paid, f"DEP {year}{seq[i]:06d}", "", premium)
                case.pair(li, ri, "ref_only")
                if rng.random() < 0.2:
                    right.export_twice(ri)
            # else: unpaid, stays open
        for _ in range(n // 6):
            day = start + dt.timedelta(days=rng.randrange(span))
            kind = rng.random()
            if kind < 0.5:
                bank(day, "TARIFA PACOTE SERVICOS", "", -rng.choice([1990, 2990, 4590]))
            elif kind < 0.8:
                bank(
                    day,
                    f"PAGTO FORNECEDOR {rng.randint(1000, 9999)}",
                    str(rng.randint(10, 99999)),
                    -rng.randint(10_000, 900_000),
                )
            else:
                bank(
                    day, f"PIX RECEBIDO {plain(rng.choice(people))}", "", rng.randint(5_000, 50_000)
                )
        # the running balance, in file order
        order = sorted(range(len(right.rows)), key=lambda j: (right.rows[j].day, j))
        run = 5_000_000
        for j in order:
            cells = right.rows[j].cells
            amount = int(cells[3].replace(".", "").replace(",", ""))
            run += amount
            cells[4] = brl(run)
        return case.write(directory)
