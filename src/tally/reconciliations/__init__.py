"""A project's running reconciliation of two growing sources: the state its jobs carry forward."""
