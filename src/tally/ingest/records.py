"""The record contract between the ingestion engine and the rest of Tally.

Every parser (CSV, XLSX, OFX, CAMT, MT940, BAI2) yields ``pyarrow.RecordBatch`` objects with exactly
``RECORD_SCHEMA``. The sources feature loads those batches into the ``record`` table unchanged
(COPY on PostgreSQL, executemany on SQLite), so the schema here and the table's columns agree.
"""

from __future__ import annotations

import pyarrow as pa

# amount: integer units of 1/10,000 (see tally.money); never a float.
RECORD_SCHEMA = pa.schema(
    [
        pa.field("row_number", pa.int64(), nullable=False),  # 1-based data row (or entry) number
        pa.field("reference", pa.string()),
        pa.field("booking_date", pa.date32()),
        pa.field("value_date", pa.date32()),
        pa.field("amount", pa.int64(), nullable=False),
        pa.field("currency", pa.string()),
        pa.field("description", pa.string()),
        pa.field("counterparty", pa.string()),
        pa.field("counterparty_account", pa.string()),
        pa.field("transaction_id", pa.string()),  # the format's own id: FITID, AcctSvcrRef, ...
        # FNV-1a of the normalised content (tally.ingest.identity): with transaction_id, the row's
        # identity for duplicate-safe re-imports.
        pa.field("row_hash", pa.int64(), nullable=False),
        pa.field("extra", pa.string()),  # JSON object of unmapped columns, or null
    ]
)

RECORD_COLUMNS: tuple[str, ...] = tuple(RECORD_SCHEMA.names)

# The fields a user maps file columns onto (row_number, row_hash and extra are derived).
MAPPABLE_FIELDS: tuple[str, ...] = (
    "reference",
    "booking_date",
    "value_date",
    "amount",
    "debit",
    "credit",
    "direction",  # a debit/credit marker column (C/D, Af/Bij, Soll/Haben) signing an unsigned amount
    "currency",
    "description",
    "counterparty",
    "counterparty_account",
    "transaction_id",
)
