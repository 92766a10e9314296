"""Shared infrastructure. Nothing here imports a feature package."""
