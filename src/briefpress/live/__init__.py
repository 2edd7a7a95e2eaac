"""briefpress.live."""
