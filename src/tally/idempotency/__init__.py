"""Idempotent writes: a POST sent again with the same Idempotency-Key gets its first answer."""
