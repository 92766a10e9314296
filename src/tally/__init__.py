"""Tally: reconcile two record sets and prove that they tally."""

__version__ = "0.1.0"
