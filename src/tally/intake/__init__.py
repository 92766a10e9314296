"""Statement intake: inboxes (folders, SFTP drops, object stores) polled for new files, each
appended once to its data source and followed by the reconciliation of the source's pair."""
