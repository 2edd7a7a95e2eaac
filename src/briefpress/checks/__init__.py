"""briefpress.checks."""
