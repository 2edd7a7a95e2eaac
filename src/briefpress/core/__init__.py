"""briefpress.core."""
