"""Reconciliation jobs: queued, run in the background, observable and cancellable."""
