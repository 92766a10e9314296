"""Invitations: how an address joins a project without the answer saying who has an account."""
