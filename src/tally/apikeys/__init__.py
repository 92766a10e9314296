"""API keys: named, revocable bearer tokens for programs, limited to a role and a project."""
