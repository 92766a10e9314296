"""Exceptions: open items worked to resolution by people."""
