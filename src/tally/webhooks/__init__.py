"""Webhooks: a project's events POSTed, signed, to endpoints it registers; retried with back-off."""
