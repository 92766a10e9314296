"""The tamper-evident audit trail: verifying each project's hash chain of audit events."""
