"""Ingestion engine: pure functions from file bytes to validated record batches (no I/O on the DB).

Tabular files (CSV/TSV, optionally gzip, any common encoding; XLSX):

- ``preflight.preflight(head, complete=...)`` / ``xlsx_reader.preflight_xlsx(source)``: detect the
  dialect, header and formats, propose a mapping, and report what the first rows would do
  (``PreflightResult``, whose ``options`` is a ``ParseOptions``).
- ``csv_reader.parse_csv(stream, options)`` / ``xlsx_reader.parse_xlsx(source, options)``: stream
  ``batches.ParsedBatch`` objects (``records`` with exactly ``records.RECORD_SCHEMA``, ``errors``,
  ``skipped``); ``errors.raise_for_errors`` rejects, ``batches.skipped_rows_csv`` serves skipped rows.
- ``safety.is_formula_like`` / ``escape_formula``: CSV-injection checks for export.

Bank statement formats (OFX, CAMT, MT940, BAI2) live in ``formats``. Submodules are imported
explicitly; this package module stays empty so importing ``records`` stays cheap.
"""
