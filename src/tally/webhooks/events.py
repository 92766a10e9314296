"""The events a hook can receive.

The functions that emit them are in tally.webhooks.emit.
"""

from __future__ import annotations

JOB_COMPLETED = "job.completed"
JOB_FAILED = "job.failed"
PERIOD_SIGNED_OFF = "period.signed_off"
EXCEPTIONS_THRESHOLD_EXCEEDED = "exceptions.threshold_exceeded"
TEST_EVENT = "webhook.test"

EVENTS = (JOB_COMPLETED, JOB_FAILED, PERIOD_SIGNED_OFF, EXCEPTIONS_THRESHOLD_EXCEEDED)
"""What a hook may subscribe to (the test event goes only where it is asked for)."""
