"""Shared plumbing: configuration, database, errors, messages, security."""
