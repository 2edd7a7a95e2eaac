"""briefpress.mail."""
