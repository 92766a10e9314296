"""Versioned rule sets: drafts, backtests against past jobs, and the active version jobs use."""
