"""Projects, their members and their stored stats."""
