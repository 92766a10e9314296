"""Streaming CAMT.053 parse benchmark: time, rows/s and peak RSS at growing file sizes.

    .venv/bin/python bench/formats/bench_camt.py                      # 1,000,000 entries
    .venv/bin/python bench/formats/bench_camt.py --entries 100000 1000000

For each size a CAMT.053 file is written to a temporary directory (realistic entries: references,
bank transaction code, ``TxDtls`` with related parties, IBANs and remittance text; every tenth entry
a batch of three details), then parsed in a fresh child process so its peak RSS is the parser's
own. The child consumes each batch the way an import task would (sums the amounts and drops it) and
samples RSS at every batch: flat RSS from the first 10% of the file to the end shows memory does
not grow with the file. Target: peak RSS < 300 MB at 1M entries. CPU seconds are reported next to
wall seconds because a shared machine inflates the latter.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENTRY = (
    '<Ntry><NtryRef>{n}</NtryRef><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
    "<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-{month:02d}-{day:02d}</Dt></BookgDt>"
    "<ValDt><Dt>2024-{month:02d}-{day:02d}</Dt></ValDt><AcctSvcrRef>ASR{n:012d}</AcctSvcrRef>"
    "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>"
    "</BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>\n"
)
DETAIL = (
    "<TxDtls><Refs><EndToEndId>E2E-{n}-{k}</EndToEndId><MndtId>M-{n}</MndtId></Refs>"
    '<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
    "<RltdPties><Dbtr><Pty><Nm>Customer {n} GmbH</Nm></Pty></Dbtr><DbtrAcct><Id>"
    "<IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><Cdtr><Pty><Nm>Tally Test AG</Nm></Pty>"
    "</Cdtr><CdtrAcct><Id><IBAN>DE44500105175407324931</IBAN></Id></CdtrAcct></RltdPties>"
    "<RmtInf><Ustrd>Invoice {n}-{k} payment for services rendered</Ustrd></RmtInf></TxDtls>"
)


def _cents(n: int) -> int:
    return (n * 7919) % 500_000 + 1


# message -> (namespace message, root element, statement container)
MESSAGES = {
    "camt.053": ("camt.053.001.08", "BkToCstmrStmt", "Stmt"),
    "camt.052": ("camt.052.001.08", "BkToCstmrAcctRpt", "Rpt"),
    "camt.054": ("camt.054.001.08", "BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}


def write_camt(path: Path, entries: int, message: str = "camt.053") -> tuple[int, int]:
    """Write a balanced CAMT.053 (or the same entries as a CAMT.052 report or CAMT.054
    notification) with ``entries`` Ntry; return (records expected, net cents)."""
    namespace, root, container = MESSAGES[message]
    net = 0
    records = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{namespace}"><{root}>'
            "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2024-12-31T00:00:00</CreDtTm></GrpHdr>"
            f"<{container}><Id>BENCH-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id>"
            "<Ccy>EUR</Ccy></Acct>"
        )
        for n in range(entries):
            net += _cents(n) if n % 3 else -_cents(n)
        closing = 1_000_000 + net
        # A notification carries no balances.
        balances = () if message == "camt.054" else (("OPBD", 1_000_000), ("CLBD", closing))
        for code, cents in balances:
            out.write(
                f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
                f'<Amt Ccy="EUR">{abs(cents) // 100}.{abs(cents) % 100:02d}</Amt>'
                f"<CdtDbtInd>{'CRDT' if cents >= 0 else 'DBIT'}</CdtDbtInd>"
                "<Dt><Dt>2024-12-31</Dt></Dt></Bal>"
            )
        chunk: list[str] = []
        for n in range(entries):
            cents = _cents(n)
            sign = "CRDT" if n % 3 else "DBIT"
            parts = 3 if n % 10 == 0 else 1
            shares = [cents // parts] * (parts - 1)
            shares.append(cents - sum(shares))
            details = "".join(
                DETAIL.format(n=n, k=k, amount=f"{share // 100}.{share % 100:02d}", sign=sign)
                for k, share in enumerate(shares)
            )
            records += parts
            chunk.append(
                ENTRY.format(
                    n=n,
                    amount=f"{cents // 100}.{cents % 100:02d}",
                    sign=sign,
                    month=n % 12 + 1,
                    day=n % 28 + 1,
                    details=details,
                )
            )
            if len(chunk) == 10_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
        out.write(f"</{container}></{root}></Document>\n")
    return records, net


def write_mt940(path: Path, entries: int) -> tuple[int, int]:
    """Write a balanced MT940 with ``entries`` :61:/:86: pairs in the German structured form
    (``?NN`` sub-fields, SEPA ``EREF+``/``SVWZ+`` keys, counterparty IBAN and name) most banks
    send; return (records expected, net cents). Amounts and dates follow write_camt's."""
    net = sum(_cents(n) if n % 3 else -_cents(n) for n in range(entries))
    opening, closing = 1_000_000, 1_000_000 + net

    def balance(tag: str, cents: int) -> str:
        mark = "C" if cents >= 0 else "D"
        return f":{tag}:{mark}241231EUR{abs(cents) // 100},{abs(cents) % 100:02d}\r\n"

    with path.open("w", encoding="latin-1", newline="") as out:
        out.write(":20:BENCH-1\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n")
        out.write(balance("60F", opening))
        chunk: list[str] = []
        for n in range(entries):
            cents = _cents(n)
            mark = "C" if n % 3 else "D"
            day = f"{n % 12 + 1:02d}{n % 28 + 1:02d}"
            info = (
                f"166?00GUTSCHRIFT?20EREF+E2E-{n}-0?21SVWZ+Invoice {n}-0 payment for ?22services "
                f"rendered?30COBADEFFXXX?31DE89370400440532013000?32Customer {n} GmbH"
            )
            lines = [
                f":61:24{day}{day}{mark}{cents // 100},{cents % 100:02d}NTRFM-{n}//ASR{n:012d}",
                *(
                    (":86:" if i == 0 else "") + info[i : i + (61 if i == 0 else 65)]
                    for i in _wraps(len(info))
                ),
            ]
            chunk.append("\r\n".join(lines) + "\r\n")
            if len(chunk) == 10_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
        out.write(balance("62F", closing) + "-\r\n")
    return entries, net


def _wraps(length: int) -> list[int]:
    """Start offsets of a :86: field's physical lines (61 characters after the tag, then 65)."""
    return [0, *range(61, length, 65)]


def parse_child(path: str) -> None:
    """Runs in the child process: parse, consume, report JSON on stdout."""
    import resource

    import psutil
    import pyarrow.compute as pc

    from tally.ingest.formats import check_balance, parse_camt053

    process = psutil.Process()
    samples: list[tuple[int, int]] = []
    rows = 0
    total = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    with open(path, "rb") as stream:
        for batch in parse_camt053(stream):
            rows += batch.records.num_rows
            total += pc.sum(batch.records["amount"]).as_py() or 0
            samples.append((rows, process.memory_info().rss))
            if batch.complete:
                check = check_balance(batch.statement, total)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tenth = next((rss for seen, rss in samples if seen >= rows // 10), samples[0][1])
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "peak_rss_mb": peak_kib / 1024,
                "rss_at_10pct_mb": tenth / 2**20,
                "rss_at_end_mb": samples[-1][1] / 2**20,
                "balanced": check.balanced,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--parse", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse:
        parse_child(args.parse)
        return
    print(
        f"{'entries':>9} {'records':>9} {'file MB':>8} {'gen s':>6} {'parse s':>8} {'cpu s':>6} "
        f"{'rows/s':>8} {'rows/cpu-s':>10} {'peak RSS MB':>11} {'RSS@10% MB':>10} "
        f"{'RSS@end MB':>10} balanced"
    )
    with tempfile.TemporaryDirectory(prefix="bench-camt-") as tmp:
        for entries in args.entries:
            path = Path(tmp) / f"camt053_{entries}.xml"
            started = time.perf_counter()
            records, _ = write_camt(path, entries)
            generated = time.perf_counter() - started
            child = subprocess.run(
                [sys.executable, __file__, "--parse", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(child.stdout)
            assert result["rows"] == records, (result["rows"], records)
            print(
                f"{entries:>9,} {records:>9,} {path.stat().st_size / 2**20:>8.0f} "
                f"{generated:>6.1f} {result['seconds']:>8.1f} {result['cpu_seconds']:>6.1f} "
                f"{result['rows'] / result['seconds']:>8,.0f} "
                f"{result['rows'] / result['cpu_seconds']:>10,.0f} {result['peak_rss_mb']:>11.0f} "
                f"{result['rss_at_10pct_mb']:>10.0f} {result['rss_at_end_mb']:>10.0f} "
                f"{result['balanced']}",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
