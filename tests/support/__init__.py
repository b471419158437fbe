"""Shared test helpers (builders, logins, requirements); test modules import these, never each other."""
