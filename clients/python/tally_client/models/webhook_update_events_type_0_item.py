from enum import StrEnum


class WebhookUpdateEventsType0Item(StrEnum):
    EXCEPTIONS_THRESHOLD_EXCEEDED = "exceptions.threshold_exceeded"
    JOB_COMPLETED = "job.completed"
    JOB_FAILED = "job.failed"
    PERIOD_SIGNED_OFF = "period.signed_off"

    def __str__(self) -> str:
        return str(self.value)
