"""briefpress.scaffold."""
