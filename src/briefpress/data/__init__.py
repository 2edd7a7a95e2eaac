"""briefpress.data."""
