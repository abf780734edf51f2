"""Accounts, roles, login and tokens."""
