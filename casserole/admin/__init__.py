"""Admin pages: the audit trail (read-only)."""
