"""Ingestion engine: pure functions from file bytes to validated record batches (no I/O on the DB)."""
