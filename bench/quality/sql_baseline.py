"""The SQL an analyst writes in an afternoon, in DuckDB, over the same loaded records.

Per family: a reference pulled out of the free text by a regex and joined, a fee tolerance, sums
by reference for instalments and batches, then counterparty + amount + a date window for what has
no reference. Each step keeps only pairs unique on both sides among what earlier steps left (an
analyst drops the ambiguous ones), so the result is a set of pairs like Tally's auto matches.
"""

from __future__ import annotations

import duckdb
import polars as pl

from bench.quality.knowledge import Knowledge, field_of
from bench.quality.load import LoadedCase, LoadedSide

FEE_UNITS = 150_000  # 15.00 in Tally's units of 1/10,000
NAME_PREFIX = 6  # an analyst compares the first letters of the normalised name


def _column(side: LoadedSide, column: str | None, alias: str) -> pl.Expr:
    if column is None:
        return pl.lit(None, pl.String).alias(alias)
    name = field_of(side, column)
    if name.startswith("extra."):
        key = name[len("extra.") :]
        return pl.col("extra").str.json_path_match(f"$['{key}']").alias(alias)
    return pl.col(name).alias(alias)


def sql_pairs(loaded: LoadedCase, k: Knowledge) -> pl.DataFrame:
    """Pairs (left_id, right_id) the analyst's queries accept."""
    left = loaded.left.frame.select(
        "id",
        "amount",
        pl.col("booking_date").alias("d"),
        _column(loaded.left, k.left_key, "ref_raw"),
        _column(loaded.left, k.left_party, "party"),
        _column(loaded.left, k.left_document, "doc"),
    )
    right = loaded.right.frame.select(
        "id",
        "amount",
        pl.col("booking_date").alias("d"),
        _column(loaded.right, k.right_text, "text"),
        _column(loaded.right, k.right_party, "party"),
    )
    db = duckdb.connect()
    db.register("l_raw", left.to_arrow())
    db.register("r_raw", right.to_arrow())
    sign = "-1" if k.sign == "opposite" else "1"
    token = k.token.replace("(?P<ref>", "(").replace("'", "''")
    db.execute(
        f"""
        CREATE TABLE l AS SELECT id, amount, d,
            upper(regexp_replace(ref_raw, '[^A-Za-z0-9]', '', 'g')) AS ref,
            upper(regexp_replace(party, '[^A-Za-z]', '', 'g'))[1:{NAME_PREFIX}] AS party, doc
          FROM l_raw;
        CREATE TABLE r AS SELECT id, {sign} * amount AS amount, d, text,
            upper(regexp_replace(party, '[^A-Za-z]', '', 'g'))[1:{NAME_PREFIX}] AS party
          FROM r_raw;
        CREATE TABLE r_ref AS SELECT id, amount, d,
            upper(regexp_replace(unnest(regexp_extract_all(text, '{token}', 1)),
                                 '[^A-Za-z0-9]', '', 'g')) AS ref
          FROM r;
        CREATE TABLE pairs (lid BIGINT, rid BIGINT);
        """
    )

    def accept_unique(candidates: str) -> None:
        """Add the candidate pairs whose two records are each in exactly one candidate."""
        db.execute(
            f"""
            INSERT INTO pairs
            WITH c AS (SELECT DISTINCT lid, rid FROM ({candidates})
                       WHERE lid NOT IN (SELECT lid FROM pairs)
                         AND rid NOT IN (SELECT rid FROM pairs)),
                 u AS (SELECT lid, rid, count(*) OVER (PARTITION BY lid) AS nl,
                              count(*) OVER (PARTITION BY rid) AS nr FROM c)
            SELECT lid, rid FROM u WHERE nl = 1 AND nr = 1
            """
        )

    def accept_groups(candidates: str) -> None:
        """Add every pair of groups (one record against several) that balance as a whole."""
        db.execute(
            f"""
            INSERT INTO pairs
            SELECT DISTINCT lid, rid FROM ({candidates})
            WHERE lid NOT IN (SELECT lid FROM pairs) AND rid NOT IN (SELECT rid FROM pairs)
            """
        )

    # 1. the reference in the text, amount within a fee (the larger of 15.00 and 2%)
    accept_unique(
        f"""SELECT l.id AS lid, r.id AS rid FROM l JOIN r_ref r ON l.ref = r.ref
            WHERE abs(l.amount - r.amount) <= greatest({FEE_UNITS}, abs(l.amount) * 0.02)"""
    )
    # 2. one left record paid by several right records quoting it (instalments)
    accept_groups(
        """WITH s AS (SELECT ref, sum(amount) AS total FROM r_ref
                      WHERE id NOT IN (SELECT rid FROM pairs) GROUP BY ref HAVING count(*) > 1)
           SELECT l.id AS lid, r.id AS rid FROM l JOIN s ON l.ref = s.ref
           JOIN r_ref r ON r.ref = s.ref
           WHERE l.amount = s.total AND r.id NOT IN (SELECT rid FROM pairs)"""
    )
    # 3. one right record paying several left records it quotes (batches, payouts)
    accept_groups(
        """WITH c AS (SELECT l.id AS lid, r.id AS rid, l.amount AS la, r.amount AS ra
                      FROM l JOIN r_ref r ON l.ref = r.ref
                      WHERE l.id NOT IN (SELECT lid FROM pairs)),
                s AS (SELECT rid, sum(la) AS total, any_value(ra) AS ra FROM c GROUP BY rid)
           SELECT c.lid, c.rid FROM c JOIN s USING (rid)
           WHERE abs(s.total - s.ra) <= greatest("""
        + str(FEE_UNITS)
        + """, abs(s.ra) * 0.1)"""
    )
    if k.left_document:
        doc = k.document.replace("(?P<ref>", "(").replace("'", "''")
        accept_unique(
            f"""SELECT l.id AS lid, r.id AS rid FROM l JOIN r
                ON l.doc = regexp_extract(r.text, '{doc}', 1)
                WHERE abs(l.amount - r.amount) <= greatest({FEE_UNITS}, abs(l.amount) * 0.03)"""
        )
    # 4. no reference: counterparty + exact amount + 30 days
    accept_unique(
        """SELECT l.id AS lid, r.id AS rid FROM l JOIN r
           ON l.amount = r.amount AND l.party = r.party
           WHERE abs(date_diff('day', l.d, r.d)) <= 30 AND l.party <> ''"""
    )
    rows = db.execute("SELECT lid, rid FROM pairs").fetchall()
    db.close()
    return pl.DataFrame(rows, schema={"left_id": pl.Int64, "right_id": pl.Int64}, orient="row")
