"""briefpress.pdf."""
