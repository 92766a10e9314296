"""Alembic migrations, shipped inside the package so `tally db upgrade` works from an install."""
