"""Period sign-off: the reconciliation statement as of a date, signing it off, reopening it."""
